"""Rapport's Anki note types: one per card kind, with fixed ids and fixed field names.

Anki recognises a note type by its id and matches incoming notes to its fields by
position, so once released neither may change: a renamed, reordered or removed field
would make Anki treat the next import as a different note type and stop updating the
trainee's notes in place. Templates and the stylesheet may change freely (Anki replaces
them when the incoming note type is newer).

Every note type ends with the same three fields, shown on the answer side:

``Source``
    where the note comes from, e.g. "The essay, paragraph 4";
``Concept``
    the concept the note teaches (also a tag);
``Extra``
    the deck's remark, if any.

All styling comes from ``resources/anki.css``, one stylesheet shared by every note type.
The Choice and Typed templates carry Rapport's fixed card script
(``resources/anki-cards.js``): choice options shuffled on each review and tappable, the
back marking the right and the picked option; a typed answer checked against every
accepted alternative. Without JavaScript both are complete static cards.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import genanki

from rapport.content.kinds import rules_for
from rapport.content.model import Kind
from rapport.errors import RapportError
from rapport.paths import resources_dir

# Each kind's note type (fixed id, name and own fields) lives in its kind module
# (rapport.content.kinds); these tables are read from there, the common fields appended.
COMMON_FIELDS: tuple[str, ...] = ("Source", "Concept", "Extra")
FIELDS: dict[Kind, tuple[str, ...]] = {
    kind: (*rules_for(kind).anki.fields, *COMMON_FIELDS) for kind in Kind
}
MODEL_IDS: dict[Kind, int] = {kind: rules_for(kind).anki.model_id for kind in Kind}
MODEL_NAMES: dict[Kind, str] = {kind: rules_for(kind).anki.name for kind in Kind}

STYLESHEET_NAME = "anki.css"
SCRIPT_NAME = "anki-cards.js"

# The answer-side footer every note type shares.
_FOOTER = (
    '{{#Extra}}<div class="extra">{{Extra}}</div>{{/Extra}}\n'
    '<div class="provenance"><span class="source">{{Source}}</span>'
    '{{#Concept}}<span class="concept">{{Concept}}</span>{{/Concept}}</div>'
)


def _script() -> str:
    """The shipped card script (resources/anki-cards.js), or '' if it cannot be read: the
    cards are complete without it."""
    try:
        return (resources_dir() / SCRIPT_NAME).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return ""


# Each interactive template ends with the whole script and one call; the script never
# contains two braces in a row, so Anki's template language leaves it alone.
_SCRIPT = (
    "\n<script>\n"
    + _script().replace("{", "{{").replace("}", "}}")
    + ("\nif (typeof rapport !== 'undefined') {{ rapport.{call}(); }}\n</script>")
)


def _card(kind: str, body: str) -> str:
    return f'<div class="rapport {kind}">\n{body}\n</div>'


def _back(kind: str, body: str) -> str:
    return '{{FrontSide}}\n<hr id="answer">\n' + _card(kind, f"{body}\n{_FOOTER}")


_TEMPLATES: dict[Kind, list[dict[str, str]]] = {
    Kind.BASIC: [
        {
            "name": "Card 1",
            "qfmt": _card("basic", '<div class="prompt">{{Front}}</div>'),
            "afmt": _back("basic", '<div class="answer">{{Back}}</div>'),
        }
    ],
    Kind.REVERSED: [
        {
            "name": "Term to definition",
            "qfmt": _card("reversed", '<div class="prompt term">{{Front}}</div>'),
            "afmt": _back("reversed", '<div class="answer">{{Back}}</div>'),
        },
        {
            "name": "Definition to term",
            "qfmt": _card("reversed", '<div class="prompt">{{Back}}</div>'),
            "afmt": _back("reversed", '<div class="answer term">{{Front}}</div>'),
        },
    ],
    Kind.CLOZE: [
        {
            "name": "Cloze",
            "qfmt": _card("cloze", '<div class="prompt">{{cloze:Text}}</div>'),
            # Not {{FrontSide}}: the answer shows the passage with the deletion revealed.
            "afmt": _card("cloze", f'<div class="prompt">{{{{cloze:Text}}}}</div>\n{_FOOTER}'),
        }
    ],
    Kind.CHOICE: [
        {
            "name": "Choice",
            "qfmt": _card(
                "choice",
                '<div class="prompt">{{Question}}</div>\n'
                '<div class="options" id="rapport-options">{{Options}}</div>\n'
                '<div class="pick-hint" id="rapport-hint" hidden>Tap your answer.</div>',
            )
            + _SCRIPT.format(call="choiceFront"),
            # Not {{FrontSide}}: each option is shown once, with its rationale.
            "afmt": _card(
                "choice",
                '<div class="prompt">{{Question}}</div>\n<hr id="answer">\n'
                '<div class="pick-verdict" id="rapport-verdict" hidden></div>\n'
                '<div class="rationales" id="rapport-rationales">{{Rationales}}</div>\n' + _FOOTER,
            )
            + _SCRIPT.format(call="choiceBack"),
        }
    ],
    Kind.TYPED: [
        {
            "name": "Typed",
            "qfmt": _card("typed", '<div class="prompt">{{Prompt}}</div>\n{{type:Answer}}')
            + _SCRIPT.format(call="typedFront"),
            "afmt": _card(
                "typed",
                '<div class="prompt">{{Prompt}}</div>\n<hr id="answer">\n{{type:Answer}}\n'
                '<div class="typed-verdict" id="rapport-verdict" hidden></div>\n'
                '<div class="accepted" id="rapport-accepted">Accepted answers: '
                '<span class="alt">{{Answer}}</span>{{#Accept}}, {{Accept}}{{/Accept}}</div>\n'
                '<div class="compare-note" id="rapport-compare-note">Anki\'s own check above '
                "compares your answer with \u201c{{Answer}}\u201d only; any accepted answer "
                "counts as right.</div>\n" + _FOOTER,
            )
            + _SCRIPT.format(call="typedBack"),
        }
    ],
}


class StylesheetError(RapportError):
    """The shipped card stylesheet is missing or unreadable."""


def load_stylesheet(folder: Path | None = None) -> str:
    """The card stylesheet ``anki.css`` from ``folder`` (default: the shipped resources)."""
    path = (folder or resources_dir()) / STYLESHEET_NAME
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise StylesheetError(
            f"Cannot read the card stylesheet {path}: {getattr(exc, 'strerror', None) or exc}. "
            "Reinstall Rapport to restore it."
        ) from exc


@dataclass(frozen=True, slots=True)
class NoteTypes:
    """The five genanki models of one export, sharing one stylesheet."""

    by_kind: dict[Kind, genanki.Model]

    def __getitem__(self, kind: Kind) -> genanki.Model:
        return self.by_kind[kind]


def note_types(css: str) -> NoteTypes:
    """Fresh genanki models for every kind, styled by ``css``."""
    models: dict[Kind, genanki.Model] = {}
    for kind in Kind:
        models[kind] = genanki.Model(
            MODEL_IDS[kind],
            MODEL_NAMES[kind],
            fields=[{"name": name} for name in FIELDS[kind]],
            # Copies: genanki writes bookkeeping keys into the template dicts it is given.
            templates=[dict(t) for t in _TEMPLATES[kind]],
            css=css,
            model_type=genanki.Model.CLOZE
            if rules_for(kind).anki.cloze
            else genanki.Model.FRONT_BACK,
        )
    return NoteTypes(models)
