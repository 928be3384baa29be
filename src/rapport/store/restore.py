"""Bring a backup back as the progress database, keeping the current file aside.

The current file (with its ``-wal`` and ``-shm`` companions, which hold committed changes
not yet folded into it) is renamed, never deleted: ``collection.sqlite3.damaged-<time>``
when it cannot be opened, ``collection.sqlite3.before-restore-<time>`` when it can. The
backup is copied under a temporary name and renamed into place, so at every moment the
data folder holds either the old file or the complete restored one.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from rapport.store.backups import list_backups
from rapport.store.database import DB_NAME, probe_file
from rapport.store.errors import BackupError
from rapport.store.lock import DataLock

_COMPANIONS = ("-wal", "-shm")


@dataclass(frozen=True, slots=True)
class Restored:
    """What a restore did: which backup came back and where the old file went."""

    backup: Path
    kept_aside: Path | None


def restore_backup(data_dir: Path, backup: Path | None, now: datetime) -> Restored:
    """Restore ``backup`` (default: the newest) as ``data_dir``'s progress database.

    Refuses (:class:`AlreadyRunning`) while Rapport has the data folder open, and
    (:class:`BackupError`) when there is no such backup or it is itself unusable.
    """
    import shutil  # here, not at start-up

    with DataLock(data_dir):
        if backup is None:
            backups = list_backups(data_dir)
            if not backups:
                raise BackupError(f"There are no backups in {data_dir / 'backups'} to restore.")
            backup = backups[0].path
        problem = probe_file(backup)
        if problem is not None:
            raise BackupError(f"The backup {backup} cannot be restored: {problem}.")
        target = data_dir / DB_NAME
        kept_aside = _keep_aside(target, now)
        partial = target.with_name(target.name + ".restoring")
        try:
            shutil.copyfile(backup, partial)
            with open(partial, "rb") as handle:
                os.fsync(handle.fileno())
            os.replace(partial, target)
        except OSError as exc:
            partial.unlink(missing_ok=True)
            raise BackupError(f"Rapport could not restore {backup} to {target}: {exc}") from exc
        return Restored(backup, kept_aside)


def _keep_aside(target: Path, now: datetime) -> Path | None:
    if not target.exists():
        return None
    label = "damaged" if probe_file(target) is not None else "before-restore"
    stamp = now.astimezone(UTC).strftime("%Y%m%d-%H%M%S")
    aside = target.with_name(f"{target.name}.{label}-{stamp}")
    try:
        for suffix in _COMPANIONS:
            companion = target.with_name(target.name + suffix)
            if companion.exists():
                os.replace(companion, aside.with_name(aside.name + suffix))
        os.replace(target, aside)
    except OSError as exc:
        raise BackupError(f"Rapport could not move {target} aside to restore: {exc}") from exc
    return aside
