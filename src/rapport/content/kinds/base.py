"""What a card kind is: the rules every kind module provides (:class:`KindRules`).

A kind module holds everything about its kind that is not drawing pixels: the TOML keys of
its notes and how they are read and validated, its question and answer as plain text, the
answers a trainee may type, its practice-test question, its Anki note type and fields, and
the item-writing cues its notes can carry (``rapport check``). The UI keeps one renderer
per kind; nothing else branches on the kind.
"""

from __future__ import annotations

import random
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Generic, NamedTuple, Protocol, TypedDict, TypeVar, cast

from rapport.content.model import Card, NoteFields, Option, Source


class CommonFields(TypedDict):
    """The fields every kind of note has, read by the loader before the kind's own."""

    id: str
    concept: str
    tags: tuple[str, ...]
    source: Source | None
    extension: bool
    html: bool
    extra: str


class FieldReader(Protocol):
    """How a kind reads its own TOML keys: each problem is collected, naming note and key."""

    def add(self, note: str, field_name: str, message: str, line: int | None = None) -> None: ...

    def text(self, table: Mapping[str, Any], key: str, note: str, *, required: bool) -> str: ...

    def flag(self, table: Mapping[str, Any], key: str, note: str) -> bool: ...

    def strings(self, table: Mapping[str, Any], key: str, note: str) -> tuple[str, ...]: ...


@dataclass(frozen=True, slots=True)
class AnkiNoteType:
    """A kind's Anki note type: fixed id and name, and its own fields in order (every note
    type then ends with the common Source, Concept and Extra fields)."""

    model_id: int
    name: str
    fields: tuple[str, ...]
    cloze: bool = False


class ItemCue(NamedTuple):
    """A cue in one field of a note that lets a test-wise trainee answer without knowing
    the content: the field, the check's name and what was found (the checks, their names
    and why each matters are in :mod:`rapport.content.itemcheck`)."""

    field: str
    check: str
    message: str


@dataclass(frozen=True, slots=True)
class Question:
    """One practice-test question.

    ``options`` holds a choice card's options in the order shown (shuffled); it is empty
    for typed questions. ``expected`` is the answer as it should be shown; ``accepted``
    every answer that counts as right (``expected`` first).
    """

    card: Card
    options: tuple[Option, ...]
    expected: str
    accepted: tuple[str, ...]

    @property
    def kind(self) -> str:
        return self.card.kind


N = TypeVar("N", bound=NoteFields)


class KindRules(Generic[N]):
    """The rules of one kind of note. Subclass it in the kind's module; register an
    instance (:func:`rapport.content.kinds.register`) and the loader, the cards, the
    practice test, the answer checker and the Anki export all know the kind."""

    name: str  # the ``kind = "..."`` of its notes
    label: str  # for people: "Typed answer"
    keys: frozenset[str]  # its own TOML keys, beside the common ones
    anki: AnkiNoteType
    practice = False  # whether a practice test may ask it (a machine can score it)
    practice_label = ""  # what a practice test calls its questions: "Fill the gap"

    def note_of(self, card: Card) -> N:
        """The card's note, which is of this kind (the registry dispatched on it)."""
        return cast(N, card.note)

    def read(
        self, table: Mapping[str, Any], common: CommonFields, label: str, check: FieldReader
    ) -> N:
        """The note from its TOML table (problems go to ``check``)."""
        raise NotImplementedError

    def to_table(self, note: N) -> dict[str, Any]:
        """The note's own keys as TOML values, as :meth:`read` reads them back (the deck
        file writer adds the common keys)."""
        raise NotImplementedError

    def question_text(self, note: N, ordinal: int) -> str:
        """The question side as plain text (for lists, search and previews)."""
        raise NotImplementedError

    def answer_text(self, note: N, ordinal: int) -> str:
        """The answer side as plain text."""
        raise NotImplementedError

    def accepted(self, note: N, ordinal: int) -> tuple[str, ...]:
        """What may be typed as the answer (the main answer first); () when the trainee
        types nothing for this kind."""
        return ()

    def practice_question(self, card: Card, rng: random.Random) -> Question | None:
        """The card as a practice-test question; None when a machine cannot score it."""
        return None

    def anki_fields(self, deck_slug: str, note: N) -> list[str]:
        """The note's own Anki field values (safe HTML), in :attr:`anki` field order."""
        raise NotImplementedError

    def item_text(self, note: N) -> str:
        """What a trainee reads of the note, question and answer sides, to compare notes
        for near-duplicates (``rapport check``): by default its first card's sides."""
        ordinal = note.ordinals[0] if note.ordinals else 0  # type: ignore[attr-defined]
        return f"{self.question_text(note, ordinal)} {self.answer_text(note, ordinal)}"

    def item_cues(self, note: N) -> list[ItemCue]:
        """Item-writing cues in the note (``rapport check`` warns of them); none unless
        the kind looks for some."""
        return []

    # -- authoring: the note editor and spreadsheets edit a kind's own values as text
    # columns; these turn them into ``[[notes]]`` values and back.

    # (key, label for people, multi-line) of each text column, in spreadsheet order
    columns: tuple[tuple[str, str, bool], ...] = ()

    def to_columns(self, note: N) -> dict[str, str]:
        """The note's own values as text, one per :attr:`columns` key."""
        return {key: str(getattr(note, key)) for key, _label, _multi in self.columns}

    def from_columns(self, values: Mapping[str, str]) -> dict[str, Any]:
        """The kind's own ``[[notes]]`` values from text columns (a missing one is
        empty, for :meth:`read` to report)."""
        return {key: values.get(key, "") for key, _label, _multi in self.columns}


def field_html(text: str, *, html: bool) -> str:
    """A text field as safe HTML, as the app shows it and the export writes it."""
    from rapport.export.html import field_html as to_html

    return to_html(text, html=html)


def escape_text(text: str) -> str:
    from rapport.export.html import escape_text as escape

    return escape(text)
