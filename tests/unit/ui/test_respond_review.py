"""A respond card by keys: a response typed, the answer shown with Ctrl+Enter, rubric lines
ticked with the number keys, Enter confirming the ticks and the suggested grade, or
another grade chosen; the response shown as "Your last response" the next time the card
comes up; and the same card in the practice test."""

from __future__ import annotations

import random
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QPlainTextEdit
from pytestqt.qtbot import QtBot

from rapport.content import Deck, load_deck
from rapport.study import Collection, Rating
from rapport.study.practice import question_for
from rapport.ui.practice import PracticeView
from rapport.ui.review import ReviewView
from tests.support.clock import Clock
from tests.support.collection import basic_deck, open_collection
from tests.support.decks import write_respond_deck

CTRL = Qt.KeyboardModifier.ControlModifier
FIRST = "You feel I only listen because I'm paid. That must be hard to trust."
SECOND = "I wonder whether it feels as if nobody really listens to you."


@pytest.fixture
def deck(tmp_path: Path) -> Deck:
    return load_deck(write_respond_deck(tmp_path / "decks"))


@pytest.fixture
def view(qtbot: QtBot, deck: Deck, tmp_path: Path, clock: Clock) -> Iterator[ReviewView]:
    col: Collection = open_collection(tmp_path / "data", [deck], clock())
    review = ReviewView(col, clock, rng=random.Random(5))
    qtbot.addWidget(review)
    review.resize(900, 700)
    review.show()
    qtbot.waitExposed(review)
    review.start([deck.id], deck.name)
    yield review
    col.close(clock())


def test_the_response_box_is_built_for_the_first_respond_card(
    qtbot: QtBot, tmp_path: Path, deck: Deck, clock: Clock
) -> None:
    basic = basic_deck("b", 2)
    col: Collection = open_collection(tmp_path / "data", [basic, deck], clock())
    try:
        review = ReviewView(col, clock, rng=random.Random(5))
        qtbot.addWidget(review)
        review.resize(900, 700)
        review.show()
        qtbot.waitExposed(review)
        review.activateWindow()
        qtbot.waitUntil(review.isActiveWindow)
        review.start([basic.id], basic.name)
        assert review.card is not None
        assert review.findChild(QPlainTextEdit, "respondAnswer") is None  # no respond card yet
        review.start([deck.id], deck.name)
        box = review.findChild(QPlainTextEdit, "respondAnswer")
        assert box is review.respond_edit and box.isVisible() and box.hasFocus()
        assert box.styleSheet() == review.typed_edit.styleSheet()  # the card's font size
    finally:
        col.close(clock())


def respond(qtbot: QtBot, view: ReviewView, text: str) -> None:
    """Type a response in the box (Enter starts a new line) and show the answer with
    Ctrl+Enter."""
    assert view.respond_edit.isVisible() and view.respond_edit.hasFocus()
    assert not view.typed_edit.isVisible()
    for i, line in enumerate(text.split("\n")):
        if i:
            qtbot.keyClick(view.respond_edit, Qt.Key.Key_Return)
            assert not view.revealed
        qtbot.keyClicks(view.respond_edit, line)
    qtbot.keyClick(view.respond_edit, Qt.Key.Key_Return, CTRL)
    assert view.revealed and view.ticking and not view.respond_edit.isVisible()


def suggested(view: ReviewView) -> Rating | None:
    """The grade the view suggests now (read afresh: each key changes it)."""
    return view.suggested


def test_a_respond_card_is_typed_revealed_ticked_and_graded_by_keys(
    qtbot: QtBot, view: ReviewView
) -> None:
    card = view.card
    assert card is not None and card.note.id == "mistrust-paid-to-listen"
    shown = view.card_view.toPlainText()
    assert "Third session." in shown and "only paid to listen to me" in shown
    respond(qtbot, view, "You feel I only listen because I'm paid.\nThat must be hard.")
    answer = view.card_view.toPlainText()
    assert "Your response" in answer and "That must be hard." in answer
    for style in ("Reflection of feeling", "Open question", "Immediacy"):
        assert style in answer
    assert "Tick what your response did" in answer and "[rupture-repair]" in answer
    assert "Your last response" not in answer
    assert answer.count("\u2610") == 4  # four empty boxes, one per rubric line

    for key in (Qt.Key.Key_1, Qt.Key.Key_2, Qt.Key.Key_4):
        qtbot.keyClick(view, key)
    assert view.ticked == {0, 1, 3} and suggested(view) is Rating.GOOD  # 3 of 4
    assert view.card_view.toPlainText().count("\u2611") == 3
    qtbot.keyClick(view, Qt.Key.Key_2)  # untick: 2 of 4 is "some"
    assert view.ticked == {0, 3} and suggested(view) is Rating.HARD
    qtbot.keyClick(view, Qt.Key.Key_2)
    assert suggested(view) is Rating.GOOD
    assert view.rating_buttons[Rating.GOOD].property("default")
    assert not view.rating_buttons[Rating.HARD].property("default")

    qtbot.keyClick(view, Qt.Key.Key_Return)  # confirms the ticks, grades nothing yet
    assert not view.ticking and view.card is card
    assert "3 of 4 rubric lines met: Good suggested" in view.notice.text()
    qtbot.keyClick(view, Qt.Key.Key_Return)  # takes the suggested grade
    assert view.card is not card
    session = view.session
    assert session is not None
    [entry] = view.collection.store.reviews_of(view.collection.require_id(card))
    assert entry.rating == Rating.GOOD
    assert entry.response == "You feel I only listen because I'm paid.\nThat must be hard."


def test_the_last_response_is_shown_beside_the_new_one_next_time(
    qtbot: QtBot, view: ReviewView, clock: Clock
) -> None:
    card = view.card
    assert card is not None
    respond(qtbot, view, FIRST)
    qtbot.keyClick(view, Qt.Key.Key_1)
    qtbot.keyClick(view, Qt.Key.Key_Return)  # 1 of 4 ticked: Hard suggested
    assert view.suggested is Rating.HARD
    qtbot.keyClick(view, Qt.Key.Key_1)  # the trainee's grade rules: Again
    [entry] = view.collection.store.reviews_of(view.collection.require_id(card))
    assert entry.rating == Rating.AGAIN and entry.response == FIRST

    # Answer the other cards by keys until the forgotten card comes up again.
    for _ in range(8):
        clock.advance(timedelta(minutes=15))
        if view.card is not None and view.card.key == card.key:
            break
        assert view.card is not None
        respond(qtbot, view, "Something else.")
        qtbot.keyClick(view, Qt.Key.Key_Return)
        qtbot.keyClick(view, Qt.Key.Key_3)
    assert view.card is not None and view.card.key == card.key
    respond(qtbot, view, SECOND)
    answer = view.card_view.toPlainText()
    assert "Your last response" in answer
    assert answer.index(SECOND) < answer.index("Your last response") < answer.index(FIRST)


def test_an_empty_response_still_shows_the_models(qtbot: QtBot, view: ReviewView) -> None:
    qtbot.keyClick(view.respond_edit, Qt.Key.Key_Return, CTRL)
    assert view.revealed and "(nothing typed)" in view.card_view.toPlainText()
    qtbot.keyClick(view, Qt.Key.Key_Return)
    assert view.suggested is Rating.AGAIN  # nothing ticked


def test_a_respond_question_in_the_practice_test_is_ticked_and_scored(
    qtbot: QtBot, deck: Deck
) -> None:
    practice = PracticeView([deck], rng=lambda: random.Random(1))
    qtbot.addWidget(practice)
    practice.resize(900, 700)
    practice.show()
    qtbot.waitExposed(practice)
    cards = deck.cards()
    practice.take(
        [question_for(cards[0], random.Random(0)), question_for(cards[1], random.Random(0))]
    )
    assert practice.respond_edit.isVisible() and not practice.answer_edit.isVisible()
    qtbot.keyClicks(practice.respond_edit, FIRST)
    qtbot.keyClick(practice.respond_edit, Qt.Key.Key_Return, CTRL)
    assert practice.ticked == set() and "Tick what your response did" in (
        practice.card_view.toPlainText()
    )
    for key in (Qt.Key.Key_1, Qt.Key.Key_2, Qt.Key.Key_3):
        qtbot.keyClick(practice.question_page, key)
    qtbot.keyClick(practice.question_page, Qt.Key.Key_Return)  # 3 of 4: right
    qtbot.keyClicks(practice.respond_edit, "Tell me more.")
    qtbot.keyClick(practice.respond_edit, Qt.Key.Key_Return, CTRL)
    qtbot.keyClick(practice.question_page, Qt.Key.Key_1)
    qtbot.keyClick(practice.question_page, Qt.Key.Key_Return)  # 1 of 3: missed
    result = practice.last_score
    assert result is not None and (result.total, result.right) == (2, 1)
    [missed] = result.missed
    assert missed.rubric == (1, 3) and missed.response == "Tell me more."
    assert "Rubric lines met: 1 of 3." in practice.missed_view.toPlainText()
