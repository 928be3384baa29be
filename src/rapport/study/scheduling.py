"""FSRS scheduling through py-fsrs: what a rating does to a card, and what it would do.

The store keeps a card's state as a :class:`~rapport.store.CardState`; this module is the
only one that converts it to and from ``fsrs.Card``. A new card is what py-fsrs calls a
learning card at step 0 with no memory state yet. py-fsrs is imported when a scheduler
first schedules, not at start-up (showing the first card needs no scheduling).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from enum import IntEnum
from typing import TYPE_CHECKING

from rapport.content.notes.answers import Verdict
from rapport.store import CardState, Phase
from rapport.study.days import require_aware
from rapport.study.settings import MAX_ANSWER_SECONDS, Settings

if TYPE_CHECKING:
    import fsrs


class Rating(IntEnum):
    """The four answers, with Anki's numbers (also their keyboard keys)."""

    AGAIN = 1
    HARD = 2
    GOOD = 3
    EASY = 4


# An answer's recorded time is capped, as Anki caps it (``Card.time_taken(capped=True)``):
# a trainee who left the card on screen for ten minutes did not think for ten minutes.
MAX_ANSWER_TIME = timedelta(seconds=MAX_ANSWER_SECONDS)


def capped_duration(duration: timedelta, cap: timedelta = MAX_ANSWER_TIME) -> timedelta:
    """The time an answer took as recorded: never negative, at most ``cap`` (the preset's
    maximum answer time, by default :data:`MAX_ANSWER_TIME`)."""
    return min(max(duration, timedelta(0)), cap)


def answer_cap(settings: Settings) -> timedelta:
    """A preset's maximum answer time (its ``max_answer_seconds``)."""
    return timedelta(seconds=settings.max_answer_seconds)


def easy_day_due(
    due: datetime,
    now: datetime,
    loads: tuple[float, ...],
    weekday_of: Callable[[datetime], int],
) -> datetime:
    """Anki's Easy Days: a review due ``due`` (from ``now``) moves, within its fuzz range
    (5 % of the interval, at least a day, never before tomorrow), to the day whose
    weekday takes the most reviews by ``loads`` (Monday first: 1 normal, 0.5 reduced, 0
    minimum), the nearest such day on a tie; unchanged when every day is normal or the
    interval is under two days."""
    days = (due - now).total_seconds() / 86_400
    if days < 2 or all(load == 1.0 for load in loads):
        return due
    spread = max(1, round(days * 0.05))
    best = due
    best_key = (loads[weekday_of(due)], 0)
    for shift in sorted(range(-spread, spread + 1), key=abs):
        moved = due + timedelta(days=shift)
        if (moved - now).total_seconds() < 86_400:
            continue
        key = (loads[weekday_of(moved)], -abs(shift))
        if key > best_key:
            best, best_key = moved, key
    return best


def suggested_rating(verdict: Verdict | None) -> Rating:
    """The rating to offer first after a checked answer: right Good, close (a small slip)
    Hard, wrong Again; Good when nothing was checked (basic, reversed and cloze cards)."""
    if verdict is None or verdict is Verdict.RIGHT:
        return Rating.GOOD
    if verdict is Verdict.CLOSE:
        return Rating.HARD
    return Rating.AGAIN


class Scheduler:
    """Applies FSRS with the trainee's settings."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self._fuzzed: fsrs.Scheduler | None = None
        self._unfuzzed: fsrs.Scheduler | None = None

    @property
    def _fsrs(self) -> fsrs.Scheduler:
        """The scheduler answers go through (fuzzed if the settings say so)."""
        if self._fuzzed is None:
            self._fuzzed = self._build(self.settings, fuzz=self.settings.fuzz)
        return self._fuzzed

    @property
    def _exact(self) -> fsrs.Scheduler:
        """The unfuzzed scheduler: button labels show the unfuzzed interval, as Anki's do,
        so they never flicker."""
        if not self.settings.fuzz:
            return self._fsrs
        if self._unfuzzed is None:
            self._unfuzzed = self._build(self.settings, fuzz=False)
        return self._unfuzzed

    def prepare(self) -> None:
        """Build the FSRS schedulers now (importing py-fsrs), not at the first answer."""
        _ = self._fsrs, self._exact

    @staticmethod
    def _build(settings: Settings, *, fuzz: bool) -> fsrs.Scheduler:
        import fsrs
        from fsrs.scheduler import DEFAULT_PARAMETERS

        return fsrs.Scheduler(
            parameters=settings.parameters or DEFAULT_PARAMETERS,
            desired_retention=settings.desired_retention,
            learning_steps=settings.learning_steps,
            relearning_steps=settings.relearning_steps,
            maximum_interval=settings.maximum_interval,
            enable_fuzzing=fuzz,
        )

    def review(self, card_id: int, state: CardState, rating: Rating, now: datetime) -> CardState:
        """The card's state after answering ``rating`` at ``now``."""
        import fsrs

        now = require_aware(now)
        reviewed, _ = self._fsrs.review_card(
            _to_fsrs(card_id, state, now), fsrs.Rating(rating), now
        )
        return _from_fsrs(reviewed)

    def intervals(self, card_id: int, state: CardState, now: datetime) -> dict[Rating, timedelta]:
        """For each rating, how long until the card would be due again (without fuzz)."""
        import fsrs

        now = require_aware(now)
        card = _to_fsrs(card_id, state, now)
        out = {}
        for rating in Rating:
            reviewed, _ = self._exact.review_card(card, fsrs.Rating(rating), now)
            out[rating] = reviewed.due - now
        return out

    def forgetting_curve(self) -> tuple[float, float]:
        """FSRS's (factor, decay): retrievability after ``t`` whole days is ``(1 + factor
        * t / stability) ** decay`` (what the statistics compute in SQL, per card)."""
        scheduler = self._fsrs
        return float(scheduler._FACTOR), float(scheduler._DECAY)

    def retrievability(self, card_id: int, state: CardState, now: datetime) -> float | None:
        """The predicted chance of recalling the card at ``now``; ``None`` if never studied."""
        if state.phase == Phase.NEW or state.stability is None or state.last_review is None:
            return None
        now = require_aware(now)
        return float(self._fsrs.get_card_retrievability(_to_fsrs(card_id, state, now), now))


def _to_fsrs(card_id: int, state: CardState, now: datetime) -> fsrs.Card:
    import fsrs

    if state.phase == Phase.NEW:
        return fsrs.Card(card_id=card_id, state=fsrs.State.Learning, step=0, due=now)
    return fsrs.Card(
        card_id=card_id,
        state=fsrs.State(int(state.phase)),
        step=state.step,
        stability=state.stability,
        difficulty=state.difficulty,
        due=state.due or now,
        last_review=state.last_review,
    )


def _from_fsrs(card: fsrs.Card) -> CardState:
    return CardState(
        phase=Phase(int(card.state.value)),
        step=card.step,
        stability=card.stability,
        difficulty=card.difficulty,
        due=card.due,
        last_review=card.last_review,
    )
