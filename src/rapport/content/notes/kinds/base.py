"""What a card kind is: the abstract base every kind module fills in (:class:`KindRules`).

A kind module holds the whole kind: the TOML keys of its notes and how they are read and
validated, its cards, its question and answer as text and as HTML, its interaction (how a
trainee answers it: :class:`Interaction`), the answers a trainee may type or the options
they pick, its practice-test question, its editor and spreadsheet columns, its Anki note
type (fields, templates, front fields, stylesheet rules) and how an Anki note of that
type reads back, and the item-writing cues its notes can carry (``rapport check``).

Every part is an abstract method or property: a kind module that forgets one is a type
error for mypy and cannot be instantiated, and :func:`rapport.content.notes.kinds.register`
checks the values (:func:`check_kind`) with a message naming the kind and the part. The
UI keeps one renderer per :class:`Interaction`, never one per kind.
"""

from __future__ import annotations

import random
import re
from abc import ABC, abstractmethod
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, Generic, NamedTuple, Protocol, TypedDict, TypeVar, cast

from rapport.content.notes.model import Card, Model, NoteFields, Option, RubricLine, Source


class Interaction(StrEnum):
    """How a trainee answers a card: the UI has one renderer for each."""

    REVEAL = "reveal"  # think, show the answer, grade
    PICK = "pick"  # pick one of the options
    TYPE = "type"  # type a short answer that the machine checks
    RESPOND = "respond"  # type a response in one's own words, tick the rubric lines met


class Marks(Protocol):
    """How a side's HTML marks text (the UI gives colours; the export gives classes)."""

    def accent(self, html: str) -> str: ...

    def muted(self, html: str) -> str: ...


class _PlainMarks:
    def accent(self, html: str) -> str:
        return f"<b>{html}</b>"

    def muted(self, html: str) -> str:
        return f"<i>{html}</i>"


PLAIN_MARKS: Marks = _PlainMarks()


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


class AnkiTemplate(NamedTuple):
    """One card template of a kind's Anki note type (Anki's ``qfmt`` and ``afmt``)."""

    name: str
    front: str
    back: str


@dataclass(frozen=True, slots=True)
class AnkiNoteType:
    """A kind's Anki note type: fixed id and name, and its own fields in order (every note
    type then ends with the common Source, Concept and Extra fields). ``front_fields`` are
    the fields its cards show on the front (a withdrawn note's banner goes before each).

    Anki recognises a note type by its id and matches fields by position, so once
    released neither may change; templates and stylesheet rules may.
    """

    model_id: int
    name: str
    fields: tuple[str, ...]
    front_fields: tuple[str, ...]
    cloze: bool = False


class ItemCue(NamedTuple):
    """A cue in one field of a note that lets a test-wise trainee answer without knowing
    the content: the field, the check's name and what was found (the names and why each
    matters are in :mod:`rapport.content.notes.checknames`; ``rapport check`` runs the
    cues in :mod:`rapport.content.checks.itemcheck`)."""

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


class KindRules(ABC, Generic[N]):
    """The rules of one kind of note. Subclass it (or :class:`PickKind`, :class:`TypeKind`,
    :class:`RespondKind`) in the kind's module and register an instance
    (:func:`rapport.content.notes.kinds.register`): the loader, the cards, the practice test,
    the answer checker, the editor, spreadsheets, ``rapport check`` and the Anki export
    and import then all know the kind."""

    # -- identity -----------------------------------------------------------------------

    @property
    @abstractmethod
    def name(self) -> str:
        """The ``kind = "..."`` of its notes (a slug)."""

    @property
    @abstractmethod
    def label(self) -> str:
        """Its name for people: "Typed answer"."""

    @property
    @abstractmethod
    def keys(self) -> frozenset[str]:
        """Its own TOML keys, beside the common ones."""

    @property
    @abstractmethod
    def interaction(self) -> Interaction:
        """How a trainee answers its cards (the UI's renderer for it)."""

    @property
    @abstractmethod
    def practice(self) -> bool:
        """Whether a practice test may ask it."""

    @property
    @abstractmethod
    def practice_label(self) -> str:
        """What a practice test calls its questions: "Fill the gap" ("" if never asked)."""

    # -- the notes ----------------------------------------------------------------------

    def note_of(self, card: Card) -> N:
        """The card's note, which is of this kind (the registry dispatched on it)."""
        return cast(N, card.note)

    @abstractmethod
    def read(
        self, table: Mapping[str, Any], common: CommonFields, label: str, check: FieldReader
    ) -> N:
        """The note from its TOML table (problems go to ``check``)."""

    @abstractmethod
    def to_table(self, note: N) -> dict[str, Any]:
        """The note's own keys as TOML values, as :meth:`read` reads them back (the deck
        file writer adds the common keys)."""

    @abstractmethod
    def question_text(self, note: N, ordinal: int) -> str:
        """The question side as plain text (for lists, search and previews)."""

    @abstractmethod
    def answer_text(self, note: N, ordinal: int) -> str:
        """The answer side as plain text."""

    def question_html(self, note: N, ordinal: int, marks: Marks) -> str:
        """The question side's prompt as safe HTML (the app's views and previews)."""
        return field_html(self.question_text(note, ordinal), html=note.html)

    def answer_html(self, note: N, ordinal: int, marks: Marks) -> str:
        """The answer as safe HTML, shown under the prompt (or instead of it, when
        :attr:`answer_replaces_question`)."""
        return field_html(self.answer_text(note, ordinal), html=note.html)

    answer_replaces_question = False  # a cloze's answer is its passage, filled in

    def accepted(self, note: N, ordinal: int) -> tuple[str, ...]:
        """What may be typed as the answer (the main answer first); () when the trainee
        types nothing a machine checks for this kind."""
        return ()

    @abstractmethod
    def practice_question(self, card: Card, rng: random.Random) -> Question | None:
        """The card as a practice-test question; None when a practice test cannot ask
        it (then :attr:`practice` is False)."""

    # -- rapport check ------------------------------------------------------------------

    def item_text(self, note: N) -> str:
        """What a trainee reads of the note, question and answer sides, to compare notes
        for near-duplicates (``rapport check``): by default its first card's sides."""
        ordinal = note.ordinals[0] if note.ordinals else 0
        return f"{self.question_text(note, ordinal)} {self.answer_text(note, ordinal)}"

    @abstractmethod
    def item_cues(self, note: N) -> list[ItemCue]:
        """Item-writing cues in the note (``rapport check`` warns of them)."""

    # -- authoring: the note editor and spreadsheets edit a kind's own values as text
    # columns; these turn them into ``[[notes]]`` values and back.

    @property
    @abstractmethod
    def columns(self) -> tuple[tuple[str, str, bool], ...]:
        """(key, label for people, multi-line) of each text column, in spreadsheet order;
        the first is the one a new note's id is made from."""

    def to_columns(self, note: N) -> dict[str, str]:
        """The note's own values as text, one per :attr:`columns` key."""
        return {key: str(getattr(note, key)) for key, _label, _multi in self.columns}

    def from_columns(self, values: Mapping[str, str]) -> dict[str, Any]:
        """The kind's own ``[[notes]]`` values from text columns (a missing one is
        empty, for :meth:`read` to report)."""
        return {key: values.get(key, "") for key, _label, _multi in self.columns}

    # -- Anki ---------------------------------------------------------------------------

    @property
    @abstractmethod
    def anki(self) -> AnkiNoteType:
        """Its Anki note type (fixed id, name, fields, front fields)."""

    @abstractmethod
    def anki_templates(self) -> tuple[AnkiTemplate, ...]:
        """The card templates of its note type (:mod:`rapport.content.notes.kinds.anki` has
        the shared card frame, footer and script)."""

    @abstractmethod
    def anki_css(self) -> str:
        """Its own stylesheet rules, added to the shared ``anki.css`` ("" if none)."""

    @abstractmethod
    def anki_fields(self, deck_slug: str, note: N) -> list[str]:
        """The note's own Anki field values (safe HTML), in :attr:`anki` field order."""

    @abstractmethod
    def from_anki(self, fields: Mapping[str, str]) -> dict[str, Any]:
        """The kind's own ``[[notes]]`` values back from the Anki fields it wrote (by
        field name, as HTML; :func:`anki_text` turns one into text)."""


class PickKind(KindRules[N]):
    """A kind whose cards are answered by picking one of its options."""

    @property
    def interaction(self) -> Interaction:
        return Interaction.PICK

    @abstractmethod
    def options(self, note: N) -> tuple[Option, ...]:
        """The options in deck order (the right one among them), each with its why."""

    def question_lead(self, note: N, marks: Marks) -> str:
        """A line above the question ("Scenario"), or ""."""
        return ""


class TypeKind(KindRules[N]):
    """A kind whose cards take a short typed answer, checked by the one answer checker
    against :meth:`accepted`."""

    @property
    def interaction(self) -> Interaction:
        return Interaction.TYPE

    @abstractmethod
    def accepted(self, note: N, ordinal: int) -> tuple[str, ...]: ...


class RespondKind(KindRules[N]):
    """A kind whose cards take a response in the trainee's own words, then show model
    responses and a rubric whose lines the trainee ticks (:mod:`rapport.content.respond`
    suggests a grade from the share ticked)."""

    @property
    def interaction(self) -> Interaction:
        return Interaction.RESPOND

    @abstractmethod
    def context(self, note: N) -> str: ...

    @abstractmethod
    def statement(self, note: N) -> str: ...

    @abstractmethod
    def models(self, note: N) -> tuple[Model, ...]: ...

    @abstractmethod
    def rubric(self, note: N) -> tuple[RubricLine, ...]: ...

    @abstractmethod
    def risk(self, note: N) -> str: ...


_TAG = re.compile(r"<[^>]*>")


def anki_text(value: str) -> str:
    """An Anki field written by Rapport, as plain text (tags dropped, entities read)."""
    from html import unescape

    return unescape(_TAG.sub("", value.replace("<br>", "\n"))).strip()


def field_html(text: str, *, html: bool) -> str:
    """A text field as safe HTML, as the app shows it and the export writes it."""
    from rapport.content.notes.html import field_html as to_html

    return to_html(text, html=html)


def escape_text(text: str) -> str:
    from rapport.content.notes.html import escape_text as escape

    return escape(text)
