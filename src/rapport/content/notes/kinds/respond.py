"""Respond notes: practising a counselling skill, not recalling a fact.

A client statement with a line of context; the trainee types a response in their own
words; the answer side shows two or three model responses of different styles and a
rubric of three to six lines, each tied to the concept of the deck it applies. The
trainee ticks the lines their response met and Rapport suggests a grade from the share
ticked (:func:`rapport.study.rubric.suggested_from_rubric`); the trainee's own grade
choice still rules. The typed response is kept with the answer in the review log and
shown beside the next one ("Your last response").

In a deck file::

    [[notes]]
    id = "mistrust-paid-to-listen"
    kind = "respond"
    concept = "attunement"
    context = "Third session. The client arrives late again and sits with arms folded."
    statement = "I don't see the point of this. You're only paid to listen to me."
    models = [
      { style = "Reflection of feeling", text = "..." },
      { style = "Open question", text = "..." },
    ]
    rubric = [
      { line = "Acknowledges the doubt without defending yourself", concept = "attunement" },
      ...
    ]
    risk = "..."    # optional: a risk or confidentiality note, shown on the answer side
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
    Marks,
    Question,
    RespondKind,
    anki_text,
    escape_text,
    field_html,
)
from rapport.content.notes.model import Card, Kind, Model, RespondNote, RubricLine

MIN_MODELS, MAX_MODELS = 2, 3
MIN_RUBRIC, MAX_RUBRIC = 3, 6
# Patterns as text, compiled (and cached by re) on first use: checking a deck or reading
# an Anki note, never a start from the deck cache.
_SLUG = r"^[a-z0-9]+(?:-[a-z0-9]+)*$"

# A rubric line that forbids advice, and a model response that gives it anyway.
NO_ADVICE = (
    r"(?i)\b(?:no advice|not advise|n't advise|without advising|without advice|not give advice|"
    r"no advice-giving|not tell (?:the client|them|her|him) what to do|not offer solutions)\b"
)
ADVICE = (
    r"(?i)\b(?:you should|you shouldn't|you must|you need to|you ought to|try to|why don't you|"
    r"why not try|if i were you|have you tried|my advice)\b"
)


class RespondRules(RespondKind[RespondNote]):
    name = Kind.RESPOND
    label = "Respond to a client"
    keys = frozenset({"context", "statement", "models", "rubric", "risk"})
    practice = True  # self-assessed against the rubric, as in review
    practice_label = "Respond to the client"
    columns = (
        ("context", "Context (one line)", True),
        ("statement", "Client statement", True),
        *(
            column
            for i in range(1, MAX_MODELS + 1)
            for column in (
                (f"model {i} style", f"Model {i} style", False),
                (f"model {i}", f"Model response {i}", True),
            )
        ),
        ("rubric", "Rubric: one line each, as concept: what the response does", True),
        ("risk", "Risk or confidentiality note (optional)", True),
    )
    anki = AnkiNoteType(
        1407771123,
        "Rapport Respond",
        ("Context", "Statement", "Models", "Rubric", "Risk"),
        ("Context", "Statement"),
    )

    # -- reading and writing ------------------------------------------------------------

    def read(
        self, table: Mapping[str, Any], common: CommonFields, label: str, check: FieldReader
    ) -> RespondNote:
        context = check.text(table, "context", label, required=True)
        statement = check.text(table, "statement", label, required=True)
        risk = check.text(table, "risk", label, required=False)
        models = tuple(
            Model(row["style"], row["text"])
            for row in _rows(table, "models", ("style", "text"), label, check)
        )
        if "models" in table and not MIN_MODELS <= len(models) <= MAX_MODELS:
            check.add(
                label,
                "models",
                f"has {len(models)}; a respond note needs {MIN_MODELS} or {MAX_MODELS} "
                "model responses of different styles",
            )
        if len({m.style.casefold() for m in models}) < len(models):
            check.add(label, "models", "two model responses have the same style")
        rubric = tuple(
            RubricLine(row["line"], row["concept"])
            for row in _rows(table, "rubric", ("line", "concept"), label, check)
        )
        if "rubric" in table and not MIN_RUBRIC <= len(rubric) <= MAX_RUBRIC:
            check.add(
                label,
                "rubric",
                f"has {len(rubric)} lines; a rubric needs {MIN_RUBRIC} to {MAX_RUBRIC}",
            )
        for i, line in enumerate(rubric, start=1):
            if line.concept and not re.match(_SLUG, line.concept):
                check.add(
                    label, f"rubric[{i}].concept", "must be a concept slug of a-z, 0-9 and '-'"
                )
        return RespondNote(
            **common,
            context=context,
            statement=statement,
            models=models,
            rubric=rubric,
            risk=risk,
        )

    def to_table(self, note: RespondNote) -> dict[str, Any]:
        table: dict[str, Any] = {
            "context": note.context,
            "statement": note.statement,
            "models": [{"style": m.style, "text": m.text} for m in note.models],
            "rubric": [{"line": r.line, "concept": r.concept} for r in note.rubric],
        }
        if note.risk:
            table["risk"] = note.risk
        return table

    def to_columns(self, note: RespondNote) -> dict[str, str]:
        values = {"context": note.context, "statement": note.statement}
        for i in range(1, MAX_MODELS + 1):
            model = note.models[i - 1] if i <= len(note.models) else Model("", "")
            values[f"model {i} style"], values[f"model {i}"] = model.style, model.text
        values["rubric"] = "\n".join(f"{r.concept}: {r.line}" for r in note.rubric)
        values["risk"] = note.risk
        return {key: values[key] for key, _label, _multi in self.columns}

    def from_columns(self, values: Mapping[str, str]) -> dict[str, Any]:
        models = []
        for i in range(1, MAX_MODELS + 1):
            style, text = values.get(f"model {i} style", ""), values.get(f"model {i}", "")
            if style.strip() or text.strip():
                models.append({"style": style.strip(), "text": text.strip()})
        rubric = []
        for raw in values.get("rubric", "").splitlines():
            if raw.strip():
                concept, colon, line = raw.partition(":")
                if not colon:  # no concept given: the line alone, for read to report
                    concept, line = "", raw
                rubric.append({"line": line.strip(), "concept": concept.strip()})
        table: dict[str, Any] = {
            "context": values.get("context", ""),
            "statement": values.get("statement", ""),
            "models": models,
            "rubric": rubric,
        }
        if values.get("risk", "").strip():
            table["risk"] = values["risk"].strip()
        return table

    # -- the parts ----------------------------------------------------------------------

    def context(self, note: RespondNote) -> str:
        return note.context

    def statement(self, note: RespondNote) -> str:
        return note.statement

    def models(self, note: RespondNote) -> tuple[Model, ...]:
        return note.models

    def rubric(self, note: RespondNote) -> tuple[RubricLine, ...]:
        return note.rubric

    def risk(self, note: RespondNote) -> str:
        return note.risk

    def question_text(self, note: RespondNote, ordinal: int) -> str:
        return f"{note.context}\n\u201c{note.statement}\u201d"

    def answer_text(self, note: RespondNote, ordinal: int) -> str:
        return note.models[0].text if note.models else ""

    def question_html(self, note: RespondNote, ordinal: int, marks: Marks) -> str:
        context = marks.muted(field_html(note.context, html=note.html))
        return f"{context}<br><br>\u201c{field_html(note.statement, html=note.html)}\u201d"

    def item_text(self, note: RespondNote) -> str:
        return " ".join([note.context, note.statement, *(m.text for m in note.models)])

    def practice_question(self, card: Card, rng: random.Random) -> Question | None:
        note = self.note_of(card)
        return Question(card, (), self.answer_text(note, card.ordinal), ())

    def item_cues(self, note: RespondNote) -> list[ItemCue]:
        """A model response that gives advice where a rubric line forbids advice."""
        forbidding = [r.line for r in note.rubric if re.search(NO_ADVICE, r.line)]
        if not forbidding:
            return []
        cues = []
        for i, model in enumerate(note.models, start=1):
            if m := re.search(ADVICE, model.text):
                message = (
                    f"model {i} ({model.style}) gives advice ('{m.group(0)}') where the "
                    f"rubric says {forbidding[0]!r}"
                )
                cues.append(ItemCue(f"models[{i}].text", "respond-advice", message))
        return cues

    # -- Anki ---------------------------------------------------------------------------

    def anki_fields(self, deck_slug: str, note: RespondNote) -> list[str]:
        def text(value: str) -> str:
            return field_html(value, html=note.html)

        models = "".join(
            f'<div class="model"><div class="style">{escape_text(m.style)}</div>'
            f'<div class="text">{text(m.text)}</div></div>'
            for m in note.models
        )
        # Checkboxes tick without any script; the rubric reads as a plain list without CSS.
        rubric = "".join(
            f'<li class="rubric-line"><label><input type="checkbox"> '
            f'<span class="line">{text(r.line)}</span></label> '
            f'<span class="rubric-concept">{escape_text(r.concept)}</span></li>'
            for r in note.rubric
        )
        return [
            text(note.context),
            text(note.statement),
            models,
            f'<ol class="rubric">{rubric}</ol>',
            text(note.risk) if note.risk else "",
        ]

    def anki_templates(self) -> tuple[AnkiTemplate, ...]:
        front = (
            '<div class="context">{{Context}}</div>\n'
            '<div class="prompt statement">\u201c{{Statement}}\u201d</div>\n'
            '<div class="respond-hint">Say or write your response in your own words, '
            "then show the answer.</div>"
        )
        back = (
            '<div class="context">{{Context}}</div>\n'
            '<div class="prompt statement">\u201c{{Statement}}\u201d</div>\n'
            '<hr id="answer">\n'
            '<div class="models-head">Model responses</div>\n'
            '<div class="models">{{Models}}</div>\n'
            '<div class="rubric-head">Tick what your response did</div>\n'
            "{{Rubric}}\n"
            '{{#Risk}}<div class="risk"><b>Risk and confidentiality:</b> {{Risk}}</div>'
            "{{/Risk}}\n" + anki.FOOTER
        )
        return (AnkiTemplate("Respond", anki.card("respond", front), anki.card("respond", back)),)

    def anki_css(self) -> str:
        return _CSS

    def from_anki(self, fields: Mapping[str, str]) -> dict[str, Any]:
        models = [
            {"style": anki_text(style), "text": anki_text(text)}
            for style, text in re.findall(_ANKI_MODEL, fields.get("Models", ""))
        ]
        rubric = [
            {"line": anki_text(line), "concept": anki_text(concept)}
            for line, concept in re.findall(_ANKI_RUBRIC, fields.get("Rubric", ""))
        ]
        table: dict[str, Any] = {
            "context": anki_text(fields["Context"]),
            "statement": anki_text(fields["Statement"]),
            "models": models,
            "rubric": rubric,
        }
        if anki_text(fields.get("Risk", "")):
            table["risk"] = anki_text(fields["Risk"])
        return table


_ANKI_MODEL = (
    r'(?s)<div class="model"><div class="style">(.*?)</div><div class="text">(.*?)</div></div>'
)
_ANKI_RUBRIC = (
    r'(?s)<span class="line">(.*?)</span></label> <span class="rubric-concept">(.*?)</span>'
)

_CSS = """
/* Respond: a client statement, model responses and a rubric to tick (no script). */
.rapport.respond .context {
  color: var(--rapport-muted);
  font-size: 0.9em;
  font-style: italic;
}

.rapport.respond .statement {
  font-size: 1.15em;
}

.rapport.respond .respond-hint {
  color: var(--rapport-muted);
  font-size: 0.85em;
  margin-top: 1em;
}

.rapport.respond .models-head,
.rapport.respond .rubric-head {
  font-weight: 700;
  margin: 1em 0 0.4em;
}

.rapport.respond .model {
  border-left: 3px solid var(--rapport-accent);
  padding: 0.3em 0.7em;
  margin: 0.5em 0;
}

.rapport.respond .model .style {
  color: var(--rapport-accent);
  font-size: 0.85em;
  font-weight: 700;
}

.rapport.respond ol.rubric {
  padding-left: 1.6em;
}

.rapport.respond .rubric-line {
  margin: 0.35em 0;
}

.rapport.respond .rubric-concept {
  display: inline-block;
  color: var(--rapport-muted);
  font-size: 0.8em;
  border: 1px solid var(--rapport-rule);
  border-radius: 8px;
  padding: 0 0.4em;
}

.rapport.respond .risk {
  background-color: var(--rapport-panel);
  border-left: 4px solid var(--rapport-wrong);
  padding: 0.5em 0.7em;
  margin-top: 1em;
}
"""


def _rows(
    table: Mapping[str, Any],
    key: str,
    fields: tuple[str, str],
    label: str,
    check: FieldReader,
) -> list[dict[str, str]]:
    """A list of small tables with exactly ``fields``, each non-empty text."""
    shape = "{ " + ", ".join(f'{f} = "..."' for f in fields) + " }"
    raw = table.get(key)
    if raw is None:
        check.add(label, key, "missing field")
        return []
    if not isinstance(raw, list) or not all(isinstance(r, dict) for r in raw):
        check.add(label, key, f"must be a list of {shape} tables")
        return []
    rows = []
    for i, row in enumerate(raw, start=1):
        for extra in sorted(set(row) - set(fields)):
            check.add(
                label, f"{key}[{i}].{extra}", f"unknown key (expected {' and '.join(fields)})"
            )
        values = {}
        for name in fields:
            value = row.get(name)
            if not isinstance(value, str) or not value.strip():
                check.add(label, f"{key}[{i}].{name}", "missing or empty")
                value = ""
            values[name] = value
        rows.append(values)
    return rows


RULES = RespondRules()
