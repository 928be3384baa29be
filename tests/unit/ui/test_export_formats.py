"""File > Export offers every format the command line writes, by keys: an Anki package,
a spreadsheet (optionally for Excel: BOM and CRLF), a GIFT and a QTI quiz, for the chosen
decks; the options shown follow the format."""

from __future__ import annotations

import zipfile
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from rapport.content import DeckSet
from rapport.interop.anki.progress import study_progress
from rapport.interop.spreadsheet import read_sheet
from rapport.study import Collection
from rapport.ui.export_dialog import FORMATS, ExportDialog

ALT = Qt.KeyboardModifier.AltModifier


def test_every_format_is_exported_by_keys(
    qtbot: QtBot, collection: Collection, kinds_decks: DeckSet, tmp_path: Path
) -> None:
    dialog = ExportDialog(
        kinds_decks.decks,
        tmp_path,
        data_dir=tmp_path / "d",
        study=lambda: study_progress(collection),
    )
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    dialog.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is dialog)
    assert [dialog.format_box.itemData(i) for i in range(dialog.format_box.count())] == [
        f[0] for f in FORMATS
    ]
    written: dict[str, bytes] = {}
    for index, (key, _label, suffix, _filter) in enumerate(FORMATS):
        qtbot.keyClick(dialog, Qt.Key.Key_F, ALT)  # &Format
        assert QApplication.focusWidget() is dialog.format_box
        while dialog.format_box.currentIndex() < index:
            qtbot.keyClick(dialog.format_box, Qt.Key.Key_Down)
        assert dialog.format == key
        assert dialog.path_edit.text().endswith(suffix)
        assert dialog.with_progress.isVisible() == (key == "apkg")
        assert dialog.excel.isVisible() == (key == "csv")
        if key == "csv":
            dialog.excel.setFocus()
            qtbot.keyClick(dialog.excel, Qt.Key.Key_Space)
            assert dialog.excel.isChecked()
        qtbot.keyClick(dialog.export_button, Qt.Key.Key_Return)
        assert dialog.result_path is not None, dialog.status.text()
        assert "Exported" in dialog.status.text(), dialog.status.text()
        written[key] = dialog.result_path.read_bytes()
    assert written["apkg"][:2] == b"PK"
    sheet = written["csv"]
    assert sheet.startswith(b"\xef\xbb\xbf") and b"\r\n" in sheet and b"\r\r" not in sheet
    assert b"\n" not in sheet.replace(b"\r\n", b"")  # every line end is CRLF
    back = read_sheet(tmp_path / "kinds.csv")
    assert back.problems == []
    assert [n["id"] for n in back.decks[0].notes] == [n.id for n in kinds_decks.decks[0].notes]
    assert b"$CATEGORY:" in written["gift"] and b"::choice-one::" in written["gift"]
    with zipfile.ZipFile(tmp_path / "kinds.zip") as package:
        assert "imsmanifest.xml" in package.namelist()


def test_only_the_chosen_decks_are_exported(
    qtbot: QtBot, kinds_decks: DeckSet, shipped_decks: DeckSet, tmp_path: Path
) -> None:
    decks = (*kinds_decks.decks, *shipped_decks.decks)
    dialog = ExportDialog(decks, tmp_path)
    qtbot.addWidget(dialog)
    dialog.set_format("csv")
    dialog.deck_list.item(1).setCheckState(Qt.CheckState.Unchecked)
    dialog.path_edit.setText(str(tmp_path / "one.csv"))
    assert dialog.export()
    sheet = read_sheet(tmp_path / "one.csv")
    assert [d.id for d in sheet.decks] == ["kinds"]
