"""Statistics: today's work, true retention, forecast, reviews per day, recall by concept."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta

from rapport.content import Card
from rapport.study import Collection, Rating
from rapport.study.days import study_date
from tests.support.collection import SECOND, T0, OpenCollection, basic, make_deck, with_settings


def answer(col: Collection, card: Card, rating: Rating, when: object, seconds: int = 5) -> None:
    col.session(None, when).answer(card, rating, when, seconds * SECOND)  # type: ignore[arg-type]


def make_mature(col: Collection, card: Card) -> datetime:
    """Answer Easy at each due time until the card's interval reaches 21 days; return
    the due time of its next review."""
    now = T0
    while True:
        answer(col, card, Rating.EASY, now)
        state = col.store.card_state(col.require_id(card))
        assert state.due is not None and state.last_review is not None
        now = state.due
        if state.due - state.last_review >= timedelta(days=21):
            return now


def test_an_empty_collection(open_col: OpenCollection) -> None:
    stats = open_col([make_deck("a", [basic("x")])]).stats(T0)
    assert (stats.reviews_today, stats.time_today_seconds, stats.reviews_total) == (0, 0.0, 0)
    assert stats.retention_7d is None and stats.retention_30d is None
    assert len(stats.forecast) == 30 and all(d.due == 0 for d in stats.forecast)
    assert len(stats.reviews_per_day) == 30 and stats.reviews_per_day[-1].day == date(2026, 3, 2)
    (concept,) = stats.concepts
    assert (concept.cards, concept.studied, concept.share_recalled) == (1, 0, None)


def test_today_and_per_day_reviews(open_col: OpenCollection) -> None:
    deck = make_deck("a", [basic("x"), basic("y"), basic("z")])
    col = open_col([deck])
    yesterday = T0 - timedelta(days=1)
    answer(col, deck.cards()[0], Rating.GOOD, yesterday, 7)
    answer(col, deck.cards()[1], Rating.GOOD, T0, 3)
    answer(col, deck.cards()[2], Rating.AGAIN, T0 + SECOND, 4)
    # 03:00 the next morning still belongs to today's study day.
    late = T0 + timedelta(hours=15)
    answer(col, deck.cards()[1], Rating.GOOD, late, 2)
    stats = col.stats(late)
    assert stats.reviews_today == 3 and stats.time_today_seconds == 9.0
    assert stats.reviews_total == 4
    per_day = {d.day: (d.reviews, d.seconds) for d in stats.reviews_per_day}
    assert per_day[date(2026, 3, 2)] == (3, 9.0)
    assert per_day[date(2026, 3, 1)] == (1, 7.0)
    assert sum(d.reviews for d in stats.reviews_per_day) == 4


def test_true_retention_counts_only_mature_reviews(open_col: OpenCollection) -> None:
    notes = [basic(f"m{i}") for i in range(4)] + [basic("young")]
    deck = make_deck("a", notes)
    col = open_col([deck], settings=with_settings(maximum_interval=36500))
    dues = [make_mature(col, card) for card in deck.cards()[:4]]
    when = max(dues)
    young = deck.cards()[4]
    answer(col, young, Rating.AGAIN, when)  # a new card: not mature, not counted
    for card, rating in zip(
        deck.cards()[:4], [Rating.GOOD, Rating.AGAIN, Rating.HARD, Rating.EASY], strict=True
    ):
        answer(col, card, rating, when)
    stats = col.stats(when)
    assert stats.retention_7d == 0.75 and stats.retention_30d == 0.75
    last_week = stats.retention_per_week[-1]
    assert (last_week.reviews, last_week.retention) == (4, 0.75)
    assert stats.retention_per_week[-1].start == last_week.start
    later = col.stats(when + timedelta(days=10))
    assert later.retention_7d is None and later.retention_30d == 0.75


def test_forecast_counts_studied_cards_per_day(open_col: OpenCollection) -> None:
    deck = make_deck("a", [basic("x"), basic("y"), basic("z")])
    col = open_col([deck])
    answer(col, deck.cards()[0], Rating.EASY, T0)
    answer(col, deck.cards()[1], Rating.AGAIN, T0)  # learning: due today
    stats = col.stats(T0)
    due_x = col.store.card_state(col.require_id(deck.cards()[0])).due
    assert due_x is not None
    days_ahead = (study_date(due_x, 4, UTC) - date(2026, 3, 2)).days
    assert days_ahead > 1
    forecast = [d.due for d in stats.forecast]
    assert forecast[0] == 1 and forecast[days_ahead] == 1 and sum(forecast) == 2
    # Once overdue, a card is counted today.
    overdue = col.stats(due_x + timedelta(days=3))
    assert overdue.forecast[0].due == 2


def test_recall_by_concept(open_col: OpenCollection) -> None:
    deck = make_deck(
        "a",
        [
            basic("a1", concept="alliance"),
            basic("a2", concept="alliance"),
            basic("e1", concept="empathy"),
        ],
    )
    col = open_col([deck])
    answer(col, deck.cards()[0], Rating.EASY, T0)
    stats = col.stats(T0 + timedelta(days=1))
    by_name = {c.concept: c for c in stats.concepts}
    alliance = by_name["alliance"]
    assert (alliance.cards, alliance.studied, alliance.recalled) == (2, 1, 1)
    assert alliance.share_recalled == 1.0
    assert alliance.mean_retrievability is not None and 0.9 < alliance.mean_retrievability < 1
    assert by_name["empathy"].studied == 0
    # Months later, without review, the card is predicted to be forgotten.
    faded = {c.concept: c for c in col.stats(T0 + timedelta(days=365)).concepts}["alliance"]
    assert faded.recalled == 0 and faded.mean_retrievability < 0.9  # type: ignore[operator]


def test_to_json_has_every_figure(open_col: OpenCollection) -> None:
    deck = make_deck("a", [basic("x")], name="Alliance")
    col = open_col([deck])
    answer(col, deck.cards()[0], Rating.GOOD, T0)
    data = json.loads(json.dumps(col.stats(T0).to_json()))
    assert data["decks"] == [
        {"id": "a", "name": "Alliance", "new": 0, "learning": 1, "due": 0, "total": 1}
    ]
    assert data["reviews_today"] == 1 and data["time_today_seconds"] == 5.0
    assert data["reviews_total"] == 1 and data["retention"] == {"7d": None, "30d": None}
    assert len(data["forecast"]) == 30 and data["forecast"][0] == {"date": "2026-03-02", "due": 1}
    assert len(data["reviews_per_day"]) == 30 and data["reviews_per_day"][-1]["reviews"] == 1
    assert len(data["retention_per_week"]) == 26
    assert data["concepts"][0]["concept"] == "alliance"
