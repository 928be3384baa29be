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

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta, tzinfo
from typing import Any

from rapport.store import Store
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

    @property
    def mastery(self) -> float:
        """The concept's mastery: the share of *all* its cards the trainee would recall
        now (retrievability >= 0.9), so unstudied cards count against it; 0 without
        cards. The one home of the rule (the Statistics view shows it)."""
        return self.recalled / self.cards if self.cards else 0.0


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


def _share(passed: int, answers: int) -> float | None:
    return passed / answers if answers else None


def build_stats(
    store: Store,
    decks: Sequence[DeckCounts],
    retrievability: tuple[float, float],
    now: datetime,
    day_start_hour: int,
    tz: tzinfo | None,
) -> Stats:
    """Compute :class:`Stats` from the store at ``now``, as aggregate queries: per study
    day and per concept, never per answer or per card in Python. ``retrievability`` is
    FSRS's (factor, decay) of the scheduler. The concepts are those of the stored card
    text (see :meth:`rapport.study.Collection.refresh_text`)."""
    today = study_date(now, day_start_hour, tz)

    def start_of(offset: int) -> datetime:
        return day_start(today + timedelta(days=offset), day_start_hour, tz)

    # Reviews per day, and today's.
    per_day = store.reviews_per_bucket([start_of(o) for o in range(-(HISTORY_DAYS - 1), 1)])
    reviews_per_day = tuple(
        DayReviews(today - timedelta(days=HISTORY_DAYS - 1 - i), answers, seconds)
        for i, (answers, _, seconds) in enumerate(per_day)
    )

    # True retention: the last 7 and 30 study days, and per week; from per-day figures.
    days = max(RETENTION_WEEKS * 7, HISTORY_DAYS)
    mature = store.reviews_per_bucket(
        [start_of(o) for o in range(-(days - 1), 1)], mature_only=True
    )

    def retention_of(rows: Sequence[tuple[int, int, float]]) -> tuple[int, float | None]:
        answers, passed = sum(r[0] for r in rows), sum(r[1] for r in rows)
        return answers, _share(passed, answers)

    retention_7d = retention_of(mature[-7:])[1]
    retention_30d = retention_of(mature[-HISTORY_DAYS:])[1]
    weeks = []
    for k in range(RETENTION_WEEKS - 1, -1, -1):
        first = days - 7 * k - 7
        answers, share = retention_of(mature[first : first + 7])
        weeks.append(WeekRetention(today + timedelta(days=-7 * k - 6), answers, share))
    retention_per_week = tuple(weeks)

    # Forecast: studied cards due per day, overdue ones counted today.
    due = store.due_per_bucket(
        [start_of(0), *(start_of(o) for o in range(1, FORECAST_DAYS))], start_of(FORECAST_DAYS)
    )
    forecast = tuple(DayDue(today + timedelta(days=i), due[i]) for i in range(FORECAST_DAYS))

    # Recall per concept.
    factor, decay = retrievability
    concepts = tuple(
        ConceptRecall(
            concept=concept,
            cards=cards,
            studied=studied,
            recalled=recalled,
            mean_retrievability=total / studied if studied else None,
        )
        for concept, cards, studied, recalled, total in store.concept_recall(
            now, factor, decay, RECALL_THRESHOLD
        )
    )

    return Stats(
        decks=tuple(decks),
        reviews_today=per_day[-1][0],
        time_today_seconds=per_day[-1][2],
        reviews_total=store.review_count(),
        retention_7d=retention_7d,
        retention_30d=retention_30d,
        forecast=forecast,
        reviews_per_day=reviews_per_day,
        retention_per_week=retention_per_week,
        concepts=concepts,
    )
