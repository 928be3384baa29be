"""A throwaway kind, whole in one module as any kind is: a word whose meaning is typed.

Registered by a test (:func:`flash_kind`), it is loaded, studied, practised, checked,
written to and read from spreadsheets, exported to Anki and imported back with no edit
anywhere else: its interaction (typing) already has a renderer.
"""

from __future__ import annotations

import random
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from rapport.content.notes.kinds import (
    AnkiNoteType,
    AnkiTemplate,
    CommonFields,
    FieldReader,
    ItemCue,
    Question,
    TypeKind,
    register,
    unregister,
)
from rapport.content.notes.kinds import anki as anki_parts
from rapport.content.notes.kinds.base import anki_text, escape_text
from rapport.content.notes.model import Card, NoteFields
from tests.support.decks import ANCHOR_NORCROSS, header, note


@dataclass(frozen=True, slots=True)
class FlashNote(NoteFields):
    """A throwaway kind: a word and its meaning, typed."""

    word: str
    meaning: str
    kind: str = "flash"

    @property
    def ordinals(self) -> tuple[int, ...]:
        return (0,)


class FlashRules(TypeKind[FlashNote]):
    name = "flash"
    label = "Flash"
    keys = frozenset({"word", "meaning"})
    practice = True
    practice_label = "Give the meaning"
    columns = (("word", "Word", False), ("meaning", "Meaning", True))
    anki = AnkiNoteType(1999999999, "Test Flash", ("Word", "Meaning"), ("Word",))

    def read(
        self, table: Mapping[str, Any], common: CommonFields, label: str, check: FieldReader
    ) -> FlashNote:
        word = check.text(table, "word", label, required=True)
        meaning = check.text(table, "meaning", label, required=True)
        return FlashNote(**common, word=word, meaning=meaning)

    def to_table(self, note: FlashNote) -> dict[str, Any]:
        return {"word": note.word, "meaning": note.meaning}

    def question_text(self, note: FlashNote, ordinal: int) -> str:
        return f"What does '{note.word}' mean?"

    def answer_text(self, note: FlashNote, ordinal: int) -> str:
        return note.meaning

    def accepted(self, note: FlashNote, ordinal: int) -> tuple[str, ...]:
        return (note.meaning,)

    def practice_question(self, card: Card, rng: random.Random) -> Question | None:
        meaning = self.note_of(card).meaning
        return Question(card, (), meaning, (meaning,))

    def item_cues(self, note: FlashNote) -> list[ItemCue]:
        return []

    def anki_fields(self, deck_slug: str, note: FlashNote) -> list[str]:
        return [escape_text(note.word), escape_text(note.meaning)]

    def anki_templates(self) -> tuple[AnkiTemplate, ...]:
        return (
            AnkiTemplate(
                "Flash",
                anki_parts.card("flash", '<div class="prompt">{{Word}}</div>'),
                anki_parts.back("flash", '<div class="answer">{{Meaning}}</div>'),
            ),
        )

    def anki_css(self) -> str:
        return ".rapport.flash .prompt { font-style: italic; }\n"

    def from_anki(self, fields: Mapping[str, str]) -> dict[str, Any]:
        return {"word": anki_text(fields["Word"]), "meaning": anki_text(fields["Meaning"])}


@contextmanager
def flash_kind(rules: FlashRules | None = None) -> Iterator[FlashRules]:
    """The flash kind registered for the ``with`` block."""
    rules = rules or FlashRules()
    register(rules)
    try:
        yield rules
    finally:
        unregister(rules.name)


FLASH_DECK = header("flash-deck", "Flash deck") + note(
    "alliance-word",
    "flash",
    "alliance-definition",
    ANCHOR_NORCROSS,
    5,
    word='"alliance"',
    meaning='"the working bond between client and therapist"',
)
