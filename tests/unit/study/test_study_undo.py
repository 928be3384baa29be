"""Undo: several levels, each restoring the card's state and removing its log entry."""

from __future__ import annotations

from datetime import timedelta

from rapport.store import Phase
from rapport.study import Rating
from tests.support.collection import SECOND, T0, OpenCollection, basic_deck, with_settings


def test_nothing_to_undo_at_first(open_col: OpenCollection) -> None:
    session = open_col([basic_deck("a", 1)]).session(None, T0)
    assert not session.can_undo
    assert session.undo() is None


def test_undo_restores_state_log_counts_and_summary(open_col: OpenCollection) -> None:
    col = open_col([basic_deck("a", 3)], settings=with_settings(new_per_day=2))
    session = col.session(None, T0)
    states = []
    answered = []
    now = T0
    for rating in (Rating.GOOD, Rating.AGAIN, Rating.EASY):
        card = session.next_card(now)
        assert card is not None
        states.append(col.store.card_state(col.require_id(card)))
        session.answer(card, rating, now, 2 * SECOND)
        answered.append(card)
        now += timedelta(minutes=1)
    assert col.store.review_count() == 3
    assert session.summary().studied == 3 and session.summary().again == 1
    assert session.remaining(now)[0] == 0  # both new cards of the day were used

    # Three levels of undo, last answer first; each card comes back as it was.
    for level in (2, 1, 0):
        card = session.undo()
        assert card == answered[level]
        assert session.next_card(now) == card  # shown again right away
        assert col.store.card_state(col.require_id(card)) == states[level]
        assert col.store.review_count() == level
    assert not session.can_undo
    summary = session.summary()
    assert (summary.studied, summary.right, summary.again, summary.seconds) == (0, 0, 0, 0.0)
    assert summary.share_right is None
    assert session.remaining(now) == (2, 0, 0)
    (row,) = [r for r in col.card_rows(now) if r.card == answered[0]]
    assert (row.reviews, row.state, row.due) == (0, "new", None)
    assert states[0].phase == Phase.NEW


def test_undone_card_can_be_answered_differently(open_col: OpenCollection) -> None:
    col = open_col([basic_deck("a", 2)])
    session = col.session(None, T0)
    card = session.next_card(T0)
    assert card is not None
    session.answer(card, Rating.AGAIN, T0, SECOND)
    assert session.undo() == card
    session.answer(card, Rating.EASY, T0, SECOND)
    assert session.next_card(T0) != card  # no longer pending
    (log,) = col.store.reviews_of(col.require_id(card))
    assert log.rating == Rating.EASY
    summary = session.summary()
    assert (summary.studied, summary.right, summary.share_right) == (1, 1, 1.0)


def test_undo_survives_a_reopen_of_the_log(open_col: OpenCollection) -> None:
    col = open_col([basic_deck("a", 2)])
    session = col.session(None, T0)
    for _ in range(2):
        card = session.next_card(T0)
        assert card is not None
        session.answer(card, Rating.GOOD, T0, SECOND)
    session.undo()
    col.close(T0)
    reopened = open_col([basic_deck("a", 2)])
    assert reopened.store.review_count() == 1
    assert reopened.store.integrity_check() == ["ok"]
