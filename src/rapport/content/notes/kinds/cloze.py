"""Cloze notes: a passage with numbered deletions, one card per number."""

from __future__ import annotations

import random
import re
from collections.abc import Mapping
from typing import Any

from rapport.content.notes.cloze import DELETION, cloze_problems, render_cloze
from rapport.content.notes.kinds import anki
from rapport.content.notes.kinds.base import (
    AnkiNoteType,
    AnkiTemplate,
    CommonFields,
    FieldReader,
    Interaction,
    ItemCue,
    KindRules,
    Marks,
    Question,
    anki_text,
    field_html,
)
from rapport.content.notes.model import Card, ClozeNote, Kind


def cloze_answer(text: str, number: int) -> str:
    """The text deleted by cloze ``number`` (several deletions joined by ", ")."""
    return ", ".join(m.group(2) for m in DELETION.finditer(text) if int(m.group(1)) == number)


# Text between two deletions that makes them items of one list: a comma or a coordinating
# word, within a few words (", consensus on treatment ", " and "), in one sentence.
_LIST_JOIN = re.compile(r"(?:,|\b(?:and|or|nor)\b)", re.IGNORECASE)
_LIST_GAP_WORDS = 5
_SENTENCE_END = re.compile(r"[.;:!?]")


class ClozeRules(KindRules[ClozeNote]):
    name = Kind.CLOZE
    label = "Cloze"
    keys = frozenset({"text"})
    columns = (("text", "Text with {{c1::deletions}}", True),)
    interaction = Interaction.REVEAL  # typed in a practice test, revealed in review
    anki = AnkiNoteType(1526314407, "Rapport Cloze", ("Text",), ("Text",), cloze=True)
    answer_replaces_question = True
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

    def to_table(self, note: ClozeNote) -> dict[str, Any]:
        return {"text": note.text}

    def question_text(self, note: ClozeNote, ordinal: int) -> str:
        return render_cloze(note.text, ordinal + 1, revealed=False)

    def answer_text(self, note: ClozeNote, ordinal: int) -> str:
        return render_cloze(note.text, ordinal + 1, revealed=True)

    def question_html(self, note: ClozeNote, ordinal: int, marks: Marks) -> str:
        """The text with the active deletion shown as ``[...]`` or ``[hint]``."""

        def hidden(hint: str | None) -> str:
            return marks.accent(f"[{field_html(hint, html=note.html)}]" if hint else "[...]")

        return render_cloze(
            note.text,
            ordinal + 1,
            revealed=False,
            hidden=hidden,
            plain=lambda s: field_html(s, html=note.html),
        )

    def answer_html(self, note: ClozeNote, ordinal: int, marks: Marks) -> str:
        """The text with the active deletion filled in and marked."""
        return render_cloze(
            note.text,
            ordinal + 1,
            revealed=True,
            shown=lambda body: marks.accent(field_html(body, html=note.html)),
            plain=lambda s: field_html(s, html=note.html),
        )

    def anki_templates(self) -> tuple[AnkiTemplate, ...]:
        return (
            AnkiTemplate(
                "Cloze",
                anki.card("cloze", '<div class="prompt">{{cloze:Text}}</div>'),
                # Not {{FrontSide}}: the answer shows the passage with the deletion revealed.
                anki.card("cloze", f'<div class="prompt">{{{{cloze:Text}}}}</div>\n{anki.FOOTER}'),
            ),
        )

    def anki_css(self) -> str:
        return _CSS

    def from_anki(self, fields: Mapping[str, str]) -> dict[str, Any]:
        return {"text": anki_text(fields["Text"])}

    def accepted(self, note: ClozeNote, ordinal: int) -> tuple[str, ...]:
        return (cloze_answer(note.text, ordinal + 1),)

    def practice_question(self, card: Card, rng: random.Random) -> Question | None:
        deleted = self.accepted(self.note_of(card), card.ordinal)
        return Question(card, (), deleted[0], deleted)

    def anki_fields(self, deck_slug: str, note: ClozeNote) -> list[str]:
        return [field_html(note.text, html=note.html)]

    def item_cues(self, note: ClozeNote) -> list[ItemCue]:
        """A hint that contains its deletion (or a word of it), and two deletions that are
        items of one list, each guessable from the other."""
        from rapport.content.notes.words import content_words, related

        cues: list[ItemCue] = []
        matches = list(DELETION.finditer(note.text))
        for m in matches:
            number, body, hint = m.group(1), m.group(2), m.group(3)
            if not hint:
                continue
            answer = content_words(body)
            given = sorted(
                {h for h in content_words(hint) if any(related(h, a) for a in answer)}
                | ({body.casefold()} if body.casefold() in hint.casefold() else set())
            )
            if given:
                words = ", ".join(f"'{w}'" for w in given)
                message = f"the hint of c{number} ({hint!r}) contains {words} from its answer"
                cues.append(ItemCue("text", "cloze-hint", message))
        for left, right in zip(matches, matches[1:], strict=False):
            if left.group(1) == right.group(1):
                continue
            gap = note.text[left.end() : right.start()]
            if (
                _LIST_JOIN.search(gap)
                and len(gap.split()) <= _LIST_GAP_WORDS
                and not _SENTENCE_END.search(gap)
            ):
                message = (
                    f"c{left.group(1)} ({left.group(2)!r}) and c{right.group(1)} "
                    f"({right.group(2)!r}) are items of one list"
                )
                cues.append(ItemCue("text", "cloze-list", message))
        return cues


_CSS = """
/* Cloze: Anki wraps the active deletion in span.cloze on both sides. */
.rapport .cloze {
  font-weight: 600;
  color: var(--rapport-cloze);
}
"""


RULES = ClozeRules()
