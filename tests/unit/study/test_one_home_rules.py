"""Rules with one home each: new cards left today, the lapse, concept mastery, the
60-second cap; the copy of "new cards left" that had drifted (the next-due time ignored
custom study's extra new cards) now follows the queue."""

from __future__ import annotations

from datetime import timedelta

import pytest

from rapport.interop.anki.progress import MAX_ANSWER_MS
from rapport.store import Phase
from rapport.store.records import is_lapse
from rapport.study import MAX_ANSWER_TIME, Rating
from rapport.study.ledger import new_left, reviews_left
from rapport.study.stats import ConceptRecall
from rapport.study.timetext import format_steps, parse_steps
from tests.support.collection import SECOND, T0, OpenCollection, basic_deck, with_settings


def test_new_left_counts_the_limit_the_extra_and_the_done() -> None:
    assert new_left(10, 0, 3) == 7
    assert new_left(10, 5, 12) == 3
    assert new_left(1, 0, 4) == 0


def test_reviews_left_never_go_below_none() -> None:
    assert reviews_left(200, 3) == 197
    assert reviews_left(10, 12) == 0  # the limit lowered after twelve reviews


def test_a_lapse_is_again_on_a_card_in_review() -> None:
    assert is_lapse(Rating.AGAIN, Phase.REVIEW)
    assert not is_lapse(Rating.AGAIN, Phase.LEARNING)
    assert not is_lapse(Rating.HARD, Phase.REVIEW)


def test_mastery_counts_every_card_of_the_concept() -> None:
    recall = ConceptRecall(
        "alliance", cards=4, studied=2, recalled=2, mean_retrievability=0.8, mastered=1
    )
    assert recall.mastery == 0.25 and recall.share_recalled == 1.0
    assert ConceptRecall("none", 0, 0, 0, None).mastery == 0.0


def test_the_progress_export_caps_answers_as_the_store_does() -> None:
    assert MAX_ANSWER_TIME.total_seconds() * 1000 == MAX_ANSWER_MS


def test_next_due_follows_more_new_cards_today(open_col: OpenCollection) -> None:
    col = open_col([basic_deck("a", 3)], settings=with_settings(new_per_day=1))
    session = col.session(None, T0)
    card = session.next_card(T0)
    assert card is not None
    session.answer(card, Rating.EASY, T0, SECOND)
    later = T0 + timedelta(minutes=1)
    _, end = col.today_bounds(later)
    assert session.next_card(later) is None and col.next_due(later) == end
    session.allow_more_new(1)
    assert session.next_card(later) is not None
    assert col.next_due(later) == later  # (it said tomorrow before)


def test_learning_steps_are_written_and_read_in_one_place() -> None:
    steps = (timedelta(minutes=1), timedelta(minutes=10), timedelta(hours=1), timedelta(days=1))
    assert format_steps(steps) == "1m 10m 1h 1d"
    assert parse_steps("1m, 10m 1h 1d") == steps
    assert parse_steps("") == ()
    with pytest.raises(ValueError, match="10x"):
        parse_steps("1m 10x")
