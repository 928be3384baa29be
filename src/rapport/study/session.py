"""A study session: which card comes next, answering it, and undoing answers.

The queue follows Anki: (re)learning cards that are due come first, then review cards due
today, then new cards in deck order, each deck within its daily limits (new cards
introduced and review cards answered since the study day began). When nothing else is
left, learning cards due within the next :data:`LEARN_AHEAD` (Anki's "learn ahead limit")
are shown early rather than ending the session minutes before they fall due.

Each answer is committed to the database before :meth:`ReviewSession.answer` returns; if
saving fails, nothing changed and the same card can be answered again.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any, NamedTuple, TypeVar

from rapport.content import Card
from rapport.store import Phase, ReviewRecord
from rapport.study.days import require_aware
from rapport.study.scheduling import Rating

if TYPE_CHECKING:
    from rapport.study.collection import Collection

LEARN_AHEAD = timedelta(minutes=20)
UNDO_LEVELS = 30

T = TypeVar("T")


# Named tuples rather than dataclasses: Python creates a named tuple class several times
# faster, and every start creates these classes.
class SessionSummary(NamedTuple):
    """What was studied in a session (undone answers are not counted)."""

    studied: int
    seconds: float
    right: int
    again: int

    @property
    def share_right(self) -> float | None:
        """Share of answers other than Again; ``None`` before the first answer."""
        return self.right / self.studied if self.studied else None


class _Answered(NamedTuple):
    review_id: int
    card: Card
    card_id: int
    deck_id: str
    phase_before: Phase
    rating: Rating
    duration: timedelta
    day: datetime  # start of the study day it was given on


class ReviewSession:
    """Studying one deck, several decks, or all of them (made by ``Collection.session``)."""

    def __init__(self, collection: Collection, deck_ids: Sequence[str]) -> None:
        self._collection = collection
        self.deck_ids = tuple(deck_ids)
        self._undo: list[_Answered] = []
        self._pending: Card | None = None  # an undone card, shown again first
        self._day: datetime | None = None
        # Per deck, the queue figures that only change when a card of that deck changes
        # (first review and new card, their bounded counts), with the deck's version.
        self._cache: dict[str, tuple[tuple[int, int], dict[str, Any]]] = {}
        self._studied = 0
        self._seconds = 0.0
        self._right = 0
        self._again = 0

    # -- the queue -----------------------------------------------------------------------

    def _today(self, now: datetime) -> tuple[datetime, datetime]:
        start, end = self._collection.study_day(now)
        if start != self._day:
            self._day = start
            self._cache.clear()
        return start, end

    def _new_left(self, deck_id: str) -> int:
        done = self._collection.done_today(deck_id)[0]
        return max(0, self._collection.settings.new_per_day - done)

    def _reviews_left(self, deck_id: str) -> int:
        done = self._collection.done_today(deck_id)[1]
        return max(0, self._collection.settings.reviews_per_day - done)

    def _cached(self, deck_id: str, kind: str, compute: Callable[[], T]) -> T:
        """``compute()`` for this deck, reused until a card of the deck or the settings
        change (answers, undo, suspension) or the study day ends."""
        version = self._collection.deck_version(deck_id)
        entry = self._cache.get(deck_id)
        if entry is None or entry[0] != version:
            entry = (version, {})
            self._cache[deck_id] = entry
        values = entry[1]
        if kind not in values:
            values[kind] = compute()
        result: T = values[kind]
        return result

    def next_card(self, now: datetime) -> Card | None:
        """The card to show now, or ``None`` when nothing is left for today."""
        now = require_aware(now)
        store = self._collection.store
        if self._pending is not None:
            pending_id = self._collection.card_id(self._pending.key)
            if pending_id is not None and not store.is_suspended(pending_id):
                return self._pending
            self._pending = None
        _, end = self._today(now)
        learning = [store.first_learning(d, now) for d in self.deck_ids]
        found = self._earliest(learning)
        if found is None:
            reviews = [
                self._cached(d, "first_review", lambda d=d: store.first_review(d, end))  # type: ignore[misc]
                for d in self.deck_ids
                if self._reviews_left(d)
            ]
            found = self._earliest(reviews)
        if found is None:
            for deck_id in self.deck_ids:
                if self._new_left(deck_id):
                    found = self._cached(
                        deck_id,
                        "first_new",
                        lambda d=deck_id: store.first_new(d),  # type: ignore[misc]
                    )
                    if found is not None:
                        break
        if found is None:
            ahead = [store.first_learning(d, now + LEARN_AHEAD) for d in self.deck_ids]
            found = self._earliest(ahead)
        return None if found is None else self._collection.card_by_id(found)

    @staticmethod
    def _earliest(candidates: Sequence[tuple[int, datetime] | None]) -> int | None:
        present = [(due, card_id) for c in candidates if c is not None for card_id, due in [c]]
        return min(present)[1] if present else None

    def remaining(self, now: datetime) -> tuple[int, int, int]:
        """``(new, learning, review)`` cards left in this session today, within the limits."""
        now = require_aware(now)
        store = self._collection.store
        _, end = self._today(now)
        new = learning = review = 0
        for d in self.deck_ids:
            new += self._cached(d, "count_new", lambda d=d: store.count_new(d, self._new_left(d)))  # type: ignore[misc]
            review += self._cached(
                d,
                "count_reviews",
                lambda d=d: store.count_reviews(d, end, self._reviews_left(d)),  # type: ignore[misc]
            )
            learning += store.count_learning(d, now + LEARN_AHEAD)
        return new, learning, review

    # -- answering -----------------------------------------------------------------------

    def intervals(self, card: Card, now: datetime) -> dict[Rating, timedelta]:
        """For each rating, the time until ``card`` would be due again (for button labels)."""
        card_id = self._collection.require_id(card)
        state = self._collection.store.card_state(card_id)
        return self._collection.scheduler.intervals(card_id, state, now)

    def answer(self, card: Card, rating: Rating, now: datetime, duration: timedelta) -> None:
        """Grade ``card``; the answer is committed to disk before this returns.

        Raises :class:`WriteError` if it cannot be saved; then nothing changed.
        """
        collection = self._collection
        collection.check_writable()
        now = require_aware(now)
        rating = Rating(rating)
        card_id = collection.require_id(card)
        start, _ = self._today(now)
        before = collection.store.card_state(card_id)
        after = collection.scheduler.review(card_id, before, rating, now)
        duration = max(duration, timedelta(0))
        review_id = collection.store.record_review(
            ReviewRecord(card_id, now, int(rating), duration, before, after)
        )
        # Committed: only now does the session's own state move on.
        answered = _Answered(
            review_id, card, card_id, card.deck_id, before.phase, rating, duration, start
        )
        self._undo.append(answered)
        del self._undo[:-UNDO_LEVELS]
        if self._pending is not None and self._pending.key == card.key:
            self._pending = None
        self._count(answered, +1)
        collection.after_write(now, card.deck_id)

    def _count(self, answered: _Answered, sign: int) -> None:
        self._collection.count_done(answered.deck_id, answered.phase_before, answered.day, sign)
        self._studied += sign
        self._seconds += sign * answered.duration.total_seconds()
        if answered.rating == Rating.AGAIN:
            self._again += sign
        else:
            self._right += sign

    @property
    def can_undo(self) -> bool:
        return bool(self._undo)

    def undo(self) -> Card | None:
        """Take back the last answer: the card's state is restored and the answer leaves
        the log. Returns the card, which :meth:`next_card` shows again; ``None`` if there
        is nothing to undo. Raises :class:`WriteError` if it cannot be saved."""
        if not self._undo:
            return None
        self._collection.check_writable()
        answered = self._undo[-1]
        self._collection.store.undo_review(answered.review_id)
        self._undo.pop()
        self._count(answered, -1)
        self._pending = answered.card
        self._collection.mark_changed(answered.deck_id)
        return answered.card

    def summary(self) -> SessionSummary:
        return SessionSummary(self._studied, self._seconds, self._right, self._again)


class FocusedSession(ReviewSession):
    """Studying a chosen list of cards now, like Anki's filtered decks ("study missed").

    Every listed card is shown once, in the order given, whether new, due or not yet due;
    the daily limits do not apply. Answers are ordinary answers: they are logged, move
    the cards' schedules and can be undone. A card answered Again goes into (re)learning
    and comes back within the session when its step falls due, as in any session.
    """

    def __init__(self, collection: Collection, cards: Sequence[Card]) -> None:
        super().__init__(collection, list(dict.fromkeys(c.deck_id for c in cards)))
        self._waiting: list[Card] = list({c.key: c for c in cards}.values())
        self._relearning: set[Card] = set()

    def next_card(self, now: datetime) -> Card | None:
        now = require_aware(now)
        if self._pending is not None:
            return self._pending
        store = self._collection.store
        due_learning = self._learning_due_by(now)
        if due_learning is not None:
            return due_learning
        for card in self._waiting:
            card_id = self._collection.card_id(card.key)
            if card_id is not None and not store.is_suspended(card_id):
                return card
        return self._learning_due_by(now + LEARN_AHEAD)

    def _learning_due_by(self, moment: datetime) -> Card | None:
        store = self._collection.store
        found: list[tuple[datetime, str, Card]] = []
        for card in self._relearning:
            state = store.card_state(self._collection.require_id(card))
            if state.phase in (Phase.LEARNING, Phase.RELEARNING) and state.due is not None:
                if state.due <= moment:
                    found.append((state.due, str(card.key), card))
        return min(found)[2] if found else None

    def remaining(self, now: datetime) -> tuple[int, int, int]:
        now = require_aware(now)
        store = self._collection.store
        new = review = 0
        for card in self._waiting:
            phase = store.card_state(self._collection.require_id(card)).phase
            if phase == Phase.NEW:
                new += 1
            else:
                review += 1
        learning = 0
        for card in self._relearning:
            state = store.card_state(self._collection.require_id(card))
            learning += state.phase in (Phase.LEARNING, Phase.RELEARNING)
        return new, learning, review

    def answer(self, card: Card, rating: Rating, now: datetime, duration: timedelta) -> None:
        super().answer(card, rating, now, duration)
        if card in self._waiting:
            self._waiting.remove(card)
        self._relearning.add(card)

    def undo(self) -> Card | None:
        if not self._undo:
            return None
        card = self._undo[-1].card
        first_answer = sum(a.card == card for a in self._undo) == 1
        undone = super().undo()
        if undone is not None and first_answer:
            self._relearning.discard(card)
            self._waiting.insert(0, card)
        return undone
