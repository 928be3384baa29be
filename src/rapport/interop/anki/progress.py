"""Study progress in an Anki package: card states, FSRS memory and the review log.

An export *with progress* (``rapport export --with-progress``, the checkbox in File >
Export to Anki...) carries, for every card the trainee has studied, what Anki's importer
takes when "Import any learning progress" is ticked:

* the card's type and queue (new, learning, review, relearning; suspended), its due
  date, interval, review and lapse counts, remaining learning steps;
* its FSRS memory state (stability, difficulty, desired retention, decay and the last
  review time) in the card's ``data`` field, where Anki keeps ``card.memory_state``, so
  Anki's FSRS continues from the same state;
* every answer as a review-log entry (rating, interval, difficulty, time taken).

Anki keeps review due dates as day numbers counted from the collection's creation time
(``crt``). The package's ``crt`` is the start of a Rapport study day (the trainee's day
start hour, local time) no later than any review, with ``rollover`` set to that hour, so
Anki's days begin when Rapport's do; on import Anki shifts day numbers to its own
collection. Learning cards are due at a moment (seconds since the epoch), as in Anki.

Anki imports progress only for cards it does not have yet (a fresh collection, or new
cards), never over the trainee's own Anki history.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta, tzinfo
from typing import TYPE_CHECKING

from rapport.content.notes.model import CardKey
from rapport.store import CardState, Phase, ReviewRecord
from rapport.store.records import is_lapse
from rapport.study.days import day_start, study_date
from rapport.study.scheduling import MAX_ANSWER_TIME

if TYPE_CHECKING:
    from rapport.study import Collection

# Anki's card types and queues (rslib/src/card/mod.rs).
TYPE_NEW, TYPE_LEARN, TYPE_REVIEW, TYPE_RELEARN = 0, 1, 2, 3
QUEUE_SUSPENDED, QUEUE_NEW, QUEUE_LEARN, QUEUE_REVIEW, QUEUE_DAY_LEARN = -1, 0, 1, 2, 3
# Anki's review-log kinds.
REVLOG_LEARN, REVLOG_REVIEW, REVLOG_RELEARN = 0, 1, 2
DEFAULT_FACTOR = 2500  # Anki's starting ease (permille); FSRS ignores it
# Anki caps the time taken per answer at one minute, as Rapport does (one home of it).
MAX_ANSWER_MS = round(MAX_ANSWER_TIME.total_seconds() * 1000)
DEFAULT_DECAY = 0.1542  # FSRS-6's default decay (py-fsrs and Anki)


@dataclass(frozen=True, slots=True)
class CardProgress:
    """One card's progress in Rapport."""

    state: CardState
    suspended: bool
    reviews: tuple[ReviewRecord, ...]


@dataclass(frozen=True, slots=True)
class StudyProgress:
    """The progress of every studied card, and the settings that place it in time."""

    cards: Mapping[CardKey, CardProgress]
    desired_retention: float
    day_start_hour: int
    learning_steps: int
    relearning_steps: int
    tz: tzinfo | None = None
    decay: float = DEFAULT_DECAY

    def first_day(self, now: datetime) -> date:
        """The study day the package's collection was "created": the earliest review's."""
        days = [self.day(r.time) for p in self.cards.values() for r in p.reviews]
        return min([self.day(now), *days])

    def day(self, moment: datetime) -> date:
        return study_date(moment, self.day_start_hour, self.tz)


def study_progress(collection: Collection) -> StudyProgress:
    """The progress in a :class:`rapport.study.Collection` (read from its store)."""
    store = collection.store
    reviews: dict[int, list[ReviewRecord]] = {}
    for review in store.review_log():
        reviews.setdefault(review.card_id, []).append(review)
    cards = {
        CardKey(row.deck_id, row.note_id, row.ordinal): CardProgress(
            row.state, row.suspended, tuple(reviews.get(row.id, ()))
        )
        for row in store.card_table()
    }
    settings = collection.settings
    return StudyProgress(
        cards=cards,
        desired_retention=settings.desired_retention,
        day_start_hour=settings.day_start_hour,
        learning_steps=len(settings.learning_steps),
        relearning_steps=len(settings.relearning_steps),
        tz=collection.tz,
    )


class AnkiTime:
    """Rapport moments as Anki's numbers, relative to the package's ``crt``."""

    def __init__(self, progress: StudyProgress, now: datetime, crt: int | None = None) -> None:
        """``crt``: an existing collection's creation time (the sync mirror's); by default
        the start of the package's first study day."""
        self.progress = progress
        if crt is None:
            self.first = progress.first_day(now)
            self.crt = int(day_start(self.first, progress.day_start_hour, progress.tz).timestamp())
        else:
            self.first = progress.day(datetime.fromtimestamp(crt, UTC))
            self.crt = crt

    def day_number(self, moment: datetime) -> int:
        return (self.progress.day(moment) - self.first).days

    def days_between(self, start: datetime, end: datetime) -> int:
        return (self.progress.day(end) - self.progress.day(start)).days


def _interval(state: CardState, time: AnkiTime) -> int:
    """Anki's interval of a state: days for review cards, minus seconds while learning."""
    if state.phase == Phase.NEW or state.due is None:
        return 0
    start = state.last_review or state.due
    if state.phase == Phase.REVIEW:
        return max(1, time.days_between(start, state.due))
    return -max(1, round((state.due - start).total_seconds()))


def _factor(state: CardState) -> int:
    """What Anki's FSRS logs as the ease factor: difficulty scaled to 0-1000."""
    if state.difficulty is None:
        return 0
    return round((state.difficulty - 1) / 9 * 1000)


def card_columns(
    card: CardProgress, position: int, time: AnkiTime, progress: StudyProgress
) -> dict[str, int | str]:
    """The Anki ``cards`` columns for one card's progress."""
    state = card.state
    lapses = sum(1 for r in card.reviews if is_lapse(r.rating, r.before.phase))
    columns: dict[str, int | str] = {
        "type": TYPE_NEW,
        "queue": QUEUE_NEW,
        "due": position,
        "ivl": 0,
        "factor": 0,
        "reps": len(card.reviews),
        "lapses": lapses,
        "left": 0,
        "data": "",
    }
    if state.phase != Phase.NEW and state.due is not None:
        columns["factor"] = DEFAULT_FACTOR
        if state.phase == Phase.REVIEW:
            columns.update(
                type=TYPE_REVIEW,
                queue=QUEUE_REVIEW,
                due=time.day_number(state.due),
                ivl=_interval(state, time),
            )
        else:
            steps = (
                progress.learning_steps
                if state.phase == Phase.LEARNING
                else progress.relearning_steps
            )
            start = state.last_review or state.due
            interday = state.due - start >= timedelta(days=1)
            columns.update(
                type=TYPE_LEARN if state.phase == Phase.LEARNING else TYPE_RELEARN,
                queue=QUEUE_DAY_LEARN if interday else QUEUE_LEARN,
                due=time.day_number(state.due) if interday else int(state.due.timestamp()),
                ivl=0 if state.phase == Phase.LEARNING else max(1, round(state.stability or 1)),
                left=max(1, steps - (state.step or 0)),
            )
        if state.stability is not None and state.difficulty is not None:
            memory: dict[str, float | int] = {
                "s": round(state.stability, 4),
                "d": round(state.difficulty, 3),
                "dr": round(progress.desired_retention, 2),
                "decay": progress.decay,
            }
            if state.last_review is not None:
                memory["lrt"] = int(state.last_review.timestamp())
            columns["data"] = json.dumps(memory, separators=(",", ":"))
    if card.suspended:
        columns["queue"] = QUEUE_SUSPENDED
    return columns


def _revlog_kind(review: ReviewRecord) -> int:
    if review.before.phase == Phase.REVIEW:
        return REVLOG_REVIEW
    if review.before.phase == Phase.RELEARNING:
        return REVLOG_RELEARN
    return REVLOG_LEARN


EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def revlog_id(moment: datetime) -> int:
    """The Anki review-log id of an answer: its millisecond since the epoch (exact, so an
    answer read back from Anki, :func:`revlog_time`, gets the same id again)."""
    return (moment - EPOCH) // timedelta(milliseconds=1)


def revlog_time(revlog_id: int) -> datetime:
    """The moment of an Anki review-log entry (the inverse of :func:`revlog_id`)."""
    return EPOCH + timedelta(milliseconds=revlog_id)


def revlog_values(review: ReviewRecord, time: AnkiTime) -> tuple[int, int, int, int, int, int]:
    """An answer's Anki ``revlog`` columns ``ease, ivl, lastIvl, factor, time, type``."""
    return (
        review.rating,
        _interval(review.after, time),
        _interval(review.before, time),
        _factor(review.after),
        min(MAX_ANSWER_MS, round(review.duration.total_seconds() * 1000)),
        _revlog_kind(review),
    )


def write_progress(
    cursor: sqlite3.Cursor,
    cards: Sequence[tuple[int, CardProgress]],
    progress: StudyProgress,
    now: datetime,
) -> int:
    """Write the progress of ``cards`` (Anki card id, progress) into the package's
    collection, set its ``crt`` and day rollover; return the number of log entries."""
    time = AnkiTime(progress, now)
    (conf_text,) = cursor.execute("SELECT conf FROM col").fetchone()
    conf = json.loads(conf_text)
    # schedVer 2: no v1-to-v2 conversion of learning cards on import; days roll over at
    # the trainee's day start hour.
    conf.update(schedVer=2, rollover=progress.day_start_hour)
    cursor.execute("UPDATE col SET crt = ?, conf = ?", (time.crt, json.dumps(conf)))
    used: set[int] = set()
    entries = 0
    for position, (card_id, card) in enumerate(cards):
        columns = card_columns(card, position, time, progress)
        cursor.execute(
            "UPDATE cards SET type = :type, queue = :queue, due = :due, ivl = :ivl, "
            "factor = :factor, reps = :reps, lapses = :lapses, left = :left, data = :data "
            "WHERE id = :id",
            {**columns, "id": card_id},
        )
        for review in card.reviews:
            entry_id = revlog_id(review.time)
            while entry_id in used:  # Anki's log is keyed by the answer's millisecond
                entry_id += 1
            used.add(entry_id)
            cursor.execute(
                "INSERT INTO revlog (id, cid, usn, ease, ivl, lastIvl, factor, time, type) "
                "VALUES (?, ?, -1, ?, ?, ?, ?, ?, ?)",
                (entry_id, card_id, *revlog_values(review, time)),
            )
            entries += 1
    return entries
