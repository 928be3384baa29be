"""The study queue: order (learning, reviews, new), daily limits, day start, learn-ahead."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from rapport.study import Rating, ReviewSession
from tests.support.collection import (
    SECOND,
    T0,
    OpenCollection,
    basic,
    basic_deck,
    make_deck,
    with_settings,
)


def answer_next(session: ReviewSession, rating: Rating, now: datetime) -> str:
    card = session.next_card(now)
    assert card is not None
    session.answer(card, rating, now, SECOND)
    return card.note.id


def test_new_cards_come_in_deck_order(open_col: OpenCollection) -> None:
    col = open_col([basic_deck("a", 4)])
    session = col.session(["a"], T0)
    seen = [answer_next(session, Rating.EASY, T0) for _ in range(4)]
    assert seen == ["n0", "n1", "n2", "n3"]
    assert session.next_card(T0) is None


def test_due_learning_comes_before_new_and_reviews_before_new(open_col: OpenCollection) -> None:
    col = open_col([basic_deck("a", 5)])
    session = col.session(None, T0)
    assert answer_next(session, Rating.EASY, T0) == "n0"  # -> review in days
    assert answer_next(session, Rating.AGAIN, T0) == "n1"  # -> learning, due in 1 minute
    # Before n1 is due, new cards continue.
    assert session.next_card(T0 + 30 * SECOND).note.id == "n2"  # type: ignore[union-attr]
    # Once n1 is due it comes first.
    later = T0 + timedelta(minutes=2)
    assert session.next_card(later).note.id == "n1"  # type: ignore[union-attr]
    # Days later: the review card n0 is due, and comes before the new cards.
    days_later = T0 + timedelta(days=30)
    fresh = col.session(None, days_later)
    order = [answer_next(fresh, Rating.GOOD, days_later) for _ in range(3)]
    assert order[0] == "n1"  # learning card, long overdue
    assert order[1] == "n0"  # review
    assert order[2] == "n2"  # then new


def test_reviews_come_in_due_order(open_col: OpenCollection) -> None:
    col = open_col([basic_deck("a", 3)])
    session = col.session(None, T0)
    for minutes in (0, 1, 2):  # easy on each new card, a minute apart: n0 due first
        answer_next(session, Rating.EASY, T0 + timedelta(minutes=minutes))
    later = T0 + timedelta(days=60)
    session = col.session(None, later)
    assert [answer_next(session, Rating.GOOD, later) for _ in range(3)] == ["n0", "n1", "n2"]


def test_new_card_limit_per_day_and_reset_at_day_start(open_col: OpenCollection) -> None:
    col = open_col([basic_deck("a", 10)], settings=with_settings(new_per_day=3))
    session = col.session(["a"], T0)
    assert session.remaining(T0) == (3, 0, 0)
    for _ in range(3):
        answer_next(session, Rating.EASY, T0)
    assert session.next_card(T0) is None
    assert session.remaining(T0) == (0, 0, 0)
    assert col.deck_counts(T0)[0].new == 0
    # 03:59 next morning is still the same study day; 04:00 starts a new one.
    before_four = datetime(2026, 3, 3, 3, 59, tzinfo=UTC)
    assert session.next_card(before_four) is None
    at_four = datetime(2026, 3, 3, 4, 0, tzinfo=UTC)
    assert session.next_card(at_four).note.id == "n3"  # type: ignore[union-attr]
    assert session.remaining(at_four) == (3, 0, 0)


def test_day_start_follows_local_time(open_col: OpenCollection) -> None:
    from zoneinfo import ZoneInfo

    auckland = ZoneInfo("Pacific/Auckland")  # UTC+13 in March: 04:00 local is 15:00 UTC
    col = open_col([basic_deck("a", 2)], settings=with_settings(new_per_day=1), tz=auckland)
    session = col.session(None, T0)
    answer_next(session, Rating.EASY, T0)
    assert session.next_card(datetime(2026, 3, 2, 14, 59, tzinfo=UTC)) is None
    assert session.next_card(datetime(2026, 3, 2, 15, 0, tzinfo=UTC)) is not None


def test_review_limit_per_day(open_col: OpenCollection) -> None:
    col = open_col([basic_deck("a", 5)], settings=with_settings(reviews_per_day=2))
    session = col.session(None, T0)
    for _ in range(5):
        answer_next(session, Rating.EASY, T0)
    later = T0 + timedelta(days=40)
    session = col.session(None, later)
    assert session.remaining(later) == (0, 0, 2)
    assert col.deck_counts(later)[0].due == 2
    answer_next(session, Rating.GOOD, later)
    answer_next(session, Rating.GOOD, later)
    assert session.next_card(later) is None
    # The limit is per study day: the three left come back tomorrow (if still due).
    assert col.next_due(later) == datetime(2026, 4, 12, 4, 0, tzinfo=UTC)


def test_limits_apply_per_deck_in_an_all_decks_session(open_col: OpenCollection) -> None:
    decks = [basic_deck("a", 5), basic_deck("b", 5)]
    col = open_col(decks, settings=with_settings(new_per_day=2))
    session = col.session(None, T0)
    assert session.remaining(T0) == (4, 0, 0)
    order = [(c.deck_id, c.note.id) for c in _drain(session, T0)]
    # Deck by deck, in deck order, two new cards from each.
    assert order == [("a", "n0"), ("a", "n1"), ("b", "n0"), ("b", "n1")]
    counts = {d.deck_id: d for d in col.deck_counts(T0)}
    assert counts["a"].new == counts["b"].new == 0
    assert counts["a"].total == counts["b"].total == 5


def test_single_deck_session_ignores_other_decks(open_col: OpenCollection) -> None:
    col = open_col([basic_deck("a", 2), basic_deck("b", 2)])
    session = col.session(["b"], T0)
    assert {c.deck_id for c in _drain(session, T0)} == {"b"}
    with pytest.raises(ValueError, match="unknown deck"):
        col.session(["nope"], T0)


def _drain(session: ReviewSession, now: datetime) -> list:  # type: ignore[type-arg]
    cards = []
    while (card := session.next_card(now)) is not None:
        session.answer(card, Rating.EASY, now, SECOND)
        cards.append(card)
    return cards


def test_learning_cards_are_shown_ahead_when_nothing_else_is_left(
    open_col: OpenCollection,
) -> None:
    col = open_col([make_deck("a", [basic("only")])])
    session = col.session(None, T0)
    answer_next(session, Rating.AGAIN, T0)  # due in one minute
    card = session.next_card(T0 + SECOND)
    assert card is not None and card.note.id == "only"
    assert session.remaining(T0 + SECOND) == (0, 1, 0)
    answer_next(session, Rating.GOOD, T0 + SECOND)  # step 2: due in 10 minutes (< 20)
    assert session.next_card(T0 + 2 * SECOND) is not None
    answer_next(session, Rating.GOOD, T0 + 2 * SECOND)  # graduates: due in days
    assert session.next_card(T0 + 3 * SECOND) is None


def test_next_due_and_suspended_cards(open_col: OpenCollection) -> None:
    col = open_col([basic_deck("a", 2)], settings=with_settings(new_per_day=1))
    assert col.next_due(T0) == T0  # a new card is available now
    session = col.session(None, T0)
    answer_next(session, Rating.AGAIN, T0)
    # The learning card is due in a minute; new cards only tomorrow.
    assert col.next_due(T0) == T0 + timedelta(minutes=1)
    key = col.decks[0].cards()[0].key
    col.set_suspended(key, True)
    assert session.next_card(T0 + timedelta(minutes=5)) is None
    assert col.next_due(T0) == datetime(2026, 3, 3, 4, 0, tzinfo=UTC)
    col.set_suspended(key, False)
    assert session.next_card(T0 + timedelta(minutes=5)) == col.decks[0].cards()[0]
    col.set_suspended(col.decks[0].cards()[1].key, True)
    col.set_suspended(key, True)
    assert col.next_due(T0) is None
    assert [r.state for r in col.card_rows(T0)] == ["suspended", "suspended"]


def test_naive_times_are_refused(open_col: OpenCollection) -> None:
    col = open_col([basic_deck("a", 1)])
    with pytest.raises(ValueError, match="timezone-aware"):
        col.session(None, datetime(2026, 3, 2, 12, 0))


def test_sessions_see_each_others_answers_and_suspensions(open_col: OpenCollection) -> None:
    col = open_col([basic_deck("a", 5)], settings=with_settings(new_per_day=3))
    first, second = col.session(None, T0), col.session(["a"], T0)
    assert first.remaining(T0) == second.remaining(T0) == (3, 0, 0)
    assert answer_next(first, Rating.EASY, T0) == "n0"
    assert second.remaining(T0) == (2, 0, 0)
    assert second.next_card(T0).note.id == "n1"  # type: ignore[union-attr]
    col.set_suspended(col.decks[0].cards()[1].key, True)
    assert first.next_card(T0).note.id == "n2"  # type: ignore[union-attr]
    col.save_settings(with_settings(new_per_day=1))
    assert first.remaining(T0) == (0, 0, 0) and second.next_card(T0) is None
