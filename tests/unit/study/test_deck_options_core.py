"""Deck options as Anki has them (issue 23, item 5), in the core: new-card gather and
sort order, review order, leech action, Easy Days, maximum answer time."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from rapport.content import Card, Note
from rapport.store import CardState, Phase, ReviewRecord
from rapport.study import Collection, InvalidSettings, Rating, Settings
from rapport.study.scheduling import easy_day_due
from tests.support.collection import (
    SECOND,
    T0,
    OpenCollection,
    basic,
    basic_deck,
    make_deck,
    reversed_note,
    with_settings,
)


def studied_order(col: Collection, deck_ids: list[str], now: datetime, count: int) -> list[str]:
    session = col.session(deck_ids, now)
    seen = []
    for _ in range(count):
        card = session.next_card(now)
        assert card is not None
        seen.append(f"{card.note.id}/{card.ordinal}")
        session.answer(card, Rating.EASY, now, SECOND)
    return seen


def test_new_card_gather_orders(open_col: OpenCollection) -> None:
    col = open_col([basic_deck("a", 6), basic_deck("b", 20)])
    col.save_preset("Reverse", with_settings(new_gather_order="descending"))
    col.set_deck_preset("a", "Reverse")
    assert studied_order(col, ["a"], T0, 3) == ["n5/0", "n4/0", "n3/0"]
    col.save_preset("Shuffled", with_settings(new_gather_order="random", new_per_day=50))
    col.set_deck_preset("b", "Shuffled")
    first = col.session(["b"], T0).next_card(T0)
    assert first is not None and col.session(["b"], T0).next_card(T0) == first  # stable
    shuffled = studied_order(col, ["b"], T0, 20)
    assert sorted(shuffled) == sorted(f"n{i}/0" for i in range(20))
    assert shuffled != [f"n{i}/0" for i in range(20)]


def test_new_card_sort_by_card_type(open_col: OpenCollection) -> None:
    notes: list[Note] = [reversed_note("r1"), reversed_note("r2"), basic("b3")]
    unburied = with_settings(bury_new=False)
    col = open_col([make_deck("a", notes), make_deck("b", notes)], settings=unburied)
    col.save_preset("Types", with_settings(bury_new=False, new_sort_order="card-type"))
    col.set_deck_preset("b", "Types")
    # Deck order: r1's second card once another note's card came between.
    assert studied_order(col, ["a"], T0, 4) == ["r1/0", "r2/0", "r1/1", "r2/1"]
    # Card type first: every first card before any second card.
    assert studied_order(col, ["b"], T0, 4) == ["r1/0", "r2/0", "b3/0", "r1/1"]


def _review(col: Collection, card: Card, stability: float, last: datetime) -> None:
    before = CardState(Phase.NEW, 0, None, None, None, None)
    after = CardState(Phase.REVIEW, 0, stability, 5.0, T0 - timedelta(hours=1), last)
    col.store.record_review(ReviewRecord(col.require_id(card), last, 3, SECOND, before, after))


def test_review_order_by_retrievability(open_col: OpenCollection) -> None:
    deck = basic_deck("a", 3)
    col = open_col([deck])
    cards = deck.cards()
    # All due now; n0 due first but the most stable; n2 the least likely recalled.
    _review(col, cards[0], 100.0, T0 - timedelta(days=10))
    _review(col, cards[1], 10.0, T0 - timedelta(days=10))
    _review(col, cards[2], 2.0, T0 - timedelta(days=10))
    assert studied_order(col, ["a"], T0, 1) == ["n0/0"]  # due order: by due, then id
    col.save_settings(with_settings(review_order="retrievability"))
    col2 = studied_order(col, ["a"], T0, 2)
    assert col2 == ["n2/0", "n1/0"]


def test_leech_action_tag_only(open_col: OpenCollection) -> None:
    deck = make_deck("a", [basic("x"), basic("y")])
    col = open_col([deck], settings=with_settings(leech_threshold=1, leech_action="tag"))
    card = deck.cards()[0]
    _review(col, card, 5.0, T0 - timedelta(days=10))
    session = col.session(None, T0)
    session.answer(card, Rating.AGAIN, T0, SECOND)
    card_id = col.require_id(card)
    assert session.last_leech and "leech" in col.store.note_tags("a", "x")
    assert not col.store.is_suspended(card_id)


def test_maximum_answer_time(open_col: OpenCollection) -> None:
    deck = basic_deck("a", 2)
    col = open_col([deck], settings=with_settings(max_answer_seconds=15))
    session = col.session(None, T0)
    card = session.next_card(T0)
    assert card is not None
    session.answer(card, Rating.GOOD, T0, timedelta(minutes=5))
    (record,) = col.store.reviews_of(col.require_id(card))
    assert record.duration == timedelta(seconds=15)


def test_easy_days_move_a_review_off_a_minimum_day() -> None:
    now = datetime(2026, 3, 2, 12, tzinfo=UTC)  # a Monday
    sunday = datetime(2026, 3, 22, 12, tzinfo=UTC)  # 20 days on: a spread of 1 day

    def weekday(when: datetime) -> int:
        return when.weekday()

    normal = (1.0,) * 7
    assert easy_day_due(sunday, now, normal, weekday) == sunday
    no_sundays = (1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 0.0)
    moved = easy_day_due(sunday, now, no_sundays, weekday)
    assert moved.weekday() != 6 and abs((moved - sunday).days) == 1
    # Reduced Saturday and minimum Sunday: Monday is the normal day in range.
    weekend = (1.0, 1.0, 1.0, 1.0, 1.0, 0.5, 0.0)
    assert easy_day_due(sunday, now, weekend, weekday).weekday() == 0
    # A short interval is never moved.
    tomorrow = now + timedelta(days=1)
    assert easy_day_due(tomorrow, now, no_sundays, weekday) == tomorrow


def test_easy_days_in_a_session(open_col: OpenCollection) -> None:
    deck = basic_deck("a", 12)
    loads = (1.0, 1.0, 1.0, 1.0, 1.0, 0.0, 0.0)  # no weekend reviews
    col = open_col([deck], settings=with_settings(easy_days=loads, bury_new=False))
    session = col.session(None, T0)
    for _ in range(12):
        card = session.next_card(T0)
        assert card is not None
        session.answer(card, Rating.EASY, T0, SECOND)
    dues = [col.store.card_state(col.require_id(c)).due for c in deck.cards()]
    for due in dues:
        assert due is not None
        if (due - T0).days >= 3:
            assert due.weekday() < 5, due


def test_deck_option_values_are_checked() -> None:
    with pytest.raises(InvalidSettings):
        Settings(review_order="alphabetical")
    with pytest.raises(InvalidSettings, match="at least one weekday"):
        Settings(easy_days=(0.0,) * 7)
    with pytest.raises(InvalidSettings, match="maximum answer time"):
        Settings(max_answer_seconds=0)
    saved = Settings(
        new_gather_order="random",
        new_sort_order="card-type",
        review_order="retrievability",
        leech_action="tag",
        easy_days=(1.0, 1.0, 1.0, 1.0, 1.0, 0.5, 0.0),
        max_answer_seconds=30,
        show_answer_timer=True,
    )
    assert Settings.from_json(saved.to_json()) == saved
