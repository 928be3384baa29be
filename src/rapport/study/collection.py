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
from collections.abc import Callable, Sequence
from dataclasses import replace
from datetime import date, datetime, timedelta, tzinfo
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

from rapport.content import Card, CardKey, Deck
from rapport.errors import RapportError
from rapport.store import (
    DataLock,
    Phase,
    Scope,
    Store,
    WriteError,
)
from rapport.store.records import BrowseQuery, BrowseRow, to_us
from rapport.study import siblings
from rapport.study.browsing import deck_stamp, text_row
from rapport.study.cardmap import CardMap
from rapport.study.counts import DeckCounts
from rapport.study.days import require_aware, study_date
from rapport.study.ledger import DayLedger, DeckVersion, DoneToday, new_left, reviews_left
from rapport.study.ops import UNDO_LEVELS, Changes, Operations
from rapport.study.ops import set_suspended as set_suspended_op
from rapport.study.scheduling import Scheduler
from rapport.study.session import LEARN_AHEAD, FocusedSession, MoreNew, ReviewSession
from rapport.study.settings import DEFAULT_PRESET, InvalidSettings, Settings, check_preset_name

log = logging.getLogger(__name__)

if TYPE_CHECKING:
    from rapport.study.exam import ExamOutlook
    from rapport.study.optimize import Evaluated, Optimised
    from rapport.study.simulate import Plan, SimCard, Workload
    from rapport.study.stats import Stats, StatsScope  # (imported by stats() when first used)


# A named tuple: see "Start-up budget" in tests/benchmarks/README.md.
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
        self._lock = lock
        self._settings = Settings.from_strings(store.settings())
        self.scheduler = Scheduler(self._settings)
        # Deck options presets (as Anki's), read once: the named ones beside "Default"
        # (which is ``_settings``), their schedulers built when first used, and the preset
        # each deck uses. Nothing about presets is read from the database per answer.
        stored = store.presets()
        self._presets: dict[str, Settings] = {
            name: Settings.from_json(value) for name, value in stored.items()
        }
        self._schedulers: dict[str, Scheduler] = {}
        self._deck_presets = store.deck_presets() if stored else {}
        # The decks joined to their rows (sync, card ids), and the per-day ledger (the
        # study day, each deck's counts on it, change versions), each in its own object.
        self.cards = CardMap(store, decks, on_resync=self.mark_changed)
        self.ledger = DayLedger(
            store,
            lambda: self._settings.day_start_hour,
            tz,
            lambda: (deck.id for deck in self.cards.decks),
        )
        # Per deck, the stamp of its content as loaded (see rapport.study.browsing).
        self._stamps = {deck.id: deck_stamp(deck) for deck in self.decks}
        self._changed = False
        self._closed = False
        # The app's one undo stack (see rapport.study.ops), its depth a preference.
        self.ops = Operations(self, _undo_levels(store.pref(UNDO_PREF)))
        self.ops.subscribe(self._on_changes, early=True)

    @classmethod
    def open(
        cls,
        data_dir: Path,
        decks: Sequence[Deck],
        now: datetime,
        *,
        lock: bool = True,
        tz: tzinfo | None = None,
        text: bool = False,
    ) -> Collection:
        """Open the collection of ``data_dir`` (created if missing) with these decks.

        ``lock=False`` reads the file in place while the app may run; ``text`` asks for
        Browse's stored text to be current too (a search): when the file is behind, a
        private copy brought up to date in memory is read instead.

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
            store = Store.open(data_dir, now) if lock else Store.read_only(data_dir)
            if (
                store is not None
                and not lock
                and not cls(store, decks, data_dir, None, tz)._current(text)
            ):
                # The file is behind the decks (they changed since the app last ran):
                # read a private copy, brought up to date in memory.
                store.close()
                store = None
            if store is None:
                store = Store.snapshot_of(data_dir)
        except BaseException:
            if data_lock is not None:
                data_lock.release()
            raise
        collection = cls(store, decks, data_dir, data_lock, tz)
        try:
            collection.cards.sync()
        except BaseException:
            store.close()
            if data_lock is not None:
                data_lock.release()
            raise
        return collection

    def _current(self, text: bool = False) -> bool:
        """Whether the database is in step with the decks' cards (synced), and with
        ``text`` Browse's stored text too, so that reading needs no write. (The statistics
        need no text: they take the concepts of a deck whose text is not stored from the
        deck.)"""
        synced = self.store.synced_digests()
        if synced != {deck.id: deck.digest for deck in self.decks}:
            return False
        if not text:
            return True
        stored = self.store.text_stamps()
        return all(stored.get(d.id) == (d.name, self._stamps[d.id]) for d in self.decks)

    def replace_decks(self, decks: Sequence[Deck]) -> None:
        """Use ``decks`` from now on (a deck added or updated while the app runs): their
        cards are synced by identity exactly as at opening, so history is kept."""
        self.check_writable()
        before = {deck.id: (deck, self._stamps.get(deck.id)) for deck in self.decks}
        self.cards.replace(decks)
        self._stamps = {
            deck.id: stamp
            if (old := before.get(deck.id)) is not None and old[0] is deck and (stamp := old[1])
            else deck_stamp(deck)
            for deck in self.decks
        }
        self.mark_changed()

    @property
    def decks(self) -> tuple[Deck, ...]:
        """The loaded decks (the first of several with one id)."""
        return self.cards.decks

    @property
    def tz(self) -> tzinfo | None:
        """The local time zone of the study day's start (None: the system's)."""
        return self.ledger.tz

    def prepare(self, deck_id: str) -> None:
        """Do now what the first answer in deck ``deck_id`` would otherwise wait for: its
        cards matched to their ids, the scheduler built. The reviewer calls this while the
        trainee reads a question, so no answer or reveal pays for it; cheap once done."""
        self.cards.ids_of(deck_id)
        self.scheduler_for(deck_id).prepare()

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
        return self.cards.card(key)

    def card_id(self, key: CardKey) -> int | None:
        return self.cards.card_id(key)

    def require_id(self, card: Card) -> int:
        return self.cards.require_id(card)

    def card_by_id(self, card_id: int) -> Card:
        """The card with this database id; ``KeyError`` if no loaded deck has it."""
        return self.cards.card_by_id(card_id)

    def today_bounds(self, now: datetime) -> tuple[datetime, datetime]:
        """UTC start of the current study day and of the next one."""
        return self.ledger.today_bounds(now)

    def study_day(self, now: datetime) -> tuple[datetime, datetime]:
        """Like :meth:`today_bounds`, and starts the day's counts when a new day begins."""
        return self.ledger.study_day(now)

    def done_today(self, deck_id: str) -> DoneToday:
        """New cards introduced and reviews answered in a deck on the study day."""
        return self.ledger.done_today(deck_id)

    def count_done(self, deck_id: str, phase_before: Phase, day: datetime, sign: int) -> None:
        """Count an answer (``sign`` 1) or an undone one (-1) given on study day ``day``."""
        self.ledger.count_done(deck_id, phase_before, day, sign)

    def check_writable(self) -> None:
        if self._closed:
            raise WriteError(self.store.path, "the collection is closed")
        if self.read_only:
            raise WriteError(
                self.store.path,
                "it was opened read-only (another Rapport window may be using it)",
            )

    def deck_version(self, deck_id: str) -> DeckVersion:
        """Changes whenever the settings or a card of ``deck_id`` change."""
        return self.ledger.deck_version(deck_id)

    def mark_changed(self, deck_id: str | None = None) -> None:
        """Note a change (to a card of ``deck_id``, or to everything if ``None``)."""
        self._changed = True
        if self.store.backups is not None:
            self.store.backups.note_change()
        self.ledger.changed(deck_id)

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
        """Store new settings; they apply to the next answer (sessions included).
        One operation ("Change settings"), undone with the rest."""
        store = self.store

        def write() -> None:
            store.replace_settings(settings.to_strings())
            # The study-day start and fuzz are shared: every preset follows Default's.
            for name, preset in self._presets.items():
                if preset.with_global(settings) != preset:
                    store.save_preset(name, preset.with_global(settings).to_json())

        self.ops.perform("Change settings", Scope(settings=True), write)
        self._settings = settings
        self.scheduler = Scheduler(settings)
        self._presets = {name: p.with_global(settings) for name, p in self._presets.items()}
        self._schedulers.clear()

    def _on_changes(self, changes: Changes) -> None:
        """Undo and redo of what lives in memory only: custom study's extra new cards."""
        more = changes.detail
        if changes.kind != "do" and isinstance(more, MoreNew):
            sign = -1 if changes.kind == "undo" else 1
            for deck_id in more.deck_ids:
                self.ledger.allow_more_new(deck_id, sign * more.extra)

    def reload_settings(self) -> None:
        """Read the settings and deck options presets again (after an undo or redo)."""
        store = self.store
        self._settings = Settings.from_strings(store.settings())
        self.scheduler = Scheduler(self._settings)
        self._presets = {name: Settings.from_json(v) for name, v in store.presets().items()}
        self._schedulers.clear()
        self._deck_presets = store.deck_presets() if self._presets else {}

    def reread_cards(self) -> None:
        """Match the cards to their rows again (after a restore, its undo or redo)."""
        self.cards.reread()

    # -- deck options presets ------------------------------------------------------------

    def preset_names(self) -> list[str]:
        """ "Default" first, then the trainee's presets by name."""
        return [DEFAULT_PRESET, *sorted(self._presets, key=str.casefold)]

    def preset(self, name: str) -> Settings:
        """The settings of preset ``name``; ``KeyError`` if there is none."""
        if name == DEFAULT_PRESET:
            return self._settings
        return self._presets[name]

    def save_preset(self, name: str, settings: Settings) -> None:
        """Make or change preset ``name``. The study-day start and fuzz are the
        collection's own (the Default preset's), whatever ``settings`` say."""
        if name == DEFAULT_PRESET:
            self.save_settings(settings)
            return
        check_preset_name(name)
        settings = settings.with_global(self._settings)
        value = settings.to_json()
        self.ops.perform(
            f"Save preset {name}",
            Scope(settings=True),
            lambda: self.store.save_preset(name, value),
        )
        self._presets[name] = settings
        self._schedulers.pop(name, None)

    def delete_preset(self, name: str) -> None:
        """Remove preset ``name``; the decks that used it use "Default" again."""
        if name == DEFAULT_PRESET:
            raise InvalidSettings("The Default preset cannot be deleted.")
        self.ops.perform(
            f"Delete preset {name}", Scope(settings=True), lambda: self.store.delete_preset(name)
        )
        self._presets.pop(name, None)
        self._schedulers.pop(name, None)
        self._deck_presets = {d: p for d, p in self._deck_presets.items() if p != name}

    def preset_of(self, deck_id: str) -> str:
        """The name of the preset deck ``deck_id`` uses."""
        return self._deck_presets.get(deck_id, DEFAULT_PRESET)

    def set_deck_preset(self, deck_id: str, name: str) -> None:
        """Make deck ``deck_id`` use preset ``name`` from the next answer on."""
        if name != DEFAULT_PRESET and name not in self._presets:
            raise InvalidSettings(f"There is no preset named {name!r}.")
        preset = None if name == DEFAULT_PRESET else name
        self.ops.perform(
            "Change deck preset",
            Scope(settings=True),
            lambda: self.store.set_deck_preset(deck_id, preset),
        )
        if preset is None:
            self._deck_presets.pop(deck_id, None)
        else:
            self._deck_presets[deck_id] = preset

    def settings_for(self, deck_id: str) -> Settings:
        """The settings of the preset deck ``deck_id`` uses (no database read)."""
        name = self._deck_presets.get(deck_id)
        if name is None:
            return self._settings
        return self._presets.get(name, self._settings)

    def scheduler_for(self, deck_id: str) -> Scheduler:
        """The scheduler of the preset deck ``deck_id`` uses (one per preset, cached)."""
        name = self._deck_presets.get(deck_id)
        if name is None or name not in self._presets:
            return self.scheduler
        scheduler = self._schedulers.get(name)
        if scheduler is None:
            scheduler = self._schedulers[name] = Scheduler(self._presets[name])
        return scheduler

    def preset_decks(self, name: str) -> list[str]:
        """The ids of the decks that use preset ``name``."""
        return [deck.id for deck in self.decks if self.preset_of(deck.id) == name]

    def optimiser(
        self, name: str, now: datetime, *, evaluate_only: bool = False
    ) -> Callable[[Store, Callable[[str], None] | None], Optimised | Evaluated]:
        """What fits (or, ``evaluate_only``, evaluates) the parameters of preset ``name``
        to the history of its decks at ``now``, from a store: the collection's own or a
        reader in another thread (see :mod:`rapport.study.optimize`). Nothing is saved:
        :meth:`use_parameters` saves the kept ones."""
        from rapport.study import optimize

        deck_ids = self.preset_decks(name)
        current = self.preset(name).parameters or optimize.default_parameters()
        _, next_day = self.today_bounds(require_aware(now))

        def run(
            store: Store, progress: Callable[[str], None] | None = None
        ) -> Optimised | Evaluated:
            if evaluate_only:
                used, evaluation = optimize.evaluate(store, deck_ids, current, next_day)
                return optimize.Evaluated(used, evaluation)
            return optimize.optimise(store, deck_ids, current, next_day, progress)

        return run

    def optimiser_arguments(
        self, name: str, now: datetime, *, evaluate_only: bool = False
    ) -> tuple[Path, list[str], tuple[float, ...], datetime, bool]:
        """The arguments of :func:`rapport.study.optimize.run_on_file` for preset
        ``name`` at ``now`` (what a worker process is given)."""
        from rapport.study import optimize

        current = self.preset(name).parameters or optimize.default_parameters()
        _, next_day = self.today_bounds(require_aware(now))
        return self.data_dir, self.preset_decks(name), current, next_day, evaluate_only

    def simulator(
        self, name: str, now: datetime, days: int = 365, settings: Settings | None = None
    ) -> Callable[[Store], tuple[Workload, ...]]:
        """What simulates preset ``name`` (or ``settings`` given for it, as edited) over
        ``days`` for each desired retention, from a store (see
        :mod:`rapport.study.simulate`)."""
        from rapport.study import simulate as sim

        inputs = self._simulation(name, now, days, settings)

        def run(store: Store) -> tuple[Workload, ...]:
            cards, new, plan, costs = inputs(store)
            return sim.workload_curve(cards, new, plan, costs)

        return run

    def exam_outlook(
        self, name: str, now: datetime, settings: Settings | None = None
    ) -> Callable[[Store], ExamOutlook]:
        """What checks the exam date of preset ``name`` (or of ``settings`` as edited)
        against its limits, from a store (see :mod:`rapport.study.exam`)."""

        from rapport.study.exam import exam_outlook

        settings = settings or self.preset(name)
        if not settings.exam_date:
            raise InvalidSettings("This preset has no exam date.")
        exam = date.fromisoformat(settings.exam_date)

        today = study_date(require_aware(now), self._settings.day_start_hour, self.tz)
        inputs = self._simulation(name, now, 1, settings)

        def run(store: Store) -> ExamOutlook:
            cards, new, plan, costs = inputs(store)
            return exam_outlook(cards, new, plan, costs, settings.desired_retention, today, exam)

        return run

    def _simulation(
        self, name: str, now: datetime, days: int, settings: Settings | None
    ) -> Callable[[Store], tuple[list[SimCard], int, Plan, dict[str, float]]]:
        """What reads the simulator's inputs for preset ``name`` from a store: its
        decks' cards as memory states (days from today's start), the new cards, the
        preset's plan and the trainee's answer times."""
        from rapport.study import optimize
        from rapport.study import simulate as sim

        deck_ids = self.preset_decks(name)
        settings = settings or self.preset(name)
        start, _ = self.today_bounds(require_aware(now))
        start_us = round(start.timestamp() * 1_000_000)
        day_us = 86_400_000_000
        plan = sim.Plan(
            days=days,
            new_per_day=settings.new_per_day,
            reviews_per_day=settings.reviews_per_day,
            maximum_interval=settings.maximum_interval,
            learning_steps=len(settings.learning_steps),
            parameters=settings.parameters or optimize.default_parameters(),
        )

        def read(store: Store) -> tuple[list[SimCard], int, Plan, dict[str, float]]:
            studied, new = store.memory_states(deck_ids)
            cards = [
                sim.SimCard(s, d, (last - start_us) // day_us, (due - start_us) // day_us)
                for s, d, last, due in studied
            ]
            return cards, new, plan, sim.costs_from(store.answer_times(deck_ids))

        return read

    def use_parameters(self, name: str, parameters: Sequence[float]) -> None:
        """Make preset ``name`` schedule with these FSRS parameters from the next answer."""

        self.save_preset(name, replace(self.preset(name), parameters=tuple(parameters)))

    def get_pref(self, key: str, default: str | None = None) -> str | None:
        """A UI preference (font size, theme, window geometry...)."""
        value = self.store.pref(key)
        return default if value is None else value

    def set_pref(self, key: str, value: str) -> None:
        self.check_writable()
        self.store.set_pref(key, value)

    def set_undo_levels(self, levels: int) -> None:
        """How many steps Edit > Undo keeps (the preference ``undo_levels``), from now."""
        levels = max(1, levels)
        self.set_pref(UNDO_PREF, str(levels))
        self.ops.depth = levels

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

    def deck_counts(self, now: datetime, store: Store | None = None) -> list[DeckCounts]:
        """Per deck: new, learning and due cards to study today, within the limits
        (read through ``store``, by default the collection's own)."""
        now = require_aware(now)
        store = store or self.store
        start, end = self.today_bounds(now)
        done = store.studied_since(start)
        totals = store.present_counts()
        counts = []
        buried, answered = store.buried_cards(now), store.notes_answered_since(start)
        limits = {}
        for deck in self.decks:
            settings = self.settings_for(deck.id)
            new_done, reviews_done = done.get(deck.id, (0, 0))
            limits[deck.id] = (
                new_left(settings.new_per_day, self.ledger.extra_new(deck.id), new_done),
                reviews_left(settings.reviews_per_day, reviews_done),
            )
        # The decks that hide no card (nothing buried, no sibling answered today: most of
        # them, always at the day's start) are counted in one statement, not three each.
        plain = store.queue_counts(
            {d: limit for d, limit in limits.items() if not buried.get(d) and not answered.get(d)},
            now + LEARN_AHEAD,
            end,
        )
        for deck in self.decks:
            found = plain.get(deck.id)
            if found is None:
                hide = siblings.hiding(self.settings_for(deck.id), buried, answered)
                new_limit, review_limit = limits[deck.id]
                found = (
                    store.count_new(deck.id, new_limit, hide),
                    store.count_learning(deck.id, now + LEARN_AHEAD, hide),
                    store.count_reviews(deck.id, end, review_limit, hide),
                )
            counts.append(
                DeckCounts(
                    deck_id=deck.id,
                    name=deck.name,
                    new=found[0],
                    learning=found[1],
                    due=found[2],
                    total=totals.get(deck.id, 0),
                )
            )
        return counts

    def next_due(self, now: datetime) -> datetime | None:
        """When the next card can be studied (now or earlier if one is waiting); ``None``
        if no card will ever be due (every card suspended, or no cards)."""
        found = self.next_due_in(now)
        return None if found is None else found[0]

    def next_due_in(self, now: datetime) -> tuple[datetime, str] | None:
        """Like :meth:`next_due`, with the id of the deck that card is in (the first in
        deck order when several are due at once)."""
        now = require_aware(now)
        start, end = self.today_bounds(now)
        done = self.store.studied_since(start)
        buried = self.store.buried_cards(now)
        answered = self.store.notes_answered_since(start)
        candidates: list[tuple[datetime, int, str]] = []
        for order, deck in enumerate(self.decks):
            deck_id = deck.id
            settings = self.settings_for(deck_id)
            hide = siblings.hiding(settings, buried, answered)

            def add(when: datetime | None, deck_id: str = deck_id, order: int = order) -> None:
                if when is not None:
                    candidates.append((when, order, deck_id))

            add(self.store.earliest_due([deck_id], [Phase.LEARNING, Phase.RELEARNING]))
            add(self.store.earliest_review_from([deck_id], end))
            new_done, reviews_done = done.get(deck_id, (0, 0))
            review = self.store.first_review(deck_id, end, hide)
            if review is not None:
                left = reviews_left(settings.reviews_per_day, reviews_done)
                add(review[1] if left else end)
            elif self.store.first_review(deck_id, end) is not None:
                add(end)  # buried until the next study day
            if self.store.first_new(deck_id, hide) is not None:
                extra = self.ledger.extra_new(deck_id)
                add(now if new_left(settings.new_per_day, extra, new_done) else end)
            elif self.store.first_new(deck_id) is not None:
                add(end)
        if not candidates:
            return None
        when, _, deck_id = min(candidates)
        return when, deck_id

    # -- browsing and statistics ---------------------------------------------------------

    def card_rows(self, now: datetime) -> list[CardRow]:
        """Every card of the loaded decks with its progress, in deck order."""
        names = {deck.id: deck.name for deck in self.decks}
        cards = self.cards.map_all()
        rows = []
        for row in self.store.card_table():
            card = cards.get(row.id)
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

    def refresh_text(self, limit: int | None = None) -> int:
        """Store the text of the cards (see :mod:`rapport.study.browsing`) of every deck
        (at most ``limit`` decks) whose stored text is not of the deck as loaded; the
        number of decks written. Cheap when nothing changed: one stamp compared per deck.
        Browse and the statistics call it before they read; the app calls it a deck at a
        time when idle after start-up, so that they seldom wait for it."""
        if self._closed:
            raise WriteError(self.store.path, "the collection is closed")
        stored = self.store.text_stamps()
        written = 0
        for deck in self.decks:
            stamp = self._stamps[deck.id]
            if stored.get(deck.id) == (deck.name, stamp):
                continue
            ids = self.cards.ids_of(deck.id)
            assert ids is not None
            rows = [text_row(c, ids[c.note.id, c.ordinal]) for c in deck.cards()]
            self.store.replace_text(deck.id, deck.name, stamp, rows)
            written += 1
            if written == limit:
                break
        return written

    def browse_count(self, query: BrowseQuery) -> int:
        """How many cards Browse shows for ``query`` (after :meth:`refresh_text`)."""
        return self.store.browse_count(query)

    def browse_rows(
        self, query: BrowseQuery, offset: int, limit: int, total: int | None = None
    ) -> list[BrowseRow]:
        """The rows ``offset`` to ``offset + limit`` Browse shows for ``query`` (``total``:
        how many it shows, when known: see :meth:`rapport.store.Store.browse_rows`)."""
        return self.store.browse_rows(query, offset, limit, total)

    def browse_positions(
        self, query: BrowseQuery, keys: Sequence[CardKey], total: int | None = None
    ) -> list[int]:
        """Where the cards ``keys`` are among the rows of ``query`` (those shown), in the
        order of ``keys`` (see :meth:`rapport.store.Store.browse_positions`)."""
        ids = [i for key in keys if (i := self.card_id(key)) is not None]
        found = self.store.browse_positions(query, ids, total)
        return [found[i] for i in ids if i in found]

    def browse_concepts(self) -> list[str]:
        """The concepts of the cards Browse lists, sorted."""
        return self.store.browse_concepts()

    def browse_tags(self) -> list[str]:
        """The tags of the cards Browse lists (deck tags and study's), sorted."""
        return self.store.browse_tags()

    def search_query(
        self, text: str, now: datetime, sort: str = "due", *, descending: bool = False
    ) -> BrowseQuery:
        """The Browse query of an Anki search ``text`` at ``now`` (raises
        :class:`rapport.search.SearchError` naming the position if it does not parse).
        Browse and ``rapport search`` both ask here, so they find the same cards."""
        from rapport.search import parse
        from rapport.store.search import SearchClock

        node = parse(text)
        today, tomorrow = self.today_bounds(now)
        factor, decay = self.scheduler.forgetting_curve()
        clock = SearchClock(to_us(now), to_us(today), to_us(tomorrow), factor, decay)
        return BrowseQuery(node, clock, sort, descending)

    def search(self, text: str, now: datetime) -> list[int]:
        """The ids of the cards ``text`` matches, in Browse's default order."""
        self.refresh_text()
        return self.store.browse_ids(self.search_query(text, now))

    def set_suspended(self, key: CardKey, suspended: bool) -> None:
        """Suspend a card (never shown until unsuspended) or unsuspend it: one operation
        (several cards at once: :func:`rapport.study.ops.set_suspended`)."""
        set_suspended_op(self.ops, self, [key], suspended)

    def studied_today(self, now: datetime) -> tuple[int, timedelta]:
        """Answers given and time spent since the study day began (cheap: for Home)."""
        start, _ = self.today_bounds(require_aware(now))
        times = self.store.review_times(start)
        return len(times), sum((taken for _, taken in times), timedelta(0))

    def stats(self, now: datetime, scope: StatsScope | None = None) -> Stats:
        """Every statistic at ``now`` for ``scope`` (see :mod:`rapport.study.stats`)."""
        return self.stats_reader(now, scope)(self.store)

    def stats_reader(
        self, now: datetime, scope: StatsScope | None = None
    ) -> Callable[[Store], Stats]:
        """What computes the statistics at ``now`` from a store: the store's own, or a
        second connection to its file in another thread (:meth:`Store.reader`), so that
        a window stays responsive. Nothing the returned function does touches this
        collection. Browse's stored text is neither needed nor written: the concepts of
        the decks whose text is not stored (changed since) come from the decks as loaded."""
        from rapport.study.stats import DeckCurve, build_stats

        concepts = self._unstored_concepts()

        now = require_aware(now)
        curves = {}
        for deck in self.decks:
            factor, decay = self.scheduler_for(deck.id).forgetting_curve()
            wanted = self.settings_for(deck.id).desired_retention
            curves[deck.id] = DeckCurve(factor, decay, wanted)
        hour, tz = self._settings.day_start_hour, self.tz

        def compute(store: Store) -> Stats:
            counts = self.deck_counts(now, store)
            return build_stats(store, counts, curves, now, hour, tz, scope, concepts)

        return compute

    def _unstored_concepts(self) -> list[tuple[int, str]]:
        """(card id, concept) of the cards of each deck whose stored text is not of the
        deck as loaded (see :meth:`refresh_text`); empty when all of it is."""
        stored = self.store.text_stamps()
        concepts: list[tuple[int, str]] = []
        for deck in self.decks:
            if stored.get(deck.id) == (deck.name, self._stamps[deck.id]):
                continue
            ids = self.cards.ids_of(deck.id)
            assert ids is not None
            concepts.extend((ids[c.note.id, c.ordinal], c.note.concept) for c in deck.cards())
        return concepts

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


UNDO_PREF = "undo_levels"  # the preference: how many steps Edit > Undo keeps


def _undo_levels(value: str | None) -> int:
    try:
        return max(1, int(value)) if value else UNDO_LEVELS
    except ValueError:
        return UNDO_LEVELS
