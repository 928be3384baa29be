"""The field values of a note in Anki: safe HTML, in the order of its note type's fields.

Each kind's own fields come from its kind module (``KindRules.anki_fields`` in
:mod:`rapport.content.notes.kinds`); every text goes through
:func:`rapport.content.notes.html.field_html` and the only markup added is Rapport's own (option
letters, rationale lists), built around already-safe text.

A choice note's options appear in a fixed order per note: shuffled, but seeded by the
deck and note ids, so the correct option is not always first and every export of the same
note shows the same order (rewording an option does not move it).
"""

from __future__ import annotations

from rapport.content.notes.html import escape_text, field_html
from rapport.content.notes.kinds import rules_of
from rapport.content.notes.kinds.choice import option_order as option_order  # re-exported
from rapport.content.notes.model import Deck, Note


def note_fields(deck: Deck, note: Note) -> list[str]:
    """The note's Anki field values, matching ``models.FIELDS[note.kind]``."""
    own: list[str] = rules_of(note).anki_fields(deck.id, note)
    extra = field_html(note.extra, html=note.html) if note.extra else ""
    source = escape_text(deck.source_label_of(note))
    return [*own, source, escape_text(note.concept), extra]
