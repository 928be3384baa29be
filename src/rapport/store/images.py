"""Before-images: the rows an operation may change, read before it runs, put back by undo.

An undo step (see :mod:`rapport.study.ops`) keeps an :class:`Image` of its scope, never
a closure over live objects: the ``cards`` rows of some card ids with their review-log
entries, the study tags of some notes, and, when asked, the scheduling settings with the
deck options presets. Restoring an image writes exactly those rows back (a review added
since is deleted, one deleted is inserted again with its id), so undo and redo are the
same move in two directions: read the image of the scope now, restore the other one.

Cards are never created or deleted here (deck synchronisation does that): restoring
updates the rows that still exist. The one exception is a scope of ``everything`` (a
backup restored in place, see :mod:`rapport.study.restoring`): its image holds every row
of every progress table (:data:`PROGRESS_TABLES`), and restoring it replaces them all.
The review log's hourly summary (``revlog_hours``) follows by its triggers; the
preferences of this computer (``prefs``) are not progress and are left alone.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Iterator, Sequence
from typing import Any, NamedTuple

_CHUNK = 500  # ids per statement, well below SQLite's limit on bound values
_SETTING_TABLES = ("settings", "presets", "deck_presets")
# Every table that holds the trainee's progress (or text derived from the cards, kept in
# step with them), in an order that inserts a card before its reviews and tags.
PROGRESS_TABLES = (
    "cards",
    "revlog",
    "note_tags",
    "card_tags",
    "card_text",
    "deck_text",
    "synced_decks",
    *_SETTING_TABLES,
)


# A named tuple: see "Start-up budget" in tests/benchmarks/README.md.
class Scope(NamedTuple):
    """What an operation may change: these cards (their rows and review logs), these
    notes' study tags, (``settings``) the settings and deck options presets, and
    (``everything``) every row of every progress table."""

    card_ids: tuple[int, ...] = ()
    notes: tuple[tuple[str, str], ...] = ()
    settings: bool = False
    everything: bool = False

    def __or__(self, other: object) -> Scope:
        if not isinstance(other, Scope):
            return NotImplemented
        return Scope(
            tuple(dict.fromkeys((*self.card_ids, *other.card_ids))),
            tuple(dict.fromkeys((*self.notes, *other.notes))),
            self.settings or other.settings,
            self.everything or other.everything,
        )


class Image(NamedTuple):
    """The rows of a :class:`Scope` at one moment (plain values, column names kept)."""

    scope: Scope
    card_columns: tuple[str, ...]
    cards: tuple[tuple[Any, ...], ...]
    review_columns: tuple[str, ...]
    reviews: tuple[tuple[Any, ...], ...]
    tags: tuple[tuple[str, str, str], ...]
    settings: tuple[tuple[str, tuple[tuple[Any, ...], ...]], ...]  # (table, rows)
    # (``everything``) per progress table: its name, its columns and its rows
    tables: tuple[tuple[str, tuple[str, ...], tuple[tuple[Any, ...], ...]], ...] = ()


def _chunks(values: Sequence[Any]) -> Iterator[Sequence[Any]]:
    for start in range(0, len(values), _CHUNK):
        yield values[start : start + _CHUNK]


def _marks(count: int) -> str:
    return ", ".join("?" * count)


def _columns(cursor: sqlite3.Cursor) -> tuple[str, ...]:
    return tuple(d[0] for d in cursor.description)


def capture(conn: sqlite3.Connection, scope: Scope) -> Image:
    """Read the rows of ``scope`` (call it inside the operation's transaction)."""
    card_columns: tuple[str, ...] = ()
    review_columns: tuple[str, ...] = ()
    cards: list[tuple[Any, ...]] = []
    reviews: list[tuple[Any, ...]] = []
    for chunk in _chunks(scope.card_ids):
        cursor = conn.execute(f"SELECT * FROM cards WHERE id IN ({_marks(len(chunk))})", chunk)
        card_columns = _columns(cursor)
        cards.extend(tuple(row) for row in cursor)
        cursor = conn.execute(
            f"SELECT * FROM revlog WHERE card_id IN ({_marks(len(chunk))})", chunk
        )
        review_columns = _columns(cursor)
        reviews.extend(tuple(row) for row in cursor)
    tags: list[tuple[str, str, str]] = []
    for deck_id, note_id in scope.notes:
        tags.extend(
            (str(d), str(n), str(t))
            for d, n, t in conn.execute(
                "SELECT deck_id, note_id, tag FROM note_tags WHERE deck_id = ? AND note_id = ?",
                (deck_id, note_id),
            )
        )
    settings: list[tuple[str, tuple[tuple[Any, ...], ...]]] = []
    if scope.settings:
        for table in _SETTING_TABLES:
            rows = conn.execute(f"SELECT * FROM {table}").fetchall()
            settings.append((table, tuple(tuple(row) for row in rows)))
    return Image(
        scope,
        card_columns,
        tuple(cards),
        review_columns,
        tuple(reviews),
        tuple(tags),
        tuple(settings),
        _every_table(conn) if scope.everything else (),
    )


def _every_table(
    conn: sqlite3.Connection,
) -> tuple[tuple[str, tuple[str, ...], tuple[tuple[Any, ...], ...]], ...]:
    tables = []
    for table in PROGRESS_TABLES:
        cursor = conn.execute(f"SELECT * FROM {table}")
        tables.append((table, _columns(cursor), tuple(tuple(row) for row in cursor)))
    return tuple(tables)


def _restore_every_table(conn: sqlite3.Connection, image: Image) -> None:
    """Replace every progress table's rows with the image's (the hourly summary of the
    log follows by its triggers)."""
    for table in reversed(PROGRESS_TABLES):
        conn.execute(f"DELETE FROM {table}")
    for table, columns, rows in image.tables:
        if rows:
            conn.executemany(
                f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({_marks(len(columns))})",
                rows,
            )


def restore(conn: sqlite3.Connection, image: Image) -> None:
    """Write the rows of ``image`` back (call it inside a transaction)."""
    scope = image.scope
    if scope.everything:
        _restore_every_table(conn, image)
    for chunk in _chunks(scope.card_ids):
        conn.execute(f"DELETE FROM revlog WHERE card_id IN ({_marks(len(chunk))})", chunk)
    if image.cards:
        columns = [c for c in image.card_columns if c != "id"]
        at = image.card_columns.index("id")
        keep = [i for i, c in enumerate(image.card_columns) if c != "id"]
        conn.executemany(
            f"UPDATE cards SET {', '.join(f'{c} = ?' for c in columns)} WHERE id = ?",
            [(*(row[i] for i in keep), row[at]) for row in image.cards],
        )
    if image.reviews:
        conn.executemany(
            f"INSERT INTO revlog ({', '.join(image.review_columns)}) "
            f"VALUES ({_marks(len(image.review_columns))})",
            image.reviews,
        )
    for deck_id, note_id in scope.notes:
        conn.execute("DELETE FROM note_tags WHERE deck_id = ? AND note_id = ?", (deck_id, note_id))
    conn.executemany("INSERT INTO note_tags (deck_id, note_id, tag) VALUES (?, ?, ?)", image.tags)
    for table, rows in image.settings:
        conn.execute(f"DELETE FROM {table}")
        if rows:
            conn.executemany(f"INSERT INTO {table} VALUES ({_marks(len(rows[0]))})", rows)


def changed_decks(image: Image) -> set[str]:
    """The decks of the cards in ``image``."""
    if not image.cards:
        return set()
    at = image.card_columns.index("deck_id")
    return {str(row[at]) for row in image.cards}


def card_ids(images: Iterable[Image]) -> set[int]:
    return {i for image in images for i in image.scope.card_ids}
