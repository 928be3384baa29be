"""The per-day ledger: the study day's bounds, what each deck has done today, and the
versions that tell sessions when their per-deck figures must be recomputed.

The daily limits are per deck, not per session, so every session of a collection shares
one ledger: the new cards introduced and the reviews answered in each deck on the
current study day (started from the review log when a new day begins, then counted as
answers are given and undone).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import datetime, tzinfo
from typing import NamedTuple

from rapport.store import Phase, Store
from rapport.store.records import DayCounts
from rapport.study.days import require_aware, today_bounds

DoneToday = DayCounts  # new cards introduced and reviews answered in a deck on the study day


def new_left(limit: int, extra: int, done: int) -> int:
    """New cards a deck may still show on the study day: its daily limit (``limit``)
    plus those allowed beyond it (``extra``, custom study) less those introduced
    (``done``). The one home of this rule: the queue, Home's counts and the next-due
    time all ask it."""
    return max(0, limit + extra - done)


def reviews_left(limit: int, done: int) -> int:
    """Reviews a deck may still show on the study day: its daily limit less those
    answered (never below 0, when the limit was lowered after they were)."""
    return max(0, limit - done)


class DeckVersion(NamedTuple):
    """Changes whenever the settings (``settings``) or a card of the deck (``deck``) do."""

    settings: int
    deck: int


class DayLedger:
    """The study day and each deck's counts on it; the change versions."""

    def __init__(
        self,
        store: Store,
        day_start_hour: Callable[[], int],
        tz: tzinfo | None,
        deck_ids: Callable[[], Iterable[str]],
    ) -> None:
        self._store = store
        self._day_start_hour = day_start_hour
        self.tz = tz
        self._deck_ids = deck_ids
        self._day: datetime | None = None
        self._done: dict[str, list[int]] = {}
        # New cards allowed beyond each deck's daily limit for the rest of the study day
        # (custom study's "more new cards today"); forgotten when the next day begins.
        self._extra_new: dict[str, int] = {}
        self._settings_version = 0
        self._deck_versions: dict[str, int] = {}

    def today_bounds(self, now: datetime) -> tuple[datetime, datetime]:
        """UTC start of the current study day and of the next one."""
        return today_bounds(require_aware(now), self._day_start_hour(), self.tz)

    def study_day(self, now: datetime) -> tuple[datetime, datetime]:
        """Like :meth:`today_bounds`, and starts the day's counts when a new day begins."""
        start, end = self.today_bounds(now)
        if start != self._day:
            done = self._store.studied_since(start)
            self._done = {d: list(done.get(d, (0, 0))) for d in self._deck_ids()}
            if self._day is not None:
                self._extra_new = {}
            self._day = start
        return start, end

    def recount(self) -> None:
        """Count the study day's answers again from the log (after an undo or redo)."""
        if self._day is not None:
            done = self._store.studied_since(self._day)
            self._done = {d: list(done.get(d, (0, 0))) for d in self._deck_ids()}

    def extra_new(self, deck_id: str) -> int:
        """New cards deck ``deck_id`` may show today beyond its daily limit."""
        return self._extra_new.get(deck_id, 0)

    def allow_more_new(self, deck_id: str, count: int) -> None:
        """Raise deck ``deck_id``'s new-card limit by ``count`` for the rest of the day
        (a negative ``count``, from undo, lowers it again, never below the limit)."""
        self._extra_new[deck_id] = max(0, self._extra_new.get(deck_id, 0) + count)
        self.changed(deck_id)

    def done_today(self, deck_id: str) -> DoneToday:
        """What deck ``deck_id`` did on the study day last started by :meth:`study_day`."""
        new, reviews = self._done.get(deck_id, (0, 0))
        return DayCounts(new, reviews)

    def count_done(self, deck_id: str, phase_before: Phase, day: datetime, sign: int) -> None:
        """Count an answer (``sign`` 1) or an undone one (-1) given on study day ``day``."""
        if day != self._day or deck_id not in self._done:
            return
        if phase_before == Phase.NEW:
            self._done[deck_id][0] += sign
        elif phase_before == Phase.REVIEW:
            self._done[deck_id][1] += sign

    def deck_version(self, deck_id: str) -> DeckVersion:
        """Changes whenever the settings or a card of ``deck_id`` change."""
        return DeckVersion(self._settings_version, self._deck_versions.get(deck_id, 0))

    def changed(self, deck_id: str | None = None) -> None:
        """A card of ``deck_id`` changed (``None``: the settings, or everything)."""
        if deck_id is None:
            self._settings_version += 1
        else:
            self._deck_versions[deck_id] = self._deck_versions.get(deck_id, 0) + 1
