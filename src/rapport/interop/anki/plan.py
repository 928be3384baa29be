"""What an export will do in Anki, note by note, given what earlier exports wrote.

:func:`plan_export` turns the decks and the :class:`~rapport.interop.anki.record.ExportRecord`
of earlier exports into one :class:`PlannedNote` per note to write:

``new``
    Anki does not have the note yet: it adds it.
``updated``
    the note's content changed: it gets the export time as its modification time, so
    Anki updates it in place, keeping its review history.
``unchanged``
    same content as last time: it keeps its earlier modification time, so Anki skips it
    (and keeps any edit the trainee made in Anki).
``withdrawn``
    a note Anki has from an earlier export that this export no longer holds (removed
    from the deck, or replaced because its kind changed or a cloze deletion was
    dropped): written again under its old GUID and note type, tagged
    ``rapport::withdrawn``, its text saying so and how to delete such notes in Anki.

A note whose plain GUID Anki holds as another kind, or with a cloze deletion this
version no longer has, takes a variant GUID (:func:`~rapport.interop.anki.identity.variant_guid`)
and the old version is withdrawn: Anki never changes a note's type on import and never
deletes a card, so an in-place update would leave a conflict or an empty card.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from enum import StrEnum
from html import unescape

from rapport.content.notes.html import escape_text
from rapport.content.notes.model import Deck, Note
from rapport.interop.anki.fields import note_fields
from rapport.interop.anki.identity import anki_deck_id, note_guid, note_tags, variant_guid
from rapport.interop.anki.models import FIELDS, FRONT_FIELDS, MODEL_IDS
from rapport.interop.anki.record import WITHDRAWN_TAG, ExportedNote, ExportRecord, content_digest


def kind_of_model(model_id: int) -> str | None:
    """The kind whose Anki note type has this id, if any kind registered has it."""
    return next((kind for kind, known in MODEL_IDS.items() if known == model_id), None)


HOW_TO_DELETE = (
    "To delete withdrawn notes in Anki: open Browse, search for tag:rapport::withdrawn, "
    "select all the notes (Ctrl+A, or Cmd+A on a Mac), then choose Notes > Delete."
)


class Change(StrEnum):
    NEW = "new"
    UPDATED = "updated"
    UNCHANGED = "unchanged"
    WITHDRAWN = "withdrawn"


@dataclass(frozen=True, slots=True)
class PlannedNote:
    """One note of the package, as it will be written."""

    deck_slug: str
    kind: str
    guid: str
    fields: tuple[str, ...]
    tags: tuple[str, ...]
    mod: int
    change: Change
    ordinals: tuple[int, ...]
    note: Note | None  # None for a withdrawn note
    label: str  # how listings name it: "deck/note" or the start of its text
    digest: str  # content_digest of its note type, fields and tags
    newly_withdrawn: bool = False  # withdrawn by this export (not already before)

    @property
    def model_id(self) -> int:
        return MODEL_IDS[self.kind]

    def exported(self, deck_id: int) -> ExportedNote:
        return ExportedNote(
            guid=self.guid,
            model_id=self.model_id,
            deck_id=deck_id,
            mod=self.mod,
            fields=self.fields,
            tags=self.tags,
            ordinals=self.ordinals,
            withdrawn=self.change is Change.WITHDRAWN,
            digest=self.digest,
        )


@dataclass(frozen=True, slots=True)
class ExportPlan:
    notes: tuple[PlannedNote, ...]
    counts: dict[Change, int] = field(default_factory=dict)

    def of(self, change: Change) -> list[PlannedNote]:
        return [n for n in self.notes if n.change is change]

    def describe(self) -> list[str]:
        """What importing the package will do in Anki, as lines for the trainee."""
        new, updated = self.of(Change.NEW), self.of(Change.UPDATED)
        unchanged, withdrawn = self.of(Change.UNCHANGED), self.of(Change.WITHDRAWN)
        fresh = [n for n in withdrawn if n.newly_withdrawn]
        lines = ["In Anki (File > Import, updating notes when newer) this package will:"]
        if new:
            lines.append(f"  add {_notes(len(new))}" + _names(new))
        if updated:
            lines.append(f"  update {_notes(len(updated))} whose content changed" + _names(updated))
        if unchanged:
            lines.append(f"  skip {_notes(len(unchanged))} that did not change")
        if fresh:
            lines.append(
                f"  mark {_notes(len(fresh))} withdrawn (removed from the deck, or replaced by "
                "a new version after a change of kind or a dropped cloze deletion)" + _names(fresh)
            )
        kept = len(withdrawn) - len(fresh)
        if kept:
            lines.append(f"  keep {_notes(kept)} marked withdrawn by an earlier export")
        return lines


def _notes(count: int) -> str:
    return f"{count} note{'s' * (count != 1)}"


def _names(notes: Sequence[PlannedNote], limit: int = 20) -> str:
    if not notes:
        return ""
    shown = [n.label for n in notes[:limit]]
    more = f", and {len(notes) - limit} more" if len(notes) > limit else ""
    return ": " + ", ".join(shown) + more


def _compatible(entry: ExportedNote, model_id: int, ordinals: Sequence[int]) -> bool:
    """Whether Anki's copy ``entry`` can be updated in place to this version."""
    return entry.model_id == model_id and set(entry.ordinals) <= set(ordinals)


def _mod(entry: ExportedNote | None, digest: str, now: int) -> tuple[int, Change]:
    if entry is None:
        return now, Change.NEW
    if entry.digest == digest:
        return entry.mod, Change.UNCHANGED
    return max(now, entry.mod + 1), Change.UPDATED


def _plain(html: str, limit: int = 60) -> str:
    text = " ".join(unescape(re.sub(r"<[^>]*>", " ", html)).split())
    return text if len(text) <= limit else text[: limit - 1] + "\u2026"


def withdrawn_fields(kind: str, fields: Sequence[str], deck_name: str, when: datetime) -> list[str]:
    """The fields of a withdrawn note: a banner before each front field, the how-to in
    ``Extra``; every cloze deletion stays, so each card still renders."""
    names = FIELDS[kind]
    banner = (
        '<div class="withdrawn"><b>Withdrawn</b> from the Rapport deck '
        f"{escape_text(deck_name)} on {when:%Y-%m-%d}: do not study this card.</div>"
    )
    out = [
        banner + value if name in FRONT_FIELDS[kind] else value
        for name, value in zip(names, fields, strict=False)
    ]
    out += [""] * (len(names) - len(out))
    out[names.index("Extra")] = (
        '<div class="withdrawn">This note was withdrawn from the deck: it was removed, or '
        "replaced by a new version (its kind changed or a cloze deletion was dropped). "
        f"{HOW_TO_DELETE}</div>"
    )
    return out


def plan_export(
    decks: Sequence[Deck], record: ExportRecord, now: datetime | None = None
) -> ExportPlan:
    """The notes to write for ``decks`` given the ``record`` of earlier exports."""
    when = now or datetime.now(UTC)
    stamp = int(when.timestamp())
    planned: list[PlannedNote] = []
    written: set[str] = set()
    for deck in decks:
        for note in deck.notes:
            model_id = MODEL_IDS[note.kind]
            ordinals = note.ordinals
            guid = note_guid(deck.id, note.id)
            entry = record.get(guid)
            if entry is not None and not _compatible(entry, model_id, ordinals):
                guid = variant_guid(deck.id, note.id, str(note.kind), ordinals)
                entry = record.get(guid)
            fields = tuple(note_fields(deck, note))
            tags = tuple(note_tags(note))
            digest = content_digest(model_id, fields, tags)
            mod, change = _mod(entry, digest, stamp)
            planned.append(
                PlannedNote(
                    deck.id,
                    note.kind,
                    guid,
                    fields,
                    tags,
                    mod,
                    change,
                    ordinals,
                    note,
                    f"{deck.id}/{note.id}",
                    digest,
                )
            )
            written.add(guid)
        planned.extend(_withdrawals(deck, record, written, when, stamp))
    counts = dict.fromkeys(Change, 0)
    for item in planned:
        counts[item.change] += 1
    return ExportPlan(tuple(planned), counts)


def _withdrawals(
    deck: Deck, record: ExportRecord, written: set[str], when: datetime, stamp: int
) -> list[PlannedNote]:
    """Tombstones for the notes Anki has in ``deck`` that this export does not write."""
    deck_id = anki_deck_id(deck.id)
    out = []
    for entry in record.notes.values():
        if entry.deck_id != deck_id or entry.guid in written:
            continue
        kind = kind_of_model(entry.model_id)
        if kind is None:  # not a Rapport note type: nothing Rapport may rewrite
            continue
        if entry.withdrawn:
            fields, tags = entry.fields, entry.tags
        else:
            fields = tuple(withdrawn_fields(kind, entry.fields, deck.name, when))
            tags = (*[t for t in entry.tags if t != WITHDRAWN_TAG], WITHDRAWN_TAG)
        digest = content_digest(entry.model_id, fields, tags)
        mod, _ = _mod(entry, digest, stamp)
        label = _plain(entry.fields[0]) if entry.fields else entry.guid
        out.append(
            PlannedNote(
                deck.id,
                kind,
                entry.guid,
                fields,
                tags,
                mod,
                Change.WITHDRAWN,
                entry.ordinals,
                None,
                f"{deck.id}: \u201c{label}\u201d",
                digest,
                newly_withdrawn=not entry.withdrawn,
            )
        )
        written.add(entry.guid)
    return sorted(out, key=lambda n: n.guid)
