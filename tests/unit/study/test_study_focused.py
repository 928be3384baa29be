"""Studying a chosen list of cards now (the practice test's "study the missed cards")."""

from __future__ import annotations

from datetime import timedelta

from rapport.content import CardKey
from rapport.study import Rating
from tests.support.collection import SECOND, T0, OpenCollection, basic_deck, with_settings


def test_exactly_the_listed_cards_in_order_beyond_the_daily_limit(
    open_col: OpenCollection,
) -> None:
    col = open_col([basic_deck("a", 10)], settings=with_settings(new_per_day=0))
    assert col.session(None, T0).next_card(T0) is None  # the daily limit is used up
    keys = [CardKey("a", f"n{i}", 0) for i in (7, 2, 5)]
    session = col.session_for([*keys, CardKey("a", "gone", 0), keys[0]], T0)
    assert session.remaining(T0) == (3, 0, 0)
    seen = []
    now = T0
    while (card := session.next_card(now)) is not None:
        seen.append(card.key)
        session.answer(card, Rating.EASY, now, SECOND)
        now += SECOND
    assert seen == keys
    assert col.store.review_count() == 3
    assert session.remaining(now) == (0, 0, 0)


def test_cards_not_yet_due_are_shown_and_again_brings_a_card_back(
    open_col: OpenCollection,
) -> None:
    col = open_col([basic_deck("a", 3)])
    session = col.session(None, T0)
    for _ in range(3):
        session.answer(session.next_card(T0), Rating.EASY, T0, SECOND)  # type: ignore[arg-type]
    later = T0 + timedelta(hours=1)
    assert col.session(None, later).next_card(later) is None  # nothing due for days
    focused = col.session_for([CardKey("a", "n1", 0), CardKey("a", "n2", 0)], later)
    first = focused.next_card(later)
    assert first is not None and first.key == CardKey("a", "n1", 0)
    focused.answer(first, Rating.AGAIN, later, SECOND)
    second = focused.next_card(later)
    assert second is not None and second.key == CardKey("a", "n2", 0)
    focused.answer(second, Rating.GOOD, later, SECOND)
    assert focused.remaining(later) == (0, 1, 0)
    # The lapsed card returns once its relearning step is within the learn-ahead window.
    again = focused.next_card(later)
    assert again is not None and again.key == first.key
    focused.answer(again, Rating.GOOD, later + timedelta(minutes=10), SECOND)
    assert focused.next_card(later + timedelta(minutes=10)) is None


def test_undo_puts_the_card_back_at_the_front(open_col: OpenCollection) -> None:
    col = open_col([basic_deck("a", 4)])
    focused = col.session_for([CardKey("a", "n3", 0), CardKey("a", "n0", 0)], T0)
    card = focused.next_card(T0)
    assert card is not None
    focused.answer(card, Rating.GOOD, T0, SECOND)
    assert focused.undo() == card
    assert col.store.review_count() == 0
    assert focused.next_card(T0) == card
    assert focused.remaining(T0) == (2, 0, 0)


def test_studied_today_counts_answers_since_the_day_began(open_col: OpenCollection) -> None:
    col = open_col([basic_deck("a", 5)])
    session = col.session(None, T0)
    for i in range(3):
        now = T0 + i * SECOND
        session.answer(session.next_card(now), Rating.GOOD, now, timedelta(seconds=4))  # type: ignore[arg-type]
    assert col.studied_today(T0 + timedelta(hours=1)) == (3, timedelta(seconds=12))
    stats = col.stats(T0 + timedelta(hours=1))
    assert (stats.reviews_today, stats.time_today_seconds) == (3, 12)
    # The next study day starts at 4am: nothing studied yet.
    assert col.studied_today(T0 + timedelta(hours=17)) == (0, timedelta(0))


def test_replace_decks_adds_new_cards_and_keeps_history(open_col: OpenCollection) -> None:
    col = open_col([basic_deck("a", 3)])
    session = col.session(None, T0)
    card = session.next_card(T0)
    assert card is not None
    session.answer(card, Rating.GOOD, T0, SECOND)
    col.replace_decks([basic_deck("a", 3), basic_deck("b", 2)])
    assert [c.deck_id for c in col.deck_counts(T0)] == ["a", "b"]
    assert col.card(CardKey("b", "n1", 0)) is not None
    assert len(col.store.reviews_of(col.require_id(card))) == 1
    # A deck that is gone is hidden, and back with its history when it returns.
    col.replace_decks([basic_deck("b", 2)])
    assert col.card(card.key) is None
    col.replace_decks([basic_deck("a", 3), basic_deck("b", 2)])
    assert len(col.store.reviews_of(col.require_id(card))) == 1
