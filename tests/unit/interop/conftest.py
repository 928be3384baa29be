"""Fixtures for export tests: a small deck of every kind, loaded through the real loader.

The deck names ``the-relationship-in-therapy.txt`` as its essay, which resolves to the
shipped resources folder, and its anchors are copied verbatim from the essay.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from rapport.content import Deck, load_deck
from tests.support.decks import EXPORT_HEADER as HEADER
from tests.support.decks import EXPORT_NOTES as NOTES
from tests.support.packages import WriteDeck


@pytest.fixture(autouse=True)
def own_data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Keep ``rapport export``'s record of earlier exports out of the real data folder."""
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    return tmp_path / "xdg" / "rapport"


@pytest.fixture
def write_deck(tmp_path: Path) -> WriteDeck:
    """Write a deck file (the mini deck unless other notes are given); return its path."""
    counter = iter(range(1000))

    def write(notes: str = NOTES, *, header: str = HEADER) -> Path:
        path = tmp_path / "decks" / f"deck{next(counter)}.toml"
        path.parent.mkdir(exist_ok=True)
        path.write_text(header + notes, encoding="utf-8")
        return path

    return write


@pytest.fixture
def mini_deck(write_deck: WriteDeck) -> Deck:
    """The mini deck: a note of every kind, an html note and special characters."""
    return load_deck(write_deck())
