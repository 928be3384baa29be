"""Certainty-based marking in review, by keys: J/K/L before the answer shows; the grade
still comes from the answer; certainty, pick and typed text are kept with the answer and
go away with its undo."""

from __future__ import annotations

import random
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QTextDocumentFragment
from PySide6.QtWidgets import QAbstractButton, QLabel, QWidget
from pytestqt.qtbot import QtBot

from rapport.content import ChoiceNote, Deck
from rapport.study import Collection, Rating
from rapport.study.certainty import PREF_CERTAINTY, Certainty
from rapport.ui.review import ReviewView
from tests.support.choices import choice, typed
from tests.support.clock import Clock
from tests.support.collection import make_deck, open_collection


@pytest.fixture
def col(tmp_path: Path, clock: Clock) -> Iterator[Collection]:
    deck: Deck = make_deck("d", [choice("c1", "Bond", ["Goal", "Task"]), typed("t1", "empathy")])
    collection = open_collection(tmp_path / "data", [deck], clock())
    yield collection
    collection.close(clock())


def view_of(col: Collection, clock: Clock, qtbot: QtBot) -> ReviewView:
    view = ReviewView(col, clock, rng=random.Random(5))
    qtbot.addWidget(view)
    view.resize(800, 600)
    view.show()
    qtbot.waitExposed(view)
    view.start(["d"], "Deck d")
    return view


def test_the_certainty_bar_is_built_when_the_mode_is_first_on(
    col: Collection, clock: Clock, qtbot: QtBot
) -> None:
    view = view_of(col, clock, qtbot)
    assert view.findChild(QWidget, "certaintyBar") is None  # not on the way to the first card
    qtbot.keyClick(view, Qt.Key.Key_L)  # no mode, no bar: the key does nothing
    assert view.findChild(QWidget, "certaintyBar") is None and view.certainty is None
    col.set_pref(PREF_CERTAINTY, "1")
    view.refresh_card()
    bar = view.findChild(QWidget, "certaintyBar")
    assert bar is view.certainty_bar and bar.isVisible()
    # above the row of the show and rating buttons
    assert (
        bar.mapTo(view, QPoint(0, bar.height())).y() <= view.show_button.mapTo(view, QPoint()).y()
    )
    qtbot.keyClick(view, Qt.Key.Key_L)
    assert view.certainty_buttons[Certainty.HIGH].isChecked()


def test_certainty_is_asked_before_the_answer_and_kept(
    col: Collection, clock: Clock, qtbot: QtBot
) -> None:
    col.set_pref(PREF_CERTAINTY, "1")
    view = view_of(col, clock, qtbot)
    assert view.certainty_bar.isVisible()
    card = view.card
    assert card is not None and isinstance(card.note, ChoiceNote)
    note = card.note
    wrong = next(p for p, i in enumerate(view.order, 1) if not note.options[i].correct)
    picked_text = note.options[view.order[wrong - 1]].text
    qtbot.keyClick(view, getattr(Qt.Key, f"Key_{wrong}"))
    assert not view.revealed and view.asking_certainty  # waits for how sure
    qtbot.keyClick(view, Qt.Key.Key_Space)
    assert not view.revealed  # Space does not skip the certainty
    qtbot.keyClick(view, Qt.Key.Key_L)
    assert view.revealed and not view.certainty_bar.isVisible()
    assert view.default_rating == Rating.AGAIN  # the grade follows the answer, not certainty
    assert "CBM mark -6" in view.notice.text()
    qtbot.keyClick(view, Qt.Key.Key_Space)

    # The typed card: type, Enter, then K; what was typed is kept.
    assert view.card is not None and view.card.note.id == "t1"
    qtbot.keyClicks(view.typed_edit, "empathy")
    qtbot.keyClick(view.typed_edit, Qt.Key.Key_Return)
    assert view.asking_certainty and view.typed_edit.isReadOnly()
    qtbot.keyClick(view, Qt.Key.Key_K)
    assert view.revealed and view.default_rating == Rating.GOOD
    qtbot.keyClick(view, Qt.Key.Key_3)
    logged = [
        (a.note_id, a.certainty, a.picked, a.response, a.rating) for a in col.store.logged_answers()
    ]
    assert logged == [
        ("c1", 3, picked_text, None, 1),
        ("t1", 2, None, "empathy", 3),
    ]
    view.undo()
    assert [a.note_id for a in col.store.logged_answers()] == ["c1"]
    view.redo()
    assert [(a.note_id, a.certainty) for a in col.store.logged_answers()][1] == ("t1", 2)


def test_certainty_first_then_pick_and_by_click(
    col: Collection, clock: Clock, qtbot: QtBot
) -> None:
    col.set_pref(PREF_CERTAINTY, "1")
    view = view_of(col, clock, qtbot)
    qtbot.mouseClick(
        view.certainty_buttons[next(iter(view.certainty_buttons))], Qt.MouseButton.LeftButton
    )
    assert view.certainty is not None and int(view.certainty) == 1 and not view.revealed
    qtbot.keyClick(view, Qt.Key.Key_1)  # the pick then shows the answer at once
    assert view.revealed
    qtbot.keyClick(view, Qt.Key.Key_Space)
    (answer,) = col.store.logged_answers()
    assert answer.certainty == 1 and answer.picked is not None


def test_without_the_mode_no_certainty_and_j_does_nothing(
    col: Collection, clock: Clock, qtbot: QtBot
) -> None:
    view = view_of(col, clock, qtbot)
    assert not view.certainty_bar.isVisible()
    qtbot.keyClick(view, Qt.Key.Key_J)
    assert view.certainty is None
    qtbot.keyClick(view, Qt.Key.Key_2)
    assert view.revealed
    qtbot.keyClick(view, Qt.Key.Key_Space)
    (answer,) = col.store.logged_answers()
    assert answer.certainty is None and answer.picked is not None  # the pick is kept anyway


def _visible_texts(view: ReviewView) -> list[str]:
    """The plain text of every visible label and button of the view."""
    texts = [label.text() for label in view.findChildren(QLabel) if label.isVisible()]
    texts += [b.text() for b in view.findChildren(QAbstractButton) if b.isVisible()]
    return [QTextDocumentFragment.fromHtml(text).toPlainText() for text in texts]


def test_the_certainty_question_shows_once_and_is_named(
    col: Collection, clock: Clock, qtbot: QtBot
) -> None:
    col.set_pref(PREF_CERTAINTY, "1")
    view = view_of(col, clock, qtbot)
    assert sum("How sure" in text for text in _visible_texts(view)) == 1
    qtbot.keyClick(view, Qt.Key.Key_2)  # a pick: now the view waits for how sure
    assert view.asking_certainty
    texts = _visible_texts(view)
    assert sum("How sure" in text for text in texts) == 1, texts
    assert "You picked 2. How sure are you?" in texts
    assert view.certainty_label.accessibleName() == "You picked 2. How sure are you?"
    assert not view.show_button.isEnabled()  # it says the answer waits, not the question
    assert view.show_button.accessibleName() == "Show answer"
    assert [b.accessibleName() for b in view.certainty_buttons.values()] == [
        "Low certainty",
        "Mid certainty",
        "High certainty",
    ]
    qtbot.keyClick(view, Qt.Key.Key_J)
    assert view.revealed
    qtbot.keyClick(view, Qt.Key.Key_Space)  # Good: the next card asks afresh
    assert not view.asking_certainty and view.show_button.isEnabled()
    assert view.certainty_label.accessibleName() == "How sure are you?"
