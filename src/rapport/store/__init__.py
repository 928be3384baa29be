"""Durable state in SQLite: schema and migrations, backups, the single-writer lock.

Nothing outside this package writes SQL; :class:`Store` is its one way in. Restoring a
backup (:mod:`rapport.store.restore`) loads when first asked for: opening never needs it.
"""

from typing import TYPE_CHECKING, Any

from rapport.store.backups import (
    Backup,
    backups_to_keep,
    list_backups,
    make_backup,
    newest_backup,
    thin_backups,
)
from rapport.store.connection import DB_NAME, probe_file
from rapport.store.database import Store
from rapport.store.errors import AlreadyRunning, BackupError, DatabaseError, WriteError
from rapport.store.images import Image, Scope
from rapport.store.lock import DataLock
from rapport.store.records import (
    MATURE_INTERVAL,
    CardState,
    CardTableRow,
    Hiding,
    LoggedAnswer,
    Phase,
    ReviewOrder,
    ReviewRecord,
)
from rapport.store.schema import MIGRATIONS, SCHEMA_VERSION

__all__ = [
    "DB_NAME",
    "Hiding",
    "Image",
    "MATURE_INTERVAL",
    "MIGRATIONS",
    "SCHEMA_VERSION",
    "AlreadyRunning",
    "Backup",
    "BackupError",
    "CardState",
    "CardTableRow",
    "DataLock",
    "DatabaseError",
    "Phase",
    "LoggedAnswer",
    "ReviewOrder",
    "ReviewRecord",
    "Restored",
    "Scope",
    "Store",
    "WriteError",
    "backups_to_keep",
    "list_backups",
    "make_backup",
    "newest_backup",
    "probe_file",
    "restore_backup",
    "thin_backups",
]


if TYPE_CHECKING:
    from rapport.store.restore import Restored, restore_backup
else:  # (a module __getattr__ seen by mypy would let it accept any name from here)

    def __getattr__(name: str) -> Any:
        if name in ("Restored", "restore_backup"):
            from rapport.store import restore

            return getattr(restore, name)
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
