"""The study queue over the ``cards`` table: the next card of each phase, the counts of
what is due, in the orders of the deck options, leaving out what :class:`Hiding` hides."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime

from rapport.store.cards import ACTIVE
from rapport.store.connection import StoreBase, marks
from rapport.store.records import (
    Hiding,
    Phase,
    ReviewOrder,
    from_us,
    opt_dt,
    to_us,
)
from rapport.store.schema import NEW_ORDER

# A stable shuffle of cards by a seed (a multiplicative hash of id and seed), for the
# random orders of deck options.
_SHUFFLED = "((id + ?) * 2654435761) % 4294967296, id"


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
        sql += f" AND id NOT IN ({marks(buried)})"
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
        sql += f" AND note_id NOT IN ({marks(notes)})"
        params += notes
    return sql, tuple(params)


class Queue(StoreBase):
    """What to study next, and how much is due."""

    def first_learning(
        self, deck_id: str, due_by: datetime, hiding: Hiding | None = None
    ) -> tuple[int, datetime] | None:
        """The (re)learning card of a deck due first, if it is due at or before ``due_by``."""
        hide, params = _hidden(hiding, Phase.LEARNING, deck_id)
        row = self._conn.execute(
            "SELECT id, due_us FROM cards WHERE deck_id = ? "
            f"AND state IN ({Phase.LEARNING:d}, {Phase.RELEARNING:d}) "
            f"AND due_us <= ? AND {ACTIVE}{hide} ORDER BY due_us, id LIMIT 1",
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
            f"AND due_us < ? AND {ACTIVE}{hide} ORDER BY {by} LIMIT 1",
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
            f"AND {ACTIVE}{hide} ORDER BY {gathered} LIMIT 1",
            (deck_id, *params, *order_params),
        ).fetchone()
        return None if row is None else int(row[0])

    def first_learning_in(
        self, deck_ids: Sequence[str], due_by: datetime
    ) -> tuple[int, datetime] | None:
        """:meth:`first_learning` over several decks at once, none of them hiding a card
        (one query instead of one a deck, on the answer path)."""
        row = self._conn.execute(
            f"SELECT id, due_us FROM cards WHERE deck_id IN ({marks(deck_ids)}) "
            f"AND state IN ({Phase.LEARNING:d}, {Phase.RELEARNING:d}) "
            f"AND due_us <= ? AND {ACTIVE} ORDER BY due_us, id LIMIT 1",
            (*deck_ids, to_us(due_by)),
        ).fetchone()
        return None if row is None else (int(row[0]), from_us(row[1]))

    def count_learning_in(self, deck_ids: Sequence[str], due_by: datetime) -> int:
        """:meth:`count_learning` over several decks at once, none of them hiding a card."""
        return int(
            self._conn.execute(
                f"SELECT COUNT(*) FROM cards WHERE deck_id IN ({marks(deck_ids)}) "
                f"AND state IN ({Phase.LEARNING:d}, {Phase.RELEARNING:d}) "
                f"AND due_us <= ? AND {ACTIVE}",
                (*deck_ids, to_us(due_by)),
            ).fetchone()[0]
        )

    def count_learning(self, deck_id: str, due_by: datetime, hiding: Hiding | None = None) -> int:
        hide, params = _hidden(hiding, Phase.LEARNING, deck_id)
        return int(
            self._conn.execute(
                "SELECT COUNT(*) FROM cards WHERE deck_id = ? "
                f"AND state IN ({Phase.LEARNING:d}, {Phase.RELEARNING:d}) "
                f"AND due_us <= ? AND {ACTIVE}{hide}",
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
                f"AND state = {Phase.REVIEW:d} AND due_us < ? AND {ACTIVE}{hide} LIMIT ?)",
                (deck_id, to_us(due_before), *params, max(limit, 0)),
            ).fetchone()[0]
        )

    def count_new(self, deck_id: str, limit: int, hiding: Hiding | None = None) -> int:
        """New cards of a deck, counting at most ``limit``."""
        hide, params = _hidden(hiding, Phase.NEW, deck_id)
        return int(
            self._conn.execute(
                "SELECT COUNT(*) FROM (SELECT 1 FROM cards WHERE deck_id = ? "
                f"AND state = {Phase.NEW:d} AND {ACTIVE}{hide} LIMIT ?)",
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
            f"WHERE deck_id = d.deck_id AND state = {Phase.NEW:d} AND {ACTIVE} LIMIT ?)), "
            f"(SELECT COUNT(*) FROM cards WHERE deck_id = d.deck_id "
            f"AND state IN ({Phase.LEARNING:d}, {Phase.RELEARNING:d}) "
            f"AND due_us <= ? AND {ACTIVE}), "
            f"(SELECT COUNT(*) FROM (SELECT 1 FROM cards WHERE deck_id = d.deck_id "
            f"AND state = {Phase.REVIEW:d} AND due_us < ? AND {ACTIVE} LIMIT ?)) FROM d",
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

    def earliest_due(self, deck_ids: Sequence[str], phases: Sequence[Phase]) -> datetime | None:
        """The earliest due time among active cards of these decks in these phases."""
        if not deck_ids or not phases:
            return None
        row = self._conn.execute(
            f"SELECT MIN(due_us) FROM cards WHERE deck_id IN ({marks(deck_ids)}) "
            f"AND state IN ({marks(phases)}) AND {ACTIVE}",
            (*deck_ids, *(int(p) for p in phases)),
        ).fetchone()
        return opt_dt(row[0])

    def earliest_review_from(self, deck_ids: Sequence[str], start: datetime) -> datetime | None:
        """The earliest due time of an active review card due at or after ``start``."""
        if not deck_ids:
            return None
        row = self._conn.execute(
            f"SELECT MIN(due_us) FROM cards WHERE deck_id IN ({marks(deck_ids)}) "
            f"AND state = {Phase.REVIEW:d} AND due_us >= ? AND {ACTIVE}",
            (*deck_ids, to_us(start)),
        ).fetchone()
        return opt_dt(row[0])

    def reviews_due_between(
        self, deck_ids: Sequence[str], start: datetime, end: datetime
    ) -> list[int]:
        """Active review cards of these decks due from ``start`` to before ``end``, in due
        order."""
        if not deck_ids:
            return []
        rows = self._conn.execute(
            f"SELECT id FROM cards WHERE deck_id IN ({marks(deck_ids)}) AND state = 2 "
            f"AND due_us >= ? AND due_us < ? AND {ACTIVE} ORDER BY due_us, id",
            (*deck_ids, to_us(start), to_us(end)),
        )
        return [int(row[0]) for row in rows]
