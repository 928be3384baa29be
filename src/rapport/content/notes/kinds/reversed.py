"""Reversed notes: a term and its definition, drilled both ways (two cards)."""

from __future__ import annotations

import random
import re
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
from rapport.content.notes.model import Card, Kind, ReversedNote


class ReversedRules(KindRules[ReversedNote]):
    name = Kind.REVERSED
    label = "Reversed"
    keys = frozenset({"front", "back"})
    columns = (("front", "Term", True), ("back", "Definition", True))
    interaction = Interaction.REVEAL
    practice = False  # no answer a machine can score
    practice_label = ""
    anki = AnkiNoteType(1682238691, "Rapport Reversed", ("Front", "Back"), ("Front", "Back"))

    def anki_templates(self) -> tuple[AnkiTemplate, ...]:
        return (
            AnkiTemplate(
                "Term to definition",
                anki.card("reversed", '<div class="prompt term">{{Front}}</div>'),
                anki.back("reversed", '<div class="answer">{{Back}}</div>'),
            ),
            AnkiTemplate(
                "Definition to term",
                anki.card("reversed", '<div class="prompt">{{Back}}</div>'),
                anki.back("reversed", '<div class="answer term">{{Front}}</div>'),
            ),
        )

    def anki_css(self) -> str:
        return ""

    def from_anki(self, fields: Mapping[str, str]) -> dict[str, Any]:
        return {"front": anki_text(fields["Front"]), "back": anki_text(fields["Back"])}

    def practice_question(self, card: Card, rng: random.Random) -> Question | None:
        return None

    def read(
        self, table: Mapping[str, Any], common: CommonFields, label: str, check: FieldReader
    ) -> ReversedNote:
        front = check.text(table, "front", label, required=True)
        back = check.text(table, "back", label, required=True)
        return ReversedNote(**common, front=front, back=back)

    def item_cues(self, note: ReversedNote) -> list[ItemCue]:
        """A definition containing a word of the term it defines (a bracketed remark in
        the term, such as "(Norcross)", does not count)."""
        from rapport.content.notes.words import content_words, related

        definition = content_words(note.back)
        term = content_words(re.sub(r"\([^)]*\)", " ", note.front))
        given = sorted(w for w in term if any(related(w, d) for d in definition))
        if not given:
            return []
        words = ", ".join(f"'{w}'" for w in given)
        message = f"the definition contains {words} from the term it defines"
        return [ItemCue("back", "reversed-term", message)]

    def to_table(self, note: ReversedNote) -> dict[str, Any]:
        return {"front": note.front, "back": note.back}

    def question_text(self, note: ReversedNote, ordinal: int) -> str:
        return note.front if ordinal == 0 else note.back

    def answer_text(self, note: ReversedNote, ordinal: int) -> str:
        return note.back if ordinal == 0 else note.front

    def anki_fields(self, deck_slug: str, note: ReversedNote) -> list[str]:
        return [field_html(note.front, html=note.html), field_html(note.back, html=note.html)]


RULES = ReversedRules()
