"""File > Import spreadsheet: columns mapped in a dialog, a preview, bad rows by line,
then a deck of the trainee's own."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from rapport.content import load_deck
from rapport.content.editing.authoring import Authoring
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


def test_an_own_deck_is_replaced_only_when_chosen(qtbot: QtBot, tmp_path: Path) -> None:
    """Issue 20 item 2: the dialog asks replace / add / cancel (Escape cancels), and a
    replaced file is kept in removed-decks."""
    from PySide6.QtCore import QTimer
    from PySide6.QtTest import QTest
    from PySide6.QtWidgets import QApplication, QMessageBox

    authoring = Authoring(tmp_path / "data")
    path = authoring.new_deck("Week 2", [])
    mine = {"id": "mine", "kind": "basic", "concept": "week-2", "front": "Editor's", "back": "Keep"}
    authoring.save_note(load_deck(path), mine)
    sheet = tmp_path / "week 2.csv"
    sheet.write_text("Front one,Back one\n", encoding="utf-8")
    dialog = ImportDialog(sheet, authoring, [load_deck(path)])
    qtbot.addWidget(dialog)
    seen: list[str] = []

    def answer(key: Qt.Key, button: str) -> None:
        box = QApplication.activeModalWidget()
        if not isinstance(box, QMessageBox):
            QTimer.singleShot(10, lambda: answer(key, button))
            return
        seen.append(box.text())
        target = next((b for b in box.buttons() if b.text() == button), box)
        QTest.keyClick(target, key)

    QTimer.singleShot(0, lambda: answer(Qt.Key.Key_Escape, ""))
    qtbot.keyClick(dialog.import_button, Qt.Key.Key_Space)
    assert "You already have 'Week 2'" in seen[0]
    assert [n.id for n in load_deck(path).notes] == ["mine"] and not dialog.written
    QTimer.singleShot(0, lambda: answer(Qt.Key.Key_Space, "&Replace"))
    qtbot.keyClick(dialog.import_button, Qt.Key.Key_Space)
    assert [n.id for n in load_deck(path).notes] == [
        "front"
    ]  # a readable id: "one" is no word of meaning
    (kept,) = (authoring.data_dir / "removed-decks").iterdir()
    assert [n.id for n in load_deck(kept).notes] == ["mine"]
