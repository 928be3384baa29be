"""Decks built in code, fixed times, and the one ``open_collection`` of the tests.

``open_collection`` opens in UTC with fuzz off unless told otherwise (``settings=None``
keeps the stored settings, ``tz=None`` uses the system's time zone, as the app does).
The ``data_dir`` and ``open_col`` fixtures are re-exported by the conftest files that use them.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable, Iterator, Sequence
from dataclasses import replace
from datetime import UTC, datetime, timedelta, tzinfo
from pathlib import Path
from typing import Any

import pytest

from rapport.content import BasicNote, ClozeNote, Deck, Essay, Note, ReversedNote, Source
from rapport.study import Collection, Settings

REPO_ROOT = Path(__file__).resolve().parents[2]
"""The checkout: child processes run here so that ``import tests.support`` works."""

# Noon UTC on a Monday; with tz=UTC the study day runs from 04:00 to 04:00 UTC.
T0 = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)
ESSAY = Essay(Path("essay.txt"), ("The alliance has goals, tasks and a bond.",))
SOURCE = Source(1, "The alliance")
SECOND = timedelta(seconds=1)


def basic(note_id: str, front: str | None = None, *, concept: str = "alliance") -> BasicNote:
    return BasicNote(
        id=note_id,
        concept=concept,
        tags=(),
        source=SOURCE,
        extension=False,
        html=False,
        extra="",
        front=front or f"Question {note_id}?",
        back=f"Answer {note_id}.",
    )


def reversed_note(note_id: str, *, concept: str = "alliance") -> ReversedNote:
    return ReversedNote(
        id=note_id,
        concept=concept,
        tags=(),
        source=SOURCE,
        extension=False,
        html=False,
        extra="",
        front=f"Term {note_id}",
        back=f"Definition {note_id}",
    )


def cloze(note_id: str, text: str, *, concept: str = "alliance") -> ClozeNote:
    return ClozeNote(
        id=note_id,
        concept=concept,
        tags=(),
        source=SOURCE,
        extension=False,
        html=False,
        extra="",
        text=text,
    )


def make_deck(deck_id: str, notes: Sequence[Note], name: str | None = None) -> Deck:
    return Deck(
        id=deck_id,
        name=name or f"Deck {deck_id}",
        description="",
        path=Path(f"{deck_id}.toml"),
        sources=(ESSAY,),
        summaries={},
        notes=tuple(notes),
    )


def basic_deck(deck_id: str, count: int, *, concept: str = "alliance") -> Deck:
    return make_deck(deck_id, [basic(f"n{i}", concept=concept) for i in range(count)])


TEST_SETTINGS = Settings(fuzz=False)


def open_collection(
    data_dir: Path,
    decks: Sequence[Deck],
    now: datetime = T0,
    *,
    settings: Settings | None = TEST_SETTINGS,
    tz: tzinfo | None = UTC,
    lock: bool = True,
) -> Collection:
    """Open a collection in ``tz`` with ``settings`` (no fuzz unless asked; ``None``: as stored)."""
    collection = Collection.open(data_dir, decks, now, tz=tz, lock=lock)
    if settings is not None and not collection.read_only and collection.settings != settings:
        collection.save_settings(settings)
        collection.ops.clear()  # (the test's setup is no step the trainee could undo)
    return collection


def open_as_app(data_dir: Path, decks: Sequence[Deck], now: datetime) -> Collection:
    """Open a collection as the app opens it: the system's time zone and the stored
    settings."""
    return open_collection(data_dir, decks, now, settings=None, tz=None)


def with_settings(**changes: object) -> Settings:
    return replace(TEST_SETTINGS, **changes)  # type: ignore[arg-type]


OpenCollection = Callable[..., Collection]


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    return tmp_path / "data"


@pytest.fixture
def open_col(data_dir: Path) -> Iterator[OpenCollection]:
    """Open collections on ``data_dir``; each is closed (lock released) at teardown."""
    opened: list[Collection] = []

    def opener(decks: Sequence[Deck], now: datetime = T0, **kwargs: Any) -> Collection:
        collection = open_collection(data_dir, decks, now, **kwargs)
        opened.append(collection)
        return collection

    yield opener
    for collection in opened:
        with contextlib.suppress(Exception):
            collection.close(T0)


def expanded(backup: Path) -> Path:
    """The database a backup holds, expanded into a temporary file (deleted at exit)."""
    import atexit
    import tempfile

    from rapport.store.backups import expand_backup

    fd, name = tempfile.mkstemp(suffix=".sqlite3")
    os.close(fd)
    target = Path(name)
    atexit.register(target.unlink, missing_ok=True)
    expand_backup(backup, target)
    return target
