"""The study engine: FSRS scheduling, study sessions (queue, limits, undo), statistics.

Imports no Qt. The UI asks a :class:`ReviewSession` for the next card and hands back a
:class:`Rating`; it never touches SQL or fsrs directly.

The statistics (:mod:`rapport.study.stats`) are not needed to start: their names are
imported from here on first use.
"""

from typing import TYPE_CHECKING, Any

from rapport.store import (
    AlreadyRunning,
    Backup,
    BackupError,
    DatabaseError,
    WriteError,
    list_backups,
    newest_backup,
)
from rapport.study.collection import CardRow, Collection
from rapport.study.counts import DeckCounts
from rapport.study.scheduling import (
    MAX_ANSWER_TIME,
    Rating,
    Scheduler,
    capped_duration,
    suggested_rating,
)
from rapport.study.session import FocusedSession, ReviewSession, SessionSummary
from rapport.study.settings import InvalidSettings, Settings

if TYPE_CHECKING:
    from rapport.store import Restored, restore_backup
    from rapport.study.stats import ConceptRecall, DayDue, DayReviews, Stats, WeekRetention
else:  # (a module __getattr__ seen by mypy would let it accept any name from here)
    _STATS = frozenset({"ConceptRecall", "DayDue", "DayReviews", "Stats", "WeekRetention"})

    def __getattr__(name: str) -> Any:
        if name in _STATS:
            from rapport.study import stats

            return getattr(stats, name)
        if name in ("Restored", "restore_backup"):  # only to restore a backup
            from rapport.store import restore

            return getattr(restore, name)
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = [
    "MAX_ANSWER_TIME",
    "capped_duration",
    "suggested_rating",
    "FocusedSession",
    "AlreadyRunning",
    "Backup",
    "BackupError",
    "CardRow",
    "Collection",
    "ConceptRecall",
    "DatabaseError",
    "DayDue",
    "DayReviews",
    "DeckCounts",
    "InvalidSettings",
    "Rating",
    "Restored",
    "ReviewSession",
    "Scheduler",
    "SessionSummary",
    "Settings",
    "Stats",
    "WeekRetention",
    "WriteError",
    "list_backups",
    "newest_backup",
    "restore_backup",
]
