"""Write decks to an Anki package (``.apkg``) that Anki imports, renders and updates cleanly.

The package is built with genanki (see :mod:`rapport.export.models` for the note types and
:mod:`rapport.export.identity` for the ids Anki keys on). It is written to a hidden
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
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any

import genanki

from rapport.content.model import Deck
from rapport.errors import RapportError
from rapport.export.fields import note_fields
from rapport.export.identity import anki_deck_id, anki_deck_name, note_guid, note_tags
from rapport.export.models import load_stylesheet, note_types

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


class _Note(genanki.Note):
    """A genanki note that reports to a :class:`_Ticker` once it is written."""

    def __init__(self, ticker: _Ticker, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._ticker = ticker

    def write_to_db(
        self, cursor: sqlite3.Cursor, timestamp: float, deck_id: int, id_gen: Any
    ) -> None:
        super().write_to_db(cursor, timestamp, deck_id, id_gen)
        self._ticker.step()


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


def build_package(decks: Sequence[Deck], css: str, ticker: _Ticker, path: Path) -> genanki.Package:
    """A genanki package of ``decks``, one Anki deck per deck, styled by ``css``."""
    models = note_types(css)
    anki_decks = []
    for deck in decks:
        anki_deck = genanki.Deck(anki_deck_id(deck.id), anki_deck_name(deck.name), deck.description)
        for note in deck.notes:
            try:
                anki_note = _Note(
                    ticker,
                    model=models[note.kind],
                    fields=note_fields(deck.id, note),
                    tags=note_tags(note),
                    guid=note_guid(deck.id, note.id),
                )
            except ValueError as exc:  # genanki validates tags as it builds a note
                raise ExportError(path, f"deck '{deck.id}', note '{note.id}': {exc}") from exc
            anki_deck.add_note(anki_note)
        anki_decks.append(anki_deck)
    return genanki.Package(anki_decks)


def _collection_bytes(package: genanki.Package, timestamp: float) -> bytes:
    """The package's ``collection.anki2`` SQLite database, built in memory."""
    conn = sqlite3.connect(":memory:")
    try:
        # Note and card ids count up from the export time in milliseconds, as in genanki.
        package.write_to_db(conn.cursor(), timestamp, itertools.count(int(timestamp * 1000)))
        conn.commit()
        return conn.serialize()
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
    temporary = folder / f".{path.name}.{secrets.token_hex(4)}.part"
    try:
        # O_EXCL: never reuse someone else's file; 0o666 lets the umask decide permissions.
        fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
    except OSError as exc:
        raise ExportError(path, _reason(exc, folder)) from exc
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
) -> ExportResult:
    """Write ``decks`` to the Anki package ``path`` and return what was written.

    ``progress(done, total)`` is called with the count of notes written, from ``(0, total)``
    to ``(total, total)``. ``now`` (default: the current time) becomes the notes'
    modification time: Anki updates a note it already has only if the incoming one is
    newer. ``stylesheet`` overrides the shipped ``resources/anki.css``.

    Raises :class:`ExportError` (nothing written, any earlier file of that name intact).
    """
    path = Path(path)
    if path.suffix.lower() != PACKAGE_SUFFIX:
        raise ExportError(path, f"an Anki package's name must end in {PACKAGE_SUFFIX}.")
    if path.is_dir():
        raise ExportError(path, "that is a folder; name a file ending in .apkg.")
    _check_decks(decks, path)
    css = stylesheet if stylesheet is not None else load_stylesheet()
    total = sum(len(deck.notes) for deck in decks)
    ticker = _Ticker(total, progress)
    package = build_package(decks, css, ticker, path)
    timestamp = (now or datetime.now(UTC)).timestamp()

    def write(out: IO[bytes]) -> None:
        ticker.start()
        try:
            collection = _collection_bytes(package, timestamp)
        except (ValueError, TypeError) as exc:
            # genanki refused a note (it validates fields and tags as it writes).
            raise ExportError(path, f"a note could not be written: {exc}") from exc
        _write_zip(out, collection)

    write_atomically(path, write)
    cards = sum(len(deck.cards()) for deck in decks)
    return ExportResult(path=path, decks=len(decks), notes=total, cards=cards)
