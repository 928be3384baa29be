"""File > Import spreadsheet: columns mapped in a dialog, a preview, bad rows by line,
then a deck of the trainee's own."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from rapport.content import load_deck
from rapport.content.authoring import Authoring
from rapport.ui.import_dialog import ImportDialog


def test_map_a_column_preview_and_import(qtbot: QtBot, tmp_path: Path) -> None:
    sheet = tmp_path / "terms.csv"
    sheet.write_text(
        "Empathy,skills,Understanding the client's world as if it were one's own.\n"
        "Congruence,skills,\n",
        encoding="utf-8",
    )
    authoring = Authoring(tmp_path / "data")
    dialog = ImportDialog(sheet, authoring, [])
    qtbot.addWidget(dialog)
    assert [b.currentData() for b in dialog.column_boxes] == ["", "", ""]
    assert not dialog.import_button.isEnabled()  # "skills" read as the back: row 1 bad
    assert f"{sheet}:1: field 3: a basic note has 2 fields" in dialog.preview.toPlainText()
    tags = dialog.column_boxes[1]
    tags.setFocus()
    tags.setCurrentIndex(tags.findData("tags"))
    assert f"{sheet}:2: back: is empty" in dialog.preview.toPlainText()
    sheet.write_text(sheet.read_text().replace("skills,\n", "skills,Being genuine.\n"))
    dialog.refresh()
    assert "line 1: basic 'empathy'" in dialog.preview.toPlainText()
    assert dialog.import_button.isEnabled()
    qtbot.keyClick(dialog.import_button, Qt.Key.Key_Space)
    deck = load_deck(authoring.own_dir / "terms.toml")
    assert [n.id for n in deck.notes] == ["empathy", "congruence"]
    assert deck.notes[0].tags == ("skills",)
    assert authoring.is_own(deck)


def test_first_row_header_is_detected_and_can_be_turned_off_by_keys(
    qtbot: QtBot, tmp_path: Path
) -> None:
    sheet = tmp_path / "w.csv"
    sheet.write_bytes(b"\xef\xbb\xbfFront,Back\r\nWhat is empathy?,Sensing.\r\n")
    dialog = ImportDialog(sheet, Authoring(tmp_path / "data"), [])
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    assert dialog.sheet is not None and len(dialog.sheet.decks[0].notes) == 1  # detected
    dialog.header_box.setFocus()
    qtbot.keyClick(dialog.header_box, Qt.Key.Key_End)  # "is a note"
    assert dialog.header_box.currentData() == "no"
    assert len(dialog.sheet.decks[0].notes) == 2
    assert "'front'" in dialog.preview.toPlainText()
