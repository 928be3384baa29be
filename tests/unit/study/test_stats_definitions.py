"""Each statistic's definition pinned on a hand-made history (issue 23, item 4): true
retention young/mature with its counts, answer buttons, the period from the first review
day, the calendar and streak, the hourly breakdown, card counts, distributions and
mastery."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from rapport.store import CardState, Phase, ReviewRecord
from rapport.study import Collection
from rapport.study.stats import StatsScope
from tests.support.collection import T0, OpenCollection, basic, make_deck, with_settings

DAY = timedelta(days=1)


def state(phase: Phase, last: datetime | None, interval_days: float, s: float = 10.0) -> CardState:
    """A card state with a scheduled interval of ``interval_days`` from ``last``."""
    if phase == Phase.NEW or last is None:
        return CardState(Phase.NEW, 0, None, None, None, None)
    return CardState(phase, 0, s, 5.0, last + interval_days * DAY, last)


def log(
    col: Collection,
    card_index: int,
    when: datetime,
    rating: int,
    before: CardState,
    after: CardState | None = None,
) -> None:
    card = col.decks[0].cards()[card_index]
    after = after or state(Phase.REVIEW, when, 3)
    col.store.record_review(
        ReviewRecord(col.require_id(card), when, rating, timedelta(seconds=4), before, after)
    )


def test_true_retention_young_and_mature_with_counts_and_buttons(
    open_col: OpenCollection,
) -> None:
    col = open_col([make_deck("a", [basic(f"n{i}") for i in range(3)])])
    new = state(Phase.NEW, None, 0)
    log(col, 0, T0 - 10 * DAY, 3, new)  # learning: no retention figure
    log(col, 0, T0 - 5 * DAY, 1, state(Phase.REVIEW, T0 - 10 * DAY, 5))  # young, failed
    relearn = CardState(Phase.RELEARNING, 0, 3.0, 6.0, T0 - 5 * DAY, T0 - 5 * DAY)
    log(col, 0, T0 - 5 * DAY + timedelta(minutes=10), 3, relearn)  # relearning: none
    log(col, 1, T0 - 2 * DAY, 3, state(Phase.REVIEW, T0 - 12 * DAY, 10))  # young, passed
    log(col, 2, T0 - 1 * DAY, 1, state(Phase.REVIEW, T0 - 31 * DAY, 30))  # mature, failed
    log(col, 2, T0, 3, state(Phase.REVIEW, T0 - 40 * DAY, 21))  # mature (21 days), passed
    log(col, 1, T0, 4, state(Phase.REVIEW, T0 - 30 * DAY, 25))  # mature, passed
    stats = col.stats(T0)
    rows = {row.span: row for row in stats.retention}
    period = rows["period"]
    assert (period.young.reviews, period.young.passed) == (2, 1)
    assert (period.mature.reviews, period.mature.passed) == (3, 2)
    assert (period.total.reviews, period.total.passed, period.total.share) == (5, 3, 0.6)
    today = rows["today"]
    assert (today.young.reviews, today.young.share) == (0, None)
    assert (today.mature.reviews, today.mature.share) == (2, 1.0)
    assert (rows["7 days"].young.reviews, rows["7 days"].mature.reviews) == (2, 3)
    # The headline figures are the mature ones, and their counts are in the table.
    assert stats.retention_7d == 2 / 3
    # Answer buttons as Anki groups them (relearning with learning).
    assert stats.buttons == {
        "learning": (0, 0, 2, 0),
        "young": (1, 0, 1, 0),
        "mature": (1, 0, 1, 1),
    }
    # The period starts on the first review day, not before it.
    assert stats.first_review_day == date(2026, 2, 20)
    assert stats.period_start == date(2026, 2, 20)
    whole = col.stats(T0, StatsScope(period_days=None))
    assert whole.period_start == date(2026, 2, 20)
    # A period that ends before the old answers leaves them out.
    week = col.stats(T0, StatsScope(period_days=3))
    week_rows = {row.span: row for row in week.retention}
    assert (week_rows["period"].young.reviews, week_rows["period"].mature.reviews) == (1, 3)
    assert week.buttons["learning"] == (0, 0, 0, 0)
    data = week.to_json()
    assert data["true_retention"]["period"]["mature"] == {
        "reviews": 3,
        "passed": 2,
        "retention": 2 / 3,
    }


def test_deck_scope(open_col: OpenCollection) -> None:
    col = open_col([make_deck("a", [basic("x")]), make_deck("b", [basic("y")])])
    log(col, 0, T0, 3, state(Phase.REVIEW, T0 - 30 * DAY, 30))
    only_b = col.stats(T0, StatsScope(deck_ids=("b",)))
    assert [d.deck_id for d in only_b.decks] == ["b"]
    assert only_b.retention[0].total.reviews == 0 and only_b.reviews_total == 0
    assert only_b.calendar[-1].reviews == 0 and only_b.card_counts["new"] == 1
    only_a = col.stats(T0, StatsScope(deck_ids=("a",)))
    assert only_a.retention[0].mature.reviews == 1 and only_a.reviews_total == 1
    assert only_a.card_counts["new"] == 0


def test_calendar_streak_and_hours(open_col: OpenCollection) -> None:
    col = open_col([make_deck("a", [basic("x")])])
    review = state(Phase.REVIEW, T0 - 40 * DAY, 3)
    for days_ago in (6, 5, 3, 2, 1):
        log(col, 0, T0 - days_ago * DAY, 3, review)
    log(col, 0, T0 - 2 * DAY + timedelta(hours=3), 1, review)  # 15:00, failed
    stats = col.stats(T0 + timedelta(hours=2))  # today (from 04:00) has no answer yet
    assert (stats.streak, stats.longest_streak, stats.days_studied) == (3, 3, 5)
    by_day = {d.day: d.reviews for d in stats.calendar}
    assert by_day[date(2026, 2, 28)] == 2 and by_day[date(2026, 2, 27)] == 1
    assert stats.calendar[-1].day == date(2026, 3, 2) and len(stats.calendar) >= 365
    hours = {h.hour: (h.answers, h.passed) for h in stats.hours if h.answers}
    assert hours == {12: (5, 5), 15: (1, 0)}
    log(col, 0, T0 + timedelta(hours=1), 3, review)
    after = col.stats(T0 + timedelta(hours=2))
    assert (after.streak, after.longest_streak) == (4, 4)
    # Two days without answers end the streak.
    assert col.stats(T0 + 2 * DAY).streak == 0


def test_card_counts_distributions_and_mastery(open_col: OpenCollection) -> None:
    notes = [basic("strong"), basic("weak"), basic("new"), basic("other", concept="empathy")]
    col = open_col([make_deck("a", notes)])
    log(col, 0, T0, 3, state(Phase.NEW, None, 0), state(Phase.REVIEW, T0, 100, s=100.0))
    log(col, 1, T0, 3, state(Phase.NEW, None, 0), state(Phase.REVIEW, T0, 10, s=10.0))
    stats = col.stats(T0)
    assert stats.card_counts == {
        "new": 2,
        "learning": 0,
        "relearning": 0,
        "young": 1,
        "mature": 1,
        "suspended": 0,
        "buried": 0,
    }
    assert {b.label: b.count for b in stats.stability if b.count} == {
        "8-14 days": 1,
        "2-4 months": 1,
    }
    assert {b.label: b.count for b in stats.intervals if b.count} == {
        "8-14 days": 1,
        "2-4 months": 1,
    }
    assert {b.label: b.count for b in stats.difficulty if b.count} == {"40-50%": 2}
    assert {b.label: b.count for b in stats.retrievability if b.count} == {"98%+": 2}
    # Mastery: retrievability 30 days on, by hand from the forgetting curve.
    factor, decay = col.scheduler.forgetting_curve()
    strong, weak = ((1 + factor * 30 / s) ** decay for s in (100.0, 10.0))
    assert strong >= 0.9 > weak > 0.8
    alliance = {c.concept: c for c in stats.concepts}["alliance"]
    assert (alliance.cards, alliance.studied, alliance.recalled, alliance.mastered) == (3, 2, 2, 1)
    assert alliance.mastery == 1 / 3 and stats.mastery_horizon_days == 30
    # With a desired retention of 0.8 the weaker card is mastered too.
    col.save_settings(with_settings(desired_retention=0.8))
    lower = {c.concept: c for c in col.stats(T0).concepts}["alliance"]
    assert lower.mastered == 2
