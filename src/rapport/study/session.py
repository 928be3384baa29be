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

import logging
from collections.abc import Callable, Sequence
from datetime import datetime, timedelta
from typing import Any, NamedTuple, Protocol, TypeVar

from rapport.content import Card
from rapport.store import Hiding, Phase, ReviewOrder, ReviewRecord, Scope, Store, WriteError
from rapport.store.records import is_lapse
from rapport.study import siblings
from rapport.study.cardmap import CardMap
from rapport.study.days import require_aware, study_date
from rapport.study.ledger import DayLedger, new_left, reviews_left
from rapport.study.ops import Changes, Operations, is_leech_lapse, mark_leech
from rapport.study.scheduling import Rating, Scheduler, capped_duration, easy_day_due
from rapport.study.settings import Settings

log = logging.getLogger(__name__)


class StudyHost(Protocol):
    """What a session (and a reviewer action) needs from its collection, named here so
    that the session depends on these and nothing else: the store, the cards by id
    (:class:`CardMap`), the per-day ledger (:class:`DayLedger`), the scheduler, the
    settings, and the write bookkeeping. :class:`~rapport.study.Collection` is one."""

    @property
    def store(self) -> Store: ...

    @property
    def cards(self) -> CardMap: ...

    @property
    def ledger(self) -> DayLedger: ...

    @property
    def scheduler(self) -> Scheduler: ...

    @property
    def settings(self) -> Settings: ...

    @property
    def ops(self) -> Operations: ...

    def settings_for(self, deck_id: str) -> Settings: ...

    def scheduler_for(self, deck_id: str) -> Scheduler: ...

    def check_writable(self) -> None: ...

    def mark_changed(self, deck_id: str | None = None) -> None: ...

    def after_write(self, now: datetime, deck_id: str | None = None) -> None: ...

    def require_id(self, card: Card) -> int: ...

    def today_bounds(self, now: datetime) -> tuple[datetime, datetime]: ...


LEARN_AHEAD = timedelta(minutes=20)

T = TypeVar("T")


# A named tuple: see "Start-up budget" in tests/benchmarks/README.md.
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


class MoreNew(NamedTuple):
    """Custom study's "more new cards today", as its undo step keeps it."""

    deck_ids: tuple[str, ...]
    extra: int


class _Answered(NamedTuple):
    """An answer, as its undo step keeps it (the step's ``detail``)."""

    card: Card
    phase_before: Phase
    rating: Rating
    duration: timedelta
    day: datetime  # start of the study day it was given on


class ReviewSession:
    """Studying one deck, several decks, or all of them (made by ``Collection.session``)."""

    def __init__(self, collection: StudyHost, deck_ids: Sequence[str]) -> None:
        self._collection = collection
        self._store = collection.store
        self._cards = collection.cards
        self._ledger = collection.ledger
        self.deck_ids = tuple(deck_ids)
        # The steps this session took (answers), by serial: undo and redo count them.
        self._mine: dict[int, _Answered] = {}
        self._undone: set[int] = set()  # (those of them undone now)
        self._answering = False  # (while its own answer is being saved)
        self._pending: Card | None = None  # an undone card, shown again first
        # (deck, note, card id) of the last answer: its siblings do not come next.
        self._last_note: tuple[str, str, int] | None = None
        # Per deck, the notes with siblings answered today and the cards buried by hand
        # (read on first use, kept up to date by answers, actions and undo).
        self._answered: dict[str, tuple[str, ...]] | None = None
        self._buried: dict[str, tuple[int, ...]] | None = None
        self._day: datetime | None = None
        # Per deck, the queue figures that only change when a card of that deck changes
        # (first review and new card, their bounded counts), with the deck's version.
        self._cache: dict[str, tuple[tuple[int, int], dict[str, Any]]] = {}
        self.last_leech = False  # whether the last answer made its card a leech
        self._studied = 0
        self._seconds = 0.0
        self._right = 0
        self._again = 0
        collection.ops.subscribe(self._on_changes, early=True)

    @property
    def collection(self) -> StudyHost:
        return self._collection

    # -- the queue -----------------------------------------------------------------------

    def _today(self, now: datetime) -> tuple[datetime, datetime]:
        start, end = self._ledger.study_day(now)
        if start != self._day:
            self._day = start
            self._cache.clear()
            self._answered = None
            self._buried = None
        return start, end

    def _new_left(self, deck_id: str) -> int:
        done = self._ledger.done_today(deck_id).new
        extra = self._ledger.extra_new(deck_id)
        return new_left(self._collection.settings_for(deck_id).new_per_day, extra, done)

    def allow_more_new(self, count: int) -> None:
        """Raise the new-card limit of each of this session's decks by ``count`` for the
        rest of the study day, in this session and later ones (custom study's "more new
        cards today")."""
        count = max(0, count)
        for deck_id in self.deck_ids:
            self._ledger.allow_more_new(deck_id, count)
        self._cache.clear()
        # One step on the undo stack (custom study's change to the day's limits); the
        # ledger takes it back (see Collection._on_changes).
        self._collection.ops.record("More new cards today", detail=MoreNew(self.deck_ids, count))

    def _reviews_left(self, deck_id: str) -> int:
        done = self._ledger.done_today(deck_id).reviews
        return reviews_left(self._collection.settings_for(deck_id).reviews_per_day, done)

    def _cached(self, deck_id: str, kind: str, compute: Callable[[], T]) -> T:
        """``compute()`` for this deck, reused until a card of the deck or the settings
        change (answers, undo, suspension) or the study day ends."""
        version = self._ledger.deck_version(deck_id)
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
        """The card to show now, or ``None`` when nothing is left for today.

        Never a card of the note just answered while a card of another note is left
        (see :mod:`rapport.study.siblings`)."""
        now = require_aware(now)
        store = self._store
        if self._pending is not None:
            pending_id = self._cards.card_id(self._pending.key)
            if pending_id is not None and not store.is_held(pending_id, now):
                return self._pending
            self._pending = None
        found = None
        last = self._last_note
        if last is not None:
            # Cards due now other than the siblings of the card just answered; else
            # learning cards due soon of another note; else anything, siblings included.
            found = self._find(now, last, ahead=False)
            if found is None:
                found = self._find(now, (last[0], last[1], -1), due=False)
        if found is None:
            found = self._find(now, None)
        return None if found is None else self._cards.card_by_id(found)

    def _hiding(
        self, now: datetime, start: datetime, deck_id: str, avoid: tuple[str, str, int] | None
    ) -> Hiding:
        store = self._store
        if self._answered is None:
            self._answered = store.notes_answered_since(start)
        if self._buried is None:
            self._buried = store.buried_cards(now)
        last = avoid[1:] if avoid is not None and avoid[0] == deck_id else None
        settings = self._collection.settings_for(deck_id)
        return siblings.hiding(settings, self._buried, self._answered, last)

    def _find(
        self,
        now: datetime,
        avoid: tuple[str, str, int] | None,
        *,
        due: bool = True,
        ahead: bool = True,
    ) -> int | None:
        """The card to show: due now (if ``due``), else due within LEARN_AHEAD (if
        ``ahead``), leaving out the siblings of ``avoid`` (deck, note, card id)."""
        start, end = self._today(now)
        hide = {d: self._hiding(now, start, d, avoid) for d in self.deck_ids}
        # Cached queue figures are kept per deck: only the deck of ``avoid`` has others.
        tags = {
            d: "" if avoid is None or avoid[0] != d else ":" + ":".join(map(str, avoid))
            for d in self.deck_ids
        }
        found = None
        if due:
            found = self._due_now(now, end, hide, tags)
        if found is None and ahead:
            found = self._first_learning(now + LEARN_AHEAD, hide)
        return found

    def _first_learning(self, due_by: datetime, hide: dict[str, Hiding]) -> int | None:
        """The (re)learning card due first by ``due_by`` in any deck of the session."""
        store = self._store
        if not any(_hides_learning(d, h) for d, h in hide.items()):
            first = store.first_learning_in(self.deck_ids, due_by)
            return None if first is None else first[0]
        return self._earliest([store.first_learning(d, due_by, hide[d]) for d in self.deck_ids])

    def _due_now(
        self, now: datetime, end: datetime, hide: dict[str, Hiding], tags: dict[str, str]
    ) -> int | None:
        store = self._store
        found = self._first_learning(now, hide)
        if found is None:
            reviews = [
                self._cached(
                    d,
                    "first_review" + tags[d],
                    lambda d=d: store.first_review(  # type: ignore[misc]
                        d, end, hide[d], self._review_order(d, now)
                    ),
                )
                for d in self.deck_ids
                if self._reviews_left(d)
            ]
            found = self._earliest(reviews)
        if found is None:
            for deck_id in self.deck_ids:
                if self._new_left(deck_id):
                    settings = self._collection.settings_for(deck_id)
                    found = self._cached(
                        deck_id,
                        "first_new" + tags[deck_id],
                        lambda d=deck_id, s=settings: store.first_new(  # type: ignore[misc]
                            d, hide[d], s.new_gather_order, s.new_sort_order, self._seed()
                        ),
                    )
                    if found is not None:
                        break
        return found

    def _weekday(self, when: datetime) -> int:
        """The weekday (Monday 0) of the study day ``when`` falls in."""
        hour = self._collection.settings.day_start_hour
        return study_date(when, hour, self._ledger.tz).weekday()

    def _seed(self) -> int:
        """The random orders' seed: the study day, so a shuffle holds for the day."""
        return 0 if self._day is None else int(self._day.timestamp()) // 86_400

    def _review_order(self, deck_id: str, now: datetime) -> ReviewOrder | None:
        """The deck's review order (deck options); ``None`` for due first."""
        kind = self._collection.settings_for(deck_id).review_order
        if kind == "due":
            return None
        factor, decay = self._collection.scheduler_for(deck_id).forgetting_curve()
        return ReviewOrder(kind, factor, decay, now, self._seed())

    @staticmethod
    def _earliest(candidates: Sequence[tuple[int, datetime] | None]) -> int | None:
        present = [(due, card_id) for c in candidates if c is not None for card_id, due in [c]]
        return min(present)[1] if present else None

    def remaining(self, now: datetime) -> tuple[int, int, int]:
        """``(new, learning, review)`` cards left in this session today, within the limits."""
        now = require_aware(now)
        store = self._store
        start, end = self._today(now)
        new = learning = review = 0
        hides = {d: self._hiding(now, start, d, None) for d in self.deck_ids}
        plain = not any(_hides_learning(d, h) for d, h in hides.items())
        if plain:
            learning = store.count_learning_in(self.deck_ids, now + LEARN_AHEAD)
        for d in self.deck_ids:
            hide = hides[d]
            new += self._cached(
                d,
                "count_new",
                lambda d=d, h=hide: store.count_new(d, self._new_left(d), h),  # type: ignore[misc]
            )
            review += self._cached(
                d,
                "count_reviews",
                lambda d=d, h=hide: store.count_reviews(d, end, self._reviews_left(d), h),  # type: ignore[misc]
            )
            if not plain:
                learning += store.count_learning(d, now + LEARN_AHEAD, hide)
        return new, learning, review

    # -- answering -----------------------------------------------------------------------

    def last_response(self, card: Card) -> str | None:
        """What the trainee typed the last time they answered this respond card."""
        return self._store.last_response(self._cards.require_id(card))

    def intervals(self, card: Card, now: datetime) -> dict[Rating, timedelta]:
        """For each rating, the time until ``card`` would be due again (for button labels)."""
        card_id = self._cards.require_id(card)
        state = self._store.card_state(card_id)
        return self._collection.scheduler_for(card.deck_id).intervals(card_id, state, now)

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
        """Grade ``card``; the answer is committed to disk before this returns.

        One operation (:mod:`rapport.study.ops`): the new state, the log entry and, for a
        leech, its tag and suspension, in one transaction and one undo step named after
        the grade. Raises :class:`WriteError` if it cannot be saved; then nothing changed.
        The log entry keeps what the trainee typed (``response``), the certainty they
        stated (1-3, certainty-based marking) and the option they picked (its id): undo
        takes them away with the answer and redo brings them back.
        """
        collection = self._collection
        now = require_aware(now)
        rating = Rating(rating)
        card_id = self._cards.require_id(card)
        start, _ = self._today(now)
        store = self._store
        before = store.card_state(card_id)
        after = collection.scheduler_for(card.deck_id).review(card_id, before, rating, now)
        settings = collection.settings_for(card.deck_id)
        if after.phase == Phase.REVIEW and after.due is not None:
            due = easy_day_due(after.due, now, settings.easy_days, self._weekday)
            after = after._replace(due=due)
        duration = capped_duration(duration, timedelta(seconds=settings.max_answer_seconds))
        leech = False
        lapse = is_lapse(rating, before.phase)

        def write() -> None:
            nonlocal leech
            store.record_review(
                ReviewRecord(
                    card_id, now, int(rating), duration, before, after, response, certainty, picked
                )
            )
            if lapse and is_leech_lapse(store.lapses(card_id), settings.leech_threshold):
                suspend = settings.leech_action == "suspend"
                mark_leech(store, card, card_id, suspend=suspend)
                leech = True

        answered = _Answered(card, before.phase, rating, duration, start)
        scope = Scope((card_id,), ((card.deck_id, card.note.id),) if lapse else ())
        self._answering = True
        try:
            changes = collection.ops.perform(
                rating.name.capitalize(), scope, write, now=now, card=card, hides=True,
                detail=answered,
            )  # fmt: skip
        except WriteError as error:
            log.warning("answer to %s not saved: %s", card.key, error)
            raise
        finally:
            self._answering = False
        # Committed: only now does the session's own state move on.
        self.last_leech = leech
        self._mine[changes.serial] = answered
        if self._pending is not None and self._pending.key == card.key:
            self._pending = None
        # Siblings are the note's other cards (its deck file says how many it has): a
        # note of one card has none to keep apart, and then the queue is asked nothing more.
        has_siblings = len(card.note.ordinals) > 1
        self._last_note = (card.deck_id, card.note.id, card_id) if has_siblings else None
        answered_notes = self._answered
        if answered_notes is not None and answered.day == self._day:
            notes = answered_notes.get(card.deck_id, ())
            if card.note.id not in notes and has_siblings:
                answered_notes[card.deck_id] = (*notes, card.note.id)
        self._ledger.count_done(card.deck_id, answered.phase_before, answered.day, +1)
        self._tally(answered.rating, answered.duration.total_seconds(), +1)

    def _tally(self, rating: Rating, seconds: float, sign: int) -> None:
        """Count an answer (``sign`` 1) or an undone one (-1) in the session's summary."""
        self._studied += sign
        self._seconds += sign * seconds
        if rating == Rating.AGAIN:
            self._again += sign
        else:
            self._right += sign

    def _on_changes(self, changes: Changes) -> None:
        """React to any step, undo or redo of the app (see :mod:`rapport.study.ops`)."""
        if changes.kind == "do" and self._answering:
            return  # (this session's own answer: :meth:`answer` does the bookkeeping)
        self._buried = None
        self._answered = None  # read again: a note may have no answer today now
        if changes.kind == "undo":
            self._took_back(changes)
        elif changes.kind == "redo":
            self._did_again(changes)

    def _shows(self, card: Card) -> bool:
        """Whether ``card`` belongs to this session's queue."""
        return not self.deck_ids or card.deck_id in self.deck_ids

    def _took_back(self, changes: Changes) -> None:
        mine = self._mine.get(changes.serial)
        if mine is not None:
            self._undone.add(changes.serial)
            self._tally(mine.rating, mine.duration.total_seconds(), -1)
        card = changes.card
        if card is not None and changes.hides and self._shows(card):
            self._pending = card

    def _did_again(self, changes: Changes) -> None:
        mine = self._mine.get(changes.serial)
        if mine is not None:
            self._undone.discard(changes.serial)
            self._tally(mine.rating, mine.duration.total_seconds(), +1)
        card = changes.card
        if card is not None and self._pending is not None and self._pending.key == card.key:
            self._pending = None

    @property
    def can_undo(self) -> bool:
        return self._collection.ops.can_undo

    @property
    def undo_name(self) -> str | None:
        """What :meth:`undo` would take back: a grade ("Good"), an action ("Bury
        card") or any other step of the app; ``None`` if nothing."""
        return self._collection.ops.undo_name

    def undo(self) -> Card | None:
        """Take back the app's last step (see :mod:`rapport.study.ops`). For an answer
        the card's state is restored and the answer leaves the log; the card is
        returned, and :meth:`next_card` shows it again. An action that hid the card
        (bury, suspend) is reverted and its card returned likewise; one that did not
        (flag, mark) returns ``None``. Raises :class:`WriteError` if it cannot be saved."""
        changes = self._collection.ops.undo()
        if changes is None or not changes.hides or changes.card is None:
            return None
        return changes.card

    def redo(self) -> Card | None:
        """Do the last undone step again; the card it was taken on, or ``None``."""
        changes = self._collection.ops.redo()
        return None if changes is None else changes.card

    def summary(self) -> SessionSummary:
        return SessionSummary(self._studied, self._seconds, self._right, self._again)


class FocusedSession(ReviewSession):
    """Studying a chosen list of cards now, like Anki's filtered decks ("study missed").

    Every listed card is shown once, in the order given, whether new, due or not yet due;
    the daily limits do not apply. Answers are ordinary answers: they are logged, move
    the cards' schedules and can be undone. A card answered Again goes into (re)learning
    and comes back within the session when its step falls due, as in any session.
    """

    def __init__(self, collection: StudyHost, cards: Sequence[Card]) -> None:
        super().__init__(collection, list(dict.fromkeys(c.deck_id for c in cards)))
        self._waiting: list[Card] = list({c.key: c for c in cards}.values())
        self._relearning: set[Card] = set()

    def next_card(self, now: datetime) -> Card | None:
        now = require_aware(now)
        if self._pending is not None:
            return self._pending
        store = self._store
        due_learning = self._learning_due_by(now)
        if due_learning is not None:
            return due_learning
        for card in self._waiting:
            card_id = self._cards.card_id(card.key)
            if card_id is not None and not store.is_held(card_id, now):
                return card
        return self._learning_due_by(now + LEARN_AHEAD)

    def _learning_due_by(self, moment: datetime) -> Card | None:
        store = self._store
        found: list[tuple[datetime, str, Card]] = []
        for card in self._relearning:
            state = store.card_state(self._cards.require_id(card))
            if state.phase in (Phase.LEARNING, Phase.RELEARNING) and state.due is not None:
                if state.due <= moment:
                    found.append((state.due, str(card.key), card))
        return min(found)[2] if found else None

    def remaining(self, now: datetime) -> tuple[int, int, int]:
        now = require_aware(now)
        store = self._store
        new = review = 0
        for card in self._waiting:
            phase = store.card_state(self._cards.require_id(card)).phase
            if phase == Phase.NEW:
                new += 1
            else:
                review += 1
        learning = 0
        for card in self._relearning:
            state = store.card_state(self._cards.require_id(card))
            learning += state.phase in (Phase.LEARNING, Phase.RELEARNING)
        return new, learning, review

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
        super().answer(card, rating, now, duration, response, certainty=certainty, picked=picked)
        if card in self._waiting:
            self._waiting.remove(card)
        self._relearning.add(card)

    def _took_back(self, changes: Changes) -> None:
        card = changes.card
        if card is None or card not in self._relearning and card not in self._waiting:
            return  # not one of this session's cards
        super()._took_back(changes)
        mine = self._mine.get(changes.serial)
        if mine is None or mine.card != card:
            return
        # The card's first answer in this session: it waits again as if never shown.
        earlier = (a for n, a in self._mine.items() if n < changes.serial and n not in self._undone)
        if not any(a.card == card for a in earlier):
            self._relearning.discard(card)
            if card not in self._waiting:
                self._waiting.insert(0, card)

    def _did_again(self, changes: Changes) -> None:
        super()._did_again(changes)
        mine = self._mine.get(changes.serial)
        if mine is not None:
            if mine.card in self._waiting:
                self._waiting.remove(mine.card)
            self._relearning.add(mine.card)


def _hides_learning(deck_id: str, hiding: Hiding) -> bool:
    """Whether ``hiding`` leaves out any (re)learning card of ``deck_id`` (burying never
    does; a card buried by hand, or the spacing of siblings, may)."""
    return hiding.avoid_note is not None or bool(hiding.buried.get(deck_id))
