"""The trainee's own changes to notes of decks that are not theirs to rewrite.

A shipped deck, or one a course leader handed out, is replaced whole by its next
revision; an edit the trainee makes there is kept apart, in ``local-changes.json`` in the
data folder, as the note's values before the edit (``base``) and after (``local``). Each
time decks load, a change is laid over the deck's current note field by field: fields
the trainee changed take their value, the others follow the revision. When a revision
changed a field the trainee changed too, that field is a :class:`Conflict` -- the
trainee's version stays in use until they choose (:meth:`LocalChanges.resolve`), as
AnkiHub does with protected fields. A change can be dropped at any time.

The file is written to a temporary name and renamed; a damaged file is kept aside and
reported, never silently emptied.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, NamedTuple

from rapport.content.editing.deckfile import note_table
from rapport.content.loading.loader import check_note_table
from rapport.content.notes.model import Deck, Note
from rapport.errors import RapportError
from rapport.litter import WriteRefused, write_whole

log = logging.getLogger(__name__)
FILE_NAME = "local-changes.json"


class LocalChangesError(RapportError):
    """The file of local changes cannot be read or written."""


class Conflict(NamedTuple):
    """A note whose revision changed fields the trainee changed too."""

    deck_id: str
    note_id: str
    fields: tuple[str, ...]
    mine: dict[str, Any]  # the note with the trainee's values in those fields
    theirs: dict[str, Any]  # the note as the revision has it


class _Change(NamedTuple):
    base: dict[str, Any]
    local: dict[str, Any]
    changed_at: str


def _merge(change: _Change, current: dict[str, Any]) -> tuple[dict[str, Any], tuple[str, ...]]:
    """``current`` with the trainee's changed fields laid over it, and the fields where the
    revision changed them too (differently)."""
    base, local = change.base, change.local
    merged = dict(current)
    clashes: list[str] = []
    for key in sorted(set(base) | set(local)):
        if base.get(key) == local.get(key):
            continue  # not changed by the trainee: the revision's value stands
        if current.get(key) != base.get(key) and current.get(key) != local.get(key):
            clashes.append(key)
        if key in local:
            merged[key] = local[key]
        else:
            merged.pop(key, None)
    return merged, tuple(clashes)


def kept_aside_name(path: Path) -> Path:
    """A name beside ``path`` for keeping it aside, damaged: with the time (and a number
    when that is taken), so that a second damaged file never replaces the first."""
    stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M%S")
    aside, number = path.with_name(f"{path.stem}.damaged-{stamp}{path.suffix}"), 2
    while aside.exists():
        aside = path.with_name(f"{path.stem}.damaged-{stamp}-{number}{path.suffix}")
        number += 1
    return aside


def _parsed(data: object) -> dict[tuple[str, str], _Change]:
    """The changes the file's JSON ``data`` holds; ValueError (saying where) for anything
    of another shape than :meth:`LocalChanges._save` writes."""
    if not isinstance(data, dict) or not isinstance(data.get("changes"), list):
        raise ValueError("it holds no list of changes")
    changes: dict[tuple[str, str], _Change] = {}
    for number, item in enumerate(data["changes"], start=1):
        if not isinstance(item, dict):
            raise ValueError(f"change {number} is not a table")
        for key, kind in (("deck", str), ("note", str), ("base", dict), ("local", dict)):
            if not isinstance(item.get(key), kind):
                raise ValueError(f"change {number} has no {key}")
        for key in ("base", "local"):
            if not all(isinstance(k, str) for k in item[key]):
                raise ValueError(f"change {number}: its {key} has a field that is not named")
        changed = item.get("changed", "")
        changes[(item["deck"], item["note"])] = _Change(
            dict(item["base"]), dict(item["local"]), changed if isinstance(changed, str) else ""
        )
    return changes


class LocalChanges:
    """The trainee's changes to notes of decks not theirs (see the module doc)."""

    def __init__(self, data_dir: Path) -> None:
        self.path = Path(data_dir) / FILE_NAME
        self._changes: dict[tuple[str, str], _Change] = {}
        # Why the file was kept aside unread (a damaged or wrong-shaped file), to show.
        self.notice: str | None = None
        if self.path.exists():
            self._read()

    def _read(self) -> None:
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
            self._changes = _parsed(data)
        except (OSError, ValueError) as exc:
            aside = kept_aside_name(self.path)
            log.error("damaged file of local changes %s: %s (kept as %s)", self.path, exc, aside)
            with contextlib.suppress(OSError):
                os.replace(self.path, aside)
            self._changes = {}
            self.notice = (
                f"{self.path} could not be read ({exc}); it was kept as {aside.name} and your "
                "notes show as their decks have them."
            )

    def __contains__(self, key: tuple[str, str]) -> bool:
        return key in self._changes

    def __len__(self) -> int:
        return len(self._changes)

    def notes_of(self, deck_id: str) -> list[str]:
        """The ids of the notes of ``deck_id`` the trainee changed."""
        return [n for d, n in self._changes if d == deck_id]

    def set(self, deck_id: str, note_id: str, base: dict[str, Any], local: dict[str, Any]) -> None:
        """Record the trainee's version ``local`` of a note whose deck has ``base``; an
        edit back to ``base`` drops the change."""
        if base == local:
            self._changes.pop((deck_id, note_id), None)
        else:
            stamp = datetime.now(UTC).isoformat(timespec="seconds")
            self._changes[(deck_id, note_id)] = _Change(base, local, stamp)
        self._save()

    def drop(self, deck_id: str, note_id: str) -> None:
        """Forget the trainee's change: the note shows as its deck has it."""
        if self._changes.pop((deck_id, note_id), None) is not None:
            self._save()

    def resolve(self, conflict: Conflict, *, keep_mine: bool) -> None:
        """Settle a conflict: keep the trainee's values in the clashing fields, or take the
        revision's. Either way the change is now relative to the revision."""
        current = conflict.theirs
        chosen = conflict.mine if keep_mine else conflict.theirs
        self.set(conflict.deck_id, conflict.note_id, dict(current), dict(chosen))

    def apply(
        self, decks: tuple[Deck, ...] | list[Deck]
    ) -> tuple[tuple[Deck, ...], list[Conflict]]:
        """``decks`` with the trainee's changes laid over their notes, and the conflicts.

        A change that no longer makes a valid note (or whose note a revision removed) is
        left unused, and logged; it is kept for when it fits again.
        """
        if not self._changes:
            return tuple(decks), []
        touched = {d for d, _ in self._changes}
        out: list[Deck] = []
        conflicts: list[Conflict] = []
        for deck in decks:
            if deck.id not in touched:
                out.append(deck)
                continue
            notes: list[Note] = []
            for note in deck.notes:
                change = self._changes.get((deck.id, note.id))
                if change is None:
                    notes.append(note)
                    continue
                current = note_table(note)
                merged, clashes = _merge(change, current)
                changed, problems = check_note_table(merged, deck, replacing=note.id)
                if changed is None or changed.id != note.id:
                    log.warning(
                        "local change to %s/%s left unused: %s",
                        deck.id,
                        note.id,
                        "; ".join(p.message for p in problems),
                    )
                    notes.append(note)
                    continue
                if clashes:
                    conflicts.append(Conflict(deck.id, note.id, clashes, merged, current))
                notes.append(changed)
            out.append(replace(deck, notes=tuple(notes)))
        return tuple(out), conflicts

    def _save(self) -> None:
        items = [
            {"deck": d, "note": n, "base": c.base, "local": c.local, "changed": c.changed_at}
            for (d, n), c in sorted(self._changes.items())
        ]
        text = json.dumps({"version": 1, "changes": items}, indent=1, ensure_ascii=False)
        try:
            write_whole(self.path, text.encode("utf-8"), mode=0o600)
        except WriteRefused as refused:
            log.error("cannot write %s: %s", self.path, refused.__cause__)
            raise LocalChangesError(str(refused)) from refused.__cause__
