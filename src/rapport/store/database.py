"""Opening the progress database, and :class:`Store`: the one class that speaks SQL, made
of one class per table (or tight group of tables), each in its module:

- :mod:`~rapport.store.connection`: the connection, transactions, closing and checking;
- :mod:`~rapport.store.cards`: the cards and their sync with the decks, positions;
- :mod:`~rapport.store.queue`: the study queue and its counts;
- :mod:`~rapport.store.holds`: burying, suspending and flags;
- :mod:`~rapport.store.tags`: the tags study gives notes, and the cards' tags;
- :mod:`~rapport.store.revlog`: the review log (answers recorded, read back);
- :mod:`~rapport.store.stats`: statistics over the log, its summary per hour and the cards;
- :mod:`~rapport.store.text`: Browse's card text, its rows and search;
- :mod:`~rapport.store.settings`: settings, presets, deck presets and preferences.
"""

from __future__ import annotations

import logging
import os
import sqlite3
from datetime import datetime
from pathlib import Path

from rapport.litter import remove_litter
from rapport.store.backups import BackupSchedule, make_backup, newest_backup
from rapport.store.cards import Cards
from rapport.store.checks import (
    UnusableDatabase,
    closed_cleanly,
    describe,
    forget_clean_close,
    full_check,
    index_only,
    is_damage,
    is_folder_problem,
    probe,
    repair_indexes,
)
from rapport.store.connection import (
    DB_NAME,
    StoreBase,
    StoreConnection,
    check_values,
    connect_read_only,
    repaired_notice,
)
from rapport.store.errors import DatabaseError, FolderError, WriteError
from rapport.store.holds import Holds
from rapport.store.queue import Queue
from rapport.store.revlog import ReviewLog
from rapport.store.schema import SCHEMA_VERSION, migrate
from rapport.store.settings import Preferences
from rapport.store.stats import Statistics
from rapport.store.tags import StudyTags
from rapport.store.text import BrowseText

_RESTORE_JOURNAL = "restore.journal"  # (see rapport.store.restore)

log = logging.getLogger(__name__)


def _refuse_a_lost_database(data_dir: Path, path: Path) -> None:
    """A missing (or empty) database is a first start only when nothing shows there was
    one: no write-ahead log beside it, no backups, no file moved aside by a restore."""
    signs = []
    if path.with_name(path.name + "-wal").exists():
        signs.append(f"its write-ahead log {path.name}-wal, which holds recent answers, is there")
    aside = sorted(p.name for p in data_dir.glob(f"{DB_NAME}.*-*") if p.is_file())
    if aside:
        signs.append(f"{aside[0]} was kept aside by a restore")
    newest = newest_backup(data_dir)
    if newest is not None:
        signs.append("there are backups of it")
    if signs:
        what = "empty" if path.exists() else "missing"
        raise DatabaseError(path, f"the file is {what}, but {'; '.join(signs)}", newest)


def _inspect(data_dir: Path, path: Path, *, full: bool) -> str | None:
    """Look at the file read-only before anything changes it: refuse what is not a usable
    Rapport database; with ``full``, check it in full, repairing index-only damage. Return
    what was repaired, in words for the trainee, or ``None``."""
    try:
        conn = connect_read_only(path)
    except sqlite3.Error as exc:
        raise _open_error(data_dir, path, exc) from exc
    try:
        probe(conn)
        problems = full_check(conn) if full else []
        repairable = bool(problems) and index_only(conn, problems)
    except UnusableDatabase as exc:
        raise DatabaseError(path, exc.reason, newest_backup(data_dir)) from exc
    except sqlite3.Error as exc:
        raise _open_error(data_dir, path, exc) from exc
    finally:
        conn.close()
    if not problems:
        return None
    if repairable:
        writer = sqlite3.connect(path, isolation_level=None)
        try:
            repaired = repair_indexes(writer)
        finally:
            writer.close()
        if repaired:
            log.warning("repaired the indexes of %s: %s", path, "; ".join(problems[:5]))
            return repaired_notice(path, problems)
    log.error("refused damaged %s: %s", path, "; ".join(problems[:5]))
    raise DatabaseError(path, f"the file is damaged ({problems[0]})", newest_backup(data_dir))


def _checked_for_reading(data_dir: Path, path: Path, conn: sqlite3.Connection) -> str | None:
    """A read-only command's check of the file (on its read-only connection): in full
    when the app would check it at its next start (no clean close recorded for the file
    as it is), so that damage is said as the app says it. Index-only damage is a notice
    (the app rebuilds the indexes at its next start); other damage a DatabaseError."""
    if closed_cleanly(path):
        return None
    problems = full_check(conn)
    if not problems:
        return None
    if index_only(conn, problems):
        log.warning("index damage found read-only in %s: %s", path, "; ".join(problems[:5]))
        return (
            f"Rapport found damage in the indexes of your progress file {path} "
            f"({problems[0]}); the figures come from your data, and the app rebuilds the "
            "indexes when it next starts."
        )
    log.error("damage found read-only in %s: %s", path, "; ".join(problems[:5]))
    raise DatabaseError(path, f"the file is damaged ({problems[0]})", newest_backup(data_dir))


def _open_error(data_dir: Path, path: Path, exc: BaseException) -> Exception:
    """The error for an SQLite or file error met opening: the folder's fault (full,
    read-only) or the file's."""
    if not is_damage(exc) and is_folder_problem(exc):
        return FolderError.from_error(data_dir, exc)
    return DatabaseError(path, describe(exc), newest_backup(data_dir))


__all__ = ["Store"]


@check_values
class Store(
    Cards, Queue, Holds, StudyTags, ReviewLog, Statistics, BrowseText, Preferences, StoreBase
):
    """An open progress database.

    Open it with :meth:`open` (read-write, the app) or :meth:`snapshot_of` (a private
    in-memory copy of the file, for read-only commands while the app runs).
    """

    @classmethod
    def open(cls, data_dir: Path, now: datetime) -> Store:
        """Open (creating or migrating as needed) ``data_dir/collection.sqlite3``.

        The caller holds the data folder's lock. An interrupted restore is finished first.
        Raises :class:`DatabaseError` when the file cannot be used (damaged beyond what
        ``REINDEX`` repairs, foreign, newer, or missing while backups or moved-aside files
        show there was one); the file is then left exactly as it was. Raises
        :class:`FolderError` when the folder cannot be written. Before a migration a
        backup of the old version is made. See :mod:`rapport.store.checks` for when the
        file is checked in full.
        """
        path = data_dir / DB_NAME
        try:
            data_dir.mkdir(parents=True, exist_ok=True)
            if (data_dir / _RESTORE_JOURNAL).exists():
                # (loaded only then: see "Start-up budget" in tests/benchmarks/README.md)
                from rapport.store.restore import finish_interrupted_restore

                finish_interrupted_restore(data_dir)
            remove_litter(data_dir)
            exists = path.is_file() and path.stat().st_size > 0
        except OSError as exc:
            raise FolderError.from_error(data_dir, exc) from exc
        if not exists:
            _refuse_a_lost_database(data_dir, path)
        clean = exists and closed_cleanly(path)
        forget_clean_close(path)
        notice = None
        if exists:
            notice = _inspect(data_dir, path, full=not clean)
        try:
            conn = sqlite3.connect(path, isolation_level=None, factory=StoreConnection)
        except sqlite3.Error as exc:
            raise _open_error(data_dir, path, exc) from exc
        assert isinstance(conn, StoreConnection)
        conn.data_dir = data_dir
        try:
            version = probe(conn)
            conn.execute("PRAGMA journal_mode = WAL")
            conn.execute("PRAGMA synchronous = FULL")
            conn.execute("PRAGMA foreign_keys = ON")
            conn.execute("PRAGMA busy_timeout = 5000")
            if 0 < version < SCHEMA_VERSION:
                make_backup(path, data_dir, now)
            migrate(conn)
        except UnusableDatabase as exc:
            conn.close()
            raise DatabaseError(path, exc.reason, newest_backup(data_dir)) from exc
        except sqlite3.Error as exc:
            conn.close()
            if is_folder_problem(exc):
                raise FolderError.from_error(data_dir, exc) from exc
            raise WriteError(path, describe(exc)) from exc
        except BaseException:
            conn.close()
            raise
        store = cls(conn, path, snapshot=False)
        store.notice = notice
        store.backups = BackupSchedule(path, data_dir)
        return store

    @classmethod
    def snapshot_of(cls, data_dir: Path) -> Store:
        """A private in-memory copy of the database, read through a read-only connection.

        Nothing is ever written to ``data_dir``; changes made to the copy are discarded.
        A folder that cannot be written can still be read when the database in it was
        closed cleanly; otherwise :class:`FolderError` says so (never blaming the file).
        """
        path = data_dir / DB_NAME
        memory = sqlite3.connect(":memory:", isolation_level=None)
        try:
            exists = path.is_file() and path.stat().st_size > 0
        except OSError as exc:
            raise FolderError.from_error(data_dir, exc) from exc
        if exists:
            immutable = not os.access(data_dir, os.W_OK)
            if immutable and path.with_name(path.name + "-wal").exists():
                raise FolderError(data_dir, "the folder is read-only and Rapport was not closed")
            try:
                source = connect_read_only(path, immutable=immutable)
            except sqlite3.Error as exc:
                raise _open_error(data_dir, path, exc) from exc
            try:
                probe(source)
                notice = _checked_for_reading(data_dir, path, source)
                source.backup(memory)
                if notice is not None:  # the private copy's indexes, rebuilt
                    repair_indexes(memory)
            except UnusableDatabase as exc:
                raise DatabaseError(path, exc.reason, newest_backup(data_dir)) from exc
            except sqlite3.DatabaseError as exc:
                raise _open_error(data_dir, path, exc) from exc
            finally:
                source.close()
        else:
            _refuse_a_lost_database(data_dir, path)
            notice = None
        migrate(memory)
        store = cls(memory, path, snapshot=True)
        store.notice = notice
        return store

    @classmethod
    def read_only(cls, data_dir: Path) -> Store | None:
        """The database file read in place through a read-only connection (no copy), for
        reading while the app may be writing (WAL readers see the last commit); ``None``
        when it cannot be read so (no file yet, or an older schema, which only a
        migrated :meth:`snapshot_of` can read)."""
        path = data_dir / DB_NAME
        try:
            if not path.is_file() or path.stat().st_size == 0:
                return None
        except OSError:
            return None  # (snapshot_of says what is wrong with the folder)
        if not os.access(data_dir, os.W_OK):
            return None  # a reader needs the log's index beside the file: read a copy
        try:
            conn = connect_read_only(path)
        except sqlite3.Error as exc:
            raise _open_error(data_dir, path, exc) from exc
        try:
            version = probe(conn)
            notice = _checked_for_reading(data_dir, path, conn)
        except UnusableDatabase as exc:
            conn.close()
            raise DatabaseError(path, exc.reason, newest_backup(data_dir)) from exc
        except sqlite3.DatabaseError as exc:
            conn.close()
            raise _open_error(data_dir, path, exc) from exc
        except BaseException:
            conn.close()
            raise
        if version != SCHEMA_VERSION:
            conn.close()
            return None
        store = cls(conn, path, snapshot=True)
        store.notice = notice
        return store
