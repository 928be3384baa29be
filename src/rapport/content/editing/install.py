"""Adding a deck file a course leader handed out to the trainee's own decks.

The file is validated first (a deck with problems is never added) and copied, with the
source texts it brings beside it if any, into the trainee's deck folder under
``<deck id>.toml``. Adding a deck whose id is already there replaces it, which is how a
revision from the course leader arrives (:meth:`AddPlan.changes` says what it changes, for
showing before it is applied); its cards keep their history, since card identity is the
deck and note ids, and its source texts may have changed. A deck may not take the id of
a deck Rapport ships. Every file is written to a temporary name and renamed, so a
failure leaves nothing half-written.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from rapport.content.editing.revision import DeckChanges, deck_changes
from rapport.content.loading.loader import DeckError, load_deck
from rapport.content.notes.model import Deck
from rapport.errors import RapportError
from rapport.litter import LITTER, WriteRefused, remove_in, write_whole


class AddDeckError(RapportError):
    """A deck file that cannot be added, for a reason other than its content."""


@dataclass(frozen=True)
class AddPlan:
    """A checked deck file ready to be added: what it replaces and what that changes.

    :meth:`apply` writes it; nothing is written before.
    """

    source: Path
    deck: Deck
    target: Path
    previous: Deck | None  # the copy it replaces, as loaded from the trainee's folder
    copies: tuple[tuple[bytes, Path], ...]

    @property
    def replaces(self) -> bool:
        return self.target.exists()

    def changes(self) -> DeckChanges | None:
        """What the revision changes (None when it replaces nothing readable)."""
        return deck_changes(self.previous, self.deck) if self.previous is not None else None

    def revision_lines(self) -> list[str]:
        """What adding this changes in the trainee's copy, for showing before it does: the
        changelog entries since that copy, then the notes added, reworded and removed
        (nothing when it replaces no copy)."""
        changes = self.changes()
        if changes is None:
            return []
        since = self.previous.version if self.previous is not None else 0
        lines: list[str] = []
        for entry in self.deck.changelog:
            if entry.version > since:
                dated = f" ({entry.date})" if entry.date else ""
                lines.append(f"changelog, version {entry.version}{dated}:")
                lines.extend(f"  {line}" for line in entry.text.splitlines())
        return lines + changes.lines()

    def apply(self) -> Deck:
        """Write the deck (and the source texts it brings) and return it from its new place."""
        for data, path in self.copies:
            _write_atomically(path, data)
        return load_deck(self.target)


def plan_add(source: Path, folder: Path, *, existing: Sequence[Deck] = ()) -> AddPlan:
    """Validate ``source`` for adding to ``folder``; see :func:`add_deck`."""
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
    previous: Deck | None = None
    if target.exists():
        try:
            previous = load_deck(target)
        except DeckError:
            previous = None  # a damaged copy is simply replaced
    copies: list[tuple[bytes, Path]] = []
    for text in deck.sources:
        if _resolved(text.path.parent) != _resolved(source.parent):
            continue  # a text Rapport ships: nothing to copy
        data = text.path.read_bytes()
        text_target = folder / text.path.name
        if text_target.exists() and text_target.read_bytes() != data:
            user = _other_user(folder, text.path.name, target)
            if user is not None:
                raise AddDeckError(
                    f"{source}: its source text {text.path.name} differs from the file of "
                    f"that name already in {folder}, which the deck {user.name} uses too. "
                    "Ask for a copy whose source file has another name."
                )
        copies.append((data, text_target))
    copies.append((source.read_bytes(), target))
    return AddPlan(source, deck, target, previous, tuple(copies))


def add_deck(source: Path, folder: Path, *, existing: Sequence[Deck] = ()) -> tuple[Deck, bool]:
    """Validate ``source`` and copy it into ``folder``.

    Returns the deck as loaded from its new place, and whether it replaced an earlier copy.
    Raises :class:`~rapport.content.loading.loader.DeckError` for problems in the file and
    :class:`AddDeckError` when it cannot be added (an id taken by another deck, a source
    text of the same name that another deck uses, a folder that cannot be written). A
    revision may bring a changed source text: the deck's own earlier copy is replaced.
    """
    plan = plan_add(source, folder, existing=existing)
    replaced = plan.replaces
    return plan.apply(), replaced


def _other_user(folder: Path, name: str, own: Path) -> Path | None:
    """Another deck file in ``folder`` that names the source text ``name`` (None: none)."""
    for deck_file in sorted(folder.glob("*.toml")):
        if deck_file == own:
            continue
        try:
            text = deck_file.read_text(encoding="utf-8", errors="replace")
        except OSError:
            continue
        if f'"{name}"' in text or f"'{name}'" in text:
            return deck_file
    return None


def _resolved(path: Path) -> Path:
    try:
        return path.resolve()
    except OSError:
        return path.absolute()


_PARTIAL_SUFFIX = ".part"


def remove_partial_files(folder: Path) -> list[Path]:
    """Delete what an add killed while writing left in ``folder`` (hidden ``.part`` files,
    as :mod:`rapport.litter` lists them). Returns the deleted paths."""
    return remove_in(folder, dict(LITTER)["decks"])


def _write_atomically(path: Path, data: bytes) -> None:
    # A deck file gets the mode the trainee's umask gives any file they save (0644 under
    # the usual one), as write_whole makes it.
    try:
        write_whole(path, data)
    except WriteRefused as refused:
        raise AddDeckError(str(refused)) from refused.__cause__
