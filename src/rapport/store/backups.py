"""Backups of the progress database, and how many of them are kept.

A backup is a complete copy made with SQLite's online backup API, so it is consistent
even while the app keeps writing. Backups live in ``data_dir/backups`` and are named by
their UTC time, ``collection-YYYYMMDD-HHMMSS.sqlite3``.

Retention follows Anki's idea of thinning older backups (see :func:`backups_to_keep`):

* the :data:`KEEP_RECENT` (10) newest backups, whatever their age;
* the newest backup of each day for the last :data:`KEEP_DAYS` (7) days;
* the newest backup of each ISO week for the last :data:`KEEP_WEEKS` (4) weeks;
* the newest backup of each month for the last :data:`KEEP_MONTHS` (12) months.

Everything else is deleted after each new backup.
"""

from __future__ import annotations

import os
import re
import sqlite3
from collections.abc import Iterable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import NamedTuple

from rapport.store.errors import BackupError

BACKUP_DIR = "backups"
BACKUP_INTERVAL = timedelta(minutes=30)
KEEP_RECENT = 10
KEEP_DAYS = 7
KEEP_WEEKS = 4
KEEP_MONTHS = 12

_NAME = re.compile(r"^collection-(\d{8}-\d{6})\.sqlite3$")
_STAMP = "%Y%m%d-%H%M%S"


class Backup(NamedTuple):
    """One backup file and the UTC time it was made."""

    path: Path
    time: datetime


def backup_dir(data_dir: Path) -> Path:
    """The folder the backups of ``data_dir`` go to."""
    return data_dir / BACKUP_DIR


def list_backups(data_dir: Path) -> list[Backup]:
    """The backups of ``data_dir``, newest first (files not named like a backup are ignored)."""
    folder = backup_dir(data_dir)
    if not folder.is_dir():
        return []
    found = []
    for path in folder.iterdir():
        match = _NAME.match(path.name)
        if match and path.is_file():
            try:  # (fromisoformat reads 20260302T120000; strptime would load _strptime)
                time = datetime.fromisoformat(match.group(1).replace("-", "T"))
            except ValueError:
                continue  # named like a backup, but no real time: not one of ours
            found.append(Backup(path, time.replace(tzinfo=UTC)))
    return sorted(found, key=lambda b: b.time, reverse=True)


def newest_backup(data_dir: Path) -> Path | None:
    """The most recent backup, if there is one."""
    backups = list_backups(data_dir)
    return backups[0].path if backups else None


def make_backup(conn: sqlite3.Connection, data_dir: Path, now: datetime) -> Path:
    """Copy the open database into a new backup and thin the old ones; return its path.

    The copy is written to a temporary name and renamed into place, so a backup file that
    exists is always complete.
    """
    folder = backup_dir(data_dir)
    target = folder / f"collection-{now.astimezone(UTC).strftime(_STAMP)}.sqlite3"
    partial = target.with_name(target.name + ".partial")
    try:
        folder.mkdir(parents=True, exist_ok=True)
        partial.unlink(missing_ok=True)
        dest = sqlite3.connect(partial)
        try:
            conn.backup(dest)
        finally:
            dest.close()
        with open(partial, "rb") as handle:
            os.fsync(handle.fileno())
        os.replace(partial, target)
    except (OSError, sqlite3.Error) as exc:
        partial.unlink(missing_ok=True)
        raise BackupError(f"Rapport could not write a backup to {folder}: {exc}") from exc
    thin_backups(data_dir, now)
    return target


def backups_to_keep(times: Iterable[datetime], now: datetime) -> set[datetime]:
    """Which backup times the retention policy keeps (see the module docstring)."""
    newest_first = sorted(times, reverse=True)
    keep = set(newest_first[:KEEP_RECENT])
    seen: set[tuple[str, object]] = set()
    for time in newest_first:
        age = now - time
        periods: list[tuple[str, object]] = []
        if age < timedelta(days=KEEP_DAYS):
            periods.append(("day", time.date()))
        if age < timedelta(weeks=KEEP_WEEKS):
            periods.append(("week", time.isocalendar()[:2]))
        if age < timedelta(days=31 * KEEP_MONTHS):
            periods.append(("month", (time.year, time.month)))
        for period in periods:
            if period not in seen:
                seen.add(period)
                keep.add(time)
    return keep


def thin_backups(data_dir: Path, now: datetime) -> list[Path]:
    """Delete the backups the retention policy does not keep; return the deleted paths."""
    backups = list_backups(data_dir)
    keep = backups_to_keep((b.time for b in backups), now)
    removed = []
    for backup in backups:
        if backup.time not in keep:
            try:
                backup.path.unlink()
            except OSError:
                continue  # an undeletable old backup costs space, not safety
            removed.append(backup.path)
    return removed
