"""Deck-file operations by keys (note add, edit and delete, a local change, deck create,
rename and delete), each undone with Ctrl+Z from another view (the files as they were,
byte for byte, and the decks read again) and redone with Ctrl+Shift+Z."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QInputDialog, QLineEdit, QMessageBox, QWidget
from pytestqt.qtbot import QtBot

from rapport.content import DeckSet
from rapport.study import Collection
from rapport.study.ops import capture_files
from rapport.ui.main_window import MainWindow
from rapport.ui.note_editor import NoteEditor
from tests.support.clock import Clock
from tests.support.qt import ModalDriver

CTRL = Qt.KeyboardModifier.ControlModifier
CTRL_SHIFT = CTRL | Qt.KeyboardModifier.ShiftModifier


@pytest.fixture
def window(
    qtbot: QtBot, collection: Collection, kinds_decks: DeckSet, kinds_dir: Path, clock: Clock
) -> Iterator[MainWindow]:
    window = MainWindow(collection, kinds_decks.errors, clock, deck_dirs=[kinds_dir])
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    window.activateWindow()
    yield window


@pytest.fixture
def driver() -> Iterator[ModalDriver]:
    driver = ModalDriver()
    yield driver
    driver.stop()
    driver.check()


def press(qtbot: QtBot, window: MainWindow, key: Qt.Key, mods: Qt.KeyboardModifier) -> None:
    if not window.isActiveWindow():
        window.activateWindow()
        qtbot.waitUntil(window.isActiveWindow)
    qtbot.keyClick(QApplication.focusWidget() or window, key, mods)


def undo_redo_elsewhere(
    qtbot: QtBot, window: MainWindow, name: str, done: Callable[[], bool]
) -> None:
    """Done now; Ctrl+Z in Browse puts the files back byte for byte and the window's decks
    follow; Ctrl+Shift+Z on Home does it again."""
    data_dir = window.collection.data_dir
    assert done() and window.undo_name() == name
    after = capture_files(data_dir)
    window.show_view("browse")
    press(qtbot, window, Qt.Key.Key_Z, CTRL)
    assert not done() and window.redo_name() == name
    window.show_view("home")
    press(qtbot, window, Qt.Key.Key_Z, CTRL_SHIFT)
    assert done() and window.undo_name() == name
    assert capture_files(data_dir) == after


def type_into_input(qtbot: QtBot, text: str) -> Callable[[QWidget], None]:
    def answer(widget: QWidget) -> None:
        assert isinstance(widget, QInputDialog)
        line = widget.findChild(QLineEdit)
        assert line is not None
        line.selectAll()
        qtbot.keyClicks(line, text)
        qtbot.keyClick(line, Qt.Key.Key_Return)

    return answer


def select_deck(window: MainWindow, deck_id: str) -> None:
    """Select deck ``deck_id`` on Home (as the arrow keys would)."""
    from rapport.ui.home import COL_NAME, DECK_ROLE

    tree = window.home.tree
    for i in range(tree.topLevelItemCount()):
        item = tree.topLevelItem(i)
        if item is not None and item.data(COL_NAME, DECK_ROLE) == deck_id:
            tree.setCurrentItem(item)
            return
    raise AssertionError(f"no deck {deck_id} on Home")


def deck_names(window: MainWindow) -> list[str]:
    return [d.name for d in window.collection.decks]


def test_new_rename_and_delete_deck_by_keys_each_undone_and_redone(
    qtbot: QtBot, window: MainWindow, driver: ModalDriver
) -> None:
    driver.when_modal(type_into_input(qtbot, "Week one"))
    window.new_deck()  # (File > New deck, Ctrl+N)
    driver.check()
    undo_redo_elsewhere(qtbot, window, "New deck", lambda: "Week one" in deck_names(window))

    week = next(d.id for d in window.collection.decks if d.name == "Week one")
    select_deck(window, week)
    driver.when_modal(type_into_input(qtbot, "Week 1"))
    window.rename_deck()
    driver.check()
    undo_redo_elsewhere(qtbot, window, "Rename deck", lambda: "Week 1" in deck_names(window))

    select_deck(window, week)

    def yes(box: QWidget) -> None:
        assert isinstance(box, QMessageBox)
        box.button(QMessageBox.StandardButton.Yes).click()

    driver.when_modal(yes)
    window.delete_deck()
    driver.check()
    undo_redo_elsewhere(qtbot, window, "Delete deck", lambda: "Week 1" not in deck_names(window))


def test_add_edit_and_delete_a_note_by_keys_each_undone_and_redone(
    qtbot: QtBot, window: MainWindow, driver: ModalDriver
) -> None:
    col = window.collection

    def notes() -> list[str]:
        deck = next((d for d in col.decks if d.id == "my-notes"), None)
        return [] if deck is None else [n.id for n in deck.notes]

    def add(widget: QWidget) -> None:
        assert isinstance(widget, NoteEditor)
        for field, text in (("front", "What is attending?"), ("back", "Full attention.")):
            widget.field(field).setFocus()
            qtbot.keyClicks(widget.field(field), text)
        qtbot.keyClick(widget.field("back"), Qt.Key.Key_Return, CTRL)
        # Add stays open for the next note, as Anki's: Escape closes it.
        qtbot.waitUntil(lambda: widget.saved_count == 1)
        qtbot.keyClick(widget, Qt.Key.Key_Escape)

    driver.when_modal(add)
    window.home.setFocus()
    qtbot.keyClick(window.home, Qt.Key.Key_A)
    driver.check()
    undo_redo_elsewhere(qtbot, window, "Add note", lambda: len(notes()) == 1)

    (note_id,) = notes()

    def reword(widget: QWidget) -> None:
        assert isinstance(widget, NoteEditor)
        back = widget.field("back")
        back.setFocus()
        qtbot.keyClick(back, Qt.Key.Key_A, CTRL)
        qtbot.keyClicks(back, "Undivided attention.")
        qtbot.keyClick(back, Qt.Key.Key_Return, CTRL)

    def back() -> str:
        deck = next(d for d in col.decks if d.id == "my-notes")
        note = deck.note(note_id)
        assert note is not None
        return str(getattr(note, "back", ""))

    driver.when_modal(reword)
    window.edit_note("my-notes", note_id)  # (E in review, Enter in Browse)
    driver.check()
    undo_redo_elsewhere(qtbot, window, "Edit note", lambda: back() == "Undivided attention.")

    def delete(widget: QWidget) -> None:
        assert isinstance(widget, NoteEditor) and widget.delete_button is not None

        def yes(box: QWidget) -> None:
            assert isinstance(box, QMessageBox)
            box.button(QMessageBox.StandardButton.Yes).click()

        driver.when_modal(yes)
        widget.delete_button.click()

    driver.when_modal(delete)
    window.edit_note("my-notes", note_id)
    driver.check()
    undo_redo_elsewhere(qtbot, window, "Delete note", lambda: notes() == [])


def test_a_local_change_to_a_shipped_note_is_undone_and_redone(
    qtbot: QtBot, window: MainWindow, driver: ModalDriver, kinds_dir: Path
) -> None:
    col = window.collection
    shipped = (kinds_dir / "kinds.toml").read_bytes()
    window.start_review(["kinds"])
    assert window.review.card is not None and window.review.card.note.id == "basic-one"

    def reword(widget: QWidget) -> None:
        assert isinstance(widget, NoteEditor)
        back = widget.field("back")
        back.setFocus()
        qtbot.keyClick(back, Qt.Key.Key_A, CTRL)
        qtbot.keyClicks(back, "My words.")
        qtbot.keyClick(back, Qt.Key.Key_Return, CTRL)

    def changed() -> bool:
        note = next(d for d in col.decks if d.id == "kinds").note("basic-one")
        return getattr(note, "back", "") == "My words."

    driver.when_modal(reword)
    qtbot.keyClick(window.review, Qt.Key.Key_E)
    driver.check()
    undo_redo_elsewhere(qtbot, window, "Edit note", changed)
    assert (kinds_dir / "kinds.toml").read_bytes() == shipped  # never written
