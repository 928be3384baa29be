"""The collection: the trainee's decks joined with their progress on disk.

:meth:`Collection.open` syncs the cards of the loaded decks into the database by identity
(deck id + note id + ordinal): a reworded card keeps its row and history; a new note
brings new cards; a note that left its deck file keeps its history, hidden, and comes
back with it if the note returns. A cloze whose numbers change keeps the history of the
numbers still there (ordinal = number - 1).

Each sync records, in the same transaction, the digest of every loaded deck's card
identities (:attr:`Deck.digest <rapport.content.Deck.digest>`). Opening with decks whose
digests are the recorded ones skips the sync, which is what start-up usually finds; only
the decks whose digest differs are synced otherwise. The cards of a deck are matched to
their database ids when first needed (a session, a lookup), one deck at a time.

Opening takes the data folder's single-writer lock. ``lock=False`` instead opens a private
read-only snapshot (for ``rapport stats`` while the app runs); writing through it raises
:class:`WriteError`.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import datetime, timedelta, tzinfo
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

from rapport.content import Card, CardKey, Deck
from rapport.errors import RapportError
from rapport.store import (
    DataLock,
    Phase,
    Store,
    WriteError,
)
from rapport.study import siblings
from rapport.study.counts import DeckCounts
from rapport.study.days import require_aware, today_bounds
from rapport.study.scheduling import Scheduler
from rapport.study.session import LEARN_AHEAD, FocusedSession, ReviewSession
from rapport.study.settings import Settings

log = logging.getLogger(__name__)

if TYPE_CHECKING:
    from rapport.study.stats import Stats  # (imported by stats() when first used)


def _first_of_each_id(decks: Sequence[Deck]) -> tuple[Deck, ...]:
    """The decks in order, a later deck with an id already seen left out."""
    unique: dict[str, Deck] = {}
    for deck in decks:
        unique.setdefault(deck.id, deck)
    return tuple(unique.values())


# A named tuple rather than a dataclass: Python creates a named tuple class several times
# faster, and every start creates this class.
class CardRow(NamedTuple):
    """A card as the Browse table shows it."""

    card: Card
    deck_name: str
    due: datetime | None
    interval_days: float | None
    reviews: int
    lapses: int
    suspended: bool
    state: str  # "new", "learning", "review", "relearning" or "suspended"


class Collection:
    """The decks and the progress database of one data folder."""

    def __init__(
        self,
        store: Store,
        decks: Sequence[Deck],
        data_dir: Path,
        lock: DataLock | None,
        tz: tzinfo | None,
    ) -> None:
        self.store = store
        self.data_dir = data_dir
        self.tz = tz
        self._lock = lock
        self.decks: tuple[Deck, ...] = _first_of_each_id(decks)
        self._settings = Settings.from_strings(store.settings())
        self.scheduler = Scheduler(self._settings)
        self._by_id: dict[str, Deck] = {deck.id: deck for deck in self.decks}
        # Card ids, matched to cards a deck at a time when first needed (see _map): per
        # deck, (note id, ordinal) -> id, and the cards of those decks by id.
        self._ids: dict[str, dict[tuple[str, int], int]] = {}
        self._cards: dict[int, Card] = {}
        self._changed = False
        self._closed = False
        # Bumped when cards of a deck (or, globally, the settings) change, so sessions
        # know when their per-deck queue figures must be recomputed.
        self._settings_version = 0
        self._deck_versions: dict[str, int] = {}
        # New cards introduced and reviews answered per deck on the current study day,
        # shared by all sessions (the daily limits are per deck, not per session).
        self._day: datetime | None = None
        self._done: dict[str, list[int]] = {}

    @classmethod
    def open(
        cls,
        data_dir: Path,
        decks: Sequence[Deck],
        now: datetime,
        *,
        lock: bool = True,
        tz: tzinfo | None = None,
    ) -> Collection:
        """Open the collection of ``data_dir`` (created if missing) with these decks.

        Raises :class:`AlreadyRunning` if another Rapport holds the folder and
        :class:`DatabaseError` if the database cannot be used. ``tz`` is the local time
        zone for the 4am day start (default: the system's).
        """
        now = require_aware(now)
        data_lock: DataLock | None = None
        if lock:
            data_lock = DataLock(data_dir)
            data_lock.acquire()
        try:
            store = Store.open(data_dir, now) if lock else Store.snapshot_of(data_dir)
        except BaseException:
            if data_lock is not None:
                data_lock.release()
            raise
        collection = cls(store, decks, data_dir, data_lock, tz)
        try:
            collection._sync()
        except BaseException:
            store.close()
            if data_lock is not None:
                data_lock.release()
            raise
        return collection

    def replace_decks(self, decks: Sequence[Deck]) -> None:
        """Use ``decks`` from now on (a deck added or updated while the app runs): their
        cards are synced by identity exactly as at opening, so history is kept."""
        self.check_writable()
        self.decks = _first_of_each_id(decks)
        self._forget_ids()
        self._sync(every_deck=True)
        self.mark_changed()

    def _forget_ids(self) -> None:
        self._ids.clear()
        self._cards.clear()
        self._by_id = {deck.id: deck for deck in self.decks}

    def _sync(self, *, every_deck: bool = False) -> None:
        """Bring the cards table in line with the loaded decks and record their digests.

        Nothing is done when the recorded digests are those of the loaded decks; otherwise
        the decks whose digest differs (``every_deck``: all of them) are synced.
        """
        digests = {deck.id: deck.digest for deck in self.decks}
        synced = self.store.synced_digests()
        if synced == digests and not every_deck:
            return
        added: list[tuple[str, str, int, int]] = []
        changed: list[tuple[int, bool, int]] = []
        for deck in self.decks:
            if not every_deck and synced.get(deck.id) == digests[deck.id]:
                continue  # its cards are as the last sync left them
            index = self.store.card_index(deck.id)
            for position, card in enumerate(deck.cards()):
                # Popping leaves in ``index`` only the cards the deck no longer has.
                entry = index.pop((card.note.id, card.ordinal), None)
                if entry is None:
                    added.append((deck.id, card.note.id, card.ordinal, position))
                elif entry.position != position or not entry.present:
                    changed.append((position, True, entry.id))
            changed.extend((e.position, False, e.id) for e in index.values() if e.present)
        gone = self.store.present_outside(list(digests))
        changed.extend((e.position, False, e.id) for e in gone)
        self.store.sync_cards(added, changed, digests)

    def _map(self, deck_id: str) -> dict[tuple[str, int], int] | None:
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
            self.store.repair()
            self._forget_ids()
            self._sync(every_deck=True)
            self.mark_changed()
            ids = self._match(deck)
            if ids is None:
                raise RuntimeError(f"the cards of deck '{deck_id}' could not be synced")
        self._ids[deck_id] = ids
        return ids

    def _match(self, deck: Deck) -> dict[tuple[str, int], int] | None:
        """Match the cards of ``deck`` to its present rows, in deck order, adding them to
        ``_cards``; ``None`` (and nothing added) if they are not exactly the same."""
        cards = deck.cards()
        rows = self.store.present_cards(deck.id)
        if len(rows) != len(cards):
            return None
        ids: dict[tuple[str, int], int] = {}
        by_id: dict[int, Card] = {}
        for position, (card, (row_position, card_id, note_id, ordinal)) in enumerate(
            zip(cards, rows, strict=True)
        ):
            if row_position != position or card.ordinal != ordinal or card.note.id != note_id:
                return None
            ids[note_id, ordinal] = card_id
            by_id[card_id] = card
        self._cards.update(by_id)
        return ids

    def prepare(self, deck_id: str) -> None:
        """Do now what the first answer in deck ``deck_id`` would otherwise wait for: its
        cards matched to their ids, the scheduler built. The reviewer calls this while the
        trainee reads a question, so no answer or reveal pays for it; cheap once done."""
        self._map(deck_id)
        self.scheduler.prepare()

    def _map_all(self) -> None:
        for deck in self.decks:
            self._map(deck.id)

    # -- lookups used by sessions and the UI ---------------------------------------------

    @property
    def read_only(self) -> bool:
        return self.store.snapshot

    @property
    def closed(self) -> bool:
        """Whether :meth:`close` has run."""
        return self._closed

    def card(self, key: CardKey) -> Card | None:
        """The card with this identity, if a loaded deck has it."""
        card_id = self.card_id(key)
        return None if card_id is None else self._cards[card_id]

    def card_id(self, key: CardKey) -> int | None:
        ids = self._map(key.deck_id)
        return None if ids is None else ids.get((key.note_id, key.ordinal))

    def require_id(self, card: Card) -> int:
        card_id = self.card_id(card.key)
        if card_id is None:
            raise ValueError(f"card {card.key} is not in this collection")
        return card_id

    def card_by_id(self, card_id: int) -> Card:
        """The card with this database id; ``KeyError`` if no loaded deck has it."""
        card = self._cards.get(card_id)
        if card is not None:
            return card
        found = self.store.card_identity(card_id)
        if found is None:
            raise KeyError(card_id)
        deck_id, note_id, ordinal, position, present = found
        deck = self._by_id.get(deck_id)
        if deck is None or not present:
            raise KeyError(card_id)
        if deck_id not in self._ids:
            # The first card of a session: taken from its position in the deck, without
            # matching the whole deck yet (answering it will).
            cards = deck.cards()
            if position < len(cards):
                card = cards[position]
                if card.note.id == note_id and card.ordinal == ordinal:
                    return card
        self._map(deck_id)
        card = self._cards.get(card_id)
        if card is None:
            raise KeyError(card_id)
        return card

    def today_bounds(self, now: datetime) -> tuple[datetime, datetime]:
        """UTC start of the current study day and of the next one."""
        return today_bounds(require_aware(now), self._settings.day_start_hour, self.tz)

    def study_day(self, now: datetime) -> tuple[datetime, datetime]:
        """Like :meth:`today_bounds`, and starts the day's counts when a new day begins."""
        start, end = self.today_bounds(now)
        if start != self._day:
            done = self.store.studied_since(start)
            self._done = {deck.id: list(done.get(deck.id, (0, 0))) for deck in self.decks}
            self._day = start
        return start, end

    def done_today(self, deck_id: str) -> tuple[int, int]:
        """New cards introduced and reviews answered in a deck on the study day last
        started by :meth:`study_day`."""
        new, reviews = self._done.get(deck_id, (0, 0))
        return new, reviews

    def count_done(self, deck_id: str, phase_before: Phase, day: datetime, sign: int) -> None:
        """Count an answer (``sign`` 1) or an undone one (-1) given on study day ``day``."""
        if day != self._day or deck_id not in self._done:
            return
        if phase_before == Phase.NEW:
            self._done[deck_id][0] += sign
        elif phase_before == Phase.REVIEW:
            self._done[deck_id][1] += sign

    def check_writable(self) -> None:
        if self._closed:
            raise WriteError(self.store.path, "the collection is closed")
        if self.read_only:
            raise WriteError(
                self.store.path,
                "it was opened read-only (another Rapport window may be using it)",
            )

    def deck_version(self, deck_id: str) -> tuple[int, int]:
        """Changes whenever the settings or a card of ``deck_id`` change."""
        return self._settings_version, self._deck_versions.get(deck_id, 0)

    def mark_changed(self, deck_id: str | None = None) -> None:
        """Note a change (to a card of ``deck_id``, or to everything if ``None``)."""
        self._changed = True
        if self.store.backups is not None:
            self.store.backups.note_change()
        if deck_id is None:
            self._settings_version += 1
        else:
            self._deck_versions[deck_id] = self._deck_versions.get(deck_id, 0) + 1

    def after_write(self, now: datetime, deck_id: str | None = None) -> None:
        """Note a change; start a backup in the background when one is due (see
        :class:`~rapport.store.backups.BackupSchedule`), never delaying the answer.

        A failed backup never undoes the committed answer: it is kept in
        :attr:`backup_problem` for the UI to mention, and tried again after the next.
        """
        self.mark_changed(deck_id)
        if self.store.backups is not None:
            self.store.backups.changed(now)

    @property
    def backup_problem(self) -> RapportError | None:
        """Why the last backup failed (``None``: it did not)."""
        backups = self.store.backups
        problem = backups.problem if backups is not None else None
        return problem if isinstance(problem, RapportError) else None

    @property
    def notice(self) -> str | None:
        """What opening repaired, in words for the trainee (``None``: nothing)."""
        return self.store.notice

    def wait_for_backup(self) -> None:
        """Wait for a backup running in the background."""
        if self.store.backups is not None:
            self.store.backups.wait()

    def backup(self, now: datetime) -> Path:
        """Make a backup now (see :mod:`rapport.store.backups`)."""
        path = self.store.backup(self.data_dir, require_aware(now))
        self._changed = False
        return path

    # -- settings and preferences --------------------------------------------------------

    @property
    def settings(self) -> Settings:
        return self._settings

    def save_settings(self, settings: Settings) -> None:
        """Store new settings; they apply to the next answer (sessions included)."""
        self.check_writable()
        self.store.replace_settings(settings.to_strings())
        self._settings = settings
        self.scheduler = Scheduler(settings)
        self.mark_changed()

    def get_pref(self, key: str, default: str | None = None) -> str | None:
        """A UI preference (font size, theme, window geometry...)."""
        value = self.store.pref(key)
        return default if value is None else value

    def set_pref(self, key: str, value: str) -> None:
        self.check_writable()
        self.store.set_pref(key, value)

    # -- studying ------------------------------------------------------------------------

    def session(self, deck_ids: Sequence[str] | None, now: datetime) -> ReviewSession:
        """A study session over these decks (``None``: all decks, in deck order)."""
        require_aware(now)
        known = [deck.id for deck in self.decks]
        if deck_ids is None:
            return ReviewSession(self, known)
        unknown = [d for d in deck_ids if d not in known]
        if unknown:
            raise ValueError(f"unknown deck ids: {', '.join(unknown)}")
        return ReviewSession(self, list(dict.fromkeys(deck_ids)))

    def session_for(self, keys: Sequence[CardKey], now: datetime) -> FocusedSession:
        """A session over exactly these cards, now, outside the daily limits (for
        "study the missed cards"); keys of cards no deck has any more are skipped."""
        require_aware(now)
        cards = [card for key in keys if (card := self.card(key)) is not None]
        return FocusedSession(self, cards)

    def deck_counts(self, now: datetime) -> list[DeckCounts]:
        """Per deck: new, learning and due cards to study today, within the limits."""
        now = require_aware(now)
        start, end = self.today_bounds(now)
        done = self.store.studied_since(start)
        totals = self.store.present_counts()
        settings = self._settings
        counts = []
        hide = siblings.hiding(settings, now, start)
        for deck in self.decks:
            new_done, reviews_done = done.get(deck.id, (0, 0))
            counts.append(
                DeckCounts(
                    deck_id=deck.id,
                    name=deck.name,
                    new=self.store.count_new(deck.id, settings.new_per_day - new_done, hide),
                    learning=self.store.count_learning(deck.id, now + LEARN_AHEAD, hide),
                    due=self.store.count_reviews(
                        deck.id, end, settings.reviews_per_day - reviews_done, hide
                    ),
                    total=totals.get(deck.id, 0),
                )
            )
        return counts

    def next_due(self, now: datetime) -> datetime | None:
        """When the next card can be studied (now or earlier if one is waiting); ``None``
        if no card will ever be due (every card suspended, or no cards)."""
        now = require_aware(now)
        ids = [deck.id for deck in self.decks]
        start, end = self.today_bounds(now)
        done = self.store.studied_since(start)
        settings = self._settings
        hide = siblings.hiding(settings, now, start)
        candidates: list[datetime] = []
        learning = self.store.earliest_due(ids, [Phase.LEARNING, Phase.RELEARNING])
        if learning is not None:
            candidates.append(learning)
        later = self.store.earliest_review_from(ids, end)
        if later is not None:
            candidates.append(later)
        for deck_id in ids:
            new_done, reviews_done = done.get(deck_id, (0, 0))
            review = self.store.first_review(deck_id, end, hide)
            if review is not None:
                left = settings.reviews_per_day - reviews_done > 0
                candidates.append(review[1] if left else end)
            elif self.store.first_review(deck_id, end) is not None:
                candidates.append(end)  # buried until the next study day
            if self.store.first_new(deck_id, hide) is not None:
                candidates.append(now if settings.new_per_day - new_done > 0 else end)
            elif self.store.first_new(deck_id) is not None:
                candidates.append(end)
        return min(candidates) if candidates else None

    # -- browsing and statistics ---------------------------------------------------------

    def card_rows(self, now: datetime) -> list[CardRow]:
        """Every card of the loaded decks with its progress, in deck order."""
        names = {deck.id: deck.name for deck in self.decks}
        self._map_all()
        rows = []
        for row in self.store.card_table():
            card = self._cards.get(row.id)
            if card is None:
                continue
            state = row.state
            interval = None
            if state.due is not None and state.last_review is not None:
                interval = (state.due - state.last_review) / timedelta(days=1)
            rows.append(
                CardRow(
                    card=card,
                    deck_name=names[card.deck_id],
                    due=state.due if state.phase != Phase.NEW else None,
                    interval_days=interval,
                    reviews=row.reviews,
                    lapses=row.lapses,
                    suspended=row.suspended,
                    state="suspended" if row.suspended else state.phase.name.lower(),
                )
            )
        return rows

    def set_suspended(self, key: CardKey, suspended: bool) -> None:
        """Suspend a card (never shown until unsuspended) or unsuspend it."""
        self.check_writable()
        card_id = self.card_id(key)
        if card_id is None:
            raise ValueError(f"card {key} is not in this collection")
        self.store.set_suspended(card_id, suspended)
        self.mark_changed(key.deck_id)

    def studied_today(self, now: datetime) -> tuple[int, timedelta]:
        """Answers given and time spent since the study day began (cheap: for Home)."""
        start, _ = self.today_bounds(require_aware(now))
        times = self.store.review_times(start)
        return len(times), sum((taken for _, taken in times), timedelta(0))

    def stats(self, now: datetime) -> Stats:
        """Every statistic at ``now`` (see :mod:`rapport.study.stats`)."""
        from rapport.study.stats import build_stats

        now = require_aware(now)
        self._map_all()
        return build_stats(
            self.store,
            self.deck_counts(now),
            self._cards,
            self.scheduler.retrievability,
            now,
            self._settings.day_start_hour,
            self.tz,
        )

    def close(self, now: datetime) -> None:
        """Back up if anything changed since the last backup, close, release the lock.

        The database is closed and the lock released even if the backup fails; the
        backup's error (a :class:`RapportError`) is then raised for the UI to show.
        """
        if self._closed:
            return
        problem: RapportError | None = None
        try:
            if not self.read_only and self.store.backups is not None:
                try:
                    self.store.backups.close(require_aware(now))
                except RapportError as exc:
                    problem = exc
        finally:
            self._closed = True
            self.store.close()
            if self._lock is not None:
                self._lock.release()
        if problem is not None:
            raise problem
