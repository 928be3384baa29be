"""Fixtures for deck-file tests: a helper that writes a deck beside a copy of the essay."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from rapport.paths import resources_dir

ESSAY = "the-relationship-in-therapy.txt"

HEADER = f'''
id = "mini"
name = "Mini deck"
description = "A small deck for tests"
essay = "{ESSAY}"

[paragraphs]
4 = "Research confirms the relationship matters."
5 = "Norcross defined the alliance."
'''

GOOD_NOTES = """
[[notes]]
id = "alliance-components"
kind = "basic"
concept = "alliance-definition"
tags = ["norcross", "research::alliance"]
source = { paragraph = 5, anchor = "Dr. John Norcross, whom headed up" }
front = "Which three components is the alliance measured by?"
back = "Goals, tasks and a bond."

[[notes]]
id = "alliance-term"
kind = "reversed"
concept = "alliance-definition"
source = { paragraph = 5, anchor = "outlined this new therapeutic alliance" }
front = "Therapeutic alliance"
back = "The quality and strength of the collaborative relationship between client and therapist."

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
source = { paragraph = 5, anchor = "Dr. John Norcross, whom headed up" }
question = "Who headed the APA task force?"
answer = { text = "John Norcross", why = "He headed it and defined the alliance." }
distractors = [
  { text = "Daniel Siegel", why = "Siegel wrote of the coherent narrative." },
  { text = "Robert Firestone", why = "Firestone wrote the book on the inner voice." },
  { text = "Carl Rogers", why = "Rogers is not named in the essay." },
]

[[notes]]
id = "siegel-term"
kind = "typed"
concept = "common-factor"
source = { paragraph = 4, anchor = "the most important preferred basis" }
prompt = "What do some studies call the relationship among the factors of successful outcome?"
answer = "the most important common factor"
accept = ["most important common factor"]
"""


@pytest.fixture
def write_deck(tmp_path: Path) -> Callable[[str], Path]:
    """Write deck TOML (header included unless the text has its own ``id =``) to a file."""
    shutil.copy(resources_dir() / ESSAY, tmp_path / ESSAY)
    counter = iter(range(1000))

    def write(body: str, *, header: bool = True) -> Path:
        path = tmp_path / f"deck{next(counter)}.toml"
        path.write_text((HEADER if header else "") + body, encoding="utf-8")
        return path

    return write
