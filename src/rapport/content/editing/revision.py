"""What a revision of a deck changes: the notes it adds, rewords and removes.

``rapport add`` and File > Add deck file show this (with the deck's changelog) before a
revision replaces the copy the trainee has. Notes are matched by id, as card history is;
a note whose paragraph number moved because its source text gained a paragraph is not
reworded (its provenance is its anchor).
"""

from __future__ import annotations

from dataclasses import fields
from typing import NamedTuple

from rapport.content.notes.model import Deck, Note


class Reworded(NamedTuple):
    """A note present in both versions whose content differs, and the fields that do."""

    note_id: str
    fields: tuple[str, ...]


class DeckChanges(NamedTuple):
    """The notes a revision adds, rewords and removes, in deck order."""

    old_version: int
    new_version: int
    added: tuple[str, ...]
    reworded: tuple[Reworded, ...]
    removed: tuple[str, ...]

    def __bool__(self) -> bool:
        return bool(self.added or self.reworded or self.removed)

    def lines(self) -> list[str]:
        """The changes in words, one line each (for the terminal and the app alike)."""
        out: list[str] = []
        if self.old_version or self.new_version:
            out.append(f"version {self.old_version or '?'} -> {self.new_version or '?'}")
        if not self:
            out.append("no note is added, reworded or removed")
        for note_id in self.added:
            out.append(f"added: {note_id}")
        for change in self.reworded:
            out.append(f"reworded: {change.note_id} ({', '.join(change.fields)})")
        for note_id in self.removed:
            out.append(f"removed: {note_id} (your progress on it is kept)")
        return out


def changed_fields(old: Note, new: Note) -> tuple[str, ...]:
    """The fields in which two versions of a note differ (``kind`` if the kind changed)."""
    if old.kind is not new.kind:
        return ("kind",)
    names: list[str] = []
    for f in fields(old):
        before, after = getattr(old, f.name), getattr(new, f.name)
        if f.name == "source":  # a moved paragraph is no change; a new anchor is
            before = before and (before.anchor, before.text_id)
            after = after and (after.anchor, after.text_id)
        if before != after:
            names.append(f.name)
    return tuple(names)


def deck_changes(old: Deck, new: Deck) -> DeckChanges:
    """What replacing ``old`` with ``new`` (the same deck id) changes."""
    before = {n.id: n for n in old.notes}
    after_ids = {n.id for n in new.notes}
    added: list[str] = []
    reworded: list[Reworded] = []
    for note in new.notes:
        previous = before.get(note.id)
        if previous is None:
            added.append(note.id)
        elif previous != note:
            changed = changed_fields(previous, note)
            if changed:
                reworded.append(Reworded(note.id, changed))
    removed = tuple(n.id for n in old.notes if n.id not in after_ids)
    return DeckChanges(old.version, new.version, tuple(added), tuple(reworded), removed)
