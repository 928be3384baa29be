"""Deck options (O on Home): a preset is made and given to a deck by keys, and the deck's
study follows it."""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from rapport.content import DeckSet
from rapport.study import Collection
from rapport.study.settings import DEFAULT_PRESET
from rapport.ui.deck_options import DeckOptionsDialog
from rapport.ui.home import COL_NEW
from rapport.ui.main_window import MainWindow
from tests.support.clock import Clock


def test_o_on_home_makes_a_preset_and_assigns_it_by_keys(
    qtbot: QtBot, collection: Collection, kinds_decks: DeckSet, clock: Clock
) -> None:
    window = MainWindow(collection, kinds_decks.errors, clock)
    qtbot.addWidget(window)
    window.show()
    seen: list[str] = []

    def drive() -> None:
        dialog = QApplication.activeModalWidget()
        assert isinstance(dialog, DeckOptionsDialog)
        try:
            keys(dialog)
        finally:
            if dialog.isVisible():
                dialog.reject()

    def keys(dialog: DeckOptionsDialog) -> None:
        seen.append(dialog.preset.currentText())
        dialog.new_name.setFocus()
        qtbot.keyClicks(dialog.new_name, "Light")
        qtbot.keyClick(dialog.new_name, Qt.Key.Key_Return)  # adds, does not close
        assert dialog.isVisible() and dialog.preset.currentText() == "Light"
        dialog.fields.new_per_day.setFocus()
        dialog.fields.new_per_day.selectAll()
        qtbot.keyClicks(dialog.fields.new_per_day, "2")
        qtbot.keyClick(dialog.fields.new_per_day, Qt.Key.Key_Return)  # OK

    QTimer.singleShot(0, drive)
    qtbot.keyClick(window.home.tree, Qt.Key.Key_O)
    assert seen == [DEFAULT_PRESET]
    assert collection.preset_names() == [DEFAULT_PRESET, "Light"]
    assert collection.preset_of("kinds") == "Light"
    assert collection.settings_for("kinds").new_per_day == 2
    assert collection.settings.new_per_day == 20  # Default unchanged
    item = window.home.tree.topLevelItem(0)
    assert item is not None and item.text(COL_NEW) == "2"


def test_switching_back_to_default_and_deleting_a_preset(
    qtbot: QtBot, collection: Collection
) -> None:
    collection.save_preset("Light", collection.settings)
    collection.set_deck_preset("kinds", "Light")
    dialog = DeckOptionsDialog(collection, "kinds")
    qtbot.addWidget(dialog)
    assert dialog.preset.currentText() == "Light" and dialog.delete.isEnabled()
    dialog.fields.learning.setText("soon")
    dialog.preset.setCurrentText(DEFAULT_PRESET)  # refused: the steps cannot be read
    assert dialog.preset.currentText() == "Light" and dialog.error.isVisibleTo(dialog)
    dialog.fields.learning.setText("3m")
    dialog.delete.click()
    assert dialog.preset.currentText() == DEFAULT_PRESET and not dialog.delete.isEnabled()
    dialog.accept()
    assert collection.preset_names() == [DEFAULT_PRESET]
    assert collection.preset_of("kinds") == DEFAULT_PRESET
