"""The deck model: immutable values for decks, notes, cards and their provenance.

Card identity is ``deck id + note id + ordinal`` (:class:`CardKey`); review history, the
Anki note GUID and everything else that must survive a reworded card hangs on it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, fields
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

from rapport.content.notes.cloze import cloze_numbers


def _reduce(value: Any) -> tuple[type, tuple[Any, ...]]:
    """Pickle a frozen value as a call to its constructor.

    The deck cache (:mod:`rapport.content.loading.cache`) unpickles thousands of notes at every
    start; rebuilding through ``__init__`` is about twice as fast as the per-field
    ``__setstate__`` that ``slots=True`` dataclasses otherwise use.
    """
    return (type(value), tuple(getattr(value, f.name) for f in fields(value)))


class Kind(StrEnum):
    """The kinds of note a deck may hold."""

    BASIC = "basic"
    REVERSED = "reversed"
    CLOZE = "cloze"
    CHOICE = "choice"
    TYPED = "typed"
    RESPOND = "respond"


# A named tuple: see "Start-up budget" in tests/benchmarks/README.md.
class Source(NamedTuple):
    """Where a note comes from: a verbatim anchor, the paragraph it was found in, and the
    id of the deck's source text holding it (see :class:`Essay`)."""

    paragraph: int
    anchor: str
    text_id: str = "essay"


@dataclass(frozen=True, slots=True)
class Option:
    """One option of a choice note, with its one-line rationale."""

    __reduce__ = _reduce

    text: str
    why: str
    correct: bool


@dataclass(frozen=True, slots=True)
class NoteFields:
    """What every kind of note has: identity, concept, tags, provenance and flags."""

    __reduce__ = _reduce

    id: str
    concept: str
    tags: tuple[str, ...]
    source: Source | None  # None: the deck's own words, labelled by its ``source_label``
    extension: bool
    html: bool
    extra: str

    if TYPE_CHECKING:  # each kind's note class gives these (a field and a property)

        @property
        def kind(self) -> str:
            """The note's kind (its ``kind = "..."``), the key of its kind module."""

        @property
        def ordinals(self) -> tuple[int, ...]:
            """The ordinal of each of its cards."""


@dataclass(frozen=True, slots=True)
class BasicNote(NoteFields):
    """A question and its answer."""

    front: str
    back: str
    kind: Kind = Kind.BASIC

    @property
    def ordinals(self) -> tuple[int, ...]:
        return (0,)


@dataclass(frozen=True, slots=True)
class ReversedNote(NoteFields):
    """A term and its definition, drilled both ways."""

    front: str
    back: str
    kind: Kind = Kind.REVERSED

    @property
    def ordinals(self) -> tuple[int, ...]:
        return (0, 1)


@dataclass(frozen=True, slots=True)
class ClozeNote(NoteFields):
    """A passage with numbered deletions; one card per number (ordinal = number - 1)."""

    text: str
    kind: Kind = Kind.CLOZE

    @property
    def ordinals(self) -> tuple[int, ...]:
        return tuple(n - 1 for n in cloze_numbers(self.text))


@dataclass(frozen=True, slots=True)
class ChoiceNote(NoteFields):
    """A question with one correct option and three or more distractors."""

    question: str
    options: tuple[Option, ...]  # the correct option first, then the distractors
    scenario: bool
    kind: Kind = Kind.CHOICE

    @property
    def ordinals(self) -> tuple[int, ...]:
        return (0,)

    @property
    def answer(self) -> Option:
        return next(o for o in self.options if o.correct)


@dataclass(frozen=True, slots=True)
class TypedNote(NoteFields):
    """A prompt whose short answer the trainee types."""

    prompt: str
    answer: str
    accept: tuple[str, ...]
    kind: Kind = Kind.TYPED

    @property
    def ordinals(self) -> tuple[int, ...]:
        return (0,)


class Model(NamedTuple):
    """A model response of a respond note, and its style ("Reflection of feeling")."""

    style: str
    text: str


class RubricLine(NamedTuple):
    """One line of a respond note's rubric, and the concept of the deck it applies."""

    line: str
    concept: str


@dataclass(frozen=True, slots=True)
class RespondNote(NoteFields):
    """A client statement with a line of context, answered in the trainee's own words and
    compared with model responses and a rubric (see :mod:`rapport.content.notes.kinds.respond`)."""

    context: str
    statement: str
    models: tuple[Model, ...]
    rubric: tuple[RubricLine, ...]
    risk: str
    kind: Kind = Kind.RESPOND

    @property
    def ordinals(self) -> tuple[int, ...]:
        return (0,)


# Any kind's note: the shipped kinds' classes above, or a kind registered at run time
# (rapport.content.notes.kinds.register). Code that needs a kind's own values asks its kind
# module (rapport.content.notes.kinds.rules_of), never a closed list of classes.
Note = NoteFields


class CardKey(NamedTuple):
    """The identity of a card: it never changes when the card is reworded."""

    deck_id: str
    note_id: str
    ordinal: int

    def __str__(self) -> str:
        return f"{self.deck_id}/{self.note_id}/{self.ordinal}"


@dataclass(frozen=True, slots=True)
class Card:
    """One reviewable card of a note."""

    deck_id: str
    note: Note
    ordinal: int

    @property
    def key(self) -> CardKey:
        return CardKey(self.deck_id, self.note.id, self.ordinal)

    @property
    def kind(self) -> str:
        return self.note.kind


class Essay(NamedTuple):
    """A source text a deck cites, split into paragraphs (blank-line separated blocks,
    from 1), with the id notes refer to it by, how cards name it (``label``), and what a
    trainee should know about the text as received (``caveat``, e.g. that it is garbled).
    """

    path: Path
    paragraphs: tuple[str, ...]
    id: str = "essay"
    label: str = "The essay"
    caveat: str = ""

    @classmethod
    def from_text(
        cls, path: Path, text: str, id: str = "essay", label: str = "The essay", caveat: str = ""
    ) -> Essay:
        blocks = text.replace("\r\n", "\n").strip("\n").split("\n\n")
        return cls(path, tuple(block.strip("\n") for block in blocks), id, label, caveat)

    def paragraph(self, number: int) -> str:
        """Paragraph ``number`` (1-based) as received."""
        return self.paragraphs[number - 1]


class Change(NamedTuple):
    """One entry of a deck's changelog: what its ``version`` changed, in the author's words."""

    version: int
    date: str
    text: str


def identity_digest(notes: Iterable[Note]) -> str:
    """A digest of the card identities of ``notes`` in order: the (note id, ordinal) of
    each card, which is all that syncing a deck into the progress database depends on."""
    import hashlib  # only when a deck is built, never on a deck-cache hit

    text = "\n".join(f"{note.id!r} {o}" for note in notes for o in note.ordinals)
    return hashlib.blake2b(text.encode(), digest_size=16).hexdigest()


@dataclass(frozen=True, slots=True)
class Deck:
    """A validated deck: its notes and the source texts they draw on (none for a deck of
    the author's own notes, whose cards are labelled with ``source_label``).

    ``summaries`` maps (source id, paragraph) to the deck's plain-English summary of that
    paragraph. ``version`` is 0 when the file states none.

    The deck cache (:mod:`rapport.content.loading.cache`) makes decks whose notes are read on
    first use (:meth:`with_deferred_notes`), so that starting the app reads only the decks
    it shows; from the outside such a deck is the same immutable value as any other.
    """

    id: str
    name: str
    description: str
    path: Path
    sources: tuple[Essay, ...]
    summaries: Mapping[tuple[str, int], str]
    notes: tuple[Note, ...]
    source_label: str = ""
    version: int = 0
    changelog: tuple[Change, ...] = ()
    # Private, filled on demand: where deferred notes come from, the cards and the digest.
    _load_notes: Callable[[], tuple[Note, ...]] | None = field(
        default=None, init=False, repr=False, compare=False
    )
    _cards: tuple[Card, ...] | None = field(default=None, init=False, repr=False, compare=False)
    _digest: str | None = field(default=None, init=False, repr=False, compare=False)

    @classmethod
    def with_deferred_notes(
        cls,
        id: str,
        name: str,
        description: str,
        path: Path,
        sources: tuple[Essay, ...],
        summaries: Mapping[tuple[str, int], str],
        load_notes: Callable[[], tuple[Note, ...]],
        digest: str,
        source_label: str = "",
        version: int = 0,
        changelog: tuple[Change, ...] = (),
    ) -> Deck:
        """A deck whose notes ``load_notes()`` gives when they are first used (once; what
        it raises reaches whoever asked for the notes). ``digest`` must be the
        :func:`identity_digest` of those notes."""
        deck = cls.__new__(cls)
        put = object.__setattr__
        for name_, value in (
            ("id", id),
            ("name", name),
            ("description", description),
            ("path", path),
            ("sources", sources),
            ("summaries", summaries),
            ("source_label", source_label),
            ("version", version),
            ("changelog", changelog),
            ("_load_notes", load_notes),
            ("_cards", None),
            ("_digest", digest),
        ):
            put(deck, name_, value)
        return deck  # the ``notes`` slot stays empty until __getattr__ fills it

    if not TYPE_CHECKING:  # (hidden from mypy, which would then allow any attribute)

        def __getattr__(self, name: str) -> Any:
            # Called only for an empty slot: the notes of a deferred deck, on first use.
            if name == "notes":
                load = object.__getattribute__(self, "_load_notes")
                if load is not None:
                    notes = load()
                    object.__setattr__(self, "notes", notes)
                    object.__setattr__(self, "_load_notes", None)
                    return notes
            raise AttributeError(f"'Deck' object has no attribute {name!r}")

    def __reduce__(self) -> tuple[type, tuple[Any, ...]]:
        """Pickled as a call to the constructor (see :func:`_reduce`), notes included."""
        return (
            Deck,
            (
                self.id,
                self.name,
                self.description,
                self.path,
                self.sources,
                self.summaries,
                self.notes,
                self.source_label,
                self.version,
                self.changelog,
            ),
        )

    @property
    def digest(self) -> str:
        """The :func:`identity_digest` of the deck's cards (kept by the deck cache)."""
        digest = self._digest
        if digest is None:
            digest = identity_digest(self.notes)
            object.__setattr__(self, "_digest", digest)
        return digest

    def cards(self) -> tuple[Card, ...]:
        """Every card of every note, in deck order (built once per deck)."""
        cards = self._cards
        if cards is None:
            cards = tuple(Card(self.id, note, o) for note in self.notes for o in note.ordinals)
            object.__setattr__(self, "_cards", cards)
        return cards

    def note(self, note_id: str) -> Note | None:
        """The note with this id, if the deck has it."""
        return next((n for n in self.notes if n.id == note_id), None)

    def source_text(self, text_id: str) -> Essay | None:
        """The deck's source text with this id, if it has one."""
        return next((s for s in self.sources if s.id == text_id), None)

    def summary(self, source: Source) -> str:
        """Our plain-English summary of the paragraph ``source`` points at ('' if none)."""
        return self.summaries.get((source.text_id, source.paragraph), "")

    def passage(self, source: Source) -> str:
        """The paragraph ``source`` points at, as received ('' if the text has no such)."""
        text = self.source_text(source.text_id)
        if text is None or not 1 <= source.paragraph <= len(text.paragraphs):
            return ""
        return text.paragraph(source.paragraph)

    def own_label(self) -> str:
        """How cards of notes citing no source name where they come from."""
        return self.source_label or self.name

    def source_label_of(self, note: Note) -> str:
        """Where ``note`` comes from, in words, for the app and the Anki export alike:
        ``The essay, paragraph 4``; ``Beyond the essay (related to paragraph 4)`` for an
        extension; the deck's own label (``Course notes, week 3``) for a note citing no
        source."""
        source = note.source
        if source is None:
            if note.extension and self.sources:
                return f"Beyond {_lower_first(self.sources[0].label)}"
            return self.own_label()
        text = self.source_text(source.text_id)
        label = text.label if text is not None else source.text_id
        if note.extension:
            return f"Beyond {_lower_first(label)} (related to paragraph {source.paragraph})"
        return f"{label}, paragraph {source.paragraph}"


def _lower_first(label: str) -> str:
    """``The essay`` -> ``the essay`` (a label is written to start a sentence)."""
    if label[:1].isupper() and label[1:2].islower():
        return label[0].lower() + label[1:]
    return label
