"""The first-run welcome on Home: shown on a fresh data folder only, put away for good by D."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from rapport.content import DeckSet
from rapport.study import Rating
from rapport.ui.main_window import MainWindow
from rapport.ui.welcome import PREF_WELCOME_DISMISSED
from tests.support.clock import Clock
from tests.support.collection import open_as_app as open_collection


def open_window(qtbot: QtBot, data_dir: Path, decks: DeckSet, clock: Clock) -> MainWindow:
    """Open the collection in ``data_dir`` and its window, as the app does at start."""
    collection = open_collection(data_dir, decks.decks, clock())
    window = MainWindow(collection, decks.errors, clock, deck_dirs=[])
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is not None)
    return window


def close_window(window: MainWindow, clock: Clock) -> None:
    window.close()
    window.collection.close(clock())


def press(qtbot: QtBot, key: Qt.Key) -> None:
    target = QApplication.focusWidget()
    assert target is not None, "nothing has the keyboard focus"
    qtbot.keyClick(target, key)


def test_welcome_on_a_fresh_folder_dismissed_by_d_for_good(
    qtbot: QtBot, data_dir: Path, kinds_decks: DeckSet, clock: Clock
) -> None:
    window = open_window(qtbot, data_dir, kinds_decks, clock)
    welcome = window.home.welcome
    assert welcome is not None and welcome.isVisible()
    text = welcome.text.text()
    assert "Every kind" in text  # the deck, by name
    assert "Space shows the answer" in text and "1 Again" in text  # the keys
    assert str(data_dir) in text  # where progress is kept
    assert "Add deck file" in text and "Import Anki package" in text
    assert QApplication.focusWidget() is window.home.tree  # the keys still work at once

    press(qtbot, Qt.Key.Key_D)
    assert not welcome.isVisible()
    assert window.collection.get_pref(PREF_WELCOME_DISMISSED) == "1"
    close_window(window, clock)

    again = open_window(qtbot, data_dir, kinds_decks, clock)
    assert again.home.welcome is None
    close_window(again, clock)


def test_d_does_nothing_once_the_welcome_is_gone(
    qtbot: QtBot, data_dir: Path, kinds_decks: DeckSet, clock: Clock
) -> None:
    window = open_window(qtbot, data_dir, kinds_decks, clock)
    window.collection.set_pref(PREF_WELCOME_DISMISSED, "1")
    close_window(window, clock)
    window = open_window(qtbot, data_dir, kinds_decks, clock)
    assert window.home.welcome is None
    press(qtbot, Qt.Key.Key_D)  # no welcome: Home ignores D, nothing breaks
    assert window.current_view_name() == "home"
    close_window(window, clock)


def test_no_welcome_on_a_folder_with_answers(
    qtbot: QtBot, data_dir: Path, kinds_decks: DeckSet, clock: Clock
) -> None:
    # A trainee upgrading from a version before the welcome: answers, no preference.
    collection = open_collection(data_dir, kinds_decks.decks, clock())
    session = collection.session(None, clock())
    card = session.next_card(clock())
    assert card is not None
    session.answer(card, Rating.GOOD, clock(), timedelta(seconds=3))
    collection.close(clock())

    window = open_window(qtbot, data_dir, kinds_decks, clock)
    assert window.home.welcome is None
    close_window(window, clock)


def test_the_button_dismisses_it_too(
    qtbot: QtBot, data_dir: Path, kinds_decks: DeckSet, clock: Clock
) -> None:
    window = open_window(qtbot, data_dir, kinds_decks, clock)
    welcome = window.home.welcome
    assert welcome is not None
    qtbot.mouseClick(welcome.button, Qt.MouseButton.LeftButton)
    assert not welcome.isVisible()
    assert window.collection.get_pref(PREF_WELCOME_DISMISSED) == "1"
    close_window(window, clock)


def test_without_ankis_library_it_names_the_spreadsheet_way(
    qtbot: QtBot,
    data_dir: Path,
    kinds_decks: DeckSet,
    clock: Clock,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # The bundle leaves Anki's library out: the welcome must not send the trainee to
    # File > Import Anki package, which would only say it cannot.
    monkeypatch.setattr("rapport.ui.welcome.anki_library_installed", lambda: False)
    window = open_window(qtbot, data_dir, kinds_decks, clock)
    assert window.home.welcome is not None
    text = window.home.welcome.text.text()
    assert "Import Anki package" not in text
    assert "Export Notes in Plain Text from Anki" in text and "Import spreadsheet" in text
    close_window(window, clock)


def test_a_refused_write_hides_it_for_this_run_only(
    qtbot: QtBot,
    data_dir: Path,
    kinds_decks: DeckSet,
    clock: Clock,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from rapport.store.errors import WriteError

    window = open_window(qtbot, data_dir, kinds_decks, clock)
    welcome = window.home.welcome
    assert welcome is not None

    def refuse(key: str, value: str) -> None:
        raise WriteError(data_dir, "the disk is full")

    monkeypatch.setattr(window.collection, "set_pref", refuse)
    press(qtbot, Qt.Key.Key_D)  # no error dialog, no crash: hidden now
    assert not welcome.isVisible()
    monkeypatch.undo()
    close_window(window, clock)
    again = open_window(qtbot, data_dir, kinds_decks, clock)
    assert again.home.welcome is not None  # not remembered: shown next time
    close_window(again, clock)
