"""Basic notes: a question and its answer."""

from __future__ import annotations

import random
from collections.abc import Mapping
from typing import Any

from rapport.content.notes.kinds import anki
from rapport.content.notes.kinds.base import (
    AnkiNoteType,
    AnkiTemplate,
    CommonFields,
    FieldReader,
    Interaction,
    ItemCue,
    KindRules,
    Question,
    anki_text,
    field_html,
)
from rapport.content.notes.model import BasicNote, Card, Kind


class BasicRules(KindRules[BasicNote]):
    name = Kind.BASIC
    label = "Basic"
    keys = frozenset({"front", "back"})
    columns = (("front", "Front", True), ("back", "Back", True))
    interaction = Interaction.REVEAL
    practice = False  # no answer a machine can score
    practice_label = ""
    anki = AnkiNoteType(1580929433, "Rapport Basic", ("Front", "Back"), ("Front",))

    def anki_templates(self) -> tuple[AnkiTemplate, ...]:
        return (
            AnkiTemplate(
                "Card 1",
                anki.card("basic", '<div class="prompt">{{Front}}</div>'),
                anki.back("basic", '<div class="answer">{{Back}}</div>'),
            ),
        )

    def anki_css(self) -> str:
        return ""

    def from_anki(self, fields: Mapping[str, str]) -> dict[str, Any]:
        return {"front": anki_text(fields["Front"]), "back": anki_text(fields["Back"])}

    def practice_question(self, card: Card, rng: random.Random) -> Question | None:
        return None

    def item_cues(self, note: BasicNote) -> list[ItemCue]:
        return []

    def read(
        self, table: Mapping[str, Any], common: CommonFields, label: str, check: FieldReader
    ) -> BasicNote:
        front = check.text(table, "front", label, required=True)
        back = check.text(table, "back", label, required=True)
        return BasicNote(**common, front=front, back=back)

    def to_table(self, note: BasicNote) -> dict[str, Any]:
        return {"front": note.front, "back": note.back}

    def question_text(self, note: BasicNote, ordinal: int) -> str:
        return note.front

    def answer_text(self, note: BasicNote, ordinal: int) -> str:
        return note.back

    def anki_fields(self, deck_slug: str, note: BasicNote) -> list[str]:
        return [field_html(note.front, html=note.html), field_html(note.back, html=note.html)]


RULES = BasicRules()
