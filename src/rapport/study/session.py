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
from rapport.store import Hiding, Phase, ReviewOrder, ReviewRecord, Store, WriteError
from rapport.study import actions, siblings
from rapport.study.actions import Action
from rapport.study.cardmap import CardMap
from rapport.study.days import require_aware
from rapport.study.ledger import DayLedger
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

    def settings_for(self, deck_id: str) -> Settings: ...

    def scheduler_for(self, deck_id: str) -> Scheduler: ...

    def check_writable(self) -> None: ...

    def mark_changed(self, deck_id: str | None = None) -> None: ...

    def after_write(self, now: datetime, deck_id: str | None = None) -> None: ...

    def require_id(self, card: Card) -> int: ...

    def today_bounds(self, now: datetime) -> tuple[datetime, datetime]: ...


LEARN_AHEAD = timedelta(minutes=20)
UNDO_LEVELS = 30

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


class _Answered(NamedTuple):
    review_id: int
    card: Card
    card_id: int
    deck_id: str
    phase_before: Phase
    rating: Rating
    duration: timedelta
    day: datetime  # start of the study day it was given on
    leech: Callable[[], None] | None = None  # undoes the leech tag and suspension it caused


class ReviewSession:
    """Studying one deck, several decks, or all of them (made by ``Collection.session``)."""

    def __init__(self, collection: StudyHost, deck_ids: Sequence[str]) -> None:
        self._collection = collection
        self._store = collection.store
        self._cards = collection.cards
        self._ledger = collection.ledger
        self.deck_ids = tuple(deck_ids)
        self._undo: list[_Answered | Action] = []
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
        return max(0, self._collection.settings_for(deck_id).new_per_day + extra - done)

    def allow_more_new(self, count: int) -> None:
        """Raise the new-card limit of each of this session's decks by ``count`` for the
        rest of the study day, in this session and later ones (custom study's "more new
        cards today")."""
        for deck_id in self.deck_ids:
            self._ledger.allow_more_new(deck_id, count)
        self._cache.clear()

    def _reviews_left(self, deck_id: str) -> int:
        done = self._ledger.done_today(deck_id).reviews
        return max(0, self._collection.settings_for(deck_id).reviews_per_day - done)

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
        from rapport.study.days import study_date

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

    def intervals(self, card: Card, now: datetime) -> dict[Rating, timedelta]:
        """For each rating, the time until ``card`` would be due again (for button labels)."""
        card_id = self._cards.require_id(card)
        state = self._store.card_state(card_id)
        return self._collection.scheduler_for(card.deck_id).intervals(card_id, state, now)

    def answer(self, card: Card, rating: Rating, now: datetime, duration: timedelta) -> None:
        """Grade ``card``; the answer is committed to disk before this returns.

        Raises :class:`WriteError` if it cannot be saved; then nothing changed.
        """
        collection = self._collection
        collection.check_writable()
        now = require_aware(now)
        rating = Rating(rating)
        card_id = self._cards.require_id(card)
        start, _ = self._today(now)
        before = self._store.card_state(card_id)
        after = collection.scheduler_for(card.deck_id).review(card_id, before, rating, now)
        settings = collection.settings_for(card.deck_id)
        if after.phase == Phase.REVIEW and after.due is not None:
            due = easy_day_due(after.due, now, settings.easy_days, self._weekday)
            after = after._replace(due=due)
        duration = capped_duration(duration, timedelta(seconds=settings.max_answer_seconds))
        try:
            review_id = self._store.record_review(
                ReviewRecord(card_id, now, int(rating), duration, before, after)
            )
        except WriteError as error:
            log.warning("answer to %s not saved: %s", card.key, error)
            raise
        # Committed: only now does the session's own state move on.
        leech = None
        if rating == Rating.AGAIN and before.phase == Phase.REVIEW:
            if actions.is_leech_lapse(self._store.lapses(card_id), settings.leech_threshold):
                suspend = settings.leech_action == "suspend"
                leech = actions.mark_leech(self, card, suspend=suspend)
        self.last_leech = leech is not None
        answered = _Answered(
            review_id, card, card_id, card.deck_id, before.phase, rating, duration, start, leech
        )
        self._undo.append(answered)
        del self._undo[:-UNDO_LEVELS]
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
        self._count(answered, +1)
        collection.after_write(now, card.deck_id)

    def _count(self, answered: _Answered, sign: int) -> None:
        self._ledger.count_done(answered.deck_id, answered.phase_before, answered.day, sign)
        self._studied += sign
        self._seconds += sign * answered.duration.total_seconds()
        if answered.rating == Rating.AGAIN:
            self._again += sign
        else:
            self._right += sign

    def push_action(self, action: Action) -> None:
        """Put a reviewer action (see :mod:`rapport.study.actions`) on the undo list,
        once it is saved."""
        self._undo.append(action)
        del self._undo[:-UNDO_LEVELS]
        self._buried = None
        self._collection.mark_changed(action.deck_id)

    @property
    def can_undo(self) -> bool:
        return bool(self._undo)

    @property
    def undo_name(self) -> str | None:
        """What :meth:`undo` would take back: a grade ("Good") or an action ("Bury
        card"); ``None`` if nothing."""
        if not self._undo:
            return None
        last = self._undo[-1]
        if isinstance(last, Action):
            return last.name
        return last.rating.name.capitalize()

    def undo(self) -> Card | None:
        """Take back the last answer or action. For an answer the card's state is
        restored and the answer leaves the log; the card is returned, and
        :meth:`next_card` shows it again. An action that hid the card (bury, suspend)
        is reverted and its card returned likewise; one that did not (flag, mark)
        returns ``None``. Raises :class:`WriteError` if it cannot be saved."""
        if not self._undo:
            return None
        self._collection.check_writable()
        last = self._undo[-1]
        if isinstance(last, Action):
            last.revert()
            self._undo.pop()
            self._buried = None
            self._collection.mark_changed(last.deck_id)
            if not last.hid_card:
                return None
            self._pending = last.card
            return last.card
        answered = last
        if answered.leech is not None:
            answered.leech()
        self._store.undo_review(answered.review_id)
        self._undo.pop()
        self._answered = None  # read again: the note may have no answer today now
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

    def answer(self, card: Card, rating: Rating, now: datetime, duration: timedelta) -> None:
        super().answer(card, rating, now, duration)
        if card in self._waiting:
            self._waiting.remove(card)
        self._relearning.add(card)

    def undo(self) -> Card | None:
        if not self._undo:
            return None
        last = self._undo[-1]
        card = last.card
        answers = [a for a in self._undo if isinstance(a, _Answered)]
        first_answer = isinstance(last, _Answered) and sum(a.card == card for a in answers) == 1
        undone = super().undo()
        if undone is not None and first_answer:
            self._relearning.discard(card)
            self._waiting.insert(0, card)
        return undone


def _hides_learning(deck_id: str, hiding: Hiding) -> bool:
    """Whether ``hiding`` leaves out any (re)learning card of ``deck_id`` (burying never
    does; a card buried by hand, or the spacing of siblings, may)."""
    return hiding.avoid_note is not None or bool(hiding.buried.get(deck_id))
