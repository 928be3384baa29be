"""Every export carries the trainee's own changes to notes of decks not theirs, as the app
shows them: the command line's spreadsheet, quiz and Anki exports (with or without
progress) read the local changes, as File > Export does."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

from rapport.cli import main
from rapport.content import load_decks
from rapport.content.editing.authoring import Authoring
from rapport.paths import user_decks_dir
from tests.support.handout import write_handout

MINE = "Goals, tasks and bond, in my words."


@pytest.fixture
def data(tmp_path: Path) -> Path:
    folder = tmp_path / "data"
    assert main(["add", str(write_handout(tmp_path / "h")), "--data-dir", str(folder)]) == 0
    authoring = Authoring(folder)
    (deck,) = load_decks([user_decks_dir(folder)]).decks
    authoring.apply([deck])
    note = deck.notes[0]
    values: dict[str, object] = {"id": note.id, "kind": "basic", "concept": note.concept}
    values["front"] = "Which three?"
    values |= {"back": MINE, "source": {"anchor": "Dr. John Norcross, whom headed up"}}
    assert authoring.save_note(deck, values, replacing=note.id).local
    return folder


def test_a_spreadsheet_export_carries_my_change(data: Path, tmp_path: Path) -> None:
    out = tmp_path / "mine.csv"
    decks = str(user_decks_dir(data))
    assert main(["export", decks, "--csv", "-o", str(out), "--data-dir", str(data)]) == 0
    assert MINE in out.read_text(encoding="utf-8")


def test_an_anki_export_carries_my_change(data: Path, tmp_path: Path) -> None:
    out = tmp_path / "mine.apkg"
    decks = str(user_decks_dir(data))
    assert main(["export", decks, "-o", str(out), "--data-dir", str(data)]) == 0
    with zipfile.ZipFile(out) as package:
        blob = b"".join(package.read(n) for n in package.namelist())
    assert MINE.encode() in blob
