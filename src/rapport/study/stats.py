"""Statistics of a collection: what the home screen, the stats view and ``rapport stats``
show.

Definitions:

* **true retention** is the share of reviews of *mature* cards (cards in review whose
  scheduled interval was at least 21 days) not answered Again, over the last 7 and 30
  study days; ``None`` when there were no such reviews.
* **recall per concept** uses FSRS's retrievability, the predicted chance of recalling a
  card now. Among a concept's studied cards (answered at least once), ``recalled`` counts
  those with retrievability of at least :data:`RECALL_THRESHOLD` (0.9, the default desired
  retention), and ``mean_retrievability`` is their average. New cards are not counted as
  studied.
* days are study days, which start at the ``day_start_hour`` setting (4am) local time.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta, tzinfo
from typing import Any

from rapport.content import Card
from rapport.store import CardState, Store
from rapport.study.counts import DeckCounts
from rapport.study.days import day_start, study_date

RECALL_THRESHOLD = 0.9
FORECAST_DAYS = 30
HISTORY_DAYS = 30
RETENTION_WEEKS = 26


@dataclass(frozen=True, slots=True)
class DayReviews:
    """Answers given on one study day and the time they took."""

    day: date
    reviews: int
    seconds: float


@dataclass(frozen=True, slots=True)
class DayDue:
    """Cards that fall due on one study day (today includes the overdue)."""

    day: date
    due: int


@dataclass(frozen=True, slots=True)
class WeekRetention:
    """True retention over the seven study days from ``start``."""

    start: date
    reviews: int
    retention: float | None


@dataclass(frozen=True, slots=True)
class ConceptRecall:
    """How well the trainee recalls the cards of one concept now."""

    concept: str
    cards: int
    studied: int
    recalled: int
    mean_retrievability: float | None

    @property
    def share_recalled(self) -> float | None:
        """Share of studied cards with retrievability >= 0.9; ``None`` if none studied."""
        return self.recalled / self.studied if self.studied else None


@dataclass(frozen=True, slots=True)
class Stats:
    """Every figure of the statistics, computed at one moment."""

    decks: tuple[DeckCounts, ...]
    reviews_today: int
    time_today_seconds: float
    reviews_total: int
    retention_7d: float | None
    retention_30d: float | None
    forecast: tuple[DayDue, ...]
    reviews_per_day: tuple[DayReviews, ...]
    retention_per_week: tuple[WeekRetention, ...]
    concepts: tuple[ConceptRecall, ...]

    def to_json(self) -> dict[str, Any]:
        """The figures as plain JSON-ready values (what ``rapport stats --json`` prints)."""
        return {
            "decks": [
                {
                    "id": d.deck_id,
                    "name": d.name,
                    "new": d.new,
                    "learning": d.learning,
                    "due": d.due,
                    "total": d.total,
                }
                for d in self.decks
            ],
            "reviews_today": self.reviews_today,
            "time_today_seconds": round(self.time_today_seconds, 3),
            "reviews_total": self.reviews_total,
            "retention": {"7d": self.retention_7d, "30d": self.retention_30d},
            "forecast": [{"date": d.day.isoformat(), "due": d.due} for d in self.forecast],
            "reviews_per_day": [
                {"date": d.day.isoformat(), "reviews": d.reviews, "seconds": round(d.seconds, 3)}
                for d in self.reviews_per_day
            ],
            "retention_per_week": [
                {"week_start": w.start.isoformat(), "reviews": w.reviews, "retention": w.retention}
                for w in self.retention_per_week
            ],
            "concepts": [
                {
                    "concept": c.concept,
                    "cards": c.cards,
                    "studied": c.studied,
                    "recalled": c.recalled,
                    "share_recalled": c.share_recalled,
                    "mean_retrievability": c.mean_retrievability,
                }
                for c in self.concepts
            ],
        }


def _share_not_again(ratings: Sequence[int]) -> float | None:
    return sum(1 for r in ratings if r != 1) / len(ratings) if ratings else None


def build_stats(
    store: Store,
    decks: Sequence[DeckCounts],
    cards_by_id: dict[int, Card],
    retrievability: Callable[[int, CardState, datetime], float | None],
    now: datetime,
    day_start_hour: int,
    tz: tzinfo | None,
) -> Stats:
    """Compute :class:`Stats` from the store at ``now``."""
    today = study_date(now, day_start_hour, tz)

    def start_of(offset: int) -> datetime:
        return day_start(today + timedelta(days=offset), day_start_hour, tz)

    # Reviews per day, and today's.
    past = [start_of(offset) for offset in range(-(HISTORY_DAYS - 1), 1)]
    per_day_count = [0] * HISTORY_DAYS
    per_day_seconds = [0.0] * HISTORY_DAYS
    for time, duration in store.review_times(past[0]):
        index = bisect_right(past, time) - 1
        per_day_count[index] += 1
        per_day_seconds[index] += duration.total_seconds()
    reviews_per_day = tuple(
        DayReviews(
            today - timedelta(days=HISTORY_DAYS - 1 - i), per_day_count[i], per_day_seconds[i]
        )
        for i in range(HISTORY_DAYS)
    )

    # True retention: the last 7 and 30 study days, and per week.
    weeks = [start_of(-7 * k - 6) for k in range(RETENTION_WEEKS - 1, -1, -1)]
    mature = store.mature_reviews(min(weeks[0], start_of(-(HISTORY_DAYS - 1))))
    since_7, since_30 = start_of(-6), start_of(-(HISTORY_DAYS - 1))
    retention_7d = _share_not_again([r for t, r in mature if t >= since_7])
    retention_30d = _share_not_again([r for t, r in mature if t >= since_30])
    by_week: list[list[int]] = [[] for _ in weeks]
    for time, rating in mature:
        index = bisect_right(weeks, time) - 1
        if index >= 0:
            by_week[index].append(rating)
    retention_per_week = tuple(
        WeekRetention(today + timedelta(days=-7 * k - 6), len(ratings), _share_not_again(ratings))
        for k, ratings in zip(range(RETENTION_WEEKS - 1, -1, -1), by_week, strict=True)
    )

    # Forecast: studied cards due per day, overdue ones counted today.
    ahead = [start_of(offset) for offset in range(1, FORECAST_DAYS + 1)]
    due_counts = [0] * FORECAST_DAYS
    for due in store.due_times(ahead[-1]):
        due_counts[bisect_right(ahead, due)] += 1
    forecast = tuple(DayDue(today + timedelta(days=i), due_counts[i]) for i in range(FORECAST_DAYS))

    # Recall per concept.
    totals: dict[str, list[float]] = {}
    sizes: dict[str, int] = {}
    for row in store.card_table():
        card = cards_by_id.get(row.id)
        if card is None:
            continue
        concept = card.note.concept
        sizes[concept] = sizes.get(concept, 0) + 1
        values = totals.setdefault(concept, [])
        value = retrievability(row.id, row.state, now)
        if value is not None:
            values.append(value)
    concepts = tuple(
        ConceptRecall(
            concept=concept,
            cards=sizes[concept],
            studied=len(totals[concept]),
            recalled=sum(1 for v in totals[concept] if v >= RECALL_THRESHOLD),
            mean_retrievability=(
                sum(totals[concept]) / len(totals[concept]) if totals[concept] else None
            ),
        )
        for concept in sorted(sizes)
    )

    return Stats(
        decks=tuple(decks),
        reviews_today=per_day_count[-1],
        time_today_seconds=per_day_seconds[-1],
        reviews_total=store.review_count(),
        retention_7d=retention_7d,
        retention_30d=retention_30d,
        forecast=forecast,
        reviews_per_day=reviews_per_day,
        retention_per_week=retention_per_week,
        concepts=concepts,
    )
