"""Custom study when the day's cards are done, as Anki offers it.

- **More new cards today**: the session's new-card limit is raised
  (:meth:`ReviewSession.allow_more_new`).
- **Review ahead** by N days: review cards due in the next N days, shown now in a
  :class:`PreviewSession`, which never reschedules them (Anki's filtered deck with
  "Reschedule cards based on my answers" off): their schedule is the same afterwards.
- **Review forgotten cards**: the cards answered Again in the last N days, as an ordinary
  focused session (answers count, as in Anki).
- **Study a concept or tag**: every card of the notes with that concept or tag, as an
  ordinary focused session.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from rapport.content import Card
from rapport.study.days import require_aware
from rapport.study.scheduling import Rating
from rapport.study.session import FocusedSession

if TYPE_CHECKING:
    from rapport.study.collection import Collection


def _cards(collection: Collection, ids: Sequence[int]) -> list[Card]:
    out = []
    for card_id in ids:
        try:
            out.append(collection.card_by_id(card_id))
        except KeyError:
            continue  # a card whose note left its deck
    return out


def forgotten(collection: Collection, now: datetime, days: int) -> FocusedSession:
    """The cards answered Again in the last ``days`` days (most recent first)."""
    since = require_aware(now) - timedelta(days=max(1, days))
    cards = _cards(collection, collection.store.forgotten_since(since))
    return FocusedSession(collection, cards)


def by_concept_or_tag(collection: Collection, word: str) -> FocusedSession:
    """Every card of the notes whose concept is ``word`` or that carry the tag ``word``."""
    cards = [
        card
        for deck in collection.decks
        for card in deck.cards()
        if card.note.concept == word or word in card.note.tags
    ]
    return FocusedSession(collection, cards)


def concepts_and_tags(collection: Collection) -> list[str]:
    """What :func:`by_concept_or_tag` can take, sorted."""
    words: set[str] = set()
    for deck in collection.decks:
        for note in deck.notes:
            words.add(note.concept)
            words.update(note.tags)
    return sorted(w for w in words if w)


def ahead(
    collection: Collection, deck_ids: Sequence[str] | None, now: datetime, days: int
) -> PreviewSession:
    """Review cards of ``deck_ids`` (``None``: all) due after today and within ``days``
    days, to review now without rescheduling them."""
    _, end = collection.today_bounds(require_aware(now))
    decks = list(deck_ids) if deck_ids else [d.id for d in collection.decks]
    ids = collection.store.reviews_due_between(decks, end, end + timedelta(days=max(1, days)))
    return PreviewSession(collection, _cards(collection, ids))


class PreviewSession(FocusedSession):
    """Reviewing cards without touching their schedule: nothing is written.

    Each card shows once, in order; one answered Again comes back after the others, as in
    an Anki filtered deck that does not reschedule. The grades are counted for the session
    summary only; undo takes the last one back.
    """

    def __init__(self, collection: Collection, cards: Sequence[Card]) -> None:
        super().__init__(collection, cards)
        self._preview_undo: list[tuple[Card, Rating, float, bool]] = []

    def next_card(self, now: datetime) -> Card | None:
        if self._pending is not None:
            return self._pending
        return self._waiting[0] if self._waiting else None

    def remaining(self, now: datetime) -> tuple[int, int, int]:
        return 0, 0, len(self._waiting)

    def answer(
        self,
        card: Card,
        rating: Rating,
        now: datetime,
        duration: timedelta,
        response: str | None = None,
    ) -> None:
        # A preview records nothing, a respond card's response included.
        rating = Rating(rating)
        seconds = min(max(duration, timedelta(0)), timedelta(seconds=60)).total_seconds()
        requeued = False
        if card in self._waiting:
            self._waiting.remove(card)
            if rating == Rating.AGAIN:
                self._waiting.append(card)
                requeued = True
        if self._pending is not None and self._pending.key == card.key:
            self._pending = None
        self._preview_undo.append((card, rating, seconds, requeued))
        self._tally(rating, seconds, +1)

    def _tally(self, rating: Rating, seconds: float, sign: int) -> None:
        self._studied += sign
        self._seconds += sign * seconds
        if rating == Rating.AGAIN:
            self._again += sign
        else:
            self._right += sign

    @property
    def can_undo(self) -> bool:
        return bool(self._preview_undo) or super().can_undo

    @property
    def undo_name(self) -> str | None:
        if self._preview_undo and not self._undo:
            return self._preview_undo[-1][1].name.capitalize()
        return super().undo_name

    def undo(self) -> Card | None:
        if not self._preview_undo or self._undo:
            return super().undo()  # a reviewer action (bury, flag...)
        card, rating, seconds, requeued = self._preview_undo.pop()
        if requeued and card in self._waiting:
            self._waiting.remove(card)
        self._waiting.insert(0, card)
        self._tally(rating, seconds, -1)
        self._pending = card
        return card


__all__ = [
    "PreviewSession",
    "ahead",
    "by_concept_or_tag",
    "concepts_and_tags",
    "forgotten",
]
