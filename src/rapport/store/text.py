"""Browse's text: the ``card_text`` and ``deck_text`` tables (each present card's question,
concept, kind and search text, stored per deck with a stamp), and Browse's rows: every
present card filtered by a search, sorted and paged in SQLite."""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from rapport.store.connection import StoreBase, marks
from rapport.store.records import (
    BrowseQuery,
    BrowseRow,
    Phase,
    TextRow,
    opt_dt,
    to_us,
)

if TYPE_CHECKING:
    from rapport.search import Node
    from rapport.store.search import Compiled, SearchClock


# A text search showing at most this many cards reads them off the text, then sorts.
FEW_ROWS = 2000


# A large search of the text finds selected cards among its first rows only.
LOOK_AHEAD = 512


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


def compile_query(
    conn: sqlite3.Connection, search: Node | None, clock: SearchClock | None
) -> Compiled:
    """A query's search as SQL (``None``: every card; no clock: nothing dated)."""
    from rapport.search import Everything
    from rapport.store.search import SearchClock, compile_search

    return compile_search(
        conn,
        Everything() if search is None else search,
        SearchClock(0, 0, 0, 0.0, 0.0) if clock is None else clock,
    )


def _browse_where(
    conn: sqlite3.Connection, query: BrowseQuery, *, ordered: bool = False, few: bool = False
) -> tuple[str, list[object]]:
    """The FROM and WHERE of ``query`` (``ordered``: joined for reading in its order;
    ``few``: it shows few rows, see :meth:`Store.browse_rows`)."""
    compiled = compile_query(conn, query.search, query.clock)
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


class BrowseText(StoreBase):
    """The cards' text and Browse's rows."""

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
        now_us = (query.clock.now_us if query.clock else 0) or to_us(datetime.now(UTC))
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
        text = compile_query(self._conn, query.search, query.clock).text
        if text or _leading(query) != "c":
            where, params = _browse_where(self._conn, query, ordered=True, few=few)
        else:  # (numbered off the cards alone: every present card has its text)
            where, params = _browse_where(self._conn, query)
        order = _browse_order(query)
        limit = f" {order} LIMIT {LOOK_AHEAD}" if text and not few else ""
        rows = self._conn.execute(
            f"SELECT id, n FROM (SELECT c.id AS id, ROW_NUMBER() OVER ({order}) AS n "
            f"{where}{limit}) WHERE id IN ({marks(card_ids)})",
            (*params, *card_ids),
        )
        return {int(card_id): int(n) - 1 for card_id, n in rows}

    def browse_concepts(self) -> list[str]:
        """The concepts of the present cards, sorted."""
        rows = self._conn.execute(
            "SELECT DISTINCT t.concept FROM card_text t CROSS JOIN cards c ON c.id = t.card_id "
            "WHERE c.present = 1 ORDER BY t.concept"
        )
        return [row[0] for row in rows]
