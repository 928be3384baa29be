"""Operations: every change to the collection is one transaction and one undo step.

As Anki's ``CollectionOp`` -> ``OpChanges``: an operation runs its writes in one
:meth:`Store.transaction` (one commit, all or nothing), records one named undo step
holding the *before-image* of what it may change (rows, see :mod:`rapport.store.images`;
never a closure over live objects), and returns a frozen :class:`Changes` value that
every subscriber (a view, a study session) reacts to. There is one undo stack for the
whole app, :attr:`Collection.ops <rapport.study.Collection.ops>`, across views and study
sessions; its depth is the preference ``undo_levels``.

The API, kept small:

- ``ops.perform(name, scope, write, *, now=None, card=None, hides=False, detail=None)``
  reads the image of ``scope`` (a :class:`~rapport.store.Scope`: card ids, notes,
  settings), calls ``write()`` inside one transaction, pushes the step and tells the
  subscribers; returns the :class:`Changes`. ``card`` is the card on screen when the
  step was taken (``hides``: the step took it out of the queue, so undo shows it
  again); ``detail`` is a plain value the step's owner recognises on undo and redo.
- ``ops.record(name, *, card=None, hides=False, detail=None)``: a step that changes no
  stored row (a preview grade); only its owner reacts to its undo.
- ``ops.undo()`` / ``ops.redo()``: take the last step back / again; ``undo_name`` and
  ``redo_name`` name them for Edit > Undo and Edit > Redo. Both return the
  :class:`Changes` (``kind`` "undo" or "redo") or ``None``.
- ``ops.subscribe(callback)``: ``callback(changes)`` after every step, undo and redo
  (a bound method is held weakly, so a session that is dropped stops listening).

Undo and redo are the same move: read the image of the step's scope now, write the kept
image back, keep the one just read for the other direction.

Deck-file operations (note add, edit and delete, a local change to a shipped note, deck
create, rename and delete, a spreadsheet or Anki import) keep a :class:`FileImage`: the
bytes of every file in the trainee's deck folders and of their local changes, taken by
``ops.capture_files()`` before the change. ``perform(..., files=image)`` (or
``ops.push_files(name, image)`` once a dialog has written) records it; undo puts the
files back as they were (only those that differ), inside the transaction of the step's
database part, and the :class:`Changes` say ``files`` so that the window reads the decks
again.

The reviewer's operations are in :mod:`rapport.study.actions` (bury, suspend, flag,
mark); Browse's bulk actions are here (:func:`set_suspended`); the answer is
``ReviewSession.answer``, with its leech consequence here (:func:`is_leech_lapse`,
:func:`mark_leech`: a card answered Again in review for the ``leech_threshold``-th time,
Anki's 8, and every half threshold after, is tagged ``leech`` and suspended, in the
answer's own step; undoing that answer undoes both); presets and settings are the
``Collection``'s own methods; the Anki import (:mod:`rapport.interop.anki.importer`) is one
step for all its reviews; a backup restored in place (:mod:`rapport.study.restoring`) is
one step over every progress row (``Scope(everything=True)``; its :class:`Changes` say
``everything``, and the collection reads its settings, card ids and day's counts again).
Any other change joins by calling :meth:`Operations.perform`; called inside another
operation's ``write`` it joins that operation's transaction and step.
"""

from __future__ import annotations

import inspect
import weakref
from collections.abc import Callable, Iterable, Sequence
from datetime import datetime
from pathlib import Path
from typing import Any, NamedTuple, Protocol

from rapport.content import Card
from rapport.content.notes.model import CardKey
from rapport.litter import WriteRefused, write_whole
from rapport.paths import own_decks_dir, user_decks_dir
from rapport.store import Image, Scope, Store
from rapport.store.images import changed_decks
from rapport.study.ledger import DayLedger

UNDO_LEVELS = 30  # default depth of the undo stack (preference ``undo_levels``)


class OpsHost(Protocol):
    """What operations need from their collection (:class:`~rapport.study.Collection`)."""

    @property
    def store(self) -> Store: ...

    @property
    def ledger(self) -> DayLedger: ...

    @property
    def data_dir(self) -> Path: ...

    def check_writable(self) -> None: ...

    def mark_changed(self, deck_id: str | None = None) -> None: ...

    def after_write(self, now: datetime, deck_id: str | None = None) -> None: ...

    def reload_settings(self) -> None: ...

    def reread_cards(self) -> None: ...

    def card_id(self, key: CardKey) -> int | None: ...

    def require_id(self, card: Card) -> int: ...

    def today_bounds(self, now: datetime) -> tuple[datetime, datetime]: ...


# A named tuple: see "Start-up budget" in tests/benchmarks/README.md.
class Changes(NamedTuple):
    """What one step, its undo or its redo changed; subscribers react to it."""

    name: str  # the step's name ("Good", "Suspend card", "Import Anki package")
    serial: int  # the step's number (a session recognises its own steps by it)
    kind: str  # "do", "undo" or "redo"
    card_ids: frozenset[int]
    notes: frozenset[tuple[str, str]]  # (deck id, note id) whose study tags may have changed
    decks: frozenset[str]  # decks with a card that may have changed
    settings: bool  # the settings or deck options presets
    card: Card | None = None  # the card on screen when the step was taken
    hides: bool = False  # the step took ``card`` out of the queue (undo shows it again)
    detail: Any = None  # a plain value the step's owner keeps with it
    files: bool = False  # the trainee's deck files (read the decks again)
    everything: bool = False  # every progress row (a backup restored): read all again


LOCAL_CHANGES = "local-changes.json"  # (rapport.content.editing.local.FILE_NAME)


class FileImage(NamedTuple):
    """The trainee's deck files at one moment: every file of their deck folders (added
    and own) and their local changes, with its bytes."""

    folders: tuple[Path, ...]
    files: tuple[tuple[Path, bytes], ...]


def capture_files(data_dir: Path) -> FileImage:
    """The :class:`FileImage` of ``data_dir`` now."""
    folders = (user_decks_dir(data_dir), own_decks_dir(data_dir))
    files: list[tuple[Path, bytes]] = []
    for folder in folders:
        if folder.is_dir():
            for path in sorted(folder.iterdir()):
                if path.is_file() and not path.name.startswith("."):
                    files.append((path, path.read_bytes()))
    local = data_dir / LOCAL_CHANGES
    if local.is_file():
        files.append((local, local.read_bytes()))
    return FileImage((*folders, local), tuple(files))


def restore_files(data_dir: Path, image: FileImage) -> None:
    """Make the trainee's deck files what ``image`` holds: each file that differs is
    written back (to a temporary file, flushed, renamed over), one that was not there is
    removed."""
    now = dict(capture_files(data_dir).files)
    wanted = dict(image.files)
    for path in now.keys() - wanted.keys():
        try:
            path.unlink(missing_ok=True)
        except OSError as exc:
            raise _refused(f"Cannot remove {path}: {exc.strerror or exc}.") from exc
    for path, data in wanted.items():
        if now.get(path) != data:
            _write_bytes(path, data)


def _refused(text: str) -> Exception:
    from rapport.content.editing.deckfile import DeckWriteError  # (only when a write fails)

    return DeckWriteError(text)


def _write_bytes(path: Path, data: bytes) -> None:
    try:
        write_whole(path, data)
    except WriteRefused as refused:
        raise _refused(str(refused)) from refused.__cause__


class _Step(NamedTuple):
    changes: Changes  # (kind "do")
    image: Image | None  # what undo (or redo) writes back; None: no stored rows
    files: FileImage | None = None  # the deck files undo (or redo) writes back


class Operations:
    """The app-wide undo stack and the one way operations run (see the module doc)."""

    def __init__(self, host: OpsHost, depth: int = UNDO_LEVELS) -> None:
        self._host = host
        self._depth = max(1, depth)
        self._undo: list[_Step] = []
        self._redo: list[_Step] = []
        self._serial = 0
        self._running = False  # an operation's write is running
        self._listeners: list[Callable[[], Callable[[Changes], None] | None]] = []
        self._early = 0  # how many of them are early

    # -- the stack -----------------------------------------------------------------------

    @property
    def depth(self) -> int:
        return self._depth

    @depth.setter
    def depth(self, depth: int) -> None:
        self._depth = max(1, depth)
        del self._undo[: -self._depth]
        del self._redo[: -self._depth]

    @property
    def undo_name(self) -> str | None:
        """What :meth:`undo` would take back ("Good", "Suspend card"), or ``None``."""
        return self._undo[-1].changes.name if self._undo else None

    @property
    def redo_name(self) -> str | None:
        return self._redo[-1].changes.name if self._redo else None

    @property
    def can_undo(self) -> bool:
        return bool(self._undo)

    @property
    def can_redo(self) -> bool:
        return bool(self._redo)

    def clear(self) -> None:
        """Forget every step (the database was replaced, e.g. by a restore)."""
        self._undo.clear()
        self._redo.clear()

    def subscribe(self, callback: Callable[[Changes], None], *, early: bool = False) -> None:
        """Call ``callback(changes)`` after every step, undo and redo; ``early``
        callbacks (the study sessions, whose queues the views then read) first."""
        ref: Callable[[], Callable[[Changes], None] | None]
        if inspect.ismethod(callback):
            ref = weakref.WeakMethod(callback)
        else:
            ref = lambda: callback  # noqa: E731
        if early:
            self._listeners.insert(self._early, ref)
            self._early += 1
        else:
            self._listeners.append(ref)

    def unsubscribe(self, callback: Callable[[Changes], None]) -> None:
        self._prune(lambda found: found is None or found == callback)

    # -- running -------------------------------------------------------------------------

    def perform(
        self,
        name: str,
        scope: Scope,
        write: Callable[[], object],
        *,
        now: datetime | None = None,
        card: Card | None = None,
        hides: bool = False,
        detail: Any = None,
        files: FileImage | None = None,
    ) -> Changes:
        """Run ``write()`` as one transaction and one undo step named ``name``; see the
        module doc. ``files``: the trainee's deck files as they were before (see
        :meth:`capture_files`), which the step keeps too. Raises what ``write`` raises (a
        :class:`WriteError` for a failed write); then nothing changed in the database and
        no step was recorded."""
        host = self._host
        host.check_writable()
        store = host.store
        if self._running:
            # Inside another operation: part of its transaction and its step.
            write()
            return Changes(name, 0, "do", frozenset(), frozenset(), frozenset(), False)
        self._running = True
        try:
            with store.transaction():
                before = store.image(scope)
                write()
                # (a settings dialog closed with nothing changed is no step)
                unchanged = (
                    not scope.card_ids and not scope.everything and store.image(scope) == before
                )
        except BaseException:
            if scope.settings:
                host.reload_settings()
            raise
        finally:
            self._running = False
        if files is not None and capture_files(host.data_dir).files != files.files:
            unchanged = False
        else:
            files = None
        if unchanged:
            return Changes(name, 0, "do", frozenset(), frozenset(), frozenset(), False)
        decks = changed_decks(before) | {deck_id for deck_id, _ in scope.notes}
        if card is not None:
            decks.add(card.deck_id)
        changes = self._push(name, scope, frozenset(decks), card, hides, detail, before, files)
        self._after(changes, now)
        return changes

    def capture_files(self) -> FileImage:
        """The trainee's deck files now: what a deck-file step keeps (see the module doc)."""
        return capture_files(self._host.data_dir)

    def push_files(self, name: str, before: FileImage) -> Changes | None:
        """Record the deck files' change since ``before`` (written by a dialog) as one
        step named ``name``; ``None`` (no step) if nothing changed."""
        if capture_files(self._host.data_dir).files == before.files:
            return None
        changes = self._push(name, Scope(), frozenset(), None, False, None, None, before)
        self._after(changes, None)
        return changes

    def record(
        self, name: str, *, card: Card | None = None, hides: bool = False, detail: Any = None
    ) -> Changes:
        """A step that changes no stored row (see the module doc)."""
        changes = self._push(name, Scope(), frozenset(), card, hides, detail, None, None)
        self._notify(changes)
        return changes

    def undo(self) -> Changes | None:
        """Take the last step back; ``None`` if there is none. Raises
        :class:`WriteError` if it cannot be saved; then the step stays."""
        return self._move(self._undo, self._redo, "undo")

    def redo(self) -> Changes | None:
        """Do the last undone step again; ``None`` if there is none."""
        return self._move(self._redo, self._undo, "redo")

    def _push(
        self,
        name: str,
        scope: Scope,
        decks: frozenset[str],
        card: Card | None,
        hides: bool,
        detail: Any,
        image: Image | None,
        files: FileImage | None,
    ) -> Changes:
        self._serial += 1
        changes = Changes(
            name,
            self._serial,
            "do",
            frozenset(scope.card_ids),
            frozenset(scope.notes),
            decks,
            scope.settings,
            card,
            hides,
            detail,
            files is not None,
            scope.everything,
        )
        self._undo.append(_Step(changes, image, files))
        del self._undo[: -self._depth]
        self._redo.clear()
        return changes

    def _move(self, source: list[_Step], target: list[_Step], kind: str) -> Changes | None:
        if not source:
            return None
        step = source[-1]
        image, files = step.image, step.files
        host = self._host
        if image is not None or files is not None:
            host.check_writable()
            store = host.store
            with store.transaction():
                if image is not None:
                    now_image = store.image(image.scope)
                    store.restore_image(image)
                    image = now_image
                if files is not None:  # (last: a refused file write rolls the rows back)
                    now_files = capture_files(host.data_dir)
                    restore_files(host.data_dir, files)
                    files = now_files
        source.pop()
        target.append(step._replace(image=image, files=files))
        del target[: -self._depth]
        changes = step.changes._replace(kind=kind)
        self._after(changes, None)
        return changes

    def _after(self, changes: Changes, now: datetime | None) -> None:
        host = self._host
        if changes.everything:  # (a restore: the card ids, settings and counts may differ)
            host.reload_settings()
            host.reread_cards()
            host.ledger.recount()
            if now is not None:
                host.after_write(now)
            else:
                host.mark_changed()
        if changes.settings:
            if changes.kind != "do":  # (the operation itself keeps its values in step)
                host.reload_settings()
            host.mark_changed()
        if changes.kind != "do" and changes.card_ids:
            host.ledger.recount()
        for deck_id in sorted(changes.decks):
            if now is not None:
                host.after_write(now, deck_id)
            else:
                host.mark_changed(deck_id)
        self._notify(changes)

    def _notify(self, changes: Changes) -> None:
        for ref in list(self._listeners):
            callback = ref()
            if callback is not None:
                callback(changes)
        self._prune(lambda found: found is None)

    def _prune(self, drop: Callable[[Callable[[Changes], None] | None], bool]) -> None:
        kept = [(i, ref) for i, ref in enumerate(self._listeners) if not drop(ref())]
        self._early = sum(i < self._early for i, _ in kept)
        self._listeners = [ref for _, ref in kept]


# -- the answer's leech consequence ----------------------------------------------------

LEECH = "leech"


def is_leech_lapse(lapses: int, threshold: int) -> bool:
    """Whether a card with ``lapses`` lapses has just become (or again proved) a leech:
    at the threshold and every half threshold after, as Anki does."""
    if threshold <= 0 or lapses < threshold:
        return False
    return (lapses - threshold) % max(1, threshold // 2) == 0


def mark_leech(store: Store, card: Card, card_id: int, *, suspend: bool = True) -> None:
    """Tag the card's note ``leech`` and (deck options' leech action) suspend the card
    (inside the answer's step)."""
    store.set_note_tag(card.deck_id, card.note.id, LEECH, True)
    if suspend:
        store.suspend([card_id])


# -- Browse's bulk actions ------------------------------------------------------------


def set_suspended(
    ops: Operations, host: OpsHost, keys: Sequence[CardKey], suspended: bool
) -> Changes:
    """Suspend (or unsuspend) these cards: Browse's bulk action, one step."""
    ids = []
    for key in keys:
        card_id = host.card_id(key)
        if card_id is None:
            raise ValueError(f"card {key} is not in this collection")
        ids.append(card_id)
    name = f"{'Suspend' if suspended else 'Unsuspend'} card{'s' * (len(ids) != 1)}"
    store = host.store

    def write() -> None:
        for card_id in ids:
            store.set_suspended(card_id, suspended)

    return ops.perform(name, Scope(tuple(ids)), write)


def scope_of(card_ids: Iterable[int], notes: Iterable[tuple[str, str]] = ()) -> Scope:
    """A :class:`Scope` of these cards and notes (each once)."""
    return Scope(tuple(dict.fromkeys(card_ids)), tuple(dict.fromkeys(notes)))
