"""Write decks to an Anki package (``.apkg``) that Anki imports, renders and updates cleanly.

The package is built with genanki (see :mod:`rapport.interop.anki.models` for the note types and
:mod:`rapport.interop.anki.identity` for the ids Anki keys on). It is written to a hidden
temporary file in the destination folder and renamed over the destination only once it is
complete (:func:`os.replace`, atomic on one file system), so a failure part-way (an
unwritable folder, a full disk, a note genanki refuses) leaves no partial file behind and
never damages an earlier export of the same name.

The collection inside the package is built in memory rather than in a temporary SQLite
file, which is both faster and leaves nothing behind in the system's temporary folder.
"""

from __future__ import annotations

import errno
import itertools
import os
import secrets
import sqlite3
import zipfile
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import IO

import genanki

from rapport.content.notes.html import escape_text
from rapport.content.notes.model import CardKey, Deck
from rapport.errors import RapportError
from rapport.interop.anki.identity import anki_deck_id, anki_deck_name
from rapport.interop.anki.models import StylesheetError, load_stylesheet, note_types
from rapport.interop.anki.plan import Change, ExportPlan, PlannedNote, plan_export
from rapport.interop.anki.progress import CardProgress, StudyProgress, write_progress
from rapport.interop.anki.record import ExportRecord
from rapport.litter import lock_fd, part_name, remove_stale_parts
from rapport.store import CardState

Progress = Callable[[int, int], None]
"""Called as ``progress(done, total)`` with the number of notes written so far."""

PACKAGE_SUFFIX = ".apkg"
# Progress is reported about this many times per export (plus at the start and the end),
# so a UI progress bar stays smooth without a callback per note on a 50,000-note export.
PROGRESS_STEPS = 200


class ExportError(RapportError):
    """An export that did not happen; the message names the file and what is wrong."""

    def __init__(self, path: Path, reason: str) -> None:
        self.path = path
        self.reason = reason
        super().__init__(f"Could not export to {path}: {reason}")


@dataclass(frozen=True, slots=True)
class ExportResult:
    """What an export wrote."""

    path: Path
    decks: int
    notes: int
    cards: int
    plan: ExportPlan | None = None  # what each note will do in Anki
    record: ExportRecord | None = None  # the earlier record with this export merged in

    @property
    def withdrawn(self) -> int:
        """Withdrawn notes written besides :attr:`notes` (see :mod:`rapport.interop.anki.plan`)."""
        return 0 if self.plan is None else len(self.plan.of(Change.WITHDRAWN))


class _Ticker:
    """Counts written notes and reports progress every ``stride`` notes."""

    def __init__(self, total: int, progress: Progress | None) -> None:
        self.total = total
        self.done = 0
        self.progress = progress
        self.stride = max(1, total // PROGRESS_STEPS)

    def start(self) -> None:
        if self.progress is not None:
            self.progress(0, self.total)

    def step(self) -> None:
        self.done += 1
        if self.progress is not None and (self.done % self.stride == 0 or self.done == self.total):
            self.progress(self.done, self.total)


def check_target(path: Path, decks: Sequence[Deck], suffixes: Sequence[str], what: str) -> None:
    """Refuse (:class:`ExportError`) to write an export to ``path`` when its name does not
    end in one of ``suffixes`` (so no deck file, database or other file is taken for an
    earlier export) or when it is the file of one of the ``decks`` exported."""
    if path.suffix.lower() not in suffixes:
        raise ExportError(path, f"{what}'s name must end in {' or '.join(suffixes)}.")
    if path.is_dir():
        raise ExportError(path, f"that is a folder; name a file ending in {suffixes[0]}.")
    for deck in decks:
        if _same_file(deck.path, path):
            raise ExportError(path, "that is one of the deck files being exported.")


def _same_file(a: Path, b: Path) -> bool:
    try:
        return a.resolve() == b.resolve() or (b.exists() and a.samefile(b))
    except OSError:
        return False


def _check_decks(decks: Sequence[Deck], path: Path) -> None:
    if not decks:
        raise ExportError(path, "there are no decks to export.")
    slugs: dict[str, Deck] = {}
    ids: dict[int, Deck] = {}
    for deck in decks:
        if deck.id in slugs:
            raise ExportError(
                path, f"two decks have the id '{deck.id}' ({slugs[deck.id].path} and {deck.path})."
            )
        slugs[deck.id] = deck
        anki_id = anki_deck_id(deck.id)
        if anki_id in ids:
            # A one-in-a-billion hash collision; renaming a deck's id before release fixes it.
            raise ExportError(
                path,
                f"decks '{ids[anki_id].id}' and '{deck.id}' map to the same Anki deck id; "
                "change one deck's id.",
            )
        ids[anki_id] = deck


def write_collection(
    cursor: sqlite3.Cursor,
    decks: Sequence[Deck],
    css: str,
    timestamp: float,
    ticker: _Ticker,
    path: Path,
    plan: ExportPlan | None = None,
    study: StudyProgress | None = None,
) -> int:
    """Write ``decks`` into an empty ``collection.anki2`` database; return the card count.

    ``plan`` (default: everything new, modified at ``timestamp``) says what to write for
    each note, withdrawn ones included. Notes are written one at a time rather than
    collected into a ``genanki.Package`` first: memory stays flat and the garbage
    collector has little to scan, which keeps the cost per note constant on large decks.
    """
    if plan is None:
        plan = plan_export(decks, ExportRecord(), datetime.fromtimestamp(timestamp, UTC))
    models = note_types(css)
    anki_decks = {}
    for deck in decks:
        # Anki keeps a deck's name as plain text (and escapes it itself), but shows its
        # description as HTML: a deck's description is plain text, so it is escaped.
        anki_deck = genanki.Deck(
            anki_deck_id(deck.id), anki_deck_name(deck.name), escape_text(deck.description)
        )
        anki_decks[deck.id] = anki_deck
    for kind_of in sorted({(p.deck_slug, p.kind) for p in plan.notes}):
        anki_decks[kind_of[0]].add_model(models[kind_of[1]])
    ids = _id_sequence(timestamp)
    # Writes the schema, the decks and the note types; the decks hold no notes yet.
    genanki.Package(list(anki_decks.values())).write_to_db(cursor, timestamp, ids)

    cards = 0
    studied: list[tuple[int, CardProgress]] = []
    for planned in plan.notes:
        anki_deck = anki_decks[planned.deck_slug]
        try:
            anki_note = genanki.Note(
                model=models[planned.kind],
                fields=list(planned.fields),
                tags=list(planned.tags),
                guid=planned.guid,
            )
            anki_note.write_to_db(cursor, planned.mod, anki_deck.deck_id, ids)
        except ValueError as exc:  # genanki validates fields and tags as it writes
            what = f"note '{planned.note.id}'" if planned.note else f"withdrawn {planned.label}"
            raise ExportError(path, f"deck '{planned.deck_slug}', {what}: {exc}") from exc
        if planned.note is not None:  # withdrawn notes' cards are not counted as exported
            cards += len(anki_note.cards)
            ticker.step()
            if study is not None:
                studied.extend(_card_progress(cursor, planned, study))
    if study is not None:
        write_progress(cursor, studied, study, datetime.fromtimestamp(timestamp, UTC))
    return cards


def _card_progress(
    cursor: sqlite3.Cursor, planned: PlannedNote, study: StudyProgress
) -> list[tuple[int, CardProgress]]:
    """The Anki card ids of the note just written, with each card's Rapport progress."""
    assert planned.note is not None
    rows = cursor.execute(
        "SELECT id, ord FROM cards WHERE nid = (SELECT max(id) FROM notes) ORDER BY ord"
    ).fetchall()
    out = []
    for card_id, ordinal in rows:
        found = study.cards.get(CardKey(planned.deck_slug, planned.note.id, ordinal))
        out.append((int(card_id), found or CardProgress(CardState(), False, ())))
    return out


def _id_sequence(timestamp: float) -> Iterator[int]:
    # Note and card ids count up from the export time in milliseconds, as in genanki.
    return itertools.count(int(timestamp * 1000))


def _collection_bytes(write: Callable[[sqlite3.Cursor], int]) -> tuple[bytes, int]:
    """Run ``write`` on an in-memory database; return the database file and its result."""
    conn = sqlite3.connect(":memory:")
    try:
        result = write(conn.cursor())
        conn.commit()
        return conn.serialize(), result
    finally:
        conn.close()


def _write_zip(out: IO[bytes], collection: bytes) -> None:
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=1) as apkg:
        apkg.writestr("collection.anki2", collection)
        apkg.writestr("media", "{}")  # no media files


def _reason(exc: OSError, folder: Path) -> str:
    """What an OS error means for the trainee, in words."""
    if exc.errno in (errno.EACCES, errno.EPERM):
        return f"you do not have permission to write in the folder {folder}."
    if exc.errno == errno.EROFS:
        return f"the folder {folder} is on a read-only disk."
    if exc.errno in (errno.ENOSPC, errno.EDQUOT):
        return "the disk is full. Free some space or choose another folder."
    if exc.errno == errno.ENOENT:
        return f"the folder {folder} does not exist."
    if exc.errno == errno.EISDIR:
        return "a folder of that name is in the way."
    return f"{exc.strerror or exc}."


def write_atomically(path: Path, write: Callable[[IO[bytes]], None]) -> None:
    """Call ``write`` on a temporary file beside ``path``, then rename it to ``path``.

    On any failure the temporary file is removed and ``path`` is left as it was; OS errors
    become an :class:`ExportError` that says what went wrong.
    """
    folder = path.parent
    if not folder.is_dir():
        raise ExportError(path, f"the folder {folder} does not exist.")
    remove_stale_parts(path)  # what a killed write of this file left beside it
    temporary = part_name(path, secrets.token_hex(4))
    try:
        # O_EXCL: never reuse someone else's file; 0o666 lets the umask decide permissions.
        fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
    except OSError as exc:
        raise ExportError(path, _reason(exc, folder)) from exc
    try:
        lock_fd(fd)  # held while it is written: the next write's clean-up spares it
    except OSError:
        pass  # (a file system without locks: the part is merely not spared)
    try:
        with os.fdopen(fd, "wb") as out:
            write(out)
            out.flush()
            os.fsync(out.fileno())
        os.replace(temporary, path)
    except BaseException as exc:
        temporary.unlink(missing_ok=True)
        if isinstance(exc, OSError):
            raise ExportError(path, _reason(exc, folder)) from exc
        raise


def export_decks(
    decks: Sequence[Deck],
    path: Path,
    progress: Progress | None = None,
    *,
    now: datetime | None = None,
    stylesheet: str | None = None,
    previous: ExportRecord | None = None,
    study: StudyProgress | None = None,
) -> ExportResult:
    """Write ``decks`` to the Anki package ``path`` and return what was written.

    ``progress(done, total)`` is called with the count of notes written, from ``(0, total)``
    to ``(total, total)``. ``now`` (default: the current time) becomes the notes'
    modification time: Anki updates a note it already has only if the incoming one is
    newer. ``stylesheet`` overrides the shipped ``resources/anki.css``.

    ``previous`` is the record of earlier exports (:mod:`rapport.interop.anki.record`): with
    it, unchanged notes keep their earlier modification time (so Anki skips them) and
    notes Anki has that this export no longer holds are written as withdrawn. The
    result's ``record`` is ``previous`` with this export merged in, for the caller to
    save (:func:`rapport.interop.anki.record.save_record`).

    ``study`` (:func:`rapport.interop.anki.progress.study_progress`) adds the trainee's progress:
    card states, FSRS memory states and the review log (see :mod:`rapport.interop.anki.progress`).

    Raises :class:`ExportError` (nothing written, any earlier file of that name intact).
    """
    path = Path(path)
    check_target(path, decks, (PACKAGE_SUFFIX,), "an Anki package")
    _check_decks(decks, path)
    try:
        css = stylesheet if stylesheet is not None else load_stylesheet()
    except StylesheetError as exc:
        raise ExportError(path, str(exc)) from exc
    total = sum(len(deck.notes) for deck in decks)
    ticker = _Ticker(total, progress)
    when = now or datetime.now(UTC)
    timestamp = when.timestamp()
    plan = plan_export(decks, previous or ExportRecord(), when)
    cards = 0

    def write(out: IO[bytes]) -> None:
        nonlocal cards
        ticker.start()
        collection, cards = _collection_bytes(
            lambda cursor: write_collection(
                cursor, decks, css, timestamp, ticker, path, plan, study
            )
        )
        _write_zip(out, collection)

    write_atomically(path, write)
    deck_ids = {deck.id: anki_deck_id(deck.id) for deck in decks}
    record = (previous or ExportRecord()).merged(
        planned.exported(deck_ids[planned.deck_slug]) for planned in plan.notes
    )
    return ExportResult(
        path=path, decks=len(decks), notes=total, cards=cards, plan=plan, record=record
    )
