"""Backups of the progress database: made off the answer path, checked, compressed, and
thinned by an order no wrong clock can upset.

A backup is made through its own connection, reading the database in one read transaction
(consistent while the app keeps writing): the first backup of a session checks the
database in full (``integrity_check``), then its tables are copied row by row into a new
file (the indexes are left out and rebuilt at restore: they are derived from the tables,
and a third of the size). The copy is checked in full (``integrity_check`` and
:func:`~rapport.store.checks.content_problems`: a damaged copy is never kept), then
compressed with zstandard, at most half the database's size. It is written under a
``.partial`` name and renamed into place, so a backup file that exists is always complete.
Backups live in ``data_dir/backups``, named ``collection-YYYYMMDD-HHMMSS-N.sqlite3.zst``:
the UTC time by the computer's clock, and ``N``, one more than the highest number in the
folder. The number, not the time, orders backups: a clock set a year ahead for one session
dates those backups wrongly but cannot make them look newer than later ones. (Backups of
older Rapports, ``collection-YYYYMMDD-HHMMSS.sqlite3``, uncompressed, count as number 0.)

:class:`BackupSchedule` decides when: in a background thread, after the first change of a
session when no backup exists, then after a change when 30 minutes of the session's clock
have passed since the last (a clock that jumps back counts as time passed), and on close
when anything changed.

Retention follows Anki's idea of thinning older backups (see :func:`backups_to_keep`),
counted in distinct periods among the backups themselves rather than back from today's
date, so that a wrong clock can displace at most one period of each kind:

* the :data:`KEEP_RECENT` (10) newest backups;
* the newest backup of each of the :data:`KEEP_DAYS` (7) most recent days with backups;
* the newest of each of the :data:`KEEP_WEEKS` (4) most recent ISO weeks with backups;
* the newest of each of the :data:`KEEP_MONTHS` (12) most recent months with backups.

Everything else is deleted after each new backup."""

from __future__ import annotations

import logging
import os
import re
import sqlite3
import threading
from collections.abc import Callable, Hashable, Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import NamedTuple

from rapport.store.checks import (
    describe,
    expected_schema,
    full_check,
    is_damage,
    is_folder_problem,
    probe,
)
from rapport.store.errors import BackupError, DatabaseError, FolderError
from rapport.store.schema import SCHEMA_VERSION

log = logging.getLogger(__name__)

BACKUP_DIR = "backups"
BACKUP_INTERVAL = timedelta(minutes=30)
KEEP_RECENT = 10
KEEP_DAYS = 7
KEEP_WEEKS = 4
KEEP_MONTHS = 12
COMPRESSION_LEVEL = 6

_NAME = re.compile(r"^collection-(\d{8}-\d{6})(?:-(\d{1,9}))?\.sqlite3(\.zst)?$")
_STAMP = "%Y%m%d-%H%M%S"


class Backup(NamedTuple):
    """One backup file, the UTC time it was made (by the clock then) and its number."""

    path: Path
    time: datetime
    number: int = 0


def backup_dir(data_dir: Path) -> Path:
    """The folder the backups of ``data_dir`` go to."""
    return data_dir / BACKUP_DIR


def list_backups(data_dir: Path) -> list[Backup]:
    """The backups of ``data_dir``, newest (highest number) first; files not named like a
    backup are ignored."""
    folder = backup_dir(data_dir)
    try:
        paths = list(folder.iterdir())
    except OSError:
        return []
    found = []
    for path in paths:
        match = _NAME.match(path.name)
        if match is None or (match.group(3) and not match.group(2)):
            continue
        try:  # (fromisoformat reads 20260302T120000; strptime would load _strptime)
            time = datetime.fromisoformat(match.group(1).replace("-", "T"))
        except ValueError:
            continue  # named like a backup, but no real time: not one of ours
        if path.is_file():
            found.append(Backup(path, time.replace(tzinfo=UTC), int(match.group(2) or 0)))
    return sorted(found, key=lambda b: (b.number, b.time), reverse=True)


def newest_backup(data_dir: Path) -> Path | None:
    """The most recently made backup, if there is one."""
    backups = list_backups(data_dir)
    return backups[0].path if backups else None


def make_backup(
    database: Path, data_dir: Path, now: datetime, *, check_source: bool = True
) -> Path:
    """Back up the database file ``database`` (which may be open and written meanwhile)
    into a new compressed backup, thin the old ones, and return its path.

    Raises :class:`FolderError` when the backups folder cannot be written,
    :class:`DatabaseError` when the database itself is found damaged (then no backup is
    kept), and :class:`BackupError` for anything else.
    """
    import zstandard

    folder = backup_dir(data_dir)
    backups = list_backups(data_dir)
    number = backups[0].number + 1 if backups else 1
    name = f"collection-{now.astimezone(UTC).strftime(_STAMP)}-{number}.sqlite3"
    target = folder / f"{name}.zst"
    raw = folder / f"{name}.partial"
    partial = folder / f"{name}.zst.partial"
    try:
        folder.mkdir(parents=True, exist_ok=True)
        problems = _copy_checked(database, raw, check_source=check_source)
        if problems:
            raw.unlink(missing_ok=True)
            _raise_damage(database, data_dir, problems)
        compressor = zstandard.ZstdCompressor(level=COMPRESSION_LEVEL)
        with open(raw, "rb") as source, open(partial, "wb") as out:
            compressor.copy_stream(source, out, size=os.fstat(source.fileno()).st_size)
            out.flush()
            os.fsync(out.fileno())
        os.replace(partial, target)
        raw.unlink()
    except (OSError, sqlite3.Error) as exc:
        raw.unlink(missing_ok=True)
        partial.unlink(missing_ok=True)
        log.warning("backup to %s failed: %s", folder, exc)
        if is_folder_problem(exc):
            raise FolderError.from_error(folder, exc) from exc
        raise BackupError(f"Rapport could not write a backup to {folder}: {exc}") from exc
    thin_backups(data_dir)
    log.info("backup %s written", target.name)
    return target


def _copy_checked(database: Path, raw: Path, *, check_source: bool) -> list[str]:
    """Copy the tables of ``database`` to ``raw`` and check the copy in full; the problems
    found (empty: sound).

    The copy holds the tables only (and the unique constraint's index): the other indexes
    are rebuilt from the tables when a backup is restored, so leaving them out costs no
    data and makes the backup a third smaller. Reading every row of every table also reads
    every table page; with ``check_source`` the database is first checked in full
    (``integrity_check``, indexes included), in the same read transaction as the copy.
    """
    raw.unlink(missing_ok=True)
    dest = sqlite3.connect(raw.resolve().as_uri(), uri=True, isolation_level=None, timeout=10)
    try:
        dest.execute("ATTACH DATABASE ? AS src", (f"{database.resolve().as_uri()}?mode=ro",))
        dest.execute("BEGIN")
        try:
            if check_source:
                found = [str(row[0]) for row in dest.execute("PRAGMA src.integrity_check")]
                if found != ["ok"]:
                    return found
            version = int(dest.execute("PRAGMA src.user_version").fetchone()[0])
            tables = dest.execute(
                "SELECT name, sql FROM src.sqlite_master "
                "WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
            ).fetchall()
            for name, sql in tables:
                dest.execute(sql)
                dest.execute(f'INSERT INTO main."{name}" SELECT * FROM src."{name}"')
            dest.execute(f"PRAGMA main.user_version = {version}")
            dest.execute("COMMIT")
        except sqlite3.DatabaseError as exc:
            if is_damage(exc):
                return [describe(exc)]
            raise
        finally:
            if dest.in_transaction:
                dest.execute("ROLLBACK")
            dest.execute("DETACH DATABASE src")
        try:
            probe(dest, indexes=False)
        except Exception as exc:  # UnusableDatabase: a copy that is not ours
            return [str(exc)]
        return full_check(dest)
    finally:
        dest.close()


def rebuild_indexes(conn: sqlite3.Connection) -> None:
    """Create the indexes and triggers a backup leaves out (see :func:`_copy_checked`), as
    the migrations of the database's version define them."""
    version = int(conn.execute("PRAGMA user_version").fetchone()[0])
    if not 1 <= version <= SCHEMA_VERSION:
        return
    present = {row[0] for row in conn.execute("SELECT name FROM sqlite_master")}
    for name, (kind, sql) in expected_schema(version).items():
        if kind in ("index", "trigger") and sql and name not in present:
            conn.execute(sql)


def _raise_damage(database: Path, data_dir: Path, problems: list[str]) -> None:
    log.error("no backup made: %s is damaged: %s", database, "; ".join(problems[:5]))
    raise DatabaseError(
        database,
        f"the file is damaged ({problems[0]}); no backup was made from it, and Rapport "
        "will check it in full when it next starts",
        newest_backup(data_dir),
    )


def expand_backup(backup: Path, target: Path) -> None:
    """Write the database a backup holds to ``target`` (decompressed), flushed to disk."""
    import zstandard

    with open(backup, "rb") as source, open(target, "wb") as out:
        if backup.name.endswith(".zst"):
            try:
                zstandard.ZstdDecompressor().copy_stream(source, out)
            except zstandard.ZstdError as exc:
                raise sqlite3.DatabaseError(f"the backup file is damaged ({exc})") from exc
        else:
            import shutil

            shutil.copyfileobj(source, out, 1 << 20)
        out.flush()
        os.fsync(out.fileno())


def backups_to_keep(backups: Sequence[Backup]) -> set[Path]:
    """Which backups the retention policy keeps (see the module docstring); ``backups``
    newest first, as :func:`list_backups` gives them."""
    keep = {b.path for b in backups[:KEEP_RECENT]}
    periods: tuple[tuple[int, Callable[[datetime], Hashable]], ...] = (
        (KEEP_DAYS, lambda t: t.date()),
        (KEEP_WEEKS, lambda t: t.isocalendar()[:2]),
        (KEEP_MONTHS, lambda t: (t.year, t.month)),
    )
    for limit, period_of in periods:
        seen: set[Hashable] = set()
        for backup in backups:
            period = period_of(backup.time)
            if period in seen:
                continue
            if len(seen) == limit:
                break
            seen.add(period)
            keep.add(backup.path)
    return keep


def thin_backups(data_dir: Path) -> list[Path]:
    """Delete the backups the retention policy does not keep; return the deleted paths."""
    backups = list_backups(data_dir)
    keep = backups_to_keep(backups)
    removed = []
    for backup in backups:
        if backup.path not in keep:
            try:
                backup.path.unlink()
            except OSError:
                continue  # an undeletable old backup costs space, not safety
            removed.append(backup.path)
    return removed


class BackupSchedule:
    """When the backups of one open database are made (see the module docstring).

    :meth:`changed` is all the answer path calls: it notes the change and, when a backup
    is due, starts it in a background thread and returns at once.
    """

    def __init__(self, database: Path, data_dir: Path) -> None:
        self.database = database
        self.data_dir = data_dir
        self._last: datetime | None = None  # when this session's last backup was started
        self._decided = False
        self._changed = False
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()
        self.problem: BackupError | FolderError | Exception | None = None
        self.damage_found = False
        self._source_checked = False  # a backup of this session checked the file in full

    def note_change(self) -> None:
        """Note a change for the closing backup, without starting one."""
        self._changed = True

    def changed(self, now: datetime) -> None:
        """Note a change; start a backup in the background if one is due."""
        self._changed = True
        if not self._decided:
            self._decided = True
            if list_backups(self.data_dir):
                self._last = now
        if self._running():
            return
        last = self._last
        if last is None or not timedelta(0) <= now - last < BACKUP_INTERVAL:
            self._start(now)

    def _running(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def _start(self, now: datetime) -> None:
        self._last = now
        self._changed = False
        thread = threading.Thread(target=self._run, args=(now,), name="rapport-backup")
        self._thread = thread
        thread.start()

    def _run(self, now: datetime) -> None:
        try:
            self._make(now)
        except Exception:  # kept in self.problem for the UI to mention
            log.error("periodic backup failed", exc_info=True)

    def _make(self, now: datetime) -> Path:
        with self._lock:
            try:
                path = make_backup(
                    self.database, self.data_dir, now, check_source=not self._source_checked
                )
                self._source_checked = True
            except DatabaseError as exc:
                self.damage_found = True
                self.problem = exc
                raise
            except (BackupError, FolderError) as exc:
                self.problem = exc
                self._changed = True  # tried again after the next change, and on close
                raise
            self.problem = None
            log.info("backup made: %s", path)
            return path

    def wait(self) -> None:
        """Wait for a backup running in the background to finish."""
        thread = self._thread
        if thread is not None:
            thread.join()

    def backup_now(self, now: datetime) -> Path:
        """Make a backup now, in this thread (after any running one)."""
        self.wait()
        self._last = now
        self._changed = False
        return self._make(now)

    def close(self, now: datetime) -> None:
        """Wait for a running backup, then back up if anything changed since the last one
        started (or no backup exists at all). Raises the backup's error if it fails."""
        self.wait()
        if self._changed or not list_backups(self.data_dir):
            self.backup_now(now)
