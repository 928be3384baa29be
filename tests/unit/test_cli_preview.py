"""Previews never write: ``rapport import deck.apkg --preview`` and ``rapport import
sheet.csv --preview`` leave the data folder exactly as it was (listed before and after:
no deck, no collection, no backup, no log of changes)."""

from __future__ import annotations

from pathlib import Path

import pytest

from rapport.cli import main
from rapport.content import load_deck
from rapport.interop.anki import export_decks
from tests.support.decks import KINDS_DECK, write_deck


def listing(folder: Path) -> list[tuple[str, int]]:
    if not folder.exists():
        return []
    return sorted(
        (str(p.relative_to(folder)), p.stat().st_size if p.is_file() else -1)
        for p in folder.rglob("*")
    )


@pytest.fixture
def data(tmp_path: Path) -> Path:
    """A data folder in use: a deck added and the progress database made."""
    folder = tmp_path / "data"
    assert main(["stats", "--data-dir", str(folder)]) == 0
    return folder


def test_an_anki_package_preview_writes_nothing(
    tmp_path: Path, data: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    deck = load_deck(write_deck(tmp_path / "src", KINDS_DECK, "kinds.toml"))
    package = tmp_path / "kinds.apkg"
    export_decks([deck], package)
    before = listing(data)
    capsys.readouterr()
    assert main(["import", str(package), "--preview", "--data-dir", str(data)]) == 0
    assert listing(data) == before
    out = capsys.readouterr().out
    assert f"preview only, nothing written: would import {len(deck.notes)} notes" in out
    # and the real import does write
    assert main(["import", str(package), "--data-dir", str(data)]) == 0
    assert listing(data) != before


def test_a_spreadsheet_preview_writes_nothing(tmp_path: Path, data: Path) -> None:
    sheet = tmp_path / "w.csv"
    sheet.write_text("Front,Back\nWhat is empathy?,Sensing.\n", encoding="utf-8")
    before = listing(data)
    assert main(["import", str(sheet), "--preview", "--data-dir", str(data)]) == 0
    assert listing(data) == before
