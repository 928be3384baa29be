"""The collection's two parts: the card map (sync, ids) and the per-day ledger."""

from __future__ import annotations

from datetime import timedelta

from rapport.content import CardKey
from rapport.study import Rating
from tests.support.collection import SECOND, T0, OpenCollection, basic_deck


def test_the_ledger_counts_a_days_answers_per_deck_and_starts_afresh_next_day(
    open_col: OpenCollection,
) -> None:
    col = open_col([basic_deck("a", 3), basic_deck("b", 3)])
    session = col.session(["a"], T0)
    card = session.next_card(T0)
    assert card is not None
    session.answer(card, Rating.GOOD, T0, SECOND)
    assert col.ledger.done_today("a") == (1, 0) and col.ledger.done_today("a").new == 1
    assert col.ledger.done_today("b") == (0, 0)
    version = col.ledger.deck_version("a")
    session.undo()
    assert col.ledger.done_today("a").new == 0
    assert col.ledger.deck_version("a") != version  # the undo changed a card of "a"
    tomorrow = T0 + timedelta(days=1)
    start, end = col.ledger.study_day(tomorrow)
    assert start <= tomorrow < end and col.ledger.done_today("a") == (0, 0)


def test_the_card_map_matches_ids_a_deck_at_a_time(open_col: OpenCollection) -> None:
    col = open_col([basic_deck("a", 2), basic_deck("b", 2)])
    first = col.cards.card_id(CardKey("a", "n0", 0))
    assert first is not None
    assert col.cards.card_by_id(first).key == CardKey("a", "n0", 0)
    assert col.cards.card(CardKey("b", "n1", 0)) is not None
    assert col.cards.card(CardKey("c", "n0", 0)) is None  # no such deck
    assert len(col.cards.map_all()) == 4
