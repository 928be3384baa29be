"""Every operation by keys in its own view, then Ctrl+Z and Ctrl+Shift+Z from another view:
one undo stack for the whole app (see rapport.study.ops), named in Edit > Undo and Redo."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from rapport.content import Card
from rapport.study import Collection, Rating
from rapport.ui.browse import BrowseView
from rapport.ui.custom_study import CustomStudy
from rapport.ui.deck_options import DeckOptionsDialog
from rapport.ui.main_window import MainWindow
from tests.support.clock import Clock
from tests.support.collection import basic, make_deck, open_collection, with_settings
from tests.support.commits import counting_commits
from tests.support.qt import ModalDriver

CTRL = Qt.KeyboardModifier.ControlModifier
SHIFT = Qt.KeyboardModifier.ShiftModifier
CTRL_SHIFT = CTRL | SHIFT


@pytest.fixture
def window(qtbot: QtBot, tmp_path: Path, clock: Clock) -> Iterator[MainWindow]:
    deck = make_deck("d", [basic(f"n{i}") for i in range(6)])
    col = open_collection(tmp_path / "data", [deck], clock(), settings=with_settings(new_per_day=6))
    win = MainWindow(col, clock=clock)
    qtbot.addWidget(win)
    win.show()
    qtbot.waitExposed(win)
    win.activateWindow()
    yield win
    col.close(clock())


def press(
    qtbot: QtBot, window: MainWindow, key: Qt.Key, mods: Qt.KeyboardModifier | None = None
) -> None:
    """Press a key where the keyboard focus is, as a user would (shortcuts reach only
    the active window: after a dialog closed, the window is activated again)."""
    if not window.isActiveWindow():
        window.activateWindow()
        qtbot.waitUntil(window.isActiveWindow)
    target = QApplication.focusWidget() or window
    if mods is None:
        qtbot.keyClick(target, key)
    else:
        qtbot.keyClick(target, key, mods)


def home_then_undo_redo(
    qtbot: QtBot, window: MainWindow, name: str, done: Callable[[], bool]
) -> None:
    """The operation is done: Escape goes Home, Ctrl+Z there undoes it, Ctrl+B goes to
    Browse, Ctrl+Shift+Z there does it again; each named in the Edit menu."""
    assert done()
    window._name_undo()
    assert window.undo_action.text() == f"&Undo {name}"
    press(qtbot, window, Qt.Key.Key_Escape)
    assert window.current_view_name() == "home"
    press(qtbot, window, Qt.Key.Key_Z, CTRL)
    assert not done()
    window._name_undo()
    assert window.redo_action.text() == f"&Redo {name}"
    window.show_view("browse")
    assert window.current_view_name() == "browse"
    press(qtbot, window, Qt.Key.Key_Z, CTRL_SHIFT)
    assert done()
    assert window.undo_name() == name and window.redo_name() is None


def first_card(window: MainWindow, qtbot: QtBot) -> Card:
    press(qtbot, window, Qt.Key.Key_Return)  # Home: study the selected deck
    review = window.review
    assert window.current_view_name() == "review" and review.card is not None
    return review.card


def test_answer_by_key_then_undo_and_redo_from_other_views(
    window: MainWindow, qtbot: QtBot
) -> None:
    col = window.collection
    card = first_card(window, qtbot)
    press(qtbot, window, Qt.Key.Key_Space)
    press(qtbot, window, Qt.Key.Key_3)
    card_id = col.require_id(card)
    home_then_undo_redo(qtbot, window, "Good", lambda: len(col.store.reviews_of(card_id)) == 1)


@pytest.mark.parametrize(
    ("key", "mods", "name", "check"),
    [
        (Qt.Key.Key_Minus, None, "Bury card", "held"),
        (Qt.Key.Key_At, SHIFT, "Suspend card", "suspended"),
        (Qt.Key.Key_Equal, None, "Bury note", "held"),
        (Qt.Key.Key_Exclam, SHIFT, "Suspend note", "suspended"),
        (Qt.Key.Key_1, CTRL, "Flag red", "flag"),
        (Qt.Key.Key_Asterisk, SHIFT, "Mark note", "marked"),
    ],
)
def test_reviewer_action_by_key_then_undo_and_redo_from_other_views(
    window: MainWindow,
    qtbot: QtBot,
    clock: Clock,
    key: Qt.Key,
    mods: Qt.KeyboardModifier | None,
    name: str,
    check: str,
) -> None:
    col = window.collection
    store = col.store
    card = first_card(window, qtbot)
    card_id = col.require_id(card)
    done = {
        "held": lambda: store.is_held(card_id, clock()),
        "suspended": lambda: store.is_suspended(card_id),
        "flag": lambda: store.flag(card_id) == 1,
        "marked": lambda: "marked" in store.note_tags("d", card.note.id),
    }[check]
    press(qtbot, window, key, mods)
    home_then_undo_redo(qtbot, window, name, done)


def test_browse_suspend_by_key_then_undo_and_redo_from_other_views(
    window: MainWindow, qtbot: QtBot
) -> None:
    col = window.collection
    browse = window.show_view("browse")
    assert isinstance(browse, BrowseView)
    browse.table.setFocus()
    browse.table.selectRow(0)
    qtbot.keyClick(browse.table, Qt.Key.Key_Down, SHIFT)  # two rows
    keys = browse.selected_keys()
    assert len(keys) == 2
    with counting_commits(col.store) as commits:
        qtbot.keyClick(browse.table, Qt.Key.Key_J, CTRL)
    assert commits.count == 1, commits.statements  # one transaction for the bulk action
    ids = [col.card_id(k) for k in keys]

    def suspended() -> bool:
        return all(col.store.is_suspended(i) for i in ids if i is not None)

    home_then_undo_redo(qtbot, window, "Suspend cards", suspended)
    # Browse, on show when redone, lists them suspended and keeps them selected.
    assert browse.selected_keys() == keys
    assert all(browse.model.card_row(p).suspended for p in browse.selected_rows())


def test_deck_options_by_keys_then_undo_and_redo_from_other_views(
    window: MainWindow, qtbot: QtBot
) -> None:
    col = window.collection

    def drive(dialog: object) -> None:
        assert isinstance(dialog, DeckOptionsDialog)
        try:
            dialog.new_name.setFocus()
            qtbot.keyClicks(dialog.new_name, "Light")
            qtbot.keyClick(dialog.new_name, Qt.Key.Key_Return)  # adds, does not close
            dialog.fields.new_per_day.setFocus()
            dialog.fields.new_per_day.selectAll()
            qtbot.keyClicks(dialog.fields.new_per_day, "2")
            qtbot.keyClick(dialog.fields.new_per_day, Qt.Key.Key_Return)  # OK
        finally:
            if dialog.isVisible():
                dialog.reject()

    driver = ModalDriver()
    driver.when_modal(drive)
    qtbot.keyClick(window.home.tree, Qt.Key.Key_O)
    driver.stop()
    driver.check()

    def light() -> bool:
        return col.preset_of("d") == "Light" and col.settings_for("d").new_per_day == 2

    home_then_undo_redo(qtbot, window, "Deck options", light)
    assert col.preset_names() == ["Default", "Light"]


def test_undo_survives_a_new_session_and_takes_the_last_step_of_any_view(
    window: MainWindow, qtbot: QtBot
) -> None:
    col = window.collection
    card = first_card(window, qtbot)
    press(qtbot, window, Qt.Key.Key_Space)
    press(qtbot, window, Qt.Key.Key_4)
    press(qtbot, window, Qt.Key.Key_Escape)
    first_card(window, qtbot)  # a new session
    assert window.undo_name() == "Easy"
    press(qtbot, window, Qt.Key.Key_Z, CTRL)
    assert window.review.card == card and col.store.review_count() == 0


def test_review_ahead_undo_takes_back_the_last_grade_before_the_flag(
    qtbot: QtBot, tmp_path: Path, clock: Clock
) -> None:
    """Review ahead: flag a card, grade two more, Ctrl+Z takes back the last grade first,
    then the one before, then the flag."""
    deck = make_deck("d", [basic(f"n{i}") for i in range(3)])
    col = open_collection(tmp_path / "data", [deck], clock(), settings=with_settings())
    session = col.session(None, clock())
    for _ in range(3):
        card = session.next_card(clock())
        assert card is not None
        session.answer(card, Rating.EASY, clock(), timedelta(seconds=3))  # due in days
    col.ops.clear()
    window = MainWindow(col, clock=clock)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    window.activateWindow()
    try:
        window.start_review(["d"])
        review = window.review
        assert review.finished
        assert review.custom_study(CustomStudy("ahead", 30, ""))
        flagged = review.card
        assert flagged is not None
        press(qtbot, window, Qt.Key.Key_1, CTRL)  # flag red, the card stays
        graded = []
        for _ in range(2):
            assert review.card is not None
            graded.append(review.card)
            press(qtbot, window, Qt.Key.Key_Space)
            press(qtbot, window, Qt.Key.Key_3)
        assert graded[0] == flagged
        assert window.undo_name() == "Good"
        press(qtbot, window, Qt.Key.Key_Z, CTRL)
        assert review.card == graded[1] and col.store.flag(col.require_id(flagged)) == 1
        press(qtbot, window, Qt.Key.Key_Z, CTRL)
        assert review.card == graded[0]
        assert window.undo_name() == "Flag red"
        press(qtbot, window, Qt.Key.Key_Z, CTRL)
        assert col.store.flag(col.require_id(flagged)) == 0
        assert col.store.review_count() == 3  # the preview wrote no grade
        press(qtbot, window, Qt.Key.Key_Z, CTRL_SHIFT)  # redo: the flag again
        assert col.store.flag(col.require_id(flagged)) == 1
    finally:
        col.close(clock())


def test_a_leech_answer_is_one_commit_and_one_step(
    window: MainWindow, qtbot: QtBot, clock: Clock
) -> None:
    col: Collection = window.collection
    col.save_settings(with_settings(new_per_day=6, leech_threshold=1))
    card = first_card(window, qtbot)
    card_id = col.require_id(card)
    review = window.review
    for _ in range(3):  # new -> review by Easy, then forgotten once: a leech at 1 lapse
        assert review.card == card
        press(qtbot, window, Qt.Key.Key_Space)
        if col.store.card_state(card_id).phase.name == "REVIEW":
            with counting_commits(col.store) as commits:
                press(qtbot, window, Qt.Key.Key_1)
            assert commits.count == 1, commits.statements
            break
        press(qtbot, window, Qt.Key.Key_4)
        clock.advance(timedelta(days=30))
        review.start(["d"], "d")
    reviews = len(col.store.reviews_of(card_id))

    def leech() -> bool:
        """The answer and its consequence: logged, suspended, tagged leech."""
        store = col.store
        tagged = "leech" in store.note_tags("d", "n0")
        suspended = store.is_suspended(card_id)
        logged = len(store.reviews_of(card_id)) == reviews
        assert tagged == suspended == logged, (tagged, suspended, logged)  # all or none
        return tagged

    # Undone on Home (the whole answer: grade, suspension and tag), redone in Browse.
    home_then_undo_redo(qtbot, window, "Again", leech)
    press(qtbot, window, Qt.Key.Key_Z, CTRL)
    assert not leech() and col.store.card_state(card_id).phase.name == "REVIEW"


def test_custom_study_more_new_cards_by_keys_then_undo_and_redo_from_other_views(
    window: MainWindow, qtbot: QtBot
) -> None:
    from rapport.ui.custom_study import CustomStudyDialog

    col = window.collection
    col.save_settings(with_settings(new_per_day=1))
    col.ops.clear()
    first_card(window, qtbot)
    press(qtbot, window, Qt.Key.Key_Space)
    press(qtbot, window, Qt.Key.Key_4)
    review = window.review
    assert review.finished

    def more(widget: object) -> None:
        assert isinstance(widget, CustomStudyDialog)
        qtbot.keyClick(widget.counts["more_new"], Qt.Key.Key_Return)  # 10 more, the default

    driver = ModalDriver()
    driver.when_modal(more)
    qtbot.keyClick(review, Qt.Key.Key_C)
    driver.stop()
    driver.check()
    assert not review.finished

    def more_new() -> bool:
        return col.deck_counts(window.clock())[0].new == 5

    home_then_undo_redo(qtbot, window, "More new cards today", more_new)


def test_settings_by_keys_then_undo_and_redo_from_other_views_and_the_undo_depth(
    window: MainWindow, qtbot: QtBot
) -> None:
    from rapport.ui.settings import SettingsDialog

    col = window.collection

    def change(dialog: object) -> None:
        assert isinstance(dialog, SettingsDialog)
        for spin, text in ((dialog.new_per_day, "3"), (dialog.undo_levels, "2")):
            spin.setFocus()
            spin.selectAll()
            qtbot.keyClicks(spin, text)
        qtbot.keyClick(dialog.undo_levels, Qt.Key.Key_Return)  # OK

    driver = ModalDriver()
    driver.when_modal(change)
    window.home.setFocus()
    with counting_commits(col.store) as commits:
        press(qtbot, window, Qt.Key.Key_Comma, CTRL)  # File > Settings
    driver.stop()
    driver.check()
    assert commits.count == 1, commits.statements  # the settings and preferences together
    assert col.ops.depth == 2 and col.get_pref("undo_levels") == "2"
    home_then_undo_redo(qtbot, window, "Change settings", lambda: col.settings.new_per_day == 3)

    # Two levels kept: three answers, two undone, the first stays.
    window.show_view("home")
    first_card(window, qtbot)
    for _ in range(3):
        press(qtbot, window, Qt.Key.Key_Space)
        press(qtbot, window, Qt.Key.Key_3)
    for _ in range(3):
        press(qtbot, window, Qt.Key.Key_Z, CTRL)
    assert col.store.review_count() == 1 and window.undo_name() is None
