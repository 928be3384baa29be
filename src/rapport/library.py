"""The library: the trainee's decks as the window shows them, assembled in one place.

The decks come from the shipped folder (or the folders given), the decks the trainee
added (``data_dir/decks``) and their own (``data_dir/my-decks``); the trainee's local
changes (:mod:`rapport.content.editing.local`) are laid over the notes of decks that are not
theirs to rewrite. Each deck's options preset lives with its progress, in the collection
(:meth:`Collection.settings_for <rapport.study.Collection.settings_for>`), which
:func:`open_collection` opens over exactly these decks.

The window (:mod:`rapport.ui.app`, and its File > Export), ``rapport export``,
``rapport stats`` and ``rapport check`` all read the decks through :func:`load_library`,
so each sees what the window shows: a shipped note the trainee reworded is exported,
counted and checked as reworded everywhere.

Qt-free; nothing here writes.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, tzinfo
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

from rapport.content import discover, load_decks
from rapport.content.loading.cache import load_decks_cached
from rapport.content.loading.loader import DeckError, DeckSet
from rapport.content.notes.model import Deck
from rapport.paths import deck_folders
from rapport.study import Collection

if TYPE_CHECKING:
    from rapport.content.editing.local import Conflict
    from rapport.study import Collection

LOCAL_CHANGES = "local-changes.json"  # (rapport.content.editing.local.FILE_NAME, checked in a test)


# A named tuple: see "Start-up budget" in tests/benchmarks/README.md.
class Library(NamedTuple):
    """The trainee's decks: as their files have them, and as the trainee sees them."""

    data_dir: Path
    folders: tuple[Path, ...]  # where the deck files were looked for
    file_decks: tuple[Deck, ...]  # each deck as its file has it
    decks: tuple[Deck, ...]  # with the trainee's local changes laid over
    errors: tuple[DeckError, ...]  # the deck files with problems
    conflicts: tuple[Conflict, ...]  # local changes a revision also changed

    @property
    def deck_set(self) -> DeckSet:
        """The decks as the trainee sees them, with the files' problems."""
        return DeckSet(self.decks, self.errors)


def load_library(
    data_dir: Path,
    shipped: Sequence[Path] | None = None,
    *,
    cached: bool = True,
    folders: Sequence[Path] | None = None,
) -> Library:
    """The library of ``data_dir``: the decks of ``folders`` (by default the shipped
    folder, or ``shipped``, and the trainee's), read from the deck cache while their
    files are unchanged (``cached``), with the local changes laid over."""
    data_dir = Path(data_dir)
    where = list(folders) if folders is not None else deck_folders(data_dir, shipped)
    if cached:
        loaded = load_decks_cached(where, data_dir)
    else:
        loaded = load_decks(discover(where))
    decks: tuple[Deck, ...] = loaded.decks
    conflicts: list[Conflict] = []
    if (data_dir / LOCAL_CHANGES).exists():  # (read only when there are some)
        from rapport.content.editing.local import LocalChanges

        decks, conflicts = LocalChanges(data_dir).apply(list(loaded.decks))
    return Library(data_dir, tuple(where), loaded.decks, decks, loaded.errors, tuple(conflicts))


def open_collection(
    library: Library,
    now: datetime,
    *,
    lock: bool = True,
    tz: tzinfo | None = None,
    text: bool = False,
) -> Collection:
    """The collection of the library's data folder over its decks (see
    :meth:`Collection.open <rapport.study.Collection.open>`; ``lock=False`` for a
    read-only look while the app may run, ``text`` when that look searches)."""

    return Collection.open(library.data_dir, library.decks, now, lock=lock, tz=tz, text=text)
