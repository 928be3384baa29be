"""The field values of a note in Anki: safe HTML, in the order of its note type's fields.

Every text goes through :func:`rapport.export.html.field_html`; the only markup added here
is Rapport's own (option letters, rationale lists), built around already-safe text.

A choice note's options appear in a fixed order per note: shuffled, but seeded by the
deck and note ids, so the correct option is not always first and every export of the same
note shows the same order (rewording an option does not move it).
"""

from __future__ import annotations

import hashlib
import string

from rapport.content.model import (
    BasicNote,
    ChoiceNote,
    ClozeNote,
    Deck,
    Note,
    Option,
    ReversedNote,
    TypedNote,
)
from rapport.export.html import escape_text, field_html

LETTERS = string.ascii_uppercase


def option_order(deck_slug: str, note: ChoiceNote) -> tuple[Option, ...]:
    """The note's options in their fixed, deterministic, shuffled order.

    Each option's position in the deck file (correct answer first, then the distractors)
    gets a sort key from a BLAKE2b hash of the deck and note ids: stable across runs,
    platforms and Python versions, and independent of the options' wording.
    """
    seed = f"rapport-choice:{deck_slug}:{note.id}:".encode()
    keyed = sorted(
        (hashlib.blake2b(seed + str(i).encode(), digest_size=8).digest(), i)
        for i in range(len(note.options))
    )
    return tuple(note.options[i] for _, i in keyed)


def _letter(index: int) -> str:
    return f'<span class="letter">{LETTERS[index]}.</span>'


def _choice_fields(deck_slug: str, note: ChoiceNote) -> list[str]:
    order = option_order(deck_slug, note)
    texts = [field_html(o.text, html=note.html) for o in order]
    options = "".join(
        f'<div class="option">{_letter(i)} {text}</div>' for i, text in enumerate(texts)
    )
    right = next(i for i, o in enumerate(order) if o.correct)
    answer = f"{_letter(right)} {texts[right]}"
    rationales = "".join(
        f'<div class="rationale {"right" if o.correct else "wrong"}">'
        f'{_letter(i)} <span class="option-text">{texts[i]}</span>'
        f'<span class="verdict">{"Right" if o.correct else "Wrong"}:</span> '
        f'<span class="why">{field_html(o.why, html=note.html)}</span></div>'
        for i, o in enumerate(order)
    )
    return [field_html(note.question, html=note.html), options, answer, rationales]


def note_fields(deck: Deck, note: Note) -> list[str]:
    """The note's Anki field values, matching ``models.FIELDS[note.kind]``."""
    deck_slug = deck.id
    html = note.html
    own: list[str]
    if isinstance(note, BasicNote | ReversedNote):
        own = [field_html(note.front, html=html), field_html(note.back, html=html)]
    elif isinstance(note, ClozeNote):
        own = [field_html(note.text, html=html)]
    elif isinstance(note, ChoiceNote):
        own = _choice_fields(deck_slug, note)
    elif isinstance(note, TypedNote):
        accept = ", ".join(note.accept)
        own = [field_html(note.prompt, html=html), escape_text(note.answer), escape_text(accept)]
    else:  # pragma: no cover - the Note union is exhaustive
        raise TypeError(f"unknown note type {type(note).__name__}")
    extra = field_html(note.extra, html=html) if note.extra else ""
    source = escape_text(deck.source_label_of(note))
    return [*own, source, escape_text(note.concept), extra]
