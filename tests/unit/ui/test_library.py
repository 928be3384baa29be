"""One library of the trainee's decks (rapport.library): after a local change made in the
window, `rapport export` writes the same notes as File > Export, and `rapport stats`
counts the same cards as Home."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QWidget
from pytestqt.qtbot import QtBot

from rapport.cli import main
from rapport.content import DeckSet
from rapport.study import Collection
from rapport.ui.export_dialog import ExportDialog
from rapport.ui.home import COL_DUE, COL_LEARNING, COL_NAME, COL_NEW, DECK_ROLE
from rapport.ui.main_window import MainWindow
from rapport.ui.note_editor import NoteEditor
from tests.support.clock import Clock
from tests.support.packages import guids_and_fields
from tests.support.qt import ModalDriver

CTRL = Qt.KeyboardModifier.ControlModifier
TWO_GAPS = "The alliance is measured by {{c1::goals}} and {{c2::tasks}} (my words)."


def test_cli_export_and_stats_see_what_the_window_shows(
    qtbot: QtBot,
    collection: Collection,
    kinds_decks: DeckSet,
    kinds_dir: Path,
    clock: Clock,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setattr("rapport.paths.decks_dir", lambda: kinds_dir)  # the shipped folder
    window = MainWindow(collection, kinds_decks.errors, clock, deck_dirs=[kinds_dir])
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    window.activateWindow()
    driver = ModalDriver()

    # A local change in the window: the shipped cloze note gets a second gap (a card more).
    window.start_review(["kinds"])
    review = window.review
    qtbot.keyClick(review, Qt.Key.Key_Space)
    qtbot.keyClick(review, Qt.Key.Key_3)
    assert review.card is not None and review.card.note.id == "cloze-one"

    def reword(widget: QWidget) -> None:
        assert isinstance(widget, NoteEditor)
        text = widget.field("text")
        text.setFocus()
        qtbot.keyClick(text, Qt.Key.Key_A, CTRL)
        qtbot.keyClicks(text, TWO_GAPS)
        qtbot.keyClick(text, Qt.Key.Key_Return, CTRL)

    driver.when_modal(reword)
    qtbot.keyClick(review, Qt.Key.Key_E)
    driver.check()
    assert (collection.data_dir / "local-changes.json").exists()
    assert "my words" not in (kinds_dir / "kinds.toml").read_text()

    # File > Export
    in_window = tmp_path / "window.apkg"

    def export(widget: QWidget) -> None:
        assert isinstance(widget, ExportDialog)
        widget.path_edit.setText(str(in_window))
        qtbot.keyClick(widget.path_edit, Qt.Key.Key_Return)
        widget.reject()

    driver.when_modal(export)
    window.activateWindow()  # (the note editor had the keyboard)
    qtbot.waitUntil(window.isActiveWindow)
    qtbot.keyClick(QApplication.focusWidget() or window, Qt.Key.Key_E, CTRL)  # File > Export
    driver.stop()
    driver.check()

    # rapport export and rapport stats, while the window runs
    data = ["--data-dir", str(collection.data_dir)]
    on_command_line = tmp_path / "cli.apkg"
    assert main([*data, "export", "-o", str(on_command_line)]) == 0
    window_notes = guids_and_fields(in_window)
    assert guids_and_fields(on_command_line) == window_notes
    assert any("my words" in "".join(fields) for fields in window_notes.values())

    capsys.readouterr()
    assert main([*data, "stats", "--json"]) == 0
    stats = json.loads(capsys.readouterr().out)
    # Home, as the trainee sees it: each deck's row, its counts and its cards in the tooltip.
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    qtbot.keyClick(QApplication.focusWidget() or window, Qt.Key.Key_Escape)
    assert window.current_view_name() == "home"
    tree = window.home.tree
    rows = []
    for i in range(tree.topLevelItemCount()):
        item = tree.topLevelItem(i)
        assert item is not None
        total = int(item.toolTip(COL_NAME).rsplit(": ", 1)[1].split()[0])
        counts = (item.text(COL_NEW), item.text(COL_LEARNING), item.text(COL_DUE))
        rows.append((item.data(COL_NAME, DECK_ROLE), *map(int, counts), total))
    assert [(d["id"], d["new"], d["learning"], d["due"], d["total"]) for d in stats["decks"]] == (
        rows
    )
    assert rows[0][4] == len(kinds_decks.decks[0].cards()) + 1  # the second gap's card
