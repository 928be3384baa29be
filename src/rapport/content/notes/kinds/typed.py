"""Typed notes: a prompt whose short answer the trainee types, with accepted alternatives.

The typed response is checked by the one answer checker of the core
(:func:`rapport.content.notes.answers.check_typed`) against :meth:`TypedRules.accepted`.
"""

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
    ItemCue,
    Question,
    TypeKind,
    anki_text,
    escape_text,
    field_html,
)
from rapport.content.notes.model import Card, Kind, TypedNote


class TypedRules(TypeKind[TypedNote]):
    name = Kind.TYPED
    label = "Typed answer"
    keys = frozenset({"prompt", "answer", "accept"})
    columns = (
        ("prompt", "Prompt", True),
        ("answer", "Answer", False),
        ("accept", "Also accept (separate with ;)", False),
    )

    def to_columns(self, note: TypedNote) -> dict[str, str]:
        # "; " between alternatives, or one a line when an alternative holds a ";" itself
        joiner = "\n" if any(";" in a for a in note.accept) else "; "
        return {"prompt": note.prompt, "answer": note.answer, "accept": joiner.join(note.accept)}

    def from_columns(self, values: Mapping[str, str]) -> dict[str, Any]:
        table: dict[str, Any] = {
            "prompt": values.get("prompt", ""),
            "answer": values.get("answer", ""),
        }
        text = values.get("accept", "")
        parts = text.splitlines() if "\n" in text.strip() else text.split(";")
        accept = [a.strip() for a in parts if a.strip()]
        if accept:
            table["accept"] = accept
        return table

    anki = AnkiNoteType(1251914550, "Rapport Typed", ("Prompt", "Answer", "Accept"), ("Prompt",))

    def anki_templates(self) -> tuple[AnkiTemplate, ...]:
        return (
            AnkiTemplate(
                "Typed",
                anki.card("typed", '<div class="prompt">{{Prompt}}</div>\n{{type:Answer}}')
                + anki.script("typedFront"),
                anki.card(
                    "typed",
                    '<div class="prompt">{{Prompt}}</div>\n<hr id="answer">\n{{type:Answer}}\n'
                    '<div class="typed-verdict" id="rapport-verdict" hidden></div>\n'
                    '<div class="accepted" id="rapport-accepted">Accepted answers: '
                    '<span class="alt">{{Answer}}</span>{{#Accept}}, {{Accept}}{{/Accept}}</div>\n'
                    '<div class="compare-note" id="rapport-compare-note">Anki\'s own check above '
                    "compares your answer with \u201c{{Answer}}\u201d only; any accepted answer "
                    "counts as right.</div>\n" + anki.FOOTER,
                )
                + anki.script("typedBack"),
            ),
        )

    def anki_css(self) -> str:
        return _CSS

    def from_anki(self, fields: Mapping[str, str]) -> dict[str, Any]:
        accept = re.findall(r'<span class="alt">(.*?)</span>', fields.get("Accept", ""))
        table: dict[str, Any] = {
            "prompt": anki_text(fields["Prompt"]),
            "answer": anki_text(fields["Answer"]),
        }
        if accept:
            table["accept"] = [anki_text(a) for a in accept]
        return table

    def item_cues(self, note: TypedNote) -> list[ItemCue]:
        return []

    practice = True
    practice_label = "Type the answer"

    def read(
        self, table: Mapping[str, Any], common: CommonFields, label: str, check: FieldReader
    ) -> TypedNote:
        prompt = check.text(table, "prompt", label, required=True)
        answer = check.text(table, "answer", label, required=True)
        accept = check.strings(table, "accept", label)
        return TypedNote(**common, prompt=prompt, answer=answer, accept=accept)

    def to_table(self, note: TypedNote) -> dict[str, Any]:
        table: dict[str, Any] = {"prompt": note.prompt, "answer": note.answer}
        if note.accept:
            table["accept"] = list(note.accept)
        return table

    def question_text(self, note: TypedNote, ordinal: int) -> str:
        return note.prompt

    def answer_text(self, note: TypedNote, ordinal: int) -> str:
        return note.answer

    def accepted(self, note: TypedNote, ordinal: int) -> tuple[str, ...]:
        return (note.answer, *note.accept)

    def practice_question(self, card: Card, rng: random.Random) -> Question | None:
        accepted = self.accepted(self.note_of(card), card.ordinal)
        return Question(card, (), accepted[0], accepted)

    def anki_fields(self, deck_slug: str, note: TypedNote) -> list[str]:
        # Each alternative in its own span: the card script checks a typed answer
        # against the answer and every one of them.
        accept = ", ".join(f'<span class="alt">{escape_text(a)}</span>' for a in note.accept)
        return [field_html(note.prompt, html=note.html), escape_text(note.answer), accept]


_CSS = """
.rapport .typed-verdict {
  font-weight: 700;
  margin: 0.4em 0;
}

.rapport .typed-verdict.right {
  color: var(--rapport-right);
}

.rapport .typed-verdict.wrong {
  color: var(--rapport-wrong);
}

/* Typed: Anki's own comparison markup. */
.rapport input#typeans {
  font: inherit;
  width: 100%;
  box-sizing: border-box;
  padding: 0.3em 0.5em;
  border: 1px solid var(--rapport-rule);
  border-radius: 6px;
  background-color: var(--rapport-background);
  color: var(--rapport-text);
}

.rapport code#typeans {
  font-family: inherit;
}

.rapport .accepted,
.rapport .compare-note {
  font-size: 0.9em;
  color: var(--rapport-muted);
  margin-top: 0.5em;
}

.rapport .accepted .alt {
  color: var(--rapport-text);
  font-weight: 600;
}

.rapport .accept {
  font-size: 0.9em;
  color: var(--rapport-muted);
  margin-top: 0.5em;
}
"""


RULES = TypedRules()
