"""The progress database: the only module that speaks SQL.

One file, ``data_dir/collection.sqlite3``, in WAL mode with ``synchronous=FULL``: every
commit waits until the write-ahead log is on disk, so an answer that was committed
survives a killed process and a power cut alike. (``NORMAL`` would be safe against a
killed process but may lose the last commits on power loss; an answer costs one commit,
so the stronger setting is affordable.) Every change runs in one ``BEGIN IMMEDIATE ...
COMMIT`` transaction; any SQLite error rolls it back and becomes a :class:`WriteError`,
so the file never holds half an answer.
"""

from __future__ import annotations

import functools
import inspect
import logging
import os
import sqlite3
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, NoReturn

from rapport.store import images
from rapport.store.backups import BackupSchedule, make_backup, newest_backup
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
    record_clean_close,
    repair_indexes,
)
from rapport.store.errors import DatabaseError, FolderError, WriteError
from rapport.store.images import Image, Scope
from rapport.store.records import (
    BrowseQuery,
    BrowseRow,
    CardIdentity,
    CardIndexEntry,
    CardPlace,
    CardState,
    CardTableRow,
    DayCounts,
    Hiding,
    Hold,
    LoggedAnswer,
    NewCard,
    Phase,
    PresentCard,
    ReviewOrder,
    ReviewRecord,
    TextRow,
    TimedAnswer,
    from_us,
    is_lapse,
    opt_dt,
    opt_us,
    to_us,
)
from rapport.store.schema import NEW_ORDER, SCHEMA_VERSION, migrate
from rapport.store.search import SearchClock, compile_search

DB_NAME = "collection.sqlite3"
MATURE_INTERVAL = timedelta(days=21)
_MATURE_US = int(MATURE_INTERVAL.total_seconds() * 1_000_000)
_STATE_COLUMNS = "state, step, stability, difficulty, due_us, last_review_us"
# Literal conditions that let SQLite use the partial queue indexes.
_ACTIVE = "present = 1 AND suspended = 0"
# A stable shuffle of cards by a seed (a multiplicative hash of id and seed), for the
# random orders of deck options.
_SHUFFLED = "((id + ?) * 2654435761) % 4294967296, id"
_RESTORE_JOURNAL = "restore.journal"  # (see rapport.store.restore)

log = logging.getLogger(__name__)


def _remove_litter(data_dir: Path) -> None:
    """What killed writes left behind (a restore's staged copy without its journal was
    never used: the journal is written only once the copy is complete); see
    :mod:`rapport.litter`."""
    from rapport.litter import remove_litter

    remove_litter(data_dir)


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
        conn = _connect_read_only(path)
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
            return _repaired(path, problems)
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


def _repaired(path: Path, problems: list[str]) -> str:
    return (
        f"Rapport found damage in the indexes of your progress file {path} "
        f"({problems[0]}) and rebuilt them from your data; nothing was lost."
    )


def _open_error(data_dir: Path, path: Path, exc: BaseException) -> Exception:
    """The error for an SQLite or file error met opening: the folder's fault (full,
    read-only) or the file's."""
    if not is_damage(exc) and is_folder_problem(exc):
        return FolderError.from_error(data_dir, exc)
    return DatabaseError(path, describe(exc), newest_backup(data_dir))


__all__ = ["DB_NAME", "MATURE_INTERVAL", "Store", "UnusableDatabase", "describe", "probe_file"]


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
        conn = _connect_read_only(path, immutable=immutable)
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


def _connect_read_only(path: Path, *, immutable: bool = False) -> sqlite3.Connection:
    flags = "?mode=ro&immutable=1" if immutable else "?mode=ro"
    return sqlite3.connect(f"{path.resolve().as_uri()}{flags}", uri=True, isolation_level=None)


def _connect_peer(path: Path, parent: sqlite3.Connection) -> sqlite3.Connection:
    """A second read-only connection beside ``parent`` (statistics in a thread): damage
    it meets is a :class:`DatabaseError` naming the file, as on the store's own
    connection, and marks ``parent`` damaged too, so that no clean close is recorded."""
    uri = f"{path.resolve().as_uri()}?mode=ro"
    conn = sqlite3.connect(uri, uri=True, isolation_level=None, factory=_Connection)
    assert isinstance(conn, _Connection)
    conn.data_dir = path.parent
    conn.parent = parent if isinstance(parent, _Connection) else None
    return conn


class _Connection(sqlite3.Connection):
    """The store's connection: damage met while reading or writing (which a full check
    would have found, had one been due) reaches the trainee as a :class:`DatabaseError`
    naming the file and the newest backup, never as a raw ``sqlite3`` error; the file is
    then checked in full at the next start."""

    data_dir: Path
    damaged = False
    parent: _Connection | None = None  # a peer's store connection (see _connect_peer)

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
    if not is_damage(exc) or not isinstance(conn, _Connection):
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


def _state(row: Sequence[Any]) -> CardState:
    phase, step, stability, difficulty, due_us, last_us = row
    return CardState(
        phase=Phase(phase),
        step=step,
        stability=stability,
        difficulty=difficulty,
        due=opt_dt(due_us),
        last_review=opt_dt(last_us),
    )


def _state_params(state: CardState) -> tuple[object, ...]:
    return (
        int(state.phase),
        state.step,
        state.stability,
        state.difficulty,
        opt_us(state.due),
        opt_us(state.last_review),
    )


def _hidden(hiding: Hiding | None, phase: Phase, deck_id: str) -> tuple[str, tuple[object, ...]]:
    """SQL conditions (and their parameters) that leave out the cards ``hiding`` hides
    from the queue of ``phase`` of deck ``deck_id`` in the table ``cards``."""
    if hiding is None:
        return "", ()
    # Lists of ids and note ids rather than subqueries or a test of buried_until_us: the
    # queue's indexes then cover the query (a test per card made it five times slower).
    sql = ""
    params: list[object] = []
    buried = hiding.buried.get(deck_id, ())
    if buried:
        sql += f" AND id NOT IN ({_marks(buried)})"
        params += buried
    if hiding.avoid_note is not None:
        sql += " AND (note_id != ? OR id = ?)"
        params += [hiding.avoid_note, hiding.avoid_except]
    by_deck = (
        hiding.new_hidden
        if phase == Phase.NEW
        else hiding.review_hidden
        if phase == Phase.REVIEW
        else {}
    )
    notes = by_deck.get(deck_id, ())
    if notes:
        sql += f" AND note_id NOT IN ({_marks(notes)})"
        params += notes
    return sql, tuple(params)


# A log entry's columns, in ReviewRecord's order ("@" stands for a table alias).
_REVLOG_COLUMNS = ", ".join(
    "@" + name
    for name in (
        "card_id time_us rating duration_ms state_before step_before stability_before "
        "difficulty_before due_before_us last_review_before_us state_after step_after "
        "stability_after difficulty_after due_after_us last_review_after_us response "
        "certainty picked"
    ).split()
)


def _review_record(row: Sequence[Any]) -> ReviewRecord:
    """A log entry read with :data:`_REVLOG_COLUMNS`."""
    return ReviewRecord(
        card_id=row[0],
        time=from_us(row[1]),
        rating=row[2],
        duration=timedelta(milliseconds=row[3]),
        before=_state(row[4:10]),
        after=_state(row[10:16]),
        response=row[16],
        certainty=row[17],
        picked=row[18],
    )


_NO_CLOCK = SearchClock(0, 0, 0, 0.0, 0.0)
# A text search showing at most this many cards reads them off the text, then sorts.
FEW_ROWS = 2000
# A large search of the text finds selected cards among its first rows only.
LOOK_AHEAD = 512
_STATE_SET = "state = ?, step = ?, stability = ?, difficulty = ?, due_us = ?, last_review_us = ?"


def _marks(values: Sequence[object]) -> str:
    return ",".join("?" * len(values))


# Browse: every present card with its text, filtered, sorted and paged in SQLite.
_BROWSE_FROM = (
    "FROM cards c JOIN card_text t ON t.card_id = c.id "
    "JOIN deck_text d ON d.deck_id = c.deck_id WHERE c.present = 1"
)
# For the orders an index of another table gives, that table leads (CROSS JOIN keeps
# SQLite to that order), so the first rows come off the index without a sort.
_BROWSE_FROM_LEADING = {
    "t": "FROM card_text t CROSS JOIN cards c ON c.id = t.card_id "
    "JOIN deck_text d ON d.deck_id = c.deck_id WHERE c.present = 1",
    "d": "FROM deck_text d CROSS JOIN cards c ON c.deck_id = d.deck_id "
    "JOIN card_text t ON t.card_id = c.id WHERE c.present = 1",
}
_BROWSE_SORT_KEYS = {
    "question": ("t.question COLLATE NOCASE",),
    "card": ("c.ordinal",),
    "deck": ("d.name COLLATE NOCASE", "d.deck_id"),
    "concept": ("t.concept",),
    "kind": ("t.kind",),
    "due": ("(c.state = 0 OR c.due_us IS NULL)", "c.due_us"),  # new last (cards_browse_due)
    "interval": ("COALESCE(c.due_us - c.last_review_us, -1)",),
    "reviews": ("c.reviews",),
    "lapses": ("c.lapses",),
    "flag": ("c.flag",),
}
_BROWSE_COLUMNS = (
    "c.id, c.deck_id, t.question, d.name, t.concept, t.kind, c.state, c.due_us, "
    "c.last_review_us, c.reviews, c.lapses, c.suspended, c.flag, "
    "(SELECT group_concat(nt.tag, ' ') FROM note_tags nt "
    "WHERE nt.deck_id = c.deck_id AND nt.note_id = c.note_id), c.ordinal, "
    "coalesce(c.buried_until_us, 0)"
)


def _leading(query: BrowseQuery) -> str:
    """The table whose index gives the order of ``query``: c(ards), t(ext) or d(eck)."""
    return {"question": "t", "concept": "t", "kind": "t", "deck": "d"}.get(query.sort, "c")


def _browse_where(
    conn: sqlite3.Connection, query: BrowseQuery, *, ordered: bool = False, few: bool = False
) -> tuple[str, list[object]]:
    """The FROM and WHERE of ``query`` (``ordered``: joined for reading in its order;
    ``few``: it shows few rows, see :meth:`Store.browse_rows`)."""
    compiled = compile_search(conn, query.search, query.clock or _NO_CLOCK)
    if ordered:
        leading = "t" if few and compiled.text else _leading(query)
    else:  # (a count, or positions: the text scanned first, the cards looked up)
        leading = "t" if compiled.text else "c"
    sql = _BROWSE_FROM_LEADING.get(leading, _BROWSE_FROM)
    if not ordered and not compiled.text:
        sql = "FROM cards c WHERE c.present = 1"  # (every present card has its text)
    elif not ordered and not compiled.cards:
        # Only present cards of decks with stored text have text (see replace_text and
        # sync_cards): the text alone is counted.
        sql = "FROM card_text t WHERE 1"
    if compiled.sql != "1":
        sql += f" AND {compiled.sql}"
    return sql, compiled.params


def _browse_order(query: BrowseQuery) -> str:
    """The order of a query: its sort keys, then the card id (which follows deck order),
    all one way, so that an index (schema 6) gives the order without a sort."""
    way = " DESC" if query.descending else ""
    last = "t.card_id" if _leading(query) == "t" else "c.id"
    return "ORDER BY " + ", ".join(key + way for key in (*_BROWSE_SORT_KEYS[query.sort], last))


def _browse_row(row: Sequence[Any], now_us: int) -> BrowseRow:
    phase = Phase(row[6])
    return BrowseRow(
        card_id=row[0],
        deck_id=row[1],
        question=row[2],
        deck_name=row[3],
        concept=row[4],
        kind=row[5],
        phase=phase,
        due=None if phase == Phase.NEW else opt_dt(row[7]),
        last_review=opt_dt(row[8]),
        reviews=row[9],
        lapses=row[10],
        suspended=bool(row[11]),
        flag=row[12],
        study_tags=tuple(sorted(row[13].split())) if row[13] else (),
        ordinal=row[14],
        buried=row[15] > now_us,
    )


def _bucket(column: str, starts: Sequence[float]) -> tuple[str, list[object]]:
    """An SQL expression giving the index ``i`` of the bucket ``starts[i] <= column <
    starts[i + 1]`` (the last bucket open above), a binary search of nested CASEs, with
    its parameters in order."""

    def part(low: int, high: int) -> tuple[str, list[object]]:
        if high - low == 1:
            return str(low), []
        middle = (low + high) // 2
        left, left_params = part(low, middle)
        right, right_params = part(middle, high)
        return (
            f"CASE WHEN {column} < ? THEN {left} ELSE {right} END",
            [starts[middle], *left_params, *right_params],
        )

    return part(0, len(starts))


_HOUR_US = 3_600_000_000


def _whole_hours(*times_us: int) -> bool:
    """Whether every one of ``times_us`` (microseconds) is a whole UTC hour, so that the
    log's summary per hour (``revlog_hours``) answers exactly; a study day that starts
    between hours (a time zone half an hour off UTC) reads the log itself, as do the
    statistics of chosen decks (the summary is of every deck)."""
    return all(t % _HOUR_US == 0 for t in times_us)


def _revlog_decks(deck_ids: Sequence[str] | None) -> tuple[str, list[object]]:
    """A condition (leading " AND") keeping answers to cards of ``deck_ids`` (``None``:
    every answer in the log)."""
    if deck_ids is None:
        return "", []
    return (
        # "+card_id": the time index leads; the cards' ids are looked up as a set.
        f" AND +card_id IN (SELECT id FROM cards WHERE deck_id IN ({_marks(deck_ids)}))",
        list(deck_ids),
    )


def _curve_values(curves: Mapping[str, Sequence[float]]) -> tuple[str, list[object]]:
    """The rows of a ``VALUES`` list of (deck id, *numbers) with their parameters; a row
    that matches no deck when ``curves`` is empty."""
    if not curves:
        return "(NULL, 0, 0, 0)", []
    width = 1 + len(next(iter(curves.values())))
    row = "(" + ", ".join("?" * width) + ")"
    params: list[object] = []
    for deck_id, numbers in curves.items():
        params += [deck_id, *numbers]
    return ", ".join([row] * len(curves)), params


def _values_checked(method: Callable[..., Any]) -> Callable[..., Any]:
    """Wrap a :class:`Store` method: a value it cannot convert (a time out of range, a
    phase that does not exist) becomes a :class:`DatabaseError` when the file's full check
    finds such values, rather than a raw ``ValueError`` mid-study."""

    @functools.wraps(method)
    def checked(self: Store, *args: Any, **kwargs: Any) -> Any:
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


def _check_values(cls: type[Store]) -> type[Store]:
    for name, value in list(vars(cls).items()):
        if not name.startswith("_") and name not in _UNCHECKED and inspect.isfunction(value):
            setattr(cls, name, _values_checked(value))
    return cls


@_check_values
class Store:
    """An open progress database.

    Open it with :meth:`open` (read-write, the app) or :meth:`snapshot_of` (a private
    in-memory copy of the file, for read-only commands while the app runs).
    """

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

    # -- opening and closing -------------------------------------------------------------

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
                from rapport.store.restore import finish_interrupted_restore

                finish_interrupted_restore(data_dir)
            _remove_litter(data_dir)
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
            conn = sqlite3.connect(path, isolation_level=None, factory=_Connection)
        except sqlite3.Error as exc:
            raise _open_error(data_dir, path, exc) from exc
        assert isinstance(conn, _Connection)
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
                source = _connect_read_only(path, immutable=immutable)
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
            conn = _connect_read_only(path)
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

    def peer(self) -> Callable[[], Store] | None:
        """What opens another read-only connection to the file this store reads (in the
        thread that calls it), to run queries side by side; ``None`` for a private copy
        in memory, which no other connection sees."""
        row = self._conn.execute("PRAGMA database_list").fetchone()
        if row is None or not row[2]:
            return None
        path, parent = Path(row[2]), self._conn
        return lambda: Store(_connect_peer(path, parent), path, snapshot=True)

    def reader(self) -> Store:
        """A second, read-only connection to this database's file, for another thread
        (open it in that thread; SQLite connections stay in the thread that made them)."""
        if self.snapshot:
            raise ValueError("a read-only copy has no file to read again")
        return Store(_connect_peer(self.path, self._conn), self.path, snapshot=True)

    def close(self) -> None:
        """Close the connection (a WAL checkpoint folds the log back into the file) and,
        when the file is sound as far as anyone found, record the clean close."""
        conn = self._conn
        damaged = isinstance(conn, _Connection) and conn.damaged
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
            self.notice = _repaired(self.path, problems)
            return
        if isinstance(conn, _Connection):
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
        if isinstance(self._conn, _Connection):
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

    # -- cards and deck synchronisation --------------------------------------------------

    def card_index(self, deck_id: str) -> dict[tuple[str, int], CardIndexEntry]:
        """The card identities of one deck in the database, present or hidden, keyed by
        (note id, ordinal). One deck at a time keeps opening a big collection small."""
        rows = self._conn.execute(
            "SELECT note_id, ordinal, id, position, present FROM cards WHERE deck_id = ?",
            (deck_id,),
        )
        make = CardIndexEntry._make
        return {(row[0], row[1]): make(row[2:]) for row in rows}

    def present_cards(self, deck_id: str) -> list[PresentCard]:
        """The present cards of a deck, in order."""
        rows = self._conn.execute(
            "SELECT position, id, note_id, ordinal FROM cards WHERE deck_id = ? AND present = 1 "
            "ORDER BY position",
            (deck_id,),
        )
        return list(map(PresentCard._make, rows))

    def present_outside(self, deck_ids: Sequence[str]) -> list[CardIndexEntry]:
        """Cards still shown as present whose deck is none of ``deck_ids``."""
        rows = self._conn.execute(
            "SELECT id, position, present FROM cards WHERE present = 1 "
            f"AND deck_id NOT IN ({_marks(deck_ids)})",
            tuple(deck_ids),
        )
        return [CardIndexEntry._make(row) for row in rows]

    def sync_cards(
        self,
        added: Sequence[NewCard],
        changed: Sequence[CardPlace],
        digests: Mapping[str, str],
    ) -> None:
        """Insert ``added`` (deck, note, ordinal, position) as new cards, apply ``changed``
        (position, present, id) and record ``digests`` (deck id -> digest of the card
        identities now synced, see :meth:`synced_digests`), in one transaction."""
        with self._write() as conn:
            now_us = to_us(datetime.now(UTC))  # (when the card came in, for ``added:N``)
            conn.executemany(
                "INSERT INTO cards (deck_id, note_id, ordinal, position, present, added_us) "
                "VALUES (?, ?, ?, ?, 1, ?)",
                [(*card, now_us) for card in added],
            )
            conn.executemany(
                "UPDATE cards SET position = ?, present = ? WHERE id = ?",
                [(position, int(present), card_id) for position, present, card_id in changed],
            )
            # Only present cards have text (so that a search of the text alone counts them).
            gone = [(card_id,) for _, present, card_id in changed if not present]
            conn.executemany("DELETE FROM card_text WHERE card_id = ?", gone)
            conn.executemany("DELETE FROM card_tags WHERE card_id = ?", gone)
            conn.execute("DELETE FROM synced_decks")
            conn.executemany(
                "INSERT INTO synced_decks (deck_id, digest) VALUES (?, ?)", digests.items()
            )

    def synced_digests(self) -> dict[str, str]:
        """The decks whose cards the last :meth:`sync_cards` left present, with the digest
        of their card identities then. Only a sync changes which cards are present and
        their positions, so while the loaded decks have these digests the cards are in
        sync with them."""
        return dict(self._conn.execute("SELECT deck_id, digest FROM synced_decks"))

    def card_identity(self, card_id: int) -> CardIdentity | None:
        """Who a card is and where; ``None`` if there is no such card."""
        row = self._conn.execute(
            "SELECT deck_id, note_id, ordinal, position, present FROM cards WHERE id = ?",
            (card_id,),
        ).fetchone()
        return None if row is None else CardIdentity(row[0], row[1], row[2], row[3], bool(row[4]))

    def card_state(self, card_id: int) -> CardState:
        """The scheduling state of one card."""
        row = self._conn.execute(
            f"SELECT {_STATE_COLUMNS} FROM cards WHERE id = ?", (card_id,)
        ).fetchone()
        if row is None:
            raise KeyError(card_id)
        return _state(row)

    def is_suspended(self, card_id: int) -> bool:
        row = self._conn.execute("SELECT suspended FROM cards WHERE id = ?", (card_id,)).fetchone()
        return bool(row and row[0])

    def set_suspended(self, card_id: int, suspended: bool) -> None:
        with self._write() as conn:
            conn.execute("UPDATE cards SET suspended = ? WHERE id = ?", (int(suspended), card_id))

    def is_held(self, card_id: int, now: datetime) -> bool:
        """Whether a card is kept out of study at ``now``: suspended, or buried by hand."""
        row = self._conn.execute(
            "SELECT suspended, buried_until_us FROM cards WHERE id = ?", (card_id,)
        ).fetchone()
        return bool(row and (row[0] or (row[1] is not None and row[1] > to_us(now))))

    # -- reviewer actions: burying, suspending, flags, note tags ------------------------

    def buried_cards(self, now: datetime) -> dict[str, tuple[int, ...]]:
        """Per deck, the cards buried by hand until after ``now``."""
        out: dict[str, list[int]] = {}
        for deck_id, card_id in self._conn.execute(
            "SELECT deck_id, id FROM cards WHERE buried_until_us IS NOT NULL "
            "AND buried_until_us > ?",
            (to_us(now),),
        ):
            out.setdefault(deck_id, []).append(int(card_id))
        return {deck_id: tuple(ids) for deck_id, ids in out.items()}

    def note_card_ids(self, deck_id: str, note_id: str) -> list[int]:
        """The present cards of one note, in ordinal order."""
        rows = self._conn.execute(
            "SELECT id FROM cards WHERE deck_id = ? AND note_id = ? AND present = 1 "
            "ORDER BY ordinal",
            (deck_id, note_id),
        )
        return [int(row[0]) for row in rows]

    def holds(self, card_ids: Sequence[int]) -> list[Hold]:
        """The suspension and burial of these cards: what :meth:`restore_holds` puts back."""
        rows = self._conn.execute(
            f"SELECT id, suspended, buried_until_us FROM cards WHERE id IN ({_marks(card_ids)})",
            tuple(card_ids),
        )
        return [Hold(int(r[0]), bool(r[1]), r[2]) for r in rows]

    def bury(self, card_ids: Sequence[int], until: datetime) -> None:
        """Hide these cards from study until ``until`` (the next study day)."""
        with self._write() as conn:
            conn.executemany(
                "UPDATE cards SET buried_until_us = ? WHERE id = ?",
                [(to_us(until), card_id) for card_id in card_ids],
            )

    def suspend(self, card_ids: Sequence[int]) -> None:
        """Suspend these cards (in one transaction)."""
        with self._write() as conn:
            conn.executemany(
                "UPDATE cards SET suspended = 1 WHERE id = ?", [(i,) for i in card_ids]
            )

    def restore_holds(self, holds: Sequence[Hold]) -> None:
        """Put back suspension and burial as :meth:`holds` read them."""
        with self._write() as conn:
            conn.executemany(
                "UPDATE cards SET suspended = ?, buried_until_us = ? WHERE id = ?",
                [(int(suspended), until, card_id) for card_id, suspended, until in holds],
            )

    def flag(self, card_id: int) -> int:
        """A card's flag: 0 none, 1 red, 2 orange, 3 green, 4 blue."""
        row = self._conn.execute("SELECT flag FROM cards WHERE id = ?", (card_id,)).fetchone()
        return int(row[0]) if row else 0

    def set_flag(self, card_id: int, flag: int) -> None:
        with self._write() as conn:
            conn.execute("UPDATE cards SET flag = ? WHERE id = ?", (flag, card_id))

    def note_tags(self, deck_id: str, note_id: str) -> set[str]:
        """The tags study gave a note (``marked``, ``leech``)."""
        rows = self._conn.execute(
            "SELECT tag FROM note_tags WHERE deck_id = ? AND note_id = ?", (deck_id, note_id)
        )
        return {str(row[0]) for row in rows}

    def set_note_tag(self, deck_id: str, note_id: str, tag: str, present: bool) -> None:
        """Give a note the study tag ``tag``, or take it away."""
        with self._write() as conn:
            if present:
                conn.execute(
                    "INSERT OR IGNORE INTO note_tags (deck_id, note_id, tag) VALUES (?, ?, ?)",
                    (deck_id, note_id, tag),
                )
            else:
                conn.execute(
                    "DELETE FROM note_tags WHERE deck_id = ? AND note_id = ? AND tag = ?",
                    (deck_id, note_id, tag),
                )

    def notes_answered_since(self, since: datetime) -> dict[str, tuple[str, ...]]:
        """Per deck, the notes with more than one present card of which a card was
        answered since ``since`` (the notes whose other cards burying hides)."""
        rows = self._conn.execute(
            "SELECT DISTINCT c.deck_id, c.note_id FROM revlog r JOIN cards c ON c.id = r.card_id "
            "WHERE r.time_us >= ? AND EXISTS (SELECT 1 FROM cards s WHERE "
            "s.deck_id = c.deck_id AND s.note_id = c.note_id AND s.id != c.id AND s.present = 1)",
            (to_us(since),),
        )
        out: dict[str, list[str]] = {}
        for deck_id, note_id in rows:
            out.setdefault(deck_id, []).append(note_id)
        return {deck_id: tuple(notes) for deck_id, notes in out.items()}

    def forgotten_since(self, since: datetime) -> list[int]:
        """Active cards answered Again since ``since``, most recently forgotten first."""
        rows = self._conn.execute(
            "SELECT c.id FROM revlog r JOIN cards c ON c.id = r.card_id "
            "WHERE r.time_us >= ? AND r.rating = 1 AND c.present = 1 AND c.suspended = 0 "
            "GROUP BY c.id ORDER BY MAX(r.time_us) DESC",
            (to_us(since),),
        )
        return [int(row[0]) for row in rows]

    def reviews_due_between(
        self, deck_ids: Sequence[str], start: datetime, end: datetime
    ) -> list[int]:
        """Active review cards of these decks due from ``start`` to before ``end``, in due
        order."""
        if not deck_ids:
            return []
        rows = self._conn.execute(
            f"SELECT id FROM cards WHERE deck_id IN ({_marks(deck_ids)}) AND state = 2 "
            f"AND due_us >= ? AND due_us < ? AND {_ACTIVE} ORDER BY due_us, id",
            (*deck_ids, to_us(start), to_us(end)),
        )
        return [int(row[0]) for row in rows]

    def lapses(self, card_id: int) -> int:
        """How often a card in review was answered Again."""
        row = self._conn.execute("SELECT lapses FROM cards WHERE id = ?", (card_id,)).fetchone()
        return 0 if row is None else int(row[0])

    def card_table(self) -> list[CardTableRow]:
        """Every present card with its state, number of reviews and of lapses."""
        rows = self._conn.execute(
            """
            SELECT id, deck_id, note_id, ordinal, suspended,
                   state, step, stability, difficulty, due_us, last_review_us, reviews, lapses
            FROM cards WHERE present = 1 ORDER BY deck_id, position
            """
        )
        return [
            CardTableRow(
                id=row[0],
                deck_id=row[1],
                note_id=row[2],
                ordinal=row[3],
                suspended=bool(row[4]),
                state=_state(row[5:11]),
                reviews=row[11],
                lapses=row[12],
            )
            for row in rows
        ]

    # -- answering -----------------------------------------------------------------------

    def record_review(self, review: ReviewRecord) -> int:
        """Save an answer: the card's new state and the log entry, in one transaction.

        Returns the id of the log entry.
        """
        with self._write() as conn:
            lapse = int(is_lapse(review.rating, review.before.phase))
            conn.execute(
                "UPDATE cards SET state = ?, step = ?, stability = ?, difficulty = ?, "
                "due_us = ?, last_review_us = ?, reviews = reviews + 1, lapses = lapses + ? "
                "WHERE id = ?",
                (*_state_params(review.after), lapse, review.card_id),
            )
            cursor = conn.execute(
                "INSERT INTO revlog (card_id, time_us, rating, duration_ms, "
                "state_before, step_before, stability_before, difficulty_before, "
                "due_before_us, last_review_before_us, "
                "state_after, step_after, stability_after, difficulty_after, "
                "due_after_us, last_review_after_us, response, certainty, picked) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    review.card_id,
                    to_us(review.time),
                    review.rating,
                    round(review.duration.total_seconds() * 1000),
                    *_state_params(review.before),
                    *_state_params(review.after),
                    review.response,
                    review.certainty,
                    review.picked,
                ),
            )
        review_id = cursor.lastrowid
        assert review_id is not None
        return review_id

    def replace_reviews(self, card_id: int, reviews: Sequence[ReviewRecord]) -> None:
        """Make ``reviews`` (oldest first) the card's whole log and its last ``after`` the
        card's state (a sync's replay of the union of two logs), in one transaction."""
        with self._write() as conn:
            conn.execute("DELETE FROM revlog WHERE card_id = ?", (card_id,))
            conn.execute(
                "UPDATE cards SET state = ?, step = ?, stability = ?, difficulty = ?, "
                "due_us = ?, last_review_us = ?, reviews = 0, lapses = 0 WHERE id = ?",
                (*_state_params(CardState()), card_id),
            )
            for review in reviews:
                self.record_review(review)

    def review_log(self) -> list[ReviewRecord]:
        """The whole log of present cards, oldest first (for an export with progress)."""
        rows = self._conn.execute(
            f"SELECT {_REVLOG_COLUMNS.replace('@', 'r.')} FROM revlog r "
            "JOIN cards c ON c.id = r.card_id WHERE c.present = 1 ORDER BY r.id"
        )
        return [_review_record(row) for row in rows]

    def logged_answers(
        self, since: datetime | None = None, deck_ids: Sequence[str] | None = None
    ) -> list[LoggedAnswer]:
        """The answers of present cards from ``since`` (``None``: all), oldest first, of
        ``deck_ids`` (``None``: every deck), with each card's concept (its stored text)."""
        sql = (
            "SELECT c.deck_id, c.note_id, c.ordinal, COALESCE(t.concept, ''), r.time_us, "
            "r.rating, r.duration_ms, r.certainty, r.picked, r.response FROM revlog r "
            "JOIN cards c ON c.id = r.card_id LEFT JOIN card_text t ON t.card_id = c.id "
            "WHERE c.present = 1 AND r.time_us >= ?"
        )
        params: list[Any] = [to_us(since) if since is not None else -(2**62)]
        if deck_ids is not None:
            sql += f" AND c.deck_id IN ({_marks(deck_ids)})"
            params += deck_ids
        rows = self._conn.execute(sql + " ORDER BY r.time_us, r.id", params)
        return [
            LoggedAnswer(d, n, o, concept, from_us(t), rating, ms, cert, picked, response)
            for d, n, o, concept, t, rating, ms, cert, picked, response in rows
        ]

    def last_response(self, card_id: int) -> str | None:
        """The response typed at the card's latest answer that kept one (respond cards)."""
        row = self._conn.execute(
            "SELECT response FROM revlog WHERE card_id = ? AND response IS NOT NULL "
            "ORDER BY id DESC LIMIT 1",
            (card_id,),
        ).fetchone()
        return None if row is None else str(row[0])

    def reviews_of(self, card_id: int) -> list[ReviewRecord]:
        """The log of one card, oldest first."""
        rows = self._conn.execute(
            f"SELECT {_REVLOG_COLUMNS.replace('@', '')} FROM revlog WHERE card_id = ? ORDER BY id",
            (card_id,),
        )
        return [_review_record(row) for row in rows]

    # -- the study queue -----------------------------------------------------------------

    def first_learning(
        self, deck_id: str, due_by: datetime, hiding: Hiding | None = None
    ) -> tuple[int, datetime] | None:
        """The (re)learning card of a deck due first, if it is due at or before ``due_by``."""
        hide, params = _hidden(hiding, Phase.LEARNING, deck_id)
        row = self._conn.execute(
            "SELECT id, due_us FROM cards WHERE deck_id = ? "
            f"AND state IN ({Phase.LEARNING:d}, {Phase.RELEARNING:d}) "
            f"AND due_us <= ? AND {_ACTIVE}{hide} ORDER BY due_us, id LIMIT 1",
            (deck_id, to_us(due_by), *params),
        ).fetchone()
        return None if row is None else (int(row[0]), from_us(row[1]))

    def first_review(
        self,
        deck_id: str,
        due_before: datetime,
        hiding: Hiding | None = None,
        order: ReviewOrder | None = None,
    ) -> tuple[int, datetime] | None:
        """The first review card of a deck due before ``due_before``, in ``order``
        (default: due first)."""
        hide, params = _hidden(hiding, Phase.REVIEW, deck_id)
        by, by_params = "due_us, id", tuple[object, ...]()
        if order is not None and order.kind == "retrievability":
            # Lowest predicted recall now first (FSRS's curve, whole days).
            by = "pow(1 + ? * max(0, (? - last_review_us) / 86400000000) / stability, ?), id"
            by_params = (order.factor, to_us(order.now), order.decay)
        elif order is not None and order.kind == "random":
            by, by_params = _SHUFFLED, (order.seed,)
        row = self._conn.execute(
            f"SELECT id, due_us FROM cards WHERE deck_id = ? AND state = {Phase.REVIEW:d} "
            f"AND due_us < ? AND {_ACTIVE}{hide} ORDER BY {by} LIMIT 1",
            (deck_id, to_us(due_before), *params, *by_params),
        ).fetchone()
        return None if row is None else (int(row[0]), from_us(row[1]))

    def first_new(
        self,
        deck_id: str,
        hiding: Hiding | None = None,
        gather: str = "ascending",
        sort: str = "gathered",
        seed: int = 0,
    ) -> int | None:
        """The first new card of a deck: gathered in deck order ("ascending"), reverse
        deck order ("descending") or at random ("random", by ``seed``), then shown in
        that order ("gathered"), card type (ordinal) first ("card-type") or at random."""
        hide, params = _hidden(hiding, Phase.NEW, deck_id)
        gathered, order_params = {
            "ascending": (NEW_ORDER, ()),  # (deck order, or where Reposition put it)
            "descending": (f"{NEW_ORDER} DESC", ()),
            "random": (_SHUFFLED, (seed,)),
        }[gather]
        if sort == "card-type":
            gathered = f"ordinal, {gathered}"
        elif sort == "random":
            gathered, order_params = _SHUFFLED, (seed + 1,)
        row = self._conn.execute(
            f"SELECT id FROM cards WHERE deck_id = ? AND state = {Phase.NEW:d} "
            f"AND {_ACTIVE}{hide} ORDER BY {gathered} LIMIT 1",
            (deck_id, *params, *order_params),
        ).fetchone()
        return None if row is None else int(row[0])

    def first_learning_in(
        self, deck_ids: Sequence[str], due_by: datetime
    ) -> tuple[int, datetime] | None:
        """:meth:`first_learning` over several decks at once, none of them hiding a card
        (one query instead of one a deck, on the answer path)."""
        row = self._conn.execute(
            f"SELECT id, due_us FROM cards WHERE deck_id IN ({_marks(deck_ids)}) "
            f"AND state IN ({Phase.LEARNING:d}, {Phase.RELEARNING:d}) "
            f"AND due_us <= ? AND {_ACTIVE} ORDER BY due_us, id LIMIT 1",
            (*deck_ids, to_us(due_by)),
        ).fetchone()
        return None if row is None else (int(row[0]), from_us(row[1]))

    def count_learning_in(self, deck_ids: Sequence[str], due_by: datetime) -> int:
        """:meth:`count_learning` over several decks at once, none of them hiding a card."""
        return int(
            self._conn.execute(
                f"SELECT COUNT(*) FROM cards WHERE deck_id IN ({_marks(deck_ids)}) "
                f"AND state IN ({Phase.LEARNING:d}, {Phase.RELEARNING:d}) "
                f"AND due_us <= ? AND {_ACTIVE}",
                (*deck_ids, to_us(due_by)),
            ).fetchone()[0]
        )

    def count_learning(self, deck_id: str, due_by: datetime, hiding: Hiding | None = None) -> int:
        hide, params = _hidden(hiding, Phase.LEARNING, deck_id)
        return int(
            self._conn.execute(
                "SELECT COUNT(*) FROM cards WHERE deck_id = ? "
                f"AND state IN ({Phase.LEARNING:d}, {Phase.RELEARNING:d}) "
                f"AND due_us <= ? AND {_ACTIVE}{hide}",
                (deck_id, to_us(due_by), *params),
            ).fetchone()[0]
        )

    def count_reviews(
        self, deck_id: str, due_before: datetime, limit: int, hiding: Hiding | None = None
    ) -> int:
        """Review cards of a deck due before ``due_before``, counting at most ``limit``."""
        hide, params = _hidden(hiding, Phase.REVIEW, deck_id)
        return int(
            self._conn.execute(
                "SELECT COUNT(*) FROM (SELECT 1 FROM cards WHERE deck_id = ? "
                f"AND state = {Phase.REVIEW:d} AND due_us < ? AND {_ACTIVE}{hide} LIMIT ?)",
                (deck_id, to_us(due_before), *params, max(limit, 0)),
            ).fetchone()[0]
        )

    def count_new(self, deck_id: str, limit: int, hiding: Hiding | None = None) -> int:
        """New cards of a deck, counting at most ``limit``."""
        hide, params = _hidden(hiding, Phase.NEW, deck_id)
        return int(
            self._conn.execute(
                "SELECT COUNT(*) FROM (SELECT 1 FROM cards WHERE deck_id = ? "
                f"AND state = {Phase.NEW:d} AND {_ACTIVE}{hide} LIMIT ?)",
                (deck_id, *params, max(limit, 0)),
            ).fetchone()[0]
        )

    def queue_counts(
        self, limits: Mapping[str, tuple[int, int]], due_by: datetime, due_before: datetime
    ) -> dict[str, tuple[int, int, int]]:
        """:meth:`count_new`, :meth:`count_learning` and :meth:`count_reviews` of several
        decks, none hiding a card, in one statement: per deck id of ``limits`` (deck id ->
        the most new cards and reviews to count), (new, learning, due)."""
        if not limits:
            return {}
        decks = list(limits)
        caps = [max(0, n) for n, _ in limits.values()], [max(0, r) for _, r in limits.values()]
        rows = self._conn.execute(
            f"WITH d (deck_id) AS (VALUES {', '.join('(?)' for _ in decks)}) "
            f"SELECT d.deck_id, (SELECT COUNT(*) FROM (SELECT 1 FROM cards "
            f"WHERE deck_id = d.deck_id AND state = {Phase.NEW:d} AND {_ACTIVE} LIMIT ?)), "
            f"(SELECT COUNT(*) FROM cards WHERE deck_id = d.deck_id "
            f"AND state IN ({Phase.LEARNING:d}, {Phase.RELEARNING:d}) "
            f"AND due_us <= ? AND {_ACTIVE}), "
            f"(SELECT COUNT(*) FROM (SELECT 1 FROM cards WHERE deck_id = d.deck_id "
            f"AND state = {Phase.REVIEW:d} AND due_us < ? AND {_ACTIVE} LIMIT ?)) FROM d",
            (*decks, max(caps[0]), to_us(due_by), to_us(due_before), max(caps[1])),
        )
        out = {}
        for deck, new, learning, due in rows:
            new_cap, review_cap = limits[deck]
            out[deck] = (
                min(int(new), max(0, new_cap)),
                int(learning),
                min(int(due), max(0, review_cap)),
            )
        return out

    def present_counts(self) -> dict[str, int]:
        """How many cards each deck has (hidden ones not counted)."""
        rows = self._conn.execute(
            "SELECT deck_id, COUNT(*) FROM cards WHERE present = 1 GROUP BY deck_id"
        )
        return dict(rows)

    def studied_since(self, since: datetime) -> dict[str, DayCounts]:
        """Per deck, how many new cards were introduced and reviews done since ``since``."""
        rows = self._conn.execute(
            f"SELECT c.deck_id, SUM(r.state_before = {Phase.NEW}), "
            f"SUM(r.state_before = {Phase.REVIEW}) "
            "FROM revlog r JOIN cards c ON c.id = r.card_id WHERE r.time_us >= ? "
            "GROUP BY c.deck_id",
            (to_us(since),),
        )
        return {deck: DayCounts(int(new), int(review)) for deck, new, review in rows}

    def earliest_due(self, deck_ids: Sequence[str], phases: Sequence[Phase]) -> datetime | None:
        """The earliest due time among active cards of these decks in these phases."""
        if not deck_ids or not phases:
            return None
        row = self._conn.execute(
            f"SELECT MIN(due_us) FROM cards WHERE deck_id IN ({_marks(deck_ids)}) "
            f"AND state IN ({_marks(phases)}) AND {_ACTIVE}",
            (*deck_ids, *(int(p) for p in phases)),
        ).fetchone()
        return opt_dt(row[0])

    def earliest_review_from(self, deck_ids: Sequence[str], start: datetime) -> datetime | None:
        """The earliest due time of an active review card due at or after ``start``."""
        if not deck_ids:
            return None
        row = self._conn.execute(
            f"SELECT MIN(due_us) FROM cards WHERE deck_id IN ({_marks(deck_ids)}) "
            f"AND state = {Phase.REVIEW:d} AND due_us >= ? AND {_ACTIVE}",
            (*deck_ids, to_us(start)),
        ).fetchone()
        return opt_dt(row[0])

    # -- statistics ----------------------------------------------------------------------

    def has_answers(self) -> bool:
        """Whether any answer was ever logged (a first-run check: stops at the first)."""
        return self._conn.execute("SELECT 1 FROM revlog LIMIT 1").fetchone() is not None

    def review_count(self, deck_ids: Sequence[str] | None = None) -> int:
        """Answers in the log (what the per-card counts add up to), of the cards of
        ``deck_ids`` (``None``: all)."""
        decks = "" if deck_ids is None else f" WHERE deck_id IN ({_marks(deck_ids)})"
        row = self._conn.execute(
            f"SELECT TOTAL(reviews) FROM cards{decks}", (*(deck_ids or ()),)
        ).fetchone()
        return int(row[0])

    def reviews_per_bucket(
        self, starts: Sequence[datetime], *, mature_only: bool = False
    ) -> list[tuple[int, int, float]]:
        """Per bucket of answer times (``starts[i]`` to ``starts[i + 1]``, the last open
        above): answers, answers other than Again, and seconds taken. ``mature_only``:
        only reviews of cards in review with a scheduled interval of at least 21 days."""
        bounds = [to_us(s) for s in starts]
        expression, params = _bucket("time_us", bounds)
        mature = (
            f" AND state_before = {Phase.REVIEW} "
            f"AND due_before_us - last_review_before_us >= {_MATURE_US}"
            if mature_only
            else ""
        )
        rows = self._conn.execute(
            f"SELECT {expression} AS bucket, COUNT(*), TOTAL(rating != 1), "
            f"TOTAL(duration_ms) FROM revlog WHERE time_us >= ?{mature} GROUP BY bucket",
            (*params, bounds[0]),
        )
        out = [(0, 0, 0.0)] * len(bounds)
        for bucket, answers, passed, ms in rows:
            out[bucket] = (int(answers), int(passed), ms / 1000)
        return out

    def due_per_bucket(
        self, starts: Sequence[datetime], end: datetime, deck_ids: Sequence[str] | None = None
    ) -> list[int]:
        """Active studied cards (of ``deck_ids``, ``None``: all) due per bucket
        (``starts[i]`` to ``starts[i + 1]``, the last up to ``end``); cards due before
        ``starts[0]`` count in the first."""
        bounds = [to_us(s) for s in starts]
        expression, params = _bucket("due_us", bounds)
        decks = "" if deck_ids is None else f" AND deck_id IN ({_marks(deck_ids)})"
        rows = self._conn.execute(
            f"SELECT {expression} AS bucket, COUNT(*) FROM cards "
            f"WHERE state != 0 AND due_us < ? AND {_ACTIVE}{decks} GROUP BY bucket",
            (*params, to_us(end), *(deck_ids or ())),
        )
        out = [0] * len(bounds)
        for bucket, count in rows:
            out[bucket] = int(count)
        return out

    # -- statistics by deck and period (rapport.study.stats) -------------------------------

    def first_review_time(self, deck_ids: Sequence[str] | None) -> datetime | None:
        """When the first answer of the log (of the cards of ``deck_ids``) was given."""
        where, params = _revlog_decks(deck_ids)
        row = self._conn.execute(
            f"SELECT time_us FROM revlog WHERE 1{where} ORDER BY time_us LIMIT 1", params
        ).fetchone()
        return None if row is None else from_us(row[0])

    def answer_breakdown(
        self, deck_ids: Sequence[str] | None, starts: Sequence[datetime]
    ) -> list[tuple[int, int, int, int, float]]:
        """Answers since ``starts[0]`` grouped by (time bucket ``i``: ``starts[i] <=
        time``, the last open above; kind; rating): rows of (bucket, kind, rating,
        answers, seconds). Kinds are Anki's revlog types split by maturity: 0 learning (the
        card was new or learning), 1 young review, 2 mature review (in review with a
        scheduled interval of at least 21 days), 3 relearning."""
        bounds = [to_us(s) for s in starts]
        if deck_ids is None and _whole_hours(*bounds):  # the log's summary (schema v11)
            expression, params = _bucket("hour", [b // _HOUR_US for b in bounds])
            rows = self._conn.execute(
                f"SELECT {expression} AS bucket, kind, rating, SUM(answers), SUM(ms) "
                f"FROM revlog_hours WHERE hour >= ? GROUP BY bucket, kind, rating",
                (*params, bounds[0] // _HOUR_US),
            )
            return [(int(b), int(k), int(r), int(n), ms / 1000) for b, k, r, n, ms in rows]
        expression, params = _bucket("time_us", bounds)
        where, deck_params = _revlog_decks(deck_ids)
        rows = self._conn.execute(
            f"SELECT {expression} AS bucket, CASE state_before WHEN {Phase.REVIEW:d} THEN "
            f"(CASE WHEN due_before_us - last_review_before_us >= {_MATURE_US} THEN 2 "
            f"ELSE 1 END) WHEN {Phase.RELEARNING:d} THEN 3 ELSE 0 END AS kind, rating, "
            f"COUNT(*), TOTAL(duration_ms) FROM revlog WHERE time_us >= ?{where} "
            f"GROUP BY bucket, kind, rating",
            (*params, bounds[0], *deck_params),
        )
        return [(int(b), int(k), int(r), int(n), ms / 1000) for b, k, r, n, ms in rows]

    def answers_per_hour_since(
        self, deck_ids: Sequence[str] | None, since: datetime, mature_since: datetime
    ) -> list[tuple[int, int, float, int, int]]:
        """Answers from ``since`` per whole hour after it: (hour index, answers, seconds,
        mature reviews, those not Again), the mature ones counted from ``mature_since``
        only (a mature review: of a card in review with a scheduled interval of at least
        21 days). Hours, not days: study days change length with daylight saving; the
        caller maps hours to its days."""
        start = to_us(since)
        later = to_us(mature_since)
        if deck_ids is None and _whole_hours(start, later):  # the log's summary (schema v11)
            first, mature_hour = start // _HOUR_US, later // _HOUR_US
            rows = self._conn.execute(
                "SELECT hour - ? AS h, SUM(answers), SUM(ms), "
                "SUM(CASE WHEN hour >= ? AND kind = 2 THEN answers ELSE 0 END), "
                "SUM(CASE WHEN hour >= ? AND kind = 2 AND rating != 1 THEN answers ELSE 0 END) "
                "FROM revlog_hours WHERE hour >= ? GROUP BY h",
                (first, mature_hour, mature_hour, first),
            )
            return [(int(h), int(n), ms / 1000, int(m), int(k)) for h, n, ms, m, k in rows]
        where, params = _revlog_decks(deck_ids)
        mature = (
            f"(CASE WHEN time_us >= ? THEN state_before = {Phase.REVIEW:d} "
            f"AND due_before_us - last_review_before_us >= {_MATURE_US} END)"
        )
        rows = self._conn.execute(
            f"SELECT (time_us - ?) / 3600000000 AS h, COUNT(*), TOTAL(duration_ms), "
            f"TOTAL({mature}), TOTAL({mature} AND rating != 1) FROM revlog "
            f"WHERE time_us >= ?{where} GROUP BY h",
            (start, later, later, start, *params),
        )
        return [(int(h), int(n), ms / 1000, int(m), int(k)) for h, n, ms, m, k in rows]

    def answers_per_hour(
        self, deck_ids: Sequence[str] | None, since: datetime, utc_offset: timedelta
    ) -> list[tuple[int, int, int]]:
        """Answers since ``since`` per hour of the day at ``utc_offset`` from UTC: (hour,
        answers, answers other than Again)."""
        shift = int(utc_offset.total_seconds() * 1_000_000)
        start = to_us(since)
        if deck_ids is None and _whole_hours(shift, start):  # the log's summary (schema v11)
            rows = self._conn.execute(
                "SELECT (hour + ?) % 24 AS h, SUM(answers), "
                "SUM(CASE WHEN rating != 1 THEN answers ELSE 0 END) "
                "FROM revlog_hours WHERE hour >= ? GROUP BY h",
                (shift // _HOUR_US, start // _HOUR_US),
            )
            return [(int(h) % 24, int(n), int(p)) for h, n, p in rows]
        where, params = _revlog_decks(deck_ids)
        rows = self._conn.execute(
            f"SELECT ((time_us + ?) / 3600000000) % 24 AS hour, COUNT(*), TOTAL(rating != 1) "
            f"FROM revlog WHERE time_us >= ?{where} GROUP BY hour",
            (shift, start, *params),
        )
        return [(int(h) % 24, int(n), int(p)) for h, n, p in rows]

    def card_state_counts(self, deck_ids: Sequence[str], now: datetime) -> dict[str, int]:
        """Present cards of ``deck_ids`` by Anki's card-count categories: new, learning,
        relearning, young, mature (review cards with an interval of at least 21 days),
        suspended and buried (hidden until after ``now``); each card counts once."""
        rows = self._conn.execute(
            f"SELECT CASE WHEN suspended = 1 THEN 'suspended' "
            f"WHEN buried_until_us > ? THEN 'buried' WHEN state = 0 THEN 'new' "
            f"WHEN state = 1 THEN 'learning' WHEN state = 3 THEN 'relearning' "
            f"WHEN due_us - last_review_us >= {_MATURE_US} THEN 'mature' ELSE 'young' END "
            f"AS category, COUNT(*) FROM cards WHERE present = 1 "
            f"AND deck_id IN ({_marks(deck_ids)}) GROUP BY category",
            (to_us(now), *deck_ids),
        )
        return {str(category): int(n) for category, n in rows}

    def memory_histogram(
        self,
        curves: Mapping[str, tuple[float, float]],
        now: datetime,
        interval_days: Sequence[float],
        stability_days: Sequence[float],
        difficulty: Sequence[float],
        retrievability: Sequence[float],
    ) -> list[tuple[int, int, int, int, int]]:
        """Studied present cards of the decks in ``curves`` (deck id -> FSRS's (factor,
        decay) of its preset) counted by (interval bucket, stability bucket, difficulty
        bucket, retrievability-now bucket): rows of those four indices and a count. Each
        sequence holds its buckets' lower bounds (the first is the floor, the last bucket
        open above). Intervals are due minus last review in days; retrievability is
        ``(1 + factor * t / stability) ** decay`` at whole days ``t`` since the last
        review."""
        ivl, ivl_params = _bucket("ivl", list(interval_days))
        stab, stab_params = _bucket("stability", list(stability_days))
        diff, diff_params = _bucket("difficulty", list(difficulty))
        ret, ret_params = _bucket("r", list(retrievability))
        values, value_params = _curve_values(curves)
        rows = self._conn.execute(
            f"WITH p (deck_id, factor, decay) AS (VALUES {values}) "
            f"SELECT {ivl}, {stab}, {diff}, {ret}, COUNT(*) FROM ("
            f"SELECT (c.due_us - c.last_review_us) / 86400000000.0 AS ivl, c.stability, "
            f"c.difficulty, pow(1 + p.factor * max(0, (? - c.last_review_us) / 86400000000) "
            f"/ c.stability, p.decay) AS r FROM p CROSS JOIN cards c ON c.deck_id = p.deck_id "
            f"WHERE c.present = 1 AND c.state != 0 AND c.stability > 0 "
            f"AND c.last_review_us IS NOT NULL AND c.difficulty IS NOT NULL) "
            f"GROUP BY 1, 2, 3, 4",
            (*value_params, *ivl_params, *stab_params, *diff_params, *ret_params, to_us(now)),
        )
        return [(int(a), int(b), int(c), int(d), int(n)) for a, b, c, d, n in rows]

    def concept_mastery(
        self,
        curves: Mapping[str, tuple[float, float, float]],
        now: datetime,
        horizon_days: int,
        concepts: Sequence[tuple[int, str]] = (),
    ) -> list[tuple[str, int, int, int, float, int]]:
        """Per concept of the present cards of the decks in ``curves`` (deck id -> FSRS's
        (factor, decay) and the desired retention of its preset): (concept, cards, studied
        cards, those recalled now with at least the desired retention, the sum of
        retrievabilities now, cards whose retrievability ``horizon_days`` from now is at
        least the desired retention). Retrievability as in :meth:`memory_histogram`; "at
        least the desired retention" is compared as days over stability against the
        curve's inverse at that retention (one power per card, not three).

        A card's concept is its stored text's (``card_text``), or the one ``concepts``
        gives for its id (card id, concept): the cards of decks whose stored text is not
        of the deck as loaded, read in place through a temporary table of this
        connection, so that statistics never wait for Browse's text to be written."""
        text = "JOIN card_text t ON t.card_id = c.id"
        concept = "t.concept"
        if concepts:
            conn = self._conn
            conn.execute(
                "CREATE TEMP TABLE IF NOT EXISTS stats_concepts "
                "(card_id INTEGER PRIMARY KEY, concept TEXT NOT NULL)"
            )
            conn.execute("DELETE FROM temp.stats_concepts")
            conn.executemany("INSERT INTO temp.stats_concepts VALUES (?, ?)", concepts)
            text = (
                "LEFT JOIN temp.stats_concepts o ON o.card_id = c.id "
                "LEFT JOIN card_text t ON t.card_id = c.id AND o.card_id IS NULL"
            )
            concept = "COALESCE(o.concept, t.concept)"
        limits = {
            deck: (factor, decay, (wanted ** (1 / decay) - 1) / factor)
            for deck, (factor, decay, wanted) in curves.items()
        }
        values, value_params = _curve_values(limits)
        rows = self._conn.execute(
            f"""
            WITH p (deck_id, factor, decay, reach) AS (VALUES {values})
            SELECT concept, COUNT(*), TOTAL(studied), TOTAL(studied AND ratio <= reach),
                   TOTAL(CASE WHEN studied THEN pow(1 + factor * ratio, decay) END),
                   TOTAL(studied AND ratio + ? / stability <= reach) FROM (
                SELECT {concept} AS concept, p.factor AS factor, p.decay AS decay,
                       p.reach AS reach, c.stability AS stability,
                       (c.state != 0 AND c.stability > 0
                        AND c.last_review_us IS NOT NULL) AS studied,
                       max(0, (? - c.last_review_us) / 86400000000) / c.stability AS ratio
                FROM p CROSS JOIN cards c ON c.deck_id = p.deck_id
                {text} WHERE c.present = 1)
            WHERE concept IS NOT NULL GROUP BY concept ORDER BY concept
            """,
            (*value_params, float(horizon_days), to_us(now)),
        )
        return [(c, int(n), int(s), int(k), float(r), int(m)) for c, n, s, k, r, m in rows]

    def answers_by_card(self, deck_ids: Sequence[str]) -> list[tuple[int, int, int, int]]:
        """Every answer to the cards of ``deck_ids`` as (card id, time in microseconds,
        rating, phase before), in the log's order (no sort: the caller groups them by
        card): the history the optimiser fits FSRS to."""
        rows = self._conn.execute(
            # "+card_id": one scan of the log with the cards' ids as a set, not a lookup
            # in the log's card index per card (four times slower for millions).
            f"SELECT card_id, time_us, rating, state_before FROM revlog WHERE +card_id IN "
            f"(SELECT id FROM cards WHERE deck_id IN ({_marks(deck_ids)}))",
            tuple(deck_ids),
        )
        return rows.fetchall()

    def memory_states(
        self, deck_ids: Sequence[str]
    ) -> tuple[list[tuple[float, float, int, int]], int]:
        """The active present cards of ``deck_ids``: the studied ones as (stability,
        difficulty, last review and due in microseconds), and how many are new."""
        rows = self._conn.execute(
            f"SELECT state, stability, difficulty, last_review_us, due_us FROM cards "
            f"WHERE {_ACTIVE} AND deck_id IN ({_marks(deck_ids)})",
            tuple(deck_ids),
        )
        studied, new = [], 0
        for state, stability, difficulty, last, due in rows:
            if state == Phase.NEW or not stability or last is None or due is None:
                new += 1
            else:
                studied.append((float(stability), float(difficulty or 5.0), int(last), int(due)))
        return studied, new

    def answer_times(self, deck_ids: Sequence[str]) -> dict[str, tuple[int, float]]:
        """Answers to the cards of ``deck_ids`` and their seconds, by kind: "learning"
        (new or learning before), "pass" (a review not Again), "fail" (a review answered
        Again) and "relearning"."""
        rows = self._conn.execute(
            f"SELECT CASE WHEN state_before = {Phase.RELEARNING:d} THEN 'relearning' "
            f"WHEN state_before != {Phase.REVIEW:d} THEN 'learning' "
            f"WHEN rating = 1 THEN 'fail' ELSE 'pass' END AS kind, COUNT(*), "
            f"TOTAL(duration_ms) FROM revlog WHERE card_id IN (SELECT id FROM cards "
            f"WHERE deck_id IN ({_marks(deck_ids)})) GROUP BY kind",
            tuple(deck_ids),
        )
        return {str(kind): (int(n), ms / 1000) for kind, n, ms in rows}

    # -- browsing ------------------------------------------------------------------------

    def text_stamps(self) -> dict[str, tuple[str, str]]:
        """Per deck whose card text is stored: its name and the stamp of that text."""
        rows = self._conn.execute("SELECT deck_id, name, stamp FROM deck_text")
        return {deck: (name, stamp) for deck, name, stamp in rows}

    def replace_text(
        self,
        deck_id: str,
        name: str,
        stamp: str,
        rows: Sequence[TextRow],
        now: datetime | None = None,
    ) -> None:
        """Store the text of the cards of one deck (``rows``: its present cards), with the
        deck's name and the stamp they were taken at, in one transaction. A card whose
        search text differs from the stored one was edited at ``now`` (default: the
        clock); a card stored for the first time, when it was added."""
        now_us = to_us(now or datetime.now(UTC))
        with self._write() as conn:
            old = {
                card_id: (search, edited)
                for card_id, search, edited in conn.execute(
                    "SELECT t.card_id, t.search, t.edited_us FROM card_text t "
                    "JOIN cards c ON c.id = t.card_id WHERE c.deck_id = ?",
                    (deck_id,),
                )
            }
            conn.execute(
                "DELETE FROM card_text WHERE card_id IN (SELECT id FROM cards WHERE deck_id = ?)",
                (deck_id,),
            )
            conn.execute(
                "DELETE FROM card_tags WHERE card_id IN (SELECT id FROM cards WHERE deck_id = ?)",
                (deck_id,),
            )

            def edited(row: TextRow) -> int | None:
                before = old.get(row.card_id)
                if before is None:
                    return None  # (set to when it was added, below)
                return int(before[1]) if before[0] == row.search and before[1] else now_us

            conn.executemany(
                "INSERT INTO card_text (card_id, question, concept, kind, search, edited_us) "
                "VALUES (?, ?, ?, ?, ?, ?)",
                [(*row[:5], edited(row)) for row in rows],
            )
            conn.executemany(
                "INSERT OR IGNORE INTO card_tags (card_id, tag) VALUES (?, ?)",
                [(row.card_id, tag) for row in rows for tag in row.tags],
            )
            conn.execute(
                "UPDATE card_text SET edited_us = (SELECT coalesce(added_us, ?) FROM cards "
                "WHERE cards.id = card_text.card_id) WHERE edited_us IS NULL",
                (now_us,),
            )
            conn.execute(
                "INSERT INTO deck_text (deck_id, name, stamp) VALUES (?, ?, ?) "
                "ON CONFLICT (deck_id) DO UPDATE SET name = excluded.name, "
                "stamp = excluded.stamp",
                (deck_id, name, stamp),
            )

    def browse_count(self, query: BrowseQuery) -> int:
        """How many present cards ``query`` shows."""
        where, params = _browse_where(self._conn, query)
        return int(self._conn.execute(f"SELECT COUNT(*) {where}", params).fetchone()[0])

    def browse_rows(
        self, query: BrowseQuery, offset: int, limit: int, total: int | None = None
    ) -> list[BrowseRow]:
        """The rows ``offset`` to ``offset + limit`` of what ``query`` shows, in order.

        ``total``, how many rows the query shows (Browse counts first), chooses the plan:
        when a search of the text finds few cards, the text is scanned and those few
        sorted, rather than walking the whole order's index looking each card's text up
        (a word no card has would read every card that way)."""
        few = total is not None and total <= FEW_ROWS
        where, params = _browse_where(self._conn, query, ordered=True, few=few)
        rows = self._conn.execute(
            f"SELECT {_BROWSE_COLUMNS} {where} {_browse_order(query)} LIMIT ? OFFSET ?",
            (*params, limit, offset),
        )
        now_us = (query.clock or _NO_CLOCK).now_us or to_us(datetime.now(UTC))
        return [_browse_row(row, now_us) for row in rows]

    def browse_ids(self, query: BrowseQuery) -> list[int]:
        """The ids of every card ``query`` shows, in order (for ``rapport search``)."""
        where, params = _browse_where(self._conn, query, ordered=True)
        rows = self._conn.execute(f"SELECT c.id {where} {_browse_order(query)}", params)
        return [int(row[0]) for row in rows]

    def browse_positions(
        self, query: BrowseQuery, card_ids: Sequence[int], total: int | None = None
    ) -> dict[int, int]:
        """Where the cards ``card_ids`` are in what ``query`` shows (those shown).

        ``total`` is how many rows the query shows, when known. Numbering every row of a
        large search of the text would look up each card's text in the order's index (a
        second or more at 200,000 cards), so such a search finds the cards among its
        first :data:`LOOK_AHEAD` rows only (a selection further down is not kept)."""
        if not card_ids:
            return {}
        few = total is not None and total <= FEW_ROWS
        text = compile_search(self._conn, query.search, query.clock or _NO_CLOCK).text
        if text or _leading(query) != "c":
            where, params = _browse_where(self._conn, query, ordered=True, few=few)
        else:  # (numbered off the cards alone: every present card has its text)
            where, params = _browse_where(self._conn, query)
        order = _browse_order(query)
        limit = f" {order} LIMIT {LOOK_AHEAD}" if text and not few else ""
        rows = self._conn.execute(
            f"SELECT id, n FROM (SELECT c.id AS id, ROW_NUMBER() OVER ({order}) AS n "
            f"{where}{limit}) WHERE id IN ({_marks(card_ids)})",
            (*params, *card_ids),
        )
        return {int(card_id): int(n) - 1 for card_id, n in rows}

    def browse_tags(self) -> list[str]:
        """Every tag of a present card (deck tags and the tags study gave), sorted."""
        rows = self._conn.execute(
            "SELECT tag FROM card_tags UNION SELECT tag FROM note_tags ORDER BY 1"
        )
        return [row[0] for row in rows]

    # -- Browse's card operations (forget, set due date, reposition) --------------------

    def write_states(self, states: Sequence[tuple[int, CardState]]) -> None:
        """Give these cards these scheduling states (no answer is logged), in one
        transaction; a card given a state is no longer buried."""
        with self._write() as conn:
            conn.executemany(
                f"UPDATE cards SET {_STATE_SET}, buried_until_us = NULL WHERE id = ?",
                [(*_state_params(state), card_id) for card_id, state in states],
            )

    def positions(self, card_ids: Sequence[int]) -> dict[int, tuple[str, int]]:
        """Per card: its deck and its place in its deck's new-card order."""
        if not card_ids:
            return {}
        rows = self._conn.execute(
            f"SELECT id, deck_id, {NEW_ORDER} FROM cards WHERE id IN ({_marks(card_ids)})",
            list(card_ids),
        )
        return {int(i): (str(deck), int(position)) for i, deck, position in rows}

    def new_cards_from(self, deck_ids: Sequence[str], start: int) -> list[int]:
        """The new cards of these decks at ``start`` or later in the new-card order."""
        if not deck_ids:
            return []
        rows = self._conn.execute(
            f"SELECT id FROM cards WHERE deck_id IN ({_marks(deck_ids)}) AND state = 0 "
            f"AND present = 1 AND {NEW_ORDER} >= ?",
            (*deck_ids, start),
        )
        return [int(row[0]) for row in rows]

    def reposition(
        self, places: Sequence[tuple[int, int]], shift: Sequence[tuple[str, int, int]] = ()
    ) -> None:
        """Give cards new places in the new-card order (``places``: card id, position),
        first moving up by ``by`` every other new card of a deck at ``from`` or later
        (``shift``: deck id, from, by), in one transaction."""
        moved = [card_id for card_id, _ in places]
        with self._write() as conn:
            for deck_id, start, by in shift:
                conn.execute(
                    f"UPDATE cards SET new_order = {NEW_ORDER} + ? WHERE deck_id = ? "
                    f"AND state = 0 AND present = 1 AND {NEW_ORDER} >= ? "
                    f"AND id NOT IN ({_marks(moved)})",
                    (by, deck_id, start, *moved),
                )
            conn.executemany(
                "UPDATE cards SET new_order = ? WHERE id = ?",
                [(position, card_id) for card_id, position in places],
            )

    def card_added(self, card_id: int) -> datetime | None:
        """When the card came into the collection (schema 10)."""
        row = self._conn.execute("SELECT added_us FROM cards WHERE id = ?", (card_id,)).fetchone()
        return opt_dt(row[0]) if row else None

    def browse_concepts(self) -> list[str]:
        """The concepts of the present cards, sorted."""
        rows = self._conn.execute(
            "SELECT DISTINCT t.concept FROM card_text t CROSS JOIN cards c ON c.id = t.card_id "
            "WHERE c.present = 1 ORDER BY t.concept"
        )
        return [row[0] for row in rows]

    def review_times(self, since: datetime) -> list[TimedAnswer]:
        """Time and time taken of every answer since ``since``."""
        rows = self._conn.execute(
            "SELECT time_us, duration_ms FROM revlog WHERE time_us >= ? ORDER BY time_us",
            (to_us(since),),
        )
        return [TimedAnswer(from_us(t), timedelta(milliseconds=ms)) for t, ms in rows]

    # -- settings and preferences --------------------------------------------------------

    def settings(self) -> dict[str, str]:
        return dict(self._conn.execute("SELECT key, value FROM settings"))

    def replace_settings(self, values: Mapping[str, str]) -> None:
        with self._write() as conn:
            conn.execute("DELETE FROM settings")
            conn.executemany("INSERT INTO settings (key, value) VALUES (?, ?)", values.items())

    def presets(self) -> dict[str, str]:
        """The named presets other than "Default" (that is :meth:`settings`): name ->
        its settings as a JSON object of the :meth:`settings` strings."""
        rows = self._conn.execute("SELECT name, value FROM presets")
        return {str(name): str(value) for name, value in rows}

    def save_preset(self, name: str, value: str) -> None:
        with self._write() as conn:
            conn.execute(
                "INSERT INTO presets (name, value) VALUES (?, ?) "
                "ON CONFLICT (name) DO UPDATE SET value = excluded.value",
                (name, value),
            )

    def delete_preset(self, name: str) -> None:
        """Remove a preset; the decks that used it go back to "Default"."""
        with self._write() as conn:
            conn.execute("DELETE FROM presets WHERE name = ?", (name,))
            conn.execute("DELETE FROM deck_presets WHERE preset = ?", (name,))

    def deck_presets(self) -> dict[str, str]:
        """Deck id -> the name of the preset it uses (decks using "Default" are absent)."""
        rows = self._conn.execute("SELECT deck_id, preset FROM deck_presets")
        return {str(deck_id): str(preset) for deck_id, preset in rows}

    def set_deck_preset(self, deck_id: str, preset: str | None) -> None:
        """Make deck ``deck_id`` use ``preset`` (``None``: "Default")."""
        with self._write() as conn:
            if preset is None:
                conn.execute("DELETE FROM deck_presets WHERE deck_id = ?", (deck_id,))
            else:
                conn.execute(
                    "INSERT INTO deck_presets (deck_id, preset) VALUES (?, ?) "
                    "ON CONFLICT (deck_id) DO UPDATE SET preset = excluded.preset",
                    (deck_id, preset),
                )

    def pref(self, key: str) -> str | None:
        row = self._conn.execute("SELECT value FROM prefs WHERE key = ?", (key,)).fetchone()
        return None if row is None else str(row[0])

    def set_pref(self, key: str, value: str) -> None:
        with self._write() as conn:
            conn.execute(
                "INSERT INTO prefs (key, value) VALUES (?, ?) "
                "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                (key, value),
            )
