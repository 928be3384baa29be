"""Bring a backup back as the progress database, all or nothing, keeping the current file
aside.

A restore goes in steps, each of which a crash may interrupt:

1. the backup is expanded to ``collection.sqlite3.restoring``, flushed to disk and checked
   in full (a damaged or foreign backup is refused here, before anything is moved);
2. a journal, ``restore.journal``, records what is being done and where the current file
   goes, and is flushed to disk;
3. the current file's ``-wal`` and ``-shm`` companions (which hold committed changes not
   yet folded into it) and then the file itself are renamed, never deleted:
   ``collection.sqlite3.damaged-<time>`` when it cannot be used,
   ``collection.sqlite3.before-restore-<time>`` when it can, ``...orphan-<time>`` for a
   log whose database is gone;
4. the expanded backup is renamed into place, and the journal deleted.

Opening the data folder (and any later restore) first finishes a restore whose journal it
finds: as the expanded backup was complete before the journal was written, an interrupted
restore is always finished, never left half done; a restore interrupted before its
journal leaves only the ``.restoring`` file, which is deleted as litter.

A restore *in place* (the running app's File > Restore backup, one undo step, see
:mod:`rapport.study.restoring`) swaps no file: :func:`read_backup` expands the backup to
``collection.sqlite3.staged``, checks it in full as above, brings it to the current
schema with the store's own migrations, reads every progress row of it
(:class:`~rapport.store.images.Image` of ``Scope(everything=True)``) and deletes it (a
kill leaves it as litter); the operation then writes those rows into the open database
in one transaction.
"""

from __future__ import annotations

import json
import logging
import os
import re
import sqlite3
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from rapport.litter import remove_litter
from rapport.store.backups import expand_backup, list_backups, rebuild_indexes
from rapport.store.checks import UnusableDatabase, describe, is_folder_problem, probe
from rapport.store.connection import DB_NAME, probe_file
from rapport.store.errors import BackupError, FolderError
from rapport.store.images import Image, Scope, capture
from rapport.store.lock import DataLock
from rapport.store.schema import migrate

log = logging.getLogger(__name__)
JOURNAL = "restore.journal"
STAGED_SUFFIX = ".restoring"
IN_PLACE_SUFFIX = ".staged"  # (a restore in place: see read_backup)
_COMPANIONS = ("-wal", "-shm")


@dataclass(frozen=True, slots=True)
class Restored:
    """What a restore did: which backup came back and where the old file went."""

    backup: Path
    kept_aside: Path | None


def restore_backup(data_dir: Path, backup: Path | None, now: datetime) -> Restored:
    """Restore ``backup`` (default: the newest) as ``data_dir``'s progress database.

    Refuses (:class:`AlreadyRunning`) while Rapport has the data folder open,
    (:class:`BackupError`) when there is no such backup or it is itself unusable, and
    (:class:`FolderError`) when the folder cannot be written; the data folder is then as
    it was.
    """
    with DataLock(data_dir):
        finish_interrupted_restore(data_dir)
        if backup is None:
            backups = list_backups(data_dir)
            if not backups:
                raise BackupError(f"There are no backups in {data_dir / 'backups'} to restore.")
            backup = backups[0].path
        target = data_dir / DB_NAME
        staged = target.with_name(target.name + STAGED_SUFFIX)
        try:
            remove_litter(data_dir)  # a stale -journal must never meet the new copy
            expand_backup(backup, staged)
            problem = _prepare(staged)
        except (OSError, sqlite3.Error) as exc:
            staged.unlink(missing_ok=True)
            if is_folder_problem(exc) and backup.is_file():
                raise FolderError.from_error(data_dir, exc) from exc
            raise BackupError(f"The backup {backup} cannot be restored: {describe(exc)}.") from exc
        if problem is not None:
            staged.unlink(missing_ok=True)
            raise BackupError(f"The backup {backup} cannot be restored: {problem}.")
        aside = _aside_name(target, now)
        try:
            _write_journal(data_dir, aside)
        except OSError as exc:
            staged.unlink(missing_ok=True)
            raise FolderError.from_error(data_dir, exc) from exc
        moved = finish_interrupted_restore(data_dir)
        return Restored(backup, moved)


def read_backup(data_dir: Path, backup: Path) -> Image:
    """Every progress row of ``backup`` (of ``data_dir``), at the current schema: the
    image a restore in place writes (see the module docstring).

    Raises :class:`BackupError` naming the file when it is damaged, foreign or from a
    newer Rapport, and :class:`FolderError` when the data folder cannot be written; the
    temporary copy is removed either way.
    """
    staged = data_dir / (DB_NAME + IN_PLACE_SUFFIX)
    leftovers = [staged.with_name(staged.name + suffix) for suffix in ("", "-journal")]
    try:
        for path in leftovers:  # (what a killed one left: never read as this backup)
            path.unlink(missing_ok=True)
        expand_backup(backup, staged)
        problem = _prepare(staged)
        if problem is not None:
            raise BackupError(f"The backup {backup} cannot be restored: {problem}.")
        conn = sqlite3.connect(staged, isolation_level=None)
        try:
            migrate(conn)
            return capture(conn, Scope(everything=True))
        finally:
            conn.close()
    except (OSError, sqlite3.Error) as exc:
        if is_folder_problem(exc) and backup.is_file():
            raise FolderError.from_error(data_dir, exc) from exc
        raise BackupError(f"The backup {backup} cannot be restored: {describe(exc)}.") from exc
    finally:
        for path in leftovers:
            path.unlink(missing_ok=True)


def _prepare(staged: Path) -> str | None:
    """Make the expanded copy a plain (rollback-journal) file with its indexes rebuilt,
    and check it in full; why it cannot be used, or ``None``."""
    conn = sqlite3.connect(staged, isolation_level=None)
    try:
        conn.execute("PRAGMA journal_mode = DELETE")
        try:
            probe(conn, indexes=False)  # ours, before anything is added to it
        except UnusableDatabase as exc:
            return exc.reason
        rebuild_indexes(conn)
    finally:
        conn.close()
    with open(staged, "rb") as handle:
        os.fsync(handle.fileno())
    return probe_file(staged, full=True, immutable=True)


def _aside_name(target: Path, now: datetime) -> Path:
    stamp = now.astimezone(UTC).strftime("%Y%m%d-%H%M%S")
    if target.exists():
        label = "damaged" if probe_file(target, full=True) is not None else "before-restore"
    else:
        label = "orphan"
    aside = target.with_name(f"{target.name}.{label}-{stamp}")
    number = 1
    while any(aside.with_name(aside.name + suffix).exists() for suffix in ("", *_COMPANIONS)):
        number += 1
        aside = target.with_name(f"{target.name}.{label}-{stamp}-{number}")
    return aside


def _write_journal(data_dir: Path, aside: Path) -> None:
    journal = data_dir / JOURNAL
    partial = journal.with_name(journal.name + ".partial")
    with open(partial, "w", encoding="utf-8") as handle:
        json.dump({"aside": aside.name}, handle)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(partial, journal)
    _sync_folder(data_dir)


def finish_interrupted_restore(data_dir: Path) -> Path | None:
    """Finish the restore whose journal is in ``data_dir``, if any (see the module
    docstring); return where the previous database went (``None``: nothing moved).

    The caller holds the data folder's lock.
    """
    journal = data_dir / JOURNAL
    try:
        aside_name = _aside_in(journal.read_bytes())
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise FolderError.from_error(data_dir, exc) from exc
    target = data_dir / DB_NAME
    staged = target.with_name(target.name + STAGED_SUFFIX)
    moved: Path | None = None
    if aside_name is None:
        _keep_damaged_journal(journal, staged)
        return None
    try:
        if staged.exists():
            aside = data_dir / aside_name
            for suffix in (*_COMPANIONS, ""):
                current = target.with_name(target.name + suffix)
                if current.exists():
                    os.replace(current, aside.with_name(aside.name + suffix))
                    if moved is None or suffix == "":
                        moved = aside.with_name(aside.name + suffix)
            os.replace(staged, target)
            _sync_folder(data_dir)
        journal.unlink()
        _sync_folder(data_dir)
    except OSError as exc:
        raise FolderError.from_error(data_dir, exc) from exc
    return moved


# The only names a restore ever keeps a file aside as (see _aside_name).
_ASIDE = re.compile(
    re.escape(DB_NAME) + r"\.(damaged|before-restore|orphan)-\d{8}-\d{6}(-\d{1,6})?"
)


def _aside_in(data: bytes) -> str | None:
    """The kept-aside name a journal's ``data`` gives, or None when the journal is not one
    this module writes (unparsable, the wrong shape, or a name no restore uses)."""
    try:
        value = json.loads(data.decode("utf-8"))
    except ValueError:  # (UnicodeDecodeError and JSONDecodeError among them)
        return None
    name = value.get("aside") if isinstance(value, dict) else None
    if not isinstance(name, str) or not _ASIDE.fullmatch(name):
        return None
    return name


def _keep_damaged_journal(journal: Path, staged: Path) -> None:
    """A journal of the wrong shape: kept aside (with the time) and logged; the current
    database is left as it is, and the staged copy (of a backup that still exists) goes
    as litter."""
    stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M%S")
    aside = journal.with_name(f"{journal.name}.damaged-{stamp}")
    number = 2
    while aside.exists():
        aside, number = journal.with_name(f"{journal.name}.damaged-{stamp}-{number}"), number + 1
    log.error(
        "the restore journal %s is damaged or not Rapport's; nothing was moved (kept as %s)",
        journal,
        aside.name,
    )
    try:
        os.replace(journal, aside)
        staged.unlink(missing_ok=True)
    except OSError as exc:
        raise FolderError.from_error(journal.parent, exc) from exc


def _sync_folder(folder: Path) -> None:
    """Flush a folder's entries (renames) to disk where the system allows it."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass  # some systems cannot sync a folder; the renames are then as durable as they get
    finally:
        os.close(fd)
