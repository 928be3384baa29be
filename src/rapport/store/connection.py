"""The progress database's connection, which every table's module builds on.

One file, ``data_dir/collection.sqlite3``, in WAL mode with ``synchronous=FULL``: every
commit waits until the write-ahead log is on disk, so an answer that was committed
survives a killed process and a power cut alike. (``NORMAL`` would be safe against a
killed process but may lose the last commits on power loss; an answer costs one commit,
so the stronger setting is affordable.) Every change runs in one ``BEGIN IMMEDIATE ...
COMMIT`` transaction (:meth:`StoreBase._write`); any SQLite error rolls it back and
becomes a :class:`WriteError`, so the file never holds half an answer.

:class:`rapport.store.Store` is :class:`StoreBase` with the methods of each table's
module (cards, queue, holds, tags, revlog, stats, text, settings) and the ways to open it
(:mod:`rapport.store.database`).
"""

from __future__ import annotations

import functools
import inspect
import logging
import sqlite3
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import Any, NoReturn, Self, TypeVar

from rapport.store import images
from rapport.store.backups import BackupSchedule, make_backup, newest_backup
from rapport.store.checks import (
    UnusableDatabase,
    describe,
    full_check,
    index_only,
    is_damage,
    probe,
    record_clean_close,
    repair_indexes,
)
from rapport.store.errors import DatabaseError, WriteError
from rapport.store.images import Image, Scope

DB_NAME = "collection.sqlite3"

log = logging.getLogger(__name__)


def probe_file(path: Path, *, full: bool = True, immutable: bool = False) -> str | None:
    """Why the database file at ``path`` cannot be used, or ``None`` if it can.

    Reads it through a read-only connection (``immutable``: also without locks or a
    write-ahead log, for a file nothing writes, such as a backup, so that no companion
    file is created beside it); ``full`` adds the full check (see
    :mod:`rapport.store.checks`).
    """
    try:
        if not path.is_file():
            return "the file does not exist"
        if path.stat().st_size == 0:
            return "the file is empty"
    except OSError as exc:
        return describe(exc)
    try:
        conn = connect_read_only(path, immutable=immutable)
    except sqlite3.Error as exc:
        return describe(exc)
    try:
        probe(conn)
        if full:
            problems = full_check(conn)
            if problems:
                return f"the file is damaged ({problems[0]})"
    except UnusableDatabase as exc:
        return exc.reason
    except sqlite3.Error as exc:
        return describe(exc)
    finally:
        conn.close()
    return None


def connect_read_only(path: Path, *, immutable: bool = False) -> sqlite3.Connection:
    flags = "?mode=ro&immutable=1" if immutable else "?mode=ro"
    return sqlite3.connect(f"{path.resolve().as_uri()}{flags}", uri=True, isolation_level=None)


def _connect_peer(path: Path, parent: sqlite3.Connection) -> sqlite3.Connection:
    """A second read-only connection beside ``parent`` (statistics in a thread): damage
    it meets is a :class:`DatabaseError` naming the file, as on the store's own
    connection, and marks ``parent`` damaged too, so that no clean close is recorded."""
    uri = f"{path.resolve().as_uri()}?mode=ro"
    conn = sqlite3.connect(uri, uri=True, isolation_level=None, factory=StoreConnection)
    assert isinstance(conn, StoreConnection)
    conn.data_dir = path.parent
    conn.parent = parent if isinstance(parent, StoreConnection) else None
    return conn


class StoreConnection(sqlite3.Connection):
    """The store's connection: damage met while reading or writing (which a full check
    would have found, had one been due) reaches the trainee as a :class:`DatabaseError`
    naming the file and the newest backup, never as a raw ``sqlite3`` error; the file is
    then checked in full at the next start."""

    data_dir: Path
    damaged = False
    parent: StoreConnection | None = None  # a peer's store connection (see _connect_peer)

    # Errors met while stepping through rows later (fetchone, iteration) are turned
    # into DatabaseError by the Store methods' own wrapper (_values_checked): a cursor
    # subclass doing it here cost a Python call per statement and row fetch on the
    # answer path.
    def execute(self, sql: str, parameters: Any = (), /) -> sqlite3.Cursor:
        try:
            return super().execute(sql, parameters)
        except sqlite3.DatabaseError as exc:
            _damaged(self, exc)

    def executemany(self, sql: str, parameters: Any, /) -> sqlite3.Cursor:
        try:
            return super().executemany(sql, parameters)
        except sqlite3.DatabaseError as exc:
            _damaged(self, exc)


def _damaged(conn: sqlite3.Connection, exc: sqlite3.DatabaseError) -> NoReturn:
    if not is_damage(exc) or not isinstance(conn, StoreConnection):
        raise exc
    conn.damaged = True
    if conn.parent is not None:
        conn.parent.damaged = True
    path = conn.data_dir / DB_NAME
    raise DatabaseError(
        path,
        f"the file is damaged ({exc}); restart Rapport to check it",
        newest_backup(conn.data_dir),
    ) from exc


def repaired_notice(path: Path, problems: list[str]) -> str:
    return (
        f"Rapport found damage in the indexes of your progress file {path} "
        f"({problems[0]}) and rebuilt them from your data; nothing was lost."
    )


def marks(values: Sequence[object]) -> str:
    """The placeholders of an SQL list of ``values``: ``?,?,?``."""
    return ",".join("?" * len(values))


def _values_checked(method: Callable[..., Any]) -> Callable[..., Any]:
    """Wrap a :class:`Store` method: a value it cannot convert (a time out of range, a
    phase that does not exist) becomes a :class:`DatabaseError` when the file's full check
    finds such values, rather than a raw ``ValueError`` mid-study."""

    @functools.wraps(method)
    def checked(self: StoreBase, *args: Any, **kwargs: Any) -> Any:
        try:
            return method(self, *args, **kwargs)
        except (ValueError, OverflowError, TypeError) as exc:
            raise self._damaged_value(exc) from exc
        except sqlite3.DatabaseError as exc:
            _damaged(self._conn, exc)

    return checked


_UNCHECKED = frozenset(
    {"open", "snapshot_of", "close", "backup", "repair", "integrity_check", "transaction"}
)


_S = TypeVar("_S", bound="StoreBase")


def check_values(cls: type[_S]) -> type[_S]:
    """Wrap every public method ``cls`` has, its own or its tables' (see
    :func:`_values_checked`), on ``cls`` itself."""
    seen: set[str] = set()
    for klass in cls.__mro__:
        for name, value in list(vars(klass).items()):
            if name in seen:
                continue
            seen.add(name)
            if not name.startswith("_") and name not in _UNCHECKED and inspect.isfunction(value):
                setattr(cls, name, _values_checked(value))
    return cls


class StoreBase:
    """What every table's methods share: the connection, the file, and one transaction per
    change (:meth:`_write`); and closing, backing up and checking the file."""

    def __init__(self, conn: sqlite3.Connection, path: Path, *, snapshot: bool) -> None:
        self._conn = conn
        self.path = path
        self.snapshot = snapshot
        # What opening repaired, in words for the trainee (None: nothing).
        self.notice: str | None = None
        self.backups: BackupSchedule | None = None
        # Open transactions (see :meth:`transaction`) and commits made, for tests.
        self._depth = 0
        self.commits = 0

    def peer(self) -> Callable[[], Self] | None:
        """What opens another read-only connection to the file this store reads (in the
        thread that calls it), to run queries side by side; ``None`` for a private copy
        in memory, which no other connection sees."""
        row = self._conn.execute("PRAGMA database_list").fetchone()
        if row is None or not row[2]:
            return None
        path, parent = Path(row[2]), self._conn
        return lambda: type(self)(_connect_peer(path, parent), path, snapshot=True)

    def reader(self) -> Self:
        """A second, read-only connection to this database's file, for another thread
        (open it in that thread; SQLite connections stay in the thread that made them)."""
        if self.snapshot:
            raise ValueError("a read-only copy has no file to read again")
        return type(self)(_connect_peer(self.path, self._conn), self.path, snapshot=True)

    def close(self) -> None:
        """Close the connection (a WAL checkpoint folds the log back into the file) and,
        when the file is sound as far as anyone found, record the clean close."""
        conn = self._conn
        damaged = isinstance(conn, StoreConnection) and conn.damaged
        if self.backups is not None:
            self.backups.wait()
            damaged = damaged or self.backups.damage_found
        conn.close()
        if not self.snapshot and not damaged:
            record_clean_close(self.path)

    def backup(self, data_dir: Path, now: datetime) -> Path:
        """Write a backup of the database now; see :mod:`rapport.store.backups`."""
        if self.backups is None:
            return make_backup(self.path, data_dir, now)
        return self.backups.backup_now(now)

    def repair(self) -> None:
        """Check the open database in full, now: index-only damage is rebuilt with
        ``REINDEX`` (and :attr:`notice` says so); other damage raises
        :class:`DatabaseError`, and the file is checked again at the next start."""
        conn = self._conn
        problems = full_check(conn)
        if not problems:
            return
        if index_only(conn, problems) and repair_indexes(conn):
            log.warning("repaired the indexes of %s: %s", self.path, "; ".join(problems[:5]))
            self.notice = repaired_notice(self.path, problems)
            return
        if isinstance(conn, StoreConnection):
            conn.damaged = True
        log.error("damage found in %s: %s", self.path, "; ".join(problems[:5]))
        raise DatabaseError(
            self.path,
            f"the file is damaged ({problems[0]})",
            newest_backup(self.path.parent),
        )

    def _damaged_value(self, exc: Exception) -> Exception:
        """The error to raise for ``exc`` met converting a value: :class:`DatabaseError`
        if the file holds values no Rapport writes, else ``exc`` itself (a bug)."""
        try:
            problems = full_check(self._conn)
        except (sqlite3.Error, DatabaseError):
            return exc
        if not problems:
            return exc
        if isinstance(self._conn, StoreConnection):
            self._conn.damaged = True
        log.error("damage found in %s: %s", self.path, "; ".join(problems[:5]))
        return DatabaseError(
            self.path,
            f"the file is damaged ({problems[0]}); restart Rapport to check it",
            newest_backup(self.path.parent),
        )

    def integrity_check(self) -> list[str]:
        """SQLite's full integrity check: ``["ok"]`` for a sound database."""
        return [row[0] for row in self._conn.execute("PRAGMA integrity_check")]

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """One transaction around everything inside: all of it is committed, or none of it
        and the error (an SQLite error as a :class:`WriteError`) goes on.

        Nesting-safe: inside a transaction, another one (and every writing method of the
        store) joins the outer one and commits nothing of its own. One operation of
        :mod:`rapport.study.ops` is one transaction, so one commit.
        """
        with self._write():
            yield

    @property
    def in_transaction(self) -> bool:
        """Whether a :meth:`transaction` is open."""
        return self._depth > 0

    def image(self, scope: Scope) -> Image:
        """The rows of ``scope`` now (see :mod:`rapport.store.images`)."""
        return images.capture(self._conn, scope)

    def restore_image(self, image: Image) -> None:
        """Write the rows of ``image`` back, in one transaction."""
        with self._write() as conn:
            images.restore(conn, image)

    @contextmanager
    def _write(self) -> Iterator[sqlite3.Connection]:
        """One transaction: all of it is committed, or none of it and a WriteError.
        Inside another one it joins it (see :meth:`transaction`)."""
        conn = self._conn
        if self._depth:
            self._depth += 1
            try:
                yield conn
            except sqlite3.Error as exc:
                raise WriteError(self.path, describe(exc)) from exc
            finally:
                self._depth -= 1
            return
        try:
            conn.execute("BEGIN IMMEDIATE")
            self._depth = 1
            yield conn
        except sqlite3.Error as exc:
            self._depth = 0
            self._rollback()
            raise WriteError(self.path, describe(exc)) from exc
        except BaseException:
            self._depth = 0
            self._rollback()
            raise
        self._depth = 0
        try:
            conn.execute("COMMIT")
            self.commits += 1
        except sqlite3.Error as exc:
            self._rollback()
            self._overwrite_refused()
            raise WriteError(self.path, describe(exc)) from exc

    def _overwrite_refused(self) -> None:
        """Make sure a transaction whose COMMIT failed stays refused after a crash.

        When flushing the write-ahead log fails (an I/O error, a full disk), the refused
        transaction's pages, commit mark included, may already sit in the log: the next
        open, recovering the log after a crash, would bring the refused change back. The
        log's frames are chained by checksums, and the next transaction writes its frames
        where the refused ones start, so writing one (rewriting the unchanged schema
        version) breaks the chain: recovery then stops before the refused frames, whether
        or not this write itself can be flushed.
        """
        conn = self._conn
        try:
            version = int(conn.execute("PRAGMA user_version").fetchone()[0])
            conn.execute("BEGIN IMMEDIATE")
            conn.execute(f"PRAGMA user_version = {version}")
            conn.execute("COMMIT")
        except sqlite3.Error:
            self._rollback()

    def _rollback(self) -> None:
        try:
            if self._conn.in_transaction:
                self._conn.execute("ROLLBACK")
        except sqlite3.Error:
            pass  # SQLite rolls back an unfinished transaction itself when it can't here
