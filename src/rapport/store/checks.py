"""When the database is checked, how, and what is repaired.

Opening never changes a file before it is known to be ours: :func:`probe` reads it through
a read-only connection and compares its schema, object by object, with the schema the
migrations build for its version (a database with Rapport's table names but other columns
is foreign, and refused untouched).

SQLite's full ``integrity_check`` reads every page, which at a heavy user's scale takes
seconds. It runs where it protects the trainee, not on every start:

* at opening, unless the file is exactly as Rapport's last clean close left it: that close
  records the file's size, modification time and inode in ``collection.sqlite3.closed``,
  and opening deletes the record before anything is written. After a crash, a restore, a
  copy or anything else that wrote the file, the record is missing or does not match, and
  the file is checked in full;
* on every backup, before it is kept (:mod:`rapport.store.backups`): a damaged copy is
  never kept, and the record is not written at close, so the next start checks the file;
* on the backup to restore, before anything is moved (:mod:`rapport.store.restore`).

Damage confined to indexes (a bit flip in an index page: ``quick_check`` passes, the full
check finds rows missing from the index) is repaired with ``REINDEX``, which rebuilds
indexes from the tables, and the trainee is told. Values no Rapport could have written (a
card in phase 9, an answer rated 0, an answer of a card that does not exist) are damage
too, found by :func:`content_problems` with the full check.
"""

from __future__ import annotations

import errno
import os
import re
import sqlite3

# hashlib's BLAKE2 itself (hashlib.blake2b is this class), without the OpenSSL set-up that
# importing hashlib costs the Qt-free start (about 2 ms)
from _blake2 import blake2b
from functools import cache
from pathlib import Path

from rapport.store.schema import SCHEMA_VERSION, migrate, user_version

CLOSED_SUFFIX = ".closed"
# What :func:`schema_digest` says of ``expected_schema(SCHEMA_VERSION)``: a database whose
# schema has this digest is what the migrations build, and :func:`probe` accepts it without
# building the schema in a scratch database (85 statements, 2 ms at every start). Any other
# schema is compared object by object as before. The store's migration tests fail, naming
# the new value, when a migration changes the schema and not this line.
CURRENT_SCHEMA_DIGEST = "fa002cb9bda36f8cbb249e693bd0bfcb8c8d6ac8ef116c187fab6e4ed70b1743"


class UnusableDatabase(Exception):
    """Internal: why a database file cannot be used (becomes a :class:`DatabaseError`)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def describe(exc: BaseException) -> str:
    """A trainee-fit phrase for an SQLite (or file system) error."""
    if isinstance(exc, OSError) and exc.errno is not None:
        if exc.errno in (errno.ENOSPC, errno.EDQUOT):
            return "the disk is full"
        if exc.errno in (errno.EROFS, errno.EACCES, errno.EPERM):
            return "the folder is read-only (or not yours to write)"
        if exc.errno == errno.EIO:
            return "the disk reported an input/output error"
        return exc.strerror or str(exc)
    text = str(exc)
    lowered = text.lower()
    if "not a database" in lowered:
        return "it is not a Rapport progress file (or it is badly damaged)"
    if "malformed" in lowered or "corrupt" in lowered:
        return "the file is damaged"
    if "disk is full" in lowered or "no space" in lowered or "full" in lowered:
        return "the disk is full"
    if "readonly" in lowered or "read-only" in lowered or "permission" in lowered:
        return "the file or its folder is read-only"
    if "disk i/o" in lowered or "input/output" in lowered:
        return "the disk reported an input/output error"
    if "locked" in lowered or "busy" in lowered:
        return "the file is in use by another program"
    return text


def is_damage(exc: BaseException) -> bool:
    """Whether an SQLite error means the file itself is damaged."""
    lowered = str(exc).lower()
    return any(
        word in lowered for word in ("malformed", "corrupt", "not a database", "could not decode")
    )


def is_folder_problem(exc: BaseException) -> bool:
    """Whether an error means the folder cannot be written (full disk, read-only)."""
    if isinstance(exc, OSError) and exc.errno is not None:
        return exc.errno in (errno.ENOSPC, errno.EROFS, errno.EACCES, errno.EPERM, errno.EDQUOT)
    lowered = str(exc).lower()
    return any(
        word in lowered
        for word in ("full", "readonly", "read-only", "permission", "unable to open")
    )


@cache
def expected_schema(version: int) -> dict[str, tuple[str, str | None]]:
    """Name -> (type, SQL) of every table, index and trigger a database of ``version`` has, as the
    migrations create them (built once in memory)."""
    conn = sqlite3.connect(":memory:", isolation_level=None)
    try:
        migrate(conn, version)
        return _schema(conn)
    finally:
        conn.close()


def _schema(conn: sqlite3.Connection) -> dict[str, tuple[str, str | None]]:
    rows = conn.execute(
        "SELECT name, type, sql FROM sqlite_master "
        "WHERE type IN ('table', 'index', 'trigger') AND name NOT LIKE 'sqlite_%'"
    )
    return {name: (kind, sql) for name, kind, sql in rows}


def schema_digest(schema: dict[str, tuple[str, str | None]]) -> str:
    """BLAKE2b (256 bits) of a schema as :func:`_schema` reads it, in name order: equal digests mean
    the same objects with byte-for-byte the same SQL."""
    text = "\0".join(f"{name}\0{kind}\0{sql}" for name, (kind, sql) in sorted(schema.items()))
    return blake2b(text.encode(), digest_size=32).hexdigest()


def probe(conn: sqlite3.Connection, *, indexes: bool = True) -> int:
    """Check, reading only the schema, that ``conn`` is a Rapport database this version
    can use; return its schema version (0: new and empty).

    Raises :class:`UnusableDatabase` for a file that is not a database, belongs to
    something else, or comes from a newer Rapport. ``indexes=False`` accepts a file
    without the indexes (a backup).
    """
    try:
        version = user_version(conn)
        found = _schema(conn)
    except sqlite3.DatabaseError as exc:
        raise UnusableDatabase(describe(exc)) from exc
    except ValueError as exc:  # text in the schema that is not UTF-8
        raise UnusableDatabase(f"the file is damaged ({exc})") from exc
    if version > SCHEMA_VERSION:
        raise UnusableDatabase(
            f"it was written by a newer version of Rapport (format {version}; this version "
            f"reads formats up to {SCHEMA_VERSION}); update Rapport to open it"
        )
    if version == 0:
        if found:
            raise UnusableDatabase("it is not a Rapport progress file")
        return 0
    if version == SCHEMA_VERSION and indexes and schema_digest(found) == CURRENT_SCHEMA_DIGEST:
        return version
    expected = expected_schema(version)
    if not indexes:  # a backup, whose indexes are rebuilt when it is restored
        expected = {name: entry for name, entry in expected.items() if entry[0] == "table"}
    missing = [name for name in expected if name not in found]
    different = [name for name in expected if name in found and found[name] != expected[name]]
    if different:
        raise UnusableDatabase(
            f"it is not a Rapport progress file (its {different[0]} differs from Rapport's)"
        )
    if missing:
        raise UnusableDatabase(f"the file is damaged (tables are missing: {', '.join(missing)})")
    return version


def full_check(conn: sqlite3.Connection) -> list[str]:
    """Every problem SQLite's ``integrity_check`` and :func:`content_problems` find; an
    empty list for a sound database."""
    try:
        found = [str(row[0]) for row in conn.execute("PRAGMA integrity_check")]
        if found != ["ok"]:
            return found
        return content_problems(conn)
    except sqlite3.DatabaseError as exc:
        return [describe(exc)]
    except ValueError as exc:  # text that is not UTF-8
        return [f"the file is damaged ({exc})"]


# Microseconds since 1970 that Python's datetime can hold (years 1970 to 9998).
_MAX_US = 253_370_764_800_000_000


def time_in_range(us: int | None) -> bool:
    """Whether a stored time (microseconds since 1970, or None) passes the damage check's
    rule below: what any value read from outside must pass before it is written."""
    return us is None or 0 <= us <= _MAX_US


def _out_of_range(column: str) -> str:
    return f"({column} IS NOT NULL AND ({column} < 0 OR {column} > {_MAX_US}))"


# Values no Rapport writes: each query counts the rows that hold one.
_CONTENT_RULES = (
    (
        "cards",
        "a card in an unknown phase or with flags other than 0 and 1",
        "SELECT COUNT(*) FROM cards WHERE state NOT IN (0, 1, 2, 3) "
        "OR present NOT IN (0, 1) OR suspended NOT IN (0, 1) OR ordinal < 0 "
        "OR typeof(deck_id) != 'text' OR typeof(note_id) != 'text'",
    ),
    (
        "cards",
        "a studied card without its due time or memory state",
        "SELECT COUNT(*) FROM cards WHERE state != 0 AND (typeof(due_us) != 'integer' "
        "OR typeof(last_review_us) != 'integer' OR typeof(stability) NOT IN ('real', 'integer') "
        "OR typeof(difficulty) NOT IN ('real', 'integer'))",
    ),
    (
        "revlog",
        "an answer with an unknown rating or phase",
        "SELECT COUNT(*) FROM revlog WHERE rating NOT IN (1, 2, 3, 4) "
        "OR state_before NOT IN (0, 1, 2, 3) OR state_after NOT IN (0, 1, 2, 3) "
        "OR typeof(time_us) != 'integer' OR typeof(duration_ms) != 'integer'",
    ),
    (
        "cards",
        "a time out of range",
        f"SELECT COUNT(*) FROM cards WHERE {_out_of_range('due_us')} "
        f"OR {_out_of_range('last_review_us')}",
    ),
    (
        "revlog",
        "a time out of range",
        f"SELECT COUNT(*) FROM revlog WHERE {_out_of_range('time_us')} "
        + "".join(
            f"OR {_out_of_range(column)} "
            for column in (
                "due_before_us",
                "last_review_before_us",
                "due_after_us",
                "last_review_after_us",
            )
        ),
    ),
    (
        "revlog",
        "an answer of a card that does not exist",
        "SELECT COUNT(*) FROM revlog WHERE card_id NOT IN (SELECT id FROM cards)",
    ),
)


def content_problems(conn: sqlite3.Connection) -> list[str]:
    """Rows holding values Rapport never writes (see the module docstring)."""
    if user_version(conn) < 1:
        return []
    problems = []
    for table, what, query in _CONTENT_RULES:
        count = int(conn.execute(query).fetchone()[0])
        if count:
            problems.append(f"{count} row(s) of {table} hold {what}")
    return problems


# (text, compiled by re when a full check finds damage)
_INDEX_MESSAGE = r"(missing from index|wrong # of entries in index|non-unique entry in index) (\S+)"
_TREE_MESSAGE = r"^Tree (\d+) page"


def index_only(conn: sqlite3.Connection, problems: list[str]) -> bool:
    """Whether every problem lies in an index (which ``REINDEX`` rebuilds from the tables)."""
    try:
        index_roots = {
            int(root)
            for (root,) in conn.execute(
                "SELECT rootpage FROM sqlite_master WHERE type = 'index' AND rootpage > 0"
            )
        }
    except sqlite3.DatabaseError:
        return False
    for problem in problems:
        if re.search(_INDEX_MESSAGE, problem):
            continue
        tree = re.match(_TREE_MESSAGE, problem)
        if tree and int(tree.group(1)) in index_roots:
            continue
        return False
    return bool(problems)


def repair_indexes(conn: sqlite3.Connection) -> bool:
    """Rebuild every index in one transaction; keep it only if the database is then sound."""
    try:
        conn.execute("BEGIN IMMEDIATE")
        conn.execute("REINDEX")
        sound = full_check(conn) == []
        conn.execute("COMMIT" if sound else "ROLLBACK")
    except sqlite3.DatabaseError:
        try:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
        except sqlite3.Error:
            pass
        return False
    return sound


# -- the record of a clean close --------------------------------------------------------


def _closed_path(path: Path) -> Path:
    return path.with_name(path.name + CLOSED_SUFFIX)


def _fingerprint(path: Path) -> str | None:
    """The file's size, modification time and inode, as one line of text."""
    try:
        st = path.stat()
    except OSError:
        return None
    return f"size={st.st_size} mtime_ns={st.st_mtime_ns} ino={st.st_ino}"


def closed_cleanly(path: Path) -> bool:
    """Whether the database at ``path`` is exactly as Rapport's last clean close left it:
    the record matches and no write-ahead log with frames in it is beside it. (An empty
    one holds nothing the file lacks: a read-only connection, such as ``rapport stats``
    reading in place, makes one and cannot remove it; were it "not clean", every such
    command after the first would check the whole file, 20 s at 2,000,000 answers.)"""
    try:
        recorded = _closed_path(path).read_text(encoding="ascii").strip()
    except (OSError, ValueError):
        return False
    try:
        if path.with_name(path.name + "-wal").stat().st_size > 0:
            return False
    except FileNotFoundError:
        pass
    except OSError:
        return False
    return recorded == _fingerprint(path)


def forget_clean_close(path: Path) -> None:
    """Delete the record (opening does this before the first write)."""
    try:
        _closed_path(path).unlink(missing_ok=True)
    except OSError:
        pass  # a record that stays is still checked against the file's size and time


def record_clean_close(path: Path) -> None:
    """Record that the database at ``path`` was closed cleanly, as it now is."""
    if path.with_name(path.name + "-wal").exists():
        return  # the close could not fold the log back: not clean
    fingerprint = _fingerprint(path)
    if fingerprint is None:
        return
    record = _closed_path(path)
    partial = record.with_name(record.name + ".partial")
    try:
        partial.write_text(fingerprint + "\n", encoding="ascii")
        os.replace(partial, record)
    except OSError:
        pass  # without the record the next start checks the file in full: slower, safe
