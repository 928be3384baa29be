"""Statistics of a collection: what the home screen, the stats view and ``rapport stats``
show, for a scope (all decks or some, and a period). Every definition lives here, once:

* **answer kinds** are Anki's revlog types: *learning* (the card was new or in learning),
  *review* and *relearning*; a review is of a **mature** card when the card's scheduled
  interval before it (due minus last review) was at least 21 days, else **young**.
* **true retention** is the share of *review* answers (young, mature, or both) not
  answered Again, with the number of answers behind it (Anki's "True retention" table);
  ``None`` when there were none. It is given for today, the last 7 and 30 study days and
  the period, which starts no earlier than the first review day.
* **retrievability** is FSRS's predicted chance of recall, ``(1 + factor * t / S) **
  decay`` at ``t`` whole days since the last review, with the (factor, decay) of the
  card's preset (its parameters).
* **recalled now** (per concept): studied cards (answered at least once) whose
  retrievability now is at least the desired retention of their preset;
  ``mean_retrievability`` is the studied cards' average.
* **mastery** of a concept: the share of *all* its cards (new ones count against it)
  whose retrievability :data:`MASTERY_HORIZON_DAYS` (30) days from now, with no review
  meanwhile, is at least their preset's desired retention.
* **card counts**: each present card once, as Anki counts them: suspended, buried, new,
  learning, relearning, young, mature.
* **calendar**: answers per study day; the **streak** is the run of consecutive study
  days with at least one answer ending today (or yesterday, when today has none yet);
  the longest streak is over the calendar's range (the period, and at least a year).
* days are study days, which start at the ``day_start_hour`` setting (4am) local time;
  the hourly breakdown uses each answer's local hour at today's offset from UTC (as
  Anki's does: across a daylight-saving change an answer may count an hour off).
"""

from __future__ import annotations

import threading
from bisect import bisect_right
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, tzinfo
from typing import Any, NamedTuple

from rapport.store import Store
from rapport.study.counts import DeckCounts
from rapport.study.days import day_start, study_date

RECALL_THRESHOLD = 0.9  # the default desired retention (a preset may set another)
FORECAST_DAYS = 30
HISTORY_DAYS = 30
RETENTION_WEEKS = 26
MASTERY_HORIZON_DAYS = 30
CALENDAR_MIN_DAYS = 365

# The periods of the selector: label -> days (None: the whole history).
PERIODS: Mapping[str, int | None] = {
    "1 month": 30,
    "3 months": 90,
    "1 year": 365,
    "all history": None,
}

# Lower bounds of the distributions' buckets (the last bucket is open above).
DAY_BINS = (0.0, 1.0, 2.0, 4.0, 8.0, 15.0, 31.0, 61.0, 121.0, 181.0, 366.0)
DAY_LABELS = (
    "< 1 day", "1 day", "2-3 days", "4-7 days", "8-14 days", "15-30 days",
    "1-2 months", "2-4 months", "4-6 months", "6-12 months", "1 year +",
)  # fmt: skip
DIFFICULTY_BINS = tuple(1 + 0.9 * i for i in range(10))  # FSRS difficulty 1-10 in tenths
DIFFICULTY_LABELS = tuple(f"{10 * i}-{10 * i + 10}%" for i in range(10))
RETRIEVABILITY_BINS = (0.0, 0.3, 0.5, 0.6, 0.7, 0.8, 0.85, 0.9, 0.95, 0.98)
RETRIEVABILITY_LABELS = (
    "< 30%", "30-50%", "50-60%", "60-70%", "70-80%", "80-85%", "85-90%", "90-95%",
    "95-98%", "98%+",
)  # fmt: skip
CARD_CATEGORIES = ("new", "learning", "relearning", "young", "mature", "suspended", "buried")
BUTTON_GROUPS = ("learning", "young", "mature")
# The store's kinds of answer (learning, young, mature, relearning) as Anki's button groups.
_BUTTON_GROUP = {0: "learning", 1: "young", 2: "mature", 3: "learning"}


class DeckCurve(NamedTuple):
    """What a deck's preset says about memory: FSRS's forgetting curve (factor, decay)
    and the desired retention."""

    factor: float
    decay: float
    desired_retention: float


@dataclass(frozen=True, slots=True)
class StatsScope:
    """What the statistics cover: some decks (``None``: all) over a period of study
    days ending today (``None``: from the first review day)."""

    deck_ids: tuple[str, ...] | None = None
    period_days: int | None = 30


@dataclass(frozen=True, slots=True)
class Retention:
    """Review answers and those not answered Again."""

    reviews: int = 0
    passed: int = 0

    @property
    def share(self) -> float | None:
        return self.passed / self.reviews if self.reviews else None

    def __add__(self, other: Retention) -> Retention:
        return Retention(self.reviews + other.reviews, self.passed + other.passed)

    def to_json(self) -> dict[str, Any]:
        return {"reviews": self.reviews, "passed": self.passed, "retention": self.share}


@dataclass(frozen=True, slots=True)
class RetentionRow:
    """True retention over one span: young, mature and both."""

    span: str
    young: Retention
    mature: Retention

    @property
    def total(self) -> Retention:
        return self.young + self.mature


@dataclass(frozen=True, slots=True)
class Bin:
    """One bucket of a distribution."""

    label: str
    count: int


@dataclass(frozen=True, slots=True)
class HourFigures:
    """Answers given in one local hour of the day over the period."""

    hour: int
    answers: int
    passed: int


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
    mastered: int = 0

    @property
    def share_recalled(self) -> float | None:
        """Share of studied cards recalled now at the desired retention; ``None`` if none
        studied."""
        return self.recalled / self.studied if self.studied else None

    @property
    def mastery(self) -> float:
        """Share of all the concept's cards mastered (see the module's definitions)."""
        return self.mastered / self.cards if self.cards else 0.0


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
    scope: StatsScope = field(default_factory=StatsScope)
    period_start: date | None = None  # the period's first day (None: no reviews yet)
    first_review_day: date | None = None
    retention: tuple[RetentionRow, ...] = ()
    card_counts: Mapping[str, int] = field(default_factory=dict)
    intervals: tuple[Bin, ...] = ()
    stability: tuple[Bin, ...] = ()
    difficulty: tuple[Bin, ...] = ()
    retrievability: tuple[Bin, ...] = ()
    buttons: Mapping[str, tuple[int, int, int, int]] = field(default_factory=dict)
    hours: tuple[HourFigures, ...] = ()
    calendar: tuple[DayReviews, ...] = ()
    streak: int = 0
    longest_streak: int = 0
    days_studied: int = 0
    mastery_horizon_days: int = MASTERY_HORIZON_DAYS

    def to_json(self) -> dict[str, Any]:
        """The figures as plain JSON-ready values (what ``rapport stats --json`` prints)."""
        bins = {
            "intervals": self.intervals,
            "stability": self.stability,
            "difficulty": self.difficulty,
            "retrievability": self.retrievability,
        }
        return {
            "scope": {
                "decks": None if self.scope.deck_ids is None else list(self.scope.deck_ids),
                "period_days": self.scope.period_days,
                "period_start": None if self.period_start is None else str(self.period_start),
                "first_review_day": (
                    None if self.first_review_day is None else str(self.first_review_day)
                ),
            },
            "true_retention": {
                row.span: {
                    "young": row.young.to_json(),
                    "mature": row.mature.to_json(),
                    "total": row.total.to_json(),
                }
                for row in self.retention
            },
            "card_counts": dict(self.card_counts),
            **{
                name: [{"bucket": b.label, "cards": b.count} for b in value]
                for name, value in bins.items()
            },
            "answer_buttons": {
                group: dict(zip(("again", "hard", "good", "easy"), counts, strict=True))
                for group, counts in self.buttons.items()
            },
            "hours": [
                {"hour": h.hour, "answers": h.answers, "passed": h.passed} for h in self.hours
            ],
            "calendar": [{"date": str(d.day), "reviews": d.reviews} for d in self.calendar],
            "streak": {
                "current": self.streak,
                "longest": self.longest_streak,
                "days_studied": self.days_studied,
            },
            "mastery_horizon_days": self.mastery_horizon_days,
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
                    "mastered": c.mastered,
                    "mastery": c.mastery,
                }
                for c in self.concepts
            ],
        }


def _share(passed: int, answers: int) -> float | None:
    return passed / answers if answers else None


def build_stats(
    store: Store,
    decks: Sequence[DeckCounts],
    curves: Mapping[str, DeckCurve],
    now: datetime,
    day_start_hour: int,
    tz: tzinfo | None,
    scope: StatsScope | None = None,
    unstored: Sequence[tuple[int, str]] = (),
) -> Stats:
    """Compute :class:`Stats` from the store at ``now`` for ``scope``, as aggregate
    queries: per study day, kind of answer and rating, per hour, per bucket and per
    concept, never per
    answer or per card in Python. ``curves`` gives each deck's :class:`DeckCurve` (the
    decks in scope are those of ``decks``). The concepts are those of the stored card
    text (see :meth:`rapport.study.Collection.refresh_text`), or for the cards
    ``unstored`` lists (card id, concept: the decks whose text is not stored yet), those."""
    scope = scope or StatsScope()
    ids = scope.deck_ids
    decks = tuple(d for d in decks if ids is None or d.deck_id in ids)
    curves = {d.deck_id: curves[d.deck_id] for d in decks if d.deck_id in curves}
    today = study_date(now, day_start_hour, tz)

    def start_of(offset: int) -> datetime:
        return day_start(today + timedelta(days=offset), day_start_hour, tz)

    def day_of(when: datetime) -> date:
        return study_date(when, day_start_hour, tz)

    # The cards' figures (forecast, counts, distributions, concepts) are computed on a
    # second connection in a thread, side by side with the log's below (SQLite runs a
    # query without Python's lock): two cores, half the wait. A copy in memory has no
    # second connection: then one after the other.
    horizon = FORECAST_DAYS if (scope.period_days or 365) <= 30 else 90
    if (scope.period_days or 365) > 90:
        horizon = 365
    deck_list = [d.deck_id for d in decks]

    def card_figures(cards_store: Store) -> _CardFigures:
        due = cards_store.due_per_bucket(
            [start_of(0), *(start_of(o) for o in range(1, horizon))],
            start_of(horizon),
            deck_list,
        )
        forecast = tuple(DayDue(today + timedelta(days=i), due[i]) for i in range(horizon))
        counts = cards_store.card_state_counts(deck_list, now)
        grid = cards_store.memory_histogram(
            {d: (c.factor, c.decay) for d, c in curves.items()},
            now,
            DAY_BINS,
            DAY_BINS,
            DIFFICULTY_BINS,
            RETRIEVABILITY_BINS,
        )
        concepts = tuple(
            ConceptRecall(
                concept=concept,
                cards=cards,
                studied=studied,
                recalled=recalled,
                mean_retrievability=total / studied if studied else None,
                mastered=mastered,
            )
            for concept, cards, studied, recalled, total, mastered in cards_store.concept_mastery(
                curves, now, MASTERY_HORIZON_DAYS, unstored
            )
        )
        return forecast, counts, grid, concepts

    # The log figures below run while the card figures are computed on a second
    # connection; leaving the block (also by an error) waits for that thread, so no
    # connection outlives the call.
    with _side_by_side(store, card_figures) as cards_done:
        first = store.first_review_time(ids)
        first_day = None if first is None else day_of(first)
        if scope.period_days is None:
            period_start = first_day
        else:
            period_start = today - timedelta(days=scope.period_days - 1)
            if first_day is not None:
                period_start = max(period_start, first_day)
        period_offset = 0 if period_start is None else (period_start - today).days

        # The log since the calendar's start per hour (calendar, streak, reviews per day,
        # weekly mature retention), and since the period's start (at least 30 days) per
        # study day, kind and rating (true retention, buttons).
        calendar_offset = min(
            period_offset, -(CALENDAR_MIN_DAYS - 1), -(HISTORY_DAYS - 1), -(RETENTION_WEEKS * 7 - 1)
        )
        days_back = -calendar_offset + 1
        starts = [start_of(o) for o in range(calendar_offset, 2)]
        first_hour = starts[0]
        day_hours = [round((d - first_hour).total_seconds()) // 3600 for d in starts]
        answers_on = [0] * days_back
        seconds_on = [0.0] * days_back
        mature_on = [[0, 0] for _ in range(days_back)]
        for hour, answers, seconds, mature, mature_passed in store.answers_per_hour_since(
            ids, first_hour, start_of(-(RETENTION_WEEKS * 7 - 1))
        ):
            index = min(days_back - 1, bisect_right(day_hours, hour) - 1)
            answers_on[index] += answers
            seconds_on[index] += seconds
            mature_on[index][0] += mature
            mature_on[index][1] += mature_passed
        spans = {"today": 0, "7 days": -6, "30 days": -29, "period": period_offset}
        kind_offset = min(spans.values())
        rows = store.answer_breakdown(ids, [start_of(o) for o in range(kind_offset, 1)])
        kept = {span: {1: [0, 0], 2: [0, 0]} for span in spans}
        buttons = {group: [0, 0, 0, 0] for group in BUTTON_GROUPS}
        for bucket, kind, rating, answers, _ in rows:
            offset = bucket + kind_offset
            passed = 0 if rating == 1 else answers
            if kind in (1, 2):
                for span, since in spans.items():
                    if offset >= since:
                        kept[span][kind][0] += answers
                        kept[span][kind][1] += passed
            if offset >= period_offset and 1 <= rating <= 4:
                buttons[_BUTTON_GROUP[kind]][rating - 1] += answers

        def day_figures(offset: int) -> DayReviews:
            index = offset - calendar_offset
            return DayReviews(
                today + timedelta(days=offset), answers_on[index], float(seconds_on[index])
            )

        reviews_per_day = tuple(day_figures(o) for o in range(-(HISTORY_DAYS - 1), 1))
        calendar = tuple(day_figures(o) for o in range(calendar_offset, 1))
        streak, longest, studied_days = _streaks(calendar)
        retention = [
            RetentionRow(span, Retention(*kept[span][1]), Retention(*kept[span][2]))
            for span in spans
        ]
        weeks = []
        for k in range(RETENTION_WEEKS - 1, -1, -1):
            begin = days_back - 7 * k - 7
            week = mature_on[begin : begin + 7]
            answers, passed = sum(w[0] for w in week), sum(w[1] for w in week)
            weeks.append(
                WeekRetention(today + timedelta(days=-7 * k - 6), answers, _share(passed, answers))
            )

        # The hourly breakdown over the period, by the local hour at today's UTC offset.
        offset_now = now.astimezone(tz).utcoffset() or timedelta(0)
        hours = [[0, 0] for _ in range(24)]
        for hour, answers, passed in store.answers_per_hour(
            ids, start_of(period_offset), offset_now
        ):
            hours[hour] = [answers, passed]

        forecast, counts, grid, concepts = cards_done()

    def marginal(axis: int, labels: Sequence[str]) -> tuple[Bin, ...]:
        totals = [0] * len(labels)
        for row in grid:
            totals[row[axis]] += row[4]
        return tuple(Bin(label, n) for label, n in zip(labels, totals, strict=True))

    seven, thirty = retention[1].mature, retention[2].mature
    return Stats(
        decks=decks,
        reviews_today=reviews_per_day[-1].reviews,
        time_today_seconds=reviews_per_day[-1].seconds,
        reviews_total=store.review_count(ids),
        retention_7d=seven.share,
        retention_30d=thirty.share,
        forecast=forecast,
        reviews_per_day=reviews_per_day,
        retention_per_week=tuple(weeks),
        concepts=concepts,
        scope=scope,
        period_start=period_start,
        first_review_day=first_day,
        retention=tuple(retention),
        card_counts={c: counts.get(c, 0) for c in CARD_CATEGORIES},
        intervals=marginal(0, DAY_LABELS),
        stability=marginal(1, DAY_LABELS),
        difficulty=marginal(2, DIFFICULTY_LABELS),
        retrievability=marginal(3, RETRIEVABILITY_LABELS),
        buttons={g: (a, b, c, d) for g, (a, b, c, d) in buttons.items()},
        hours=tuple(HourFigures(h, a, p) for h, (a, p) in enumerate(hours)),
        calendar=calendar,
        streak=streak,
        longest_streak=longest,
        days_studied=studied_days,
    )


_CardFigures = tuple[
    tuple["DayDue", ...],
    dict[str, int],
    list[tuple[int, int, int, int, int]],
    tuple["ConceptRecall", ...],
]


@contextmanager
def _side_by_side(
    store: Store, compute: Callable[[Store], _CardFigures]
) -> Iterator[Callable[[], _CardFigures]]:
    """Start ``compute`` on a second connection to ``store``'s file in a thread; the
    returned function waits for its result (or raises its error). Without a second
    connection (a copy in memory), ``compute(store)`` runs when the result is asked for."""

    opener = store.peer()
    if opener is None:
        yield lambda: compute(store)
        return
    result: list[_CardFigures] = []
    failure: list[BaseException] = []

    def run() -> None:
        try:
            peer = opener()
            try:
                result.append(compute(peer))
            finally:
                peer.close()
        except BaseException as exc:  # raised again by the caller, on its thread
            failure.append(exc)

    thread = threading.Thread(target=run, name="statistics-cards", daemon=True)
    thread.start()

    def wait() -> _CardFigures:
        thread.join()
        if failure:
            raise failure[0]
        return result[0]

    try:
        yield wait
    finally:
        thread.join()  # also when the caller's part failed: the thread's connection closes


def _streaks(calendar: Sequence[DayReviews]) -> tuple[int, int, int]:
    """(current streak, longest streak, days with answers) of a calendar ending today;
    the current streak ends today, or yesterday when today has no answers yet."""
    longest = run = 0
    for day in calendar:
        run = run + 1 if day.reviews else 0
        longest = max(longest, run)
    days = [d.reviews > 0 for d in calendar]
    if days and not days[-1]:
        days.pop()  # today not studied yet: the streak may still run to yesterday
    current = 0
    for studied in reversed(days):
        if not studied:
            break
        current += 1
    return current, longest, sum(1 for d in calendar if d.reviews)


@dataclass(frozen=True, slots=True)
class ChartTable:
    """One chart's figures as a table (what a screen reader reads, and what the chart
    draws): ``rows`` of text cells under ``columns``, and per row the plotted numbers,
    one per name in ``series``."""

    name: str
    title: str
    columns: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    values: tuple[tuple[float, ...], ...]
    series: tuple[str, ...]
    unit: str = ""


def _pct(value: float | None) -> str:
    return "-" if value is None else f"{value:.0%}"


def chart_tables(stats: Stats) -> tuple[ChartTable, ...]:
    """Every chart of the statistics screen as a :class:`ChartTable`, in screen order."""
    out = []
    out.append(
        ChartTable(
            "retention",
            "True retention (review answers not Again)",
            ("Span", "Young", "Young reviews", "Mature", "Mature reviews", "All", "Reviews"),
            tuple(
                (
                    row.span,
                    _pct(row.young.share),
                    str(row.young.reviews),
                    _pct(row.mature.share),
                    str(row.mature.reviews),
                    _pct(row.total.share),
                    str(row.total.reviews),
                )
                for row in stats.retention
            ),
            tuple(
                (100 * (row.young.share or 0), 100 * (row.mature.share or 0))
                for row in stats.retention
            ),
            ("young", "mature"),
            "%",
        )
    )
    counts = stats.card_counts
    out.append(
        ChartTable(
            "counts",
            "Card counts",
            ("State", "Cards"),
            tuple((c, str(counts.get(c, 0))) for c in CARD_CATEGORIES),
            tuple((float(counts.get(c, 0)),) for c in CARD_CATEGORIES),
            ("cards",),
            "cards",
        )
    )
    out.append(
        ChartTable(
            "reviews",
            f"Reviews per day (last {HISTORY_DAYS} days)",
            ("Date", "Reviews", "Minutes"),
            tuple(
                (str(d.day), str(d.reviews), f"{d.seconds / 60:.1f}") for d in stats.reviews_per_day
            ),
            tuple((float(d.reviews),) for d in stats.reviews_per_day),
            ("reviews",),
            "reviews",
        )
    )
    out.append(
        ChartTable(
            "forecast",
            f"Due forecast (next {len(stats.forecast)} days)",
            ("Date", "Due"),
            tuple((str(d.day), str(d.due)) for d in stats.forecast),
            tuple((float(d.due),) for d in stats.forecast),
            ("due",),
            "cards",
        )
    )
    for name, title, bins in (
        ("intervals", "Review intervals", stats.intervals),
        ("stability", "Stability (FSRS, days)", stats.stability),
        ("difficulty", "Difficulty (FSRS)", stats.difficulty),
        ("retrievability", "Retrievability now (FSRS)", stats.retrievability),
    ):
        out.append(
            ChartTable(
                name,
                title,
                ("Bucket", "Cards"),
                tuple((b.label, str(b.count)) for b in bins),
                tuple((float(b.count),) for b in bins),
                ("cards",),
                "cards",
            )
        )
    out.append(
        ChartTable(
            "buttons",
            "Answer buttons (the period)",
            ("Group", "Again", "Hard", "Good", "Easy", "Correct"),
            tuple(
                (
                    group,
                    *(str(n) for n in counts_),
                    _pct(_share(sum(counts_[1:]), sum(counts_))),
                )
                for group, counts_ in stats.buttons.items()
            ),
            tuple(tuple(float(n) for n in counts_) for counts_ in stats.buttons.values()),
            ("Again", "Hard", "Good", "Easy"),
            "answers",
        )
    )
    out.append(
        ChartTable(
            "hours",
            "Hourly breakdown (the period)",
            ("Hour", "Answers", "Correct"),
            tuple(
                (f"{h.hour:02d}:00", str(h.answers), _pct(_share(h.passed, h.answers)))
                for h in stats.hours
            ),
            tuple((float(h.answers),) for h in stats.hours),
            ("answers",),
            "answers",
        )
    )
    out.append(
        ChartTable(
            "calendar",
            f"Calendar: streak {stats.streak} days, longest {stats.longest_streak}, "
            f"{stats.days_studied} days studied",
            ("Date", "Reviews"),
            tuple((str(d.day), str(d.reviews)) for d in stats.calendar if d.reviews),
            tuple((float(d.reviews),) for d in stats.calendar if d.reviews),
            ("reviews",),
            "reviews",
        )
    )
    out.append(
        ChartTable(
            "mastery",
            f"Mastery per concept (recall in {stats.mastery_horizon_days} days "
            f">= desired retention)",
            ("Concept", "Mastery", "Mastered", "Cards", "Recalled now", "Studied"),
            tuple(
                (
                    c.concept,
                    _pct(c.mastery),
                    str(c.mastered),
                    str(c.cards),
                    str(c.recalled),
                    str(c.studied),
                )
                for c in stats.concepts
            ),
            tuple((100 * c.mastery,) for c in stats.concepts),
            ("mastery",),
            "%",
        )
    )
    return tuple(out)
