"""Restoring a backup in place: one operation and one undo step, the collection open.

File > Restore backup in the running window calls :func:`restore_backup`. Unlike a
restore at start-up (:mod:`rapport.store.restore`, a file swap before any window or undo
stack exists), nothing is moved: the backup is expanded, checked in full and brought to
the current schema beside the database (:func:`rapport.store.restore.read_backup`), and
then, in one :meth:`Store.transaction`, the before-image of every progress row is taken
(``Scope(everything=True)``, see :mod:`rapport.store.images`) and the rows are replaced
with the backup's. The cards of decks loaded now that the backup lacks are then synced in
as new, in the same transaction (as opening a collection would). The step is named
:data:`RESTORE_STEP`: Edit > Undo puts today's rows back, Edit > Redo the backup's.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

from rapport.store import Backup, Scope, list_backups
from rapport.store.restore import read_backup
from rapport.study.ops import Changes

if TYPE_CHECKING:
    from rapport.study.collection import Collection

RESTORE_STEP = "Restore backup"


class BackupSummary(NamedTuple):
    """A backup as the restore dialog lists it."""

    backup: Backup
    size: int  # bytes on disk (compressed)


def backups_of(data_dir: Path) -> list[BackupSummary]:
    """The backups of ``data_dir``, newest first, with their sizes (no file is opened)."""
    found = []
    for backup in list_backups(data_dir):
        try:
            size = backup.path.stat().st_size
        except OSError:
            continue  # (gone since it was listed)
        found.append(BackupSummary(backup, size))
    return found


def restore_backup(collection: Collection, backup: Path, now: datetime) -> Changes:
    """Make ``backup`` the collection's progress, as one undo step (see the module doc).

    Raises :class:`~rapport.store.BackupError` naming the file when the backup is
    damaged, foreign or from a newer Rapport, :class:`~rapport.store.WriteError` when the
    rows cannot be written; then nothing changed and no step was recorded.
    """
    collection.check_writable()
    image = read_backup(collection.data_dir, backup)
    store = collection.store

    def write() -> None:
        store.restore_image(image)
        collection.cards.reread(every_deck=True)

    return collection.ops.perform(RESTORE_STEP, Scope(everything=True), write, now=now)
