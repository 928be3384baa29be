"""What keeps a card out of study and how it is marked, in the ``cards`` table: burial
until the next study day, suspension, and flags."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from rapport.store.connection import StoreBase, marks
from rapport.store.records import (
    Hold,
    to_us,
)


class Holds(StoreBase):
    """Burying, suspending and flagging cards."""

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

    def holds(self, card_ids: Sequence[int]) -> list[Hold]:
        """The suspension and burial of these cards: what :meth:`restore_holds` puts back."""
        rows = self._conn.execute(
            f"SELECT id, suspended, buried_until_us FROM cards WHERE id IN ({marks(card_ids)})",
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
