"""Reversed notes: a term and its definition, drilled both ways (two cards)."""

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
from rapport.content.model import Kind, ReversedNote


class ReversedRules(KindRules[ReversedNote]):
    name = Kind.REVERSED
    label = "Reversed"
    keys = frozenset({"front", "back"})
    anki = AnkiNoteType(1682238691, "Rapport Reversed", ("Front", "Back"))

    def read(
        self, table: Mapping[str, Any], common: CommonFields, label: str, check: FieldReader
    ) -> ReversedNote:
        front = check.text(table, "front", label, required=True)
        back = check.text(table, "back", label, required=True)
        return ReversedNote(**common, front=front, back=back)

    def question_text(self, note: ReversedNote, ordinal: int) -> str:
        return note.front if ordinal == 0 else note.back

    def answer_text(self, note: ReversedNote, ordinal: int) -> str:
        return note.back if ordinal == 0 else note.front

    def anki_fields(self, deck_slug: str, note: ReversedNote) -> list[str]:
        return [field_html(note.front, html=note.html), field_html(note.back, html=note.html)]


RULES = ReversedRules()
