"""Custom study when the day is done: more new cards, review ahead without rescheduling,
forgotten cards, a concept or tag."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta

from rapport.study import Rating, custom
from rapport.study.session import ReviewSession
from tests.support.collection import SECOND, T0, OpenCollection, basic, make_deck, with_settings


def study(session: ReviewSession, rating: Rating = Rating.EASY, now: datetime = T0) -> list[str]:
    seen = []
    for _ in range(50):
        card = session.next_card(now)
        if card is None:
            break
        seen.append(card.note.id)
        session.answer(card, rating, now, SECOND)
    return seen


def test_more_new_cards_today(open_col: OpenCollection) -> None:
    col = open_col(
        [make_deck("a", [basic(f"n{i}") for i in range(6)])], settings=with_settings(new_per_day=2)
    )
    assert study(col.session(None, T0)) == ["n0", "n1"]
    more = col.session(None, T0)
    more.allow_more_new(3)
    assert study(more) == ["n2", "n3", "n4"]


def test_more_new_cards_last_the_rest_of_the_day(open_col: OpenCollection) -> None:
    col = open_col(
        [make_deck("a", [basic(f"n{i}") for i in range(6)])], settings=with_settings(new_per_day=1)
    )
    session = col.session(None, T0)
    session.allow_more_new(2)
    card = session.next_card(T0)
    assert card is not None
    session.answer(card, Rating.EASY, T0, SECOND)
    assert {c.deck_id: c.new for c in col.deck_counts(T0)} == {"a": 2}
    assert study(col.session(None, T0)) == ["n1", "n2"]  # a later session keeps them
    tomorrow = T0 + timedelta(days=1)
    seen = study(col.session(None, tomorrow), now=tomorrow)
    assert [n for n in seen if n in ("n3", "n4", "n5")] == ["n3"]  # the limit again


def test_review_ahead_never_reschedules(open_col: OpenCollection) -> None:
    col = open_col([make_deck("a", [basic("x"), basic("y")])])
    study(col.session(None, T0))  # both into review, due in days
    before = {
        k: col.store.card_state(col.require_id(c))
        for k, c in ((c.key, c) for c in col.decks[0].cards())
    }
    reviews = col.store.review_count()
    session = custom.ahead(col, None, T0, 30)
    assert session.remaining(T0) == (0, 0, 2)
    seen = study(session, Rating.AGAIN)[:3]
    assert seen[:2] == ["x", "y"] and seen[2] == "x"  # Again comes back after the others
    assert session.undo_name == "Again" and session.undo() is not None
    session2 = custom.ahead(col, None, T0, 30)
    assert study(session2, Rating.GOOD) == ["x", "y"]
    after = {c.key: col.store.card_state(col.require_id(c)) for c in col.decks[0].cards()}
    assert after == before and col.store.review_count() == reviews
    assert session2.summary().studied == 2


def test_forgotten_cards_and_a_concept(open_col: OpenCollection) -> None:
    notes = [basic("x"), replace(basic("y"), concept="bond"), replace(basic("z"), tags=("bond",))]
    col = open_col([make_deck("a", notes)])
    session = col.session(None, T0)
    card = session.next_card(T0)
    assert card is not None
    session.answer(card, Rating.AGAIN, T0, SECOND)
    later = T0 + timedelta(hours=1)
    assert study(custom.forgotten(col, later, 1), now=later) == ["x"]
    assert "bond" in custom.concepts_and_tags(col)
    assert sorted(study(custom.by_concept_or_tag(col, "bond"), now=later)) == ["y", "z"]
