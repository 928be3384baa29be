"""Cloze notes: a passage with numbered deletions, one card per number."""

from __future__ import annotations

import random
from collections.abc import Mapping
from typing import Any

from rapport.content.cloze import DELETION, cloze_problems, render_cloze
from rapport.content.kinds.base import (
    AnkiNoteType,
    CommonFields,
    FieldReader,
    KindRules,
    Question,
    field_html,
)
from rapport.content.model import Card, ClozeNote, Kind


def cloze_answer(text: str, number: int) -> str:
    """The text deleted by cloze ``number`` (several deletions joined by ", ")."""
    return ", ".join(m.group(2) for m in DELETION.finditer(text) if int(m.group(1)) == number)


class ClozeRules(KindRules[ClozeNote]):
    name = Kind.CLOZE
    label = "Cloze"
    keys = frozenset({"text"})
    anki = AnkiNoteType(1526314407, "Rapport Cloze", ("Text",), cloze=True)
    practice = True
    practice_label = "Fill the gap"

    def read(
        self, table: Mapping[str, Any], common: CommonFields, label: str, check: FieldReader
    ) -> ClozeNote:
        text = check.text(table, "text", label, required=True)
        if text:
            for message in cloze_problems(text):
                check.add(label, "text", message)
        return ClozeNote(**common, text=text)

    def question_text(self, note: ClozeNote, ordinal: int) -> str:
        return render_cloze(note.text, ordinal + 1, revealed=False)

    def answer_text(self, note: ClozeNote, ordinal: int) -> str:
        return render_cloze(note.text, ordinal + 1, revealed=True)

    def accepted(self, note: ClozeNote, ordinal: int) -> tuple[str, ...]:
        return (cloze_answer(note.text, ordinal + 1),)

    def practice_question(self, card: Card, rng: random.Random) -> Question | None:
        deleted = self.accepted(self.note_of(card), card.ordinal)
        return Question(card, (), deleted[0], deleted)

    def anki_fields(self, deck_slug: str, note: ClozeNote) -> list[str]:
        return [field_html(note.text, html=note.html)]


RULES = ClozeRules()
