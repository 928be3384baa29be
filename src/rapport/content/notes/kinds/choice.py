"""Choice notes: a question with one correct option and three or more distractors, each
option with its one-line rationale.

The app shuffles the options afresh each time; the Anki export and the practice test use
:func:`option_order` (export) or the test's own random draw.
"""

from __future__ import annotations

import random
import re
import string

# hashlib.blake2b itself, without the OpenSSL set-up that importing hashlib costs every
# start (about 2 ms; see rapport.store.checks)
from _blake2 import blake2b
from collections.abc import Mapping
from typing import Any

from rapport.content.notes.answers import Verdict, check_choice
from rapport.content.notes.kinds import anki
from rapport.content.notes.kinds.base import (
    AnkiNoteType,
    AnkiTemplate,
    CommonFields,
    FieldReader,
    ItemCue,
    Marks,
    PickKind,
    Question,
    anki_text,
    field_html,
)
from rapport.content.notes.model import Card, ChoiceNote, Kind, Option

MIN_DISTRACTORS = 3
MAX_DISTRACTORS = 5  # what the note editor and spreadsheets offer (a deck file may have more)
LETTERS = string.ascii_uppercase


def verdict(note: ChoiceNote, index: int) -> Verdict:
    """The verdict on picking ``note.options[index]``."""
    return check_choice(note.options[index].correct)


def option_order(deck_slug: str, note: ChoiceNote) -> tuple[Option, ...]:
    """The note's options in their fixed, deterministic, shuffled order (for Anki).

    Each option's position in the deck file (correct answer first, then the distractors)
    gets a sort key from a BLAKE2b hash of the deck and note ids: stable across runs,
    platforms and Python versions, and independent of the options' wording.
    """
    seed = f"rapport-choice:{deck_slug}:{note.id}:".encode()
    keyed = sorted(
        (blake2b(seed + str(i).encode(), digest_size=8).digest(), i)
        for i in range(len(note.options))
    )
    return tuple(note.options[i] for _, i in keyed)


# One option of the Rationales field (ChoiceRules.anki_fields): its verdict, text and why
# (text, compiled by re when an Anki note is first read).
_RATIONALE = (
    r'(?s)<div class="rationale (right|wrong)" data-option="\d+">.*?'
    r'<span class="option-text">(.*?)</span>.*?<span class="why">(.*?)</span></div>'
)


def _letter(index: int) -> str:
    return f'<span class="letter">{LETTERS[index]}.</span>'


class ChoiceRules(PickKind[ChoiceNote]):
    name = Kind.CHOICE
    label = "Multiple choice"
    keys = frozenset({"question", "answer", "distractors", "scenario"})
    columns = (
        ("question", "Question", True),
        ("answer", "Right answer", False),
        ("answer why", "Why it is right", False),
        *(
            column
            for i in range(1, MAX_DISTRACTORS + 1)
            for column in (
                (f"distractor {i}", f"Wrong answer {i}", False),
                (f"why {i}", f"Why wrong answer {i} is wrong", False),
            )
        ),
    )

    def to_columns(self, note: ChoiceNote) -> dict[str, str]:
        values = {"question": note.question, "answer": note.answer.text}
        values["answer why"] = note.answer.why
        for i, option in enumerate((o for o in note.options if not o.correct), start=1):
            values[f"distractor {i}"], values[f"why {i}"] = option.text, option.why
        return values

    def from_columns(self, values: Mapping[str, str]) -> dict[str, Any]:
        distractors = []
        for i in range(1, MAX_DISTRACTORS + 1):
            text, why = values.get(f"distractor {i}", ""), values.get(f"why {i}", "")
            if text or why:
                distractors.append({"text": text, "why": why})
        return {
            "question": values.get("question", ""),
            "answer": {"text": values.get("answer", ""), "why": values.get("answer why", "")},
            "distractors": distractors,
        }

    anki = AnkiNoteType(
        1123759629,
        "Rapport Choice",
        ("Question", "Options", "Answer", "Rationales"),
        ("Question", "Options"),
    )

    def options(self, note: ChoiceNote) -> tuple[Option, ...]:
        return note.options

    def question_lead(self, note: ChoiceNote, marks: Marks) -> str:
        return marks.muted("<i>Scenario</i>") if note.scenario else ""

    def anki_templates(self) -> tuple[AnkiTemplate, ...]:
        return (
            AnkiTemplate(
                "Choice",
                anki.card(
                    "choice",
                    '<div class="prompt">{{Question}}</div>\n'
                    '<div class="options" id="rapport-options">{{Options}}</div>\n'
                    '<div class="pick-hint" id="rapport-hint" hidden>Tap your answer.</div>',
                )
                + anki.script("choiceFront"),
                # Not {{FrontSide}}: each option is shown once, with its rationale.
                anki.card(
                    "choice",
                    '<div class="prompt">{{Question}}</div>\n<hr id="answer">\n'
                    '<div class="pick-verdict" id="rapport-verdict" hidden></div>\n'
                    '<div class="rationales" id="rapport-rationales">{{Rationales}}</div>\n'
                    + anki.FOOTER,
                )
                + anki.script("choiceBack"),
            ),
        )

    def anki_css(self) -> str:
        return _CSS

    def from_anki(self, fields: Mapping[str, str]) -> dict[str, Any]:
        answer: dict[str, str] = {}
        distractors: list[dict[str, str]] = []
        for verdict, text, why in re.findall(_RATIONALE, fields.get("Rationales", "")):
            option = {"text": anki_text(text), "why": anki_text(why)}
            if verdict == "right":
                answer = option
            else:
                distractors.append(option)
        return {
            "question": anki_text(fields["Question"]),
            "answer": answer,
            "distractors": distractors,
        }

    practice = True
    practice_label = "Multiple choice"

    def read(
        self, table: Mapping[str, Any], common: CommonFields, label: str, check: FieldReader
    ) -> ChoiceNote:
        question = check.text(table, "question", label, required=True)
        return ChoiceNote(
            **common,
            question=question,
            options=_options(table, label, check),
            scenario=check.flag(table, "scenario", label),
        )

    def to_table(self, note: ChoiceNote) -> dict[str, Any]:
        table: dict[str, Any] = {
            "question": note.question,
            "answer": {"text": note.answer.text, "why": note.answer.why},
            "distractors": [{"text": o.text, "why": o.why} for o in note.options if not o.correct],
        }
        if note.scenario:
            table["scenario"] = True
        return table

    def question_text(self, note: ChoiceNote, ordinal: int) -> str:
        return note.question

    def answer_text(self, note: ChoiceNote, ordinal: int) -> str:
        return note.answer.text

    def item_text(self, note: ChoiceNote) -> str:
        # The options are what make two items on one fact different angles.
        return " ".join([note.question, *(o.text for o in note.options)])

    def item_cues(self, note: ChoiceNote) -> list[ItemCue]:
        """An answer that stands out: much the longest option, the one option without an
        absolute, or sharing a word with the question that no distractor has."""
        from rapport.content.notes.optioncues import ABSOLUTES, LONGEST_MARGIN
        from rapport.content.notes.words import content_words, related, visible

        cues: list[ItemCue] = []
        answer = note.answer
        distractors = [o for o in note.options if not o.correct]
        if not distractors:
            return cues
        longest_other = max(len(visible(d.text)) for d in distractors)
        if len(visible(answer.text)) > longest_other * LONGEST_MARGIN:
            extra = len(visible(answer.text)) / longest_other - 1
            message = f"the answer is {extra:.0%} longer than the longest distractor"
            cues.append(ItemCue("answer.text", "longest-answer", message))
        if not ABSOLUTES.search(answer.text):
            for i, d in enumerate(distractors, start=1):
                if m := ABSOLUTES.search(d.text):
                    message = f"'{m.group(0)}' appears in a distractor but not in the answer"
                    cues.append(ItemCue(f"distractors[{i}].text", "absolute", message))
        question = content_words(note.question)
        in_distractors = set().union(*(content_words(d.text) for d in distractors))
        echoed = sorted(
            w
            for w in content_words(answer.text)
            if any(related(w, q) for q in question)
            and not any(related(w, d) for d in in_distractors)
        )
        if echoed:
            words = ", ".join(f"'{w}'" for w in echoed)
            message = (
                f"{words} appear{'s' * (len(echoed) == 1)} in the question and the answer "
                "but in no distractor"
            )
            cues.append(ItemCue("answer.text", "answer-echo", message))
        return cues + _option_cues(note)

    def practice_question(self, card: Card, rng: random.Random) -> Question | None:
        note = self.note_of(card)
        options = list(note.options)
        rng.shuffle(options)
        return Question(card, tuple(options), note.answer.text, (note.answer.text,))

    def anki_fields(self, deck_slug: str, note: ChoiceNote) -> list[str]:
        order = option_order(deck_slug, note)
        texts = [field_html(o.text, html=note.html) for o in order]
        # data-option numbers each option for the card script (resources/anki-cards.js),
        # which shuffles the options and matches each to its rationale on the back.
        options = "".join(
            f'<div class="option" data-option="{i}">{_letter(i)} {text}</div>'
            for i, text in enumerate(texts)
        )
        right = next(i for i, o in enumerate(order) if o.correct)
        answer = f"{_letter(right)} {texts[right]}"
        rationales = "".join(
            f'<div class="rationale {"right" if o.correct else "wrong"}" data-option="{i}">'
            f'{_letter(i)} <span class="option-text">{texts[i]}</span>'
            f'<span class="verdict">{"Right" if o.correct else "Wrong"}:</span> '
            f'<span class="why">{field_html(o.why, html=note.html)}</span></div>'
            for i, o in enumerate(order)
        )
        return [field_html(note.question, html=note.html), options, answer, rationales]


def _option_cues(note: ChoiceNote) -> list[ItemCue]:
    """The cues in the set of options (:mod:`rapport.content.notes.optioncues`): only the answer
    warm or hedged, the answer's grammar unlike the distractors', the answer the option
    most like all the others."""
    from rapport.content.notes.optioncues import FORM_NAMES, converges_on, key_only_warm, odd_form

    cues: list[ItemCue] = []
    texts = [o.text for o in note.options]
    distractors = [o.text for o in note.options if not o.correct]
    if warm := key_only_warm(note.answer.text, distractors):
        words = ", ".join(f"'{w}'" for w in dict.fromkeys(w.casefold() for w in warm))
        message = f"only the answer is warm or hedged ({words}); no distractor is"
        cues.append(ItemCue("answer.text", "warm-key", message))
    if form := odd_form(note.answer.text, distractors):
        mine, theirs = (FORM_NAMES[f] for f in form)
        message = f"the answer is {mine}, while the distractors are {theirs}"
        cues.append(ItemCue("answer.text", "grammar", message))
    index = next(i for i, o in enumerate(note.options) if o.correct)
    if converged := converges_on(index, texts):
        message = (
            f"the answer is the option most like all the others ({converged[0]:.0%} alike "
            f"on average, the closest distractor {converged[1]:.0%})"
        )
        cues.append(ItemCue("answer.text", "convergence", message))
    return cues


def _options(table: Mapping[str, Any], label: str, check: FieldReader) -> tuple[Option, ...]:
    options: list[Option] = []
    answer = table.get("answer")
    if answer is None:
        check.add(label, "answer", "missing field")
    elif not isinstance(answer, dict):
        check.add(label, "answer", 'must be a table { text = "...", why = "..." }')
    else:
        options.append(_option(answer, "answer", label, check, correct=True))
    distractors = table.get("distractors")
    if distractors is None:
        check.add(label, "distractors", "missing field")
    elif not isinstance(distractors, list) or not all(isinstance(d, dict) for d in distractors):
        check.add(label, "distractors", 'must be a list of { text = "...", why = "..." } tables')
    else:
        if len(distractors) < MIN_DISTRACTORS:
            check.add(
                label,
                "distractors",
                f"has {len(distractors)}; a choice needs at least {MIN_DISTRACTORS}",
            )
        for i, d in enumerate(distractors, start=1):
            options.append(_option(d, f"distractors[{i}]", label, check, correct=False))
    texts = [o.text.strip().casefold() for o in options if o.text]
    if len(set(texts)) != len(texts):
        check.add(label, "distractors", "two options have the same text")
    return tuple(options)


def _option(
    raw: Mapping[str, Any], where: str, label: str, check: FieldReader, *, correct: bool
) -> Option:
    for key in sorted(set(raw) - {"text", "why"}):
        check.add(label, f"{where}.{key}", "unknown key (expected text and why)")
    # Read under their full path, so that a problem names the option ("distractors[2].why").
    text, why = (
        check.text(
            {f"{where}.{key}": raw[key]} if key in raw else {},
            f"{where}.{key}",
            label,
            required=False,
        )
        for key in ("text", "why")
    )
    if "text" not in raw:
        check.add(label, f"{where}.text", "missing field")
    if "why" not in raw:
        check.add(label, f"{where}.why", "missing rationale")
    return Option(text=text, why=why, correct=correct)


_CSS = """
/* Choice */
.rapport .options .option,
.rapport .rationales .rationale {
  margin: 0.35em 0;
  padding: 0.35em 0.6em;
  border-radius: 6px;
  background-color: var(--rapport-panel);
}

.rapport .letter {
  font-weight: 700;
  color: var(--rapport-accent);
  margin-right: 0.3em;
}

.rapport.choice .answer {
  font-weight: 600;
}

.rapport .rationale {
  font-size: 0.9em;
}

.rapport .rationale .option-text {
  font-weight: 600;
}

/* The letter and the option on one line, the verdict and rationale on the next. */
.rapport .rationale .option-text::after {
  content: "";
  display: block;
}

.rapport .rationale .verdict {
  font-weight: 700;
  margin-right: 0.3em;
}

.rapport .rationale.right {
  background-color: var(--rapport-right-panel);
}

.rapport .rationale.right .verdict {
  color: var(--rapport-right);
}

.rapport .rationale.wrong .verdict {
  color: var(--rapport-wrong);
}

/* Interactive: set by anki-cards.js. Options become buttons; the pick is marked. */
.rapport .options.interactive .option.pickable {
  cursor: pointer;
  border: 1px solid var(--rapport-rule);
  -webkit-tap-highlight-color: transparent;
}

.rapport .options.interactive .option.pickable:hover,
.rapport .options.interactive .option.pickable:focus-visible {
  border-color: var(--rapport-accent);
  outline: none;
}

.rapport .options .option.picked {
  border-color: var(--rapport-accent);
  box-shadow: inset 0 0 0 2px var(--rapport-accent);
}

.rapport .pick-hint {
  font-size: 0.8em;
  color: var(--rapport-muted);
}

.rapport .rationale.picked {
  box-shadow: inset 0 0 0 2px var(--rapport-accent);
}

.rapport .rationale .your-pick {
  float: right;
  font-size: 0.8em;
  font-weight: 700;
  color: var(--rapport-accent);
}

.rapport .pick-verdict {
  font-weight: 700;
  margin: 0.4em 0;
}

.rapport .pick-verdict.right {
  color: var(--rapport-right);
}

.rapport .pick-verdict.wrong {
  color: var(--rapport-wrong);
}

/* Phone width: a choice card's back fits a phone screen. */
@media (max-width: 480px) {
  .rapport .options .option,
  .rapport .rationales .rationale {
    margin: 0.25em 0;
    padding: 0.3em 0.45em;
  }

  .rapport .rationale {
    font-size: 0.85em;
  }
}
"""


RULES = ChoiceRules()
