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

All styling comes from ``resources/anki.css``, one stylesheet shared by every note type,
followed by each kind's own rules (``KindRules.anki_css``).
The Choice and Typed templates carry Rapport's fixed card script
(``resources/anki-cards.js``): choice options shuffled on each review and tappable, the
back marking the right and the picked option; a typed answer checked against every
accepted alternative. Without JavaScript both are complete static cards.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import genanki

from rapport.content.notes.kinds import COMMON_ANKI_FIELDS, KindTable, registered
from rapport.content.notes.kinds.anki import SCRIPT_NAME as SCRIPT_NAME  # re-exported
from rapport.errors import RapportError
from rapport.paths import resources_dir

# Each kind's note type (fixed id, name, own fields, templates) lives in its kind module
# (rapport.content.notes.kinds); these tables read it from there, the common fields appended.
COMMON_FIELDS: tuple[str, ...] = COMMON_ANKI_FIELDS
FIELDS: Mapping[str, tuple[str, ...]] = KindTable(lambda r: (*r.anki.fields, *COMMON_FIELDS))
MODEL_IDS: Mapping[str, int] = KindTable(lambda r: r.anki.model_id)
MODEL_NAMES: Mapping[str, str] = KindTable(lambda r: r.anki.name)
FRONT_FIELDS: Mapping[str, tuple[str, ...]] = KindTable(lambda r: r.anki.front_fields)

STYLESHEET_NAME = "anki.css"


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


def kinds_stylesheet() -> str:
    """Every registered kind's own stylesheet rules, in registry order."""
    return "".join(rules.anki_css() for rules in registered().values())


@dataclass(frozen=True, slots=True)
class NoteTypes:
    """The genanki models of one export (one per registered kind), sharing one
    stylesheet."""

    by_kind: dict[str, genanki.Model]

    def __getitem__(self, kind: str) -> genanki.Model:
        return self.by_kind[str(kind)]


def note_types(css: str) -> NoteTypes:
    """Fresh genanki models for every registered kind, styled by ``css`` and every kind's
    own rules."""
    css = css + kinds_stylesheet()
    models: dict[str, genanki.Model] = {}
    for kind, rules in registered().items():
        models[kind] = genanki.Model(
            rules.anki.model_id,
            rules.anki.name,
            fields=[{"name": name} for name in FIELDS[kind]],
            templates=[
                {"name": t.name, "qfmt": t.front, "afmt": t.back} for t in rules.anki_templates()
            ],
            css=css,
            model_type=genanki.Model.CLOZE if rules.anki.cloze else genanki.Model.FRONT_BACK,
        )
    return NoteTypes(models)
