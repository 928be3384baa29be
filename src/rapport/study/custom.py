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
from rapport.store import Phase
from rapport.study.days import require_aware
from rapport.study.ops import Changes
from rapport.study.scheduling import Rating, answer_cap, capped_duration
from rapport.study.session import FocusedSession, _Answered

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
        *,
        certainty: int | None = None,
        picked: str | None = None,
    ) -> None:
        """Count the grade for the summary; nothing is written (neither a response typed,
        nor an option picked, nor a certainty stated). The grade is still one step on the
        app's undo stack (:meth:`Operations.record`), so that Ctrl+Z takes back the last
        thing done, whether a grade here or a flag."""
        rating = Rating(rating)
        cap = answer_cap(self.collection.settings_for(card.deck_id))  # (as an answer's)
        answered = _Answered(card, Phase.REVIEW, rating, capped_duration(duration, cap), now)
        changes = self.collection.ops.record(
            rating.name.capitalize(), card=card, hides=True, detail=answered
        )
        self._mine[changes.serial] = answered
        self._grade(answered, +1)

    def _grade(self, answered: _Answered, sign: int) -> None:
        card = answered.card
        if sign > 0:
            if card in self._waiting:
                self._waiting.remove(card)
                if answered.rating == Rating.AGAIN:
                    self._waiting.append(card)
            if self._pending is not None and self._pending.key == card.key:
                self._pending = None
        else:
            if card in self._waiting:
                self._waiting.remove(card)
            self._waiting.insert(0, card)
            self._pending = card
        self._tally(answered.rating, answered.duration.total_seconds(), sign)

    def _on_changes(self, changes: Changes) -> None:
        mine = self._mine.get(changes.serial)
        if mine is None or changes.kind == "do":
            super()._on_changes(changes)
            return
        if changes.kind == "undo":
            self._undone.add(changes.serial)
            self._grade(mine, -1)
        else:
            self._undone.discard(changes.serial)
            self._grade(mine, +1)


__all__ = [
    "PreviewSession",
    "ahead",
    "by_concept_or_tag",
    "concepts_and_tags",
    "forgotten",
]
