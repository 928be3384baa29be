"""The loaded decks joined to their rows in the database: syncing and card ids.

:meth:`CardMap.sync` brings the cards table in line with the loaded decks by identity
(deck id + note id + ordinal) and records each deck's digest; it does nothing when the
recorded digests are those of the loaded decks (what start-up usually finds). The cards
of a deck are matched to their database ids when first needed, one deck at a time
(:meth:`CardMap.ids_of`), so start-up holds the ids of no deck it does not show.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from rapport.content import Card, CardKey, Deck
from rapport.store import Store
from rapport.store.records import CardPlace, NewCard


def first_of_each_id(decks: Sequence[Deck]) -> tuple[Deck, ...]:
    """The decks, keeping only the first of several with one id (the loader refuses such
    duplicates; a deck set put together by hand might still hold them)."""
    seen: set[str] = set()
    kept: list[Deck] = []
    for deck in decks:
        if deck.id not in seen:
            seen.add(deck.id)
            kept.append(deck)
    return tuple(kept)


class CardMap:
    """The loaded decks, their cards' database ids and the cards by id.

    ``on_resync`` is called when a sync had to run after opening (the table had been
    changed behind Rapport's back, or repaired): every deck's cards may have changed.
    """

    def __init__(self, store: Store, decks: Sequence[Deck], on_resync: Callable[[], None]) -> None:
        self._store = store
        self._on_resync = on_resync
        self.decks: tuple[Deck, ...] = first_of_each_id(decks)
        self._by_id: dict[str, Deck] = {deck.id: deck for deck in self.decks}
        # Per deck, (note id, ordinal) -> id, and the cards of those decks by id.
        self._ids: dict[str, dict[tuple[str, int], int]] = {}
        self._cards: dict[int, Card] = {}

    def deck(self, deck_id: str) -> Deck | None:
        """The loaded deck with this id."""
        return self._by_id.get(deck_id)

    def replace(self, decks: Sequence[Deck]) -> None:
        """Use ``decks`` from now on and sync every one of them (history is kept)."""
        self.decks = first_of_each_id(decks)
        self._forget()
        self.sync(every_deck=True)

    def reread(self, *, every_deck: bool = False) -> None:
        """Match the cards to their rows afresh (every row may have been replaced, by a
        restore or its undo), syncing first what the rows lack (``every_deck``: every
        deck, as a restored backup's digests are not of the decks loaded now)."""
        self._forget()
        self.sync(every_deck=every_deck)

    def _forget(self) -> None:
        self._ids.clear()
        self._cards.clear()
        self._by_id = {deck.id: deck for deck in self.decks}

    def sync(self, *, every_deck: bool = False) -> None:
        """Bring the cards table in line with the loaded decks and record their digests.

        Nothing is done when the recorded digests are those of the loaded decks; otherwise
        the decks whose digest differs (``every_deck``: all of them) are synced.
        """
        digests = {deck.id: deck.digest for deck in self.decks}
        synced = self._store.synced_digests()
        if synced == digests and not every_deck:
            return
        added: list[NewCard] = []
        changed: list[CardPlace] = []
        for deck in self.decks:
            if not every_deck and synced.get(deck.id) == digests[deck.id]:
                continue  # its cards are as the last sync left them
            index = self._store.card_index(deck.id)
            for position, card in enumerate(deck.cards()):
                # Popping leaves in ``index`` only the cards the deck no longer has.
                entry = index.pop((card.note.id, card.ordinal), None)
                if entry is None:
                    added.append(NewCard(deck.id, card.note.id, card.ordinal, position))
                elif entry.position != position or not entry.present:
                    changed.append(CardPlace(position, True, entry.id))
            changed.extend(CardPlace(e.position, False, e.id) for e in index.values() if e.present)
        gone = self._store.present_outside(list(digests))
        changed.extend(CardPlace(e.position, False, e.id) for e in gone)
        self._store.sync_cards(added, changed, digests)

    def ids_of(self, deck_id: str) -> dict[tuple[str, int], int] | None:
        """The ids of the cards of deck ``deck_id`` by (note id, ordinal), matched on first
        use; ``None`` if no loaded deck has that id."""
        ids = self._ids.get(deck_id)
        if ids is not None:
            return ids
        deck = self._by_id.get(deck_id)
        if deck is None:
            return None
        ids = self._match(deck)
        if ids is None:
            # The table is not what its recorded digests promise: damage (an index missing
            # rows) is repaired first, or raised, before a sync could write through it;
            # else it was changed behind Rapport's back: sync every deck, then they match.
            self._store.repair()
            self._forget()
            self.sync(every_deck=True)
            self._on_resync()
            ids = self._match(deck)
            if ids is None:
                raise RuntimeError(f"the cards of deck '{deck_id}' could not be synced")
        self._ids[deck_id] = ids
        return ids

    def _match(self, deck: Deck) -> dict[tuple[str, int], int] | None:
        """Match the cards of ``deck`` to its present rows, in deck order, adding them to
        the cards by id; ``None`` (and nothing added) if they are not exactly the same."""
        cards = deck.cards()
        rows = self._store.present_cards(deck.id)
        if len(rows) != len(cards):
            return None
        ids: dict[tuple[str, int], int] = {}
        by_id: dict[int, Card] = {}
        # Unpacked rather than read by name: this runs once per card of a deck.
        for position, (card, (row_position, card_id, note_id, ordinal)) in enumerate(
            zip(cards, rows, strict=True)
        ):
            if row_position != position or card.ordinal != ordinal or card.note.id != note_id:
                return None
            ids[note_id, ordinal] = card_id
            by_id[card_id] = card
        self._cards.update(by_id)
        return ids

    def map_all(self) -> dict[int, Card]:
        """Match every loaded deck; the cards by id."""
        for deck in self.decks:
            self.ids_of(deck.id)
        return self._cards

    def card(self, key: CardKey) -> Card | None:
        """The card with this identity, if a loaded deck has it."""
        card_id = self.card_id(key)
        return None if card_id is None else self._cards[card_id]

    def card_id(self, key: CardKey) -> int | None:
        ids = self.ids_of(key.deck_id)
        return None if ids is None else ids.get((key.note_id, key.ordinal))

    def require_id(self, card: Card) -> int:
        card_id = self.card_id(card.key)
        if card_id is None:
            raise ValueError(f"card {card.key} is not in this collection")
        return card_id

    def matched(self, card_id: int) -> Card | None:
        """The card with this id if its deck has been matched already."""
        return self._cards.get(card_id)

    def card_by_id(self, card_id: int) -> Card:
        """The card with this database id; ``KeyError`` if no loaded deck has it."""
        card = self._cards.get(card_id)
        if card is not None:
            return card
        found = self._store.card_identity(card_id)
        if found is None:
            raise KeyError(card_id)
        deck = self._by_id.get(found.deck_id)
        if deck is None or not found.present:
            raise KeyError(card_id)
        if found.deck_id not in self._ids:
            # The first card of a session: taken from its position in the deck, without
            # matching the whole deck yet (answering it will).
            cards = deck.cards()
            if found.position < len(cards):
                card = cards[found.position]
                if card.note.id == found.note_id and card.ordinal == found.ordinal:
                    return card
        self.ids_of(found.deck_id)
        card = self._cards.get(card_id)
        if card is None:
            raise KeyError(card_id)
        return card
