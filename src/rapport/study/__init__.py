"""The study engine: FSRS scheduling, study sessions (queue, limits, undo), statistics.

Imports no Qt. The UI asks a :class:`ReviewSession` for the next card and hands back a
:class:`Rating`; it never touches SQL or fsrs directly.
"""

from rapport.store import (
    AlreadyRunning,
    Backup,
    BackupError,
    DatabaseError,
    Restored,
    WriteError,
    list_backups,
    newest_backup,
    restore_backup,
)
from rapport.study.collection import CardRow, Collection
from rapport.study.scheduling import Rating, Scheduler
from rapport.study.session import FocusedSession, ReviewSession, SessionSummary
from rapport.study.settings import InvalidSettings, Settings
from rapport.study.stats import (
    ConceptRecall,
    DayDue,
    DayReviews,
    DeckCounts,
    Stats,
    WeekRetention,
)

__all__ = [
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
