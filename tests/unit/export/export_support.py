"""Shared values for export tests: the mini deck's TOML and package readers."""

from __future__ import annotations

import sqlite3
import zipfile
from collections.abc import Callable
from pathlib import Path

HEADER = """
id = "mini-export"
name = "Mini Export"
description = "A small deck for export tests"
essay = "the-relationship-in-therapy.txt"

[paragraphs]
4 = "Research confirms the relationship matters."
5 = "Norcross defined the alliance."
"""

NOTES = """
[[notes]]
id = "alliance-components"
kind = "basic"
concept = "alliance-definition"
tags = ["norcross", "research::alliance"]
source = { paragraph = 5, anchor = "Dr. John Norcross, whom headed up" }
front = "Is a<b and c>d & so on?"
back = "Goals, tasks\\nand a bond."
extra = "Three parts."

[[notes]]
id = "alliance-term"
kind = "reversed"
concept = "alliance-definition"
source = { paragraph = 5, anchor = "outlined this new therapeutic alliance" }
front = "Therapeutic alliance"
back = "The quality and strength of the collaborative relationship."

[[notes]]
id = "alliance-cloze"
kind = "cloze"
concept = "alliance-definition"
source = { paragraph = 5, anchor = "Dr. John Norcross, whom headed up" }
text = "Agreement on {{c1::goals}}, consensus on {{c2::tasks::what is done}}, and a {{c3::bond}}."

[[notes]]
id = "who-headed"
kind = "choice"
concept = "apa-task-force"
scenario = true
source = { paragraph = 5, anchor = "Dr. John Norcross, whom headed up" }
question = "Who headed the APA task force?"
answer = { text = "John Norcross", why = "He headed it & defined the alliance." }
distractors = [
  { text = "Daniel Siegel", why = "Siegel wrote of the coherent narrative." },
  { text = "Robert Firestone", why = "Firestone wrote the book on the inner voice." },
  { text = "Carl Rogers", why = "Rogers is not named in the essay." },
]

[[notes]]
id = "common-factor"
kind = "typed"
concept = "common-factor"
extension = true
source = { paragraph = 4, anchor = "the most important preferred basis" }
prompt = "What do some studies call the relationship?"
answer = "the most important common factor"
accept = ["most important common factor", "common factor"]

[[notes]]
id = "marked-up"
kind = "basic"
concept = "alliance-definition"
html = true
source = { paragraph = 5, anchor = "Dr. John Norcross, whom headed up" }
front = "<b>Bold</b> <script>alert(1)</script><img src=x onerror=alert(2)>"
back = '<a href="javascript:alert(3)">link</a> <i onclick="alert(4)">kept</i>'
"""

WriteDeck = Callable[..., Path]
"""The ``write_deck`` fixture: ``write_deck(notes=NOTES, *, header=HEADER) -> Path``."""


def read_collection(package: Path) -> sqlite3.Connection:
    """The package's ``collection.anki2`` opened in memory (close it when done)."""
    with zipfile.ZipFile(package) as apkg:
        data = apkg.read("collection.anki2")
    conn = sqlite3.connect(":memory:")
    conn.deserialize(data)
    return conn


def guids_and_fields(package: Path) -> dict[str, list[str]]:
    """Every note in the package: its GUID and its field values."""
    conn = read_collection(package)
    try:
        rows = conn.execute("SELECT guid, flds FROM notes").fetchall()
    finally:
        conn.close()
    return {guid: flds.split("\x1f") for guid, flds in rows}
