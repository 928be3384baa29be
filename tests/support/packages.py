"""Readers of exported Anki packages, and the type of the export tests' ``write_deck``."""

from __future__ import annotations

import sqlite3
import zipfile
from collections.abc import Callable
from pathlib import Path

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
