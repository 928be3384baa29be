"""Adding a deck file a course leader handed out to the trainee's own decks.

The file is validated first (a deck with problems is never added) and copied, with the
essay it brings beside it if any, into the trainee's deck folder under ``<deck id>.toml``.
Adding a deck whose id is already there replaces it, which is how an updated version
from the course leader arrives; its cards keep their history, since card identity is the
deck and note ids. A deck may not take the id of a deck Rapport ships. Every file is
written to a temporary name and renamed, so a failure leaves nothing half-written.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Sequence
from pathlib import Path

from rapport.content.loader import load_deck
from rapport.content.model import Deck
from rapport.errors import RapportError


class AddDeckError(RapportError):
    """A deck file that cannot be added, for a reason other than its content."""


def add_deck(source: Path, folder: Path, *, existing: Sequence[Deck] = ()) -> tuple[Deck, bool]:
    """Validate ``source`` and copy it into ``folder``.

    Returns the deck as loaded from its new place, and whether it replaced an earlier copy.
    Raises :class:`~rapport.content.loader.DeckError` for problems in the file and
    :class:`AddDeckError` when it cannot be added (an id taken by another deck, a clashing
    essay file, a folder that cannot be written).
    """
    source = Path(source)
    deck = load_deck(source)
    folder_key = _resolved(folder)
    for other in existing:
        if other.id == deck.id and _resolved(other.path.parent) != folder_key:
            raise AddDeckError(
                f"{source}: its deck id '{deck.id}' is already the id of '{other.name}' "
                f"({other.path}). Ask for a copy with another id."
            )
    target = folder / f"{deck.id}.toml"
    replaced = target.exists()
    essay = deck.essay.path
    copies: list[tuple[bytes, Path]] = []
    if _resolved(essay.parent) == _resolved(source.parent):
        data = essay.read_bytes()
        essay_target = folder / essay.name
        if essay_target.exists() and essay_target.read_bytes() != data:
            raise AddDeckError(
                f"{source}: its essay {essay.name} differs from the file of that name "
                f"already in {folder}, which another deck uses."
            )
        copies.append((data, essay_target))
    copies.append((source.read_bytes(), target))
    for data, path in copies:
        _write_atomically(path, data)
    return load_deck(target), replaced


def _resolved(path: Path) -> Path:
    try:
        return path.resolve()
    except OSError:
        return path.absolute()


def _write_atomically(path: Path, data: bytes) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=path.parent)
    except OSError as exc:
        raise AddDeckError(f"Cannot write into {path.parent}: {exc.strerror or exc}.") from exc
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except OSError as exc:
        Path(tmp).unlink(missing_ok=True)
        raise AddDeckError(f"Cannot write {path}: {exc.strerror or exc}.") from exc
