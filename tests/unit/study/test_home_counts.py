"""Home's counts: the decks that hide no card are counted in one statement
(:meth:`Store.queue_counts`), the same as the per-deck counts the queue uses."""

from __future__ import annotations

from datetime import timedelta

from rapport.content import CardKey
from rapport.study import Rating
from rapport.study.siblings import hiding
from tests.support.collection import SECOND, T0, OpenCollection, basic_deck, with_settings


def test_one_statement_counts_as_the_queue_does(open_col: OpenCollection) -> None:
    decks = [basic_deck("a", 12), basic_deck("b", 7), basic_deck("c", 3)]
    col = open_col(decks, settings=with_settings(new_per_day=30, reviews_per_day=4))
    now = T0
    for deck in decks[:2]:
        session = col.session(deck.id, now)
        for k in range(5):
            card = session.next_card(now)
            assert card is not None
            session.answer(card, (Rating.AGAIN, Rating.GOOD, Rating.EASY)[k % 3], now, SECOND)
            now += timedelta(minutes=3)
    col.set_suspended(CardKey("c", decks[2].cards()[0].note.id, 0), True)
    later = now + timedelta(days=40)  # reviews and learning steps due, a new day
    start, end = col.today_bounds(later)
    limits = {"a": (2, 3), "b": (30, 1), "c": (0, 9)}
    grouped = col.store.queue_counts(limits, later, end)
    none = hiding(col.settings, {}, {})
    for deck_id, (new_cap, review_cap) in limits.items():
        assert grouped[deck_id] == (
            col.store.count_new(deck_id, new_cap, none),
            col.store.count_learning(deck_id, later, none),
            col.store.count_reviews(deck_id, end, review_cap, none),
        )
    assert grouped["a"][0] == 2 and grouped["c"][0] == 0  # capped
    assert sum(g[2] for g in grouped.values()) > 0  # reviews counted
    assert col.store.queue_counts({}, later, end) == {}
    # Home's figures: the grouped ones where no card is hidden, per deck otherwise.
    counts = {c.deck_id: c for c in col.deck_counts(later)}
    assert (counts["c"].new, counts["c"].total) == (2, 3)  # a suspended card is no new one
