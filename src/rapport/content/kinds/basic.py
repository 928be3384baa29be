"""Basic notes: a question and its answer."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from rapport.content.kinds.base import (
    AnkiNoteType,
    CommonFields,
    FieldReader,
    KindRules,
    field_html,
)
from rapport.content.model import BasicNote, Kind


class BasicRules(KindRules[BasicNote]):
    name = Kind.BASIC
    label = "Basic"
    keys = frozenset({"front", "back"})
    columns = (("front", "Front", True), ("back", "Back", True))
    anki = AnkiNoteType(1580929433, "Rapport Basic", ("Front", "Back"))

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
