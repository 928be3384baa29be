"""The ``cards`` table: card identities kept in sync with the loaded decks (and the
``synced_decks`` digests of that sync), scheduling states, places in the new-card order."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from typing import Any

from rapport.store.connection import StoreBase, marks
from rapport.store.records import (
    CardIdentity,
    CardIndexEntry,
    CardPlace,
    CardState,
    CardTableRow,
    NewCard,
    Phase,
    PresentCard,
    opt_dt,
    opt_us,
    to_us,
)
from rapport.store.schema import NEW_ORDER

# Literal conditions that let SQLite use the partial queue indexes.
ACTIVE = "present = 1 AND suspended = 0"
# A card's state: its columns (in CardState's order), and setting them.
_STATE_COLUMNS = "state, step, stability, difficulty, due_us, last_review_us"
_STATE_SET = "state = ?, step = ?, stability = ?, difficulty = ?, due_us = ?, last_review_us = ?"


def state_from_row(row: Sequence[Any]) -> CardState:
    """A card's state read with :data:`_STATE_COLUMNS` (also the log's before and after)."""
    phase, step, stability, difficulty, due_us, last_us = row
    return CardState(
        phase=Phase(phase),
        step=step,
        stability=stability,
        difficulty=difficulty,
        due=opt_dt(due_us),
        last_review=opt_dt(last_us),
    )


def state_params(state: CardState) -> tuple[object, ...]:
    """The parameters that write ``state`` in :data:`_STATE_COLUMNS`' order."""
    return (
        int(state.phase),
        state.step,
        state.stability,
        state.difficulty,
        opt_us(state.due),
        opt_us(state.last_review),
    )


class Cards(StoreBase):
    """The cards: identities, states and positions."""

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
            f"AND deck_id NOT IN ({marks(deck_ids)})",
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
        return state_from_row(row)

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
                state=state_from_row(row[5:11]),
                reviews=row[11],
                lapses=row[12],
            )
            for row in rows
        ]

    def present_counts(self) -> dict[str, int]:
        """How many cards each deck has (hidden ones not counted)."""
        rows = self._conn.execute(
            "SELECT deck_id, COUNT(*) FROM cards WHERE present = 1 GROUP BY deck_id"
        )
        return dict(rows)

    def note_card_ids(self, deck_id: str, note_id: str) -> list[int]:
        """The present cards of one note, in ordinal order."""
        rows = self._conn.execute(
            "SELECT id FROM cards WHERE deck_id = ? AND note_id = ? AND present = 1 "
            "ORDER BY ordinal",
            (deck_id, note_id),
        )
        return [int(row[0]) for row in rows]

    def write_states(self, states: Sequence[tuple[int, CardState]]) -> None:
        """Give these cards these scheduling states (no answer is logged), in one
        transaction; a card given a state is no longer buried."""
        with self._write() as conn:
            conn.executemany(
                f"UPDATE cards SET {_STATE_SET}, buried_until_us = NULL WHERE id = ?",
                [(*state_params(state), card_id) for card_id, state in states],
            )

    def positions(self, card_ids: Sequence[int]) -> dict[int, tuple[str, int]]:
        """Per card: its deck and its place in its deck's new-card order."""
        if not card_ids:
            return {}
        rows = self._conn.execute(
            f"SELECT id, deck_id, {NEW_ORDER} FROM cards WHERE id IN ({marks(card_ids)})",
            list(card_ids),
        )
        return {int(i): (str(deck), int(position)) for i, deck, position in rows}

    def new_cards_from(self, deck_ids: Sequence[str], start: int) -> list[int]:
        """The new cards of these decks at ``start`` or later in the new-card order."""
        if not deck_ids:
            return []
        rows = self._conn.execute(
            f"SELECT id FROM cards WHERE deck_id IN ({marks(deck_ids)}) AND state = 0 "
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
                    f"AND id NOT IN ({marks(moved)})",
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
