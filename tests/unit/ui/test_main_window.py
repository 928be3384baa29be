"""The main window: a whole study session by key presses only, views, menus, geometry."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QLabel, QWidget
from pytestqt.qtbot import QtBot

from rapport.content import DeckSet
from rapport.content.notes.model import ChoiceNote
from rapport.study import Collection, Rating
from rapport.sync.account import SyncStatus, save_status
from rapport.ui.main_window import PREF_GEOMETRY, MainWindow
from rapport.ui.review import ReviewView
from tests.support.clock import Clock


@pytest.fixture
def make_window(
    qtbot: QtBot, collection: Collection, kinds_decks: DeckSet, clock: Clock
) -> Callable[[], MainWindow]:
    def make() -> MainWindow:
        window = MainWindow(collection, kinds_decks.errors, clock, deck_dirs=[])
        qtbot.addWidget(window)
        window.show()
        qtbot.waitExposed(window)
        return window

    return make


@pytest.fixture
def window(make_window: Callable[[], MainWindow]) -> MainWindow:
    return make_window()


def key(
    qtbot: QtBot, k: Qt.Key, modifier: Qt.KeyboardModifier = Qt.KeyboardModifier.NoModifier
) -> None:
    """Press a key where the keyboard focus is, as a user would."""
    target = QApplication.focusWidget()
    assert target is not None, "nothing has the keyboard focus"
    qtbot.keyClick(target, k, modifier)


def answer_by_keys(review: ReviewView, qtbot: QtBot, rating: Qt.Key) -> None:
    """Reveal the current card by keyboard (whatever its kind) and rate it."""
    card = review.card
    assert card is not None and not review.revealed
    if review.typed_edit.isVisible():
        qtbot.keyClicks(review.typed_edit, "Norcross")
        key(qtbot, Qt.Key.Key_Return)
    elif isinstance(card.note, ChoiceNote):
        key(qtbot, Qt.Key.Key_1)  # a choice card is answered by a pick
    else:
        key(qtbot, Qt.Key.Key_Space)
    assert review.revealed
    key(qtbot, rating)


def test_title_starts_with_rapport_and_home_shows_first(window: MainWindow) -> None:
    assert window.windowTitle() == "Rapport"
    assert window.current_view_name() == "home"
    assert window.home.selected_deck_id() == "kinds"


def test_whole_session_by_keys_only(window: MainWindow, qtbot: QtBot, clock: Clock) -> None:
    window.home.focus_list()
    key(qtbot, Qt.Key.Key_Return)
    review = window.review
    assert window.current_view_name() == "review"
    assert window.windowTitle() == "Rapport — Reviewing Every kind"
    assert review.counts_label.text().count("<b>6</b>") == 1  # six new cards
    first = review.card
    assert first is not None

    # Space reveals; the rating buttons carry their intervals.
    key(qtbot, Qt.Key.Key_Space)
    assert review.revealed
    assert all(review.rating_buttons[r].text().endswith(f"({int(r)})") for r in Rating)
    labels = [b.text().split("\n")[0] for b in review.rating_buttons.values()]
    assert labels[0] == "1m" and labels[3].endswith("d")
    clock.advance(timedelta(seconds=5))
    key(qtbot, Qt.Key.Key_1)  # Again
    assert review.card is not None and review.card != first or not review.revealed

    # Ctrl+Z undoes: the first card is back, unrevealed.
    key(qtbot, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert review.card == first and not review.revealed

    # Now answer everything with Easy (4) until the session ends.
    for _ in range(20):
        if review.finished:
            break
        clock.advance(timedelta(seconds=7))
        answer_by_keys(review, qtbot, Qt.Key.Key_4)
    assert review.finished
    text = review.summary_label.text()
    # Five: the reversed pair's second card is buried until tomorrow (its sibling was
    # answered today), which is when the next card is due.
    assert "You studied <b>5</b> cards" in text and "100%" in text
    assert "Next card due tomorrow" in text
    assert review.progress.value() == review.progress.maximum()

    # Undo works from the summary too, then finish again and go home by Escape.
    key(qtbot, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert not review.finished and review.card is not None
    answer_by_keys(review, qtbot, Qt.Key.Key_4)
    assert review.finished
    key(qtbot, Qt.Key.Key_Escape)
    assert window.current_view_name() == "home"
    assert window.windowTitle() == "Rapport"
    assert window.home.done_label.isVisible()
    assert "All done for today" in window.home.done_label.text()


def test_enter_on_summary_goes_home(window: MainWindow, qtbot: QtBot, clock: Clock) -> None:
    window.home.focus_list()
    key(qtbot, Qt.Key.Key_S)
    review = window.review
    while not review.finished:
        answer_by_keys(review, qtbot, Qt.Key.Key_4)
    key(qtbot, Qt.Key.Key_Return)
    assert window.current_view_name() == "home"


def test_escape_returns_home_from_any_view(window: MainWindow, qtbot: QtBot) -> None:
    extra = QLabel("extra view")
    window.add_view("extra", "E&xtra", lambda: extra, shortcut="Ctrl+Shift+X")
    for start in ("review", "extra"):
        if start == "review":
            window.home.focus_list()
            key(qtbot, Qt.Key.Key_Return)
        else:
            window.show_view("extra")
            assert window.windowTitle() == "Rapport — Extra"
            window.setFocus()
        assert window.current_view_name() == start
        qtbot.keyClick(QApplication.focusWidget() or window, Qt.Key.Key_Escape)
        assert window.current_view_name() == "home"


def test_escape_from_typed_box(window: MainWindow, qtbot: QtBot) -> None:
    window.start_review(["kinds"])
    review = window.review
    while review.card is not None and not review.typed_edit.isVisible():
        answer_by_keys(review, qtbot, Qt.Key.Key_4)
    assert review.typed_edit.hasFocus()
    qtbot.keyClick(review.typed_edit, Qt.Key.Key_Escape)
    assert window.current_view_name() == "home"


def test_lazy_views_are_built_on_first_show(window: MainWindow) -> None:
    built: list[QWidget] = []

    def factory() -> QWidget:
        built.append(QLabel("x"))
        return built[-1]

    window.add_view("lazy", "&Lazy", factory)
    assert not built
    titles = [a.text() for a in window.view_menu.actions()]
    assert "&Lazy" in titles and "&Home" in titles
    window.show_view("lazy")
    window.show_view("lazy")
    assert len(built) == 1 and window.stack.currentWidget() is built[0]


def test_homes_sync_line_is_read_once_the_window_is_painted(
    make_window: Callable[[], MainWindow], collection: Collection, clock: Clock, qtbot: QtBot
) -> None:
    save_status(collection.data_dir, SyncStatus((clock() - timedelta(minutes=2)).isoformat()))
    window = make_window()
    line = window.home.sync_label
    assert window.after_start.isActive() and not line.isVisible()  # not on the way to Home
    qtbot.waitUntil(lambda: line.isVisible())
    assert line.text() == "Synced 2 minutes ago"
    save_status(collection.data_dir, SyncStatus(clock().isoformat(), "the server said no"))
    window.home.refresh()  # from now on each refresh reads it again
    assert line.text() == "Sync failed: the server said no"


def test_geometry_is_remembered(
    make_window: Callable[[], MainWindow], collection: Collection
) -> None:
    first = make_window()
    first.resize(700, 500)
    first.close()
    assert collection.get_pref(PREF_GEOMETRY)
    second = make_window()
    assert (second.width(), second.height()) == (700, 500)


def test_all_done_says_when_next_is_due(
    window: MainWindow, qtbot: QtBot, collection: Collection, clock: Clock
) -> None:
    window.start_review(["kinds"])
    review = window.review
    while not review.finished:
        answer_by_keys(review, qtbot, Qt.Key.Key_4)
    window.go_home()
    text = window.home.done_label.text()
    assert "All done for today" in text and "Next card due" in text
    assert "on " in text or "tomorrow" in text


def test_controls_have_accessible_names(window: MainWindow) -> None:
    window.start_review(["kinds"])
    from PySide6.QtWidgets import QAbstractButton, QLineEdit, QTreeWidget

    for widget in window.findChildren(QWidget):
        if isinstance(widget, QAbstractButton | QLineEdit | QTreeWidget):
            if widget.objectName().startswith("qt_"):
                continue
            assert widget.accessibleName(), widget
