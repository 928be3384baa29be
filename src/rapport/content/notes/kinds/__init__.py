"""Card kinds: one Qt-free module per kind, and the registry that maps a kind to it.

Each kind module (:mod:`.basic`, :mod:`.reversed`, :mod:`.cloze`, :mod:`.choice`,
:mod:`.typed`) defines a :class:`~rapport.content.notes.kinds.base.KindRules` subclass holding
everything about the kind that is not drawing pixels: its TOML keys and their validation,
its cards, its question and answer as plain text, what may be typed as its answer (checked
by the one answer checker, :mod:`rapport.content.notes.answers`), its practice-test question and
its Anki note type and fields. Everything else asks :func:`rules_for` and never branches
on the kind itself.

How to add a kind
-----------------
A kind is one module: a note class (a frozen dataclass on ``NoteFields`` with a ``kind``
default and ``ordinals``) and a subclass of :class:`KindRules` (or of :class:`PickKind`,
:class:`TypeKind` or :class:`RespondKind`, which give its :class:`Interaction`). Every part
of ``KindRules`` is abstract, so mypy refuses a module that forgets one: its keys, cards,
texts, practice question, item cues, editor and spreadsheet columns, Anki note type,
templates, stylesheet rules and reading back from Anki. The UI draws it with the renderer
of its interaction; only a new interaction needs a new renderer
(``rapport.ui.render.register_renderer``).

A shipped kind also gets a ``Kind`` member and a ``case`` in :func:`_shipped` (mypy,
through ``assert_never``, refuses a member without one). A kind can instead be registered
at run time with :func:`register`, which checks it first (:func:`check_kind`); the tests
add a throwaway kind this way and study, practise, export and import it with no edit
anywhere else.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Mapping
from typing import Any, TypeVar, assert_never

from rapport.content.notes.kinds.base import (
    AnkiNoteType,
    AnkiTemplate,
    CommonFields,
    FieldReader,
    Interaction,
    ItemCue,
    KindRules,
    Marks,
    PickKind,
    Question,
    RespondKind,
    TypeKind,
)
from rapport.content.notes.model import Card, Kind, Note, Option

__all__ = [
    "AnkiNoteType",
    "AnkiTemplate",
    "CommonFields",
    "FieldReader",
    "Interaction",
    "ItemCue",
    "KindError",
    "KindRules",
    "Marks",
    "PickKind",
    "Question",
    "RespondKind",
    "TypeKind",
    "KindTable",
    "check_kind",
    "register",
    "find_rules",
    "pick_key",
    "pick_options",
    "practice_kinds",
    "registered",
    "rules_for",
    "rules_of",
    "question_of",
    "answer_of",
    "unregister",
]

_REGISTRY: dict[str, KindRules[Any]] = {}


def _shipped(kind: Kind) -> KindRules[Any]:
    """The module of a shipped kind; mypy checks that every ``Kind`` has one."""
    match kind:
        case Kind.BASIC:
            from rapport.content.notes.kinds.basic import RULES as basic

            return basic
        case Kind.REVERSED:
            from rapport.content.notes.kinds.reversed import RULES as reversed_

            return reversed_
        case Kind.CLOZE:
            from rapport.content.notes.kinds.cloze import RULES as cloze

            return cloze
        case Kind.CHOICE:
            from rapport.content.notes.kinds.choice import RULES as choice

            return choice
        case Kind.TYPED:
            from rapport.content.notes.kinds.typed import RULES as typed

            return typed
        case Kind.RESPOND:
            from rapport.content.notes.kinds.respond import RULES as respond

            return respond
        case _:
            assert_never(kind)


def _load() -> dict[str, KindRules[Any]]:
    if not _REGISTRY:
        for kind in Kind:
            _REGISTRY[kind.value] = _shipped(kind)
    return _REGISTRY


class KindError(TypeError):
    """A kind module that lacks a part or whose parts do not fit together (a programming
    error, raised at registration)."""


# The fields every Anki note type ends with (rapport.interop.anki.models appends them).
COMMON_ANKI_FIELDS: tuple[str, ...] = ("Source", "Concept", "Extra")
# (text, compiled by re when a kind is first checked: at registration, never at start)
_SLUG = r"^[a-z0-9]+(?:-[a-z0-9]+)*$"
_TEMPLATE_FIELD = r"\{\{[#/^]?(?:[a-z]+:)*([^}#/^:]+)\}\}"
_INTERACTION_BASE: dict[Interaction, type] = {
    Interaction.PICK: PickKind,
    Interaction.TYPE: TypeKind,
    Interaction.RESPOND: RespondKind,
}


def check_kind(rules: object, others: dict[str, KindRules[Any]] | None = None) -> None:
    """Raise :class:`KindError`, naming the kind and the part, unless ``rules`` is a
    whole kind: every part present and of its type, an Anki note type whose templates
    use only its fields, and an id, name and note type name no other kind in ``others``
    has."""
    if not isinstance(rules, KindRules):
        raise KindError(f"{rules!r} is not a kind: subclass rapport.content.notes.kinds.KindRules")
    what = type(rules).__name__
    missing = sorted(getattr(type(rules), "__abstractmethods__", ()))
    if missing:
        raise KindError(f"kind {what} lacks {', '.join(missing)}")
    parts: dict[str, type | tuple[type, ...]] = {
        "name": str,
        "label": str,
        "keys": frozenset,
        "interaction": Interaction,
        "practice": bool,
        "practice_label": str,
        "columns": tuple,
        "anki": AnkiNoteType,
    }
    for part, kind_of in parts.items():
        value = getattr(rules, part, None)
        if not isinstance(value, kind_of):
            raise KindError(f"kind {what}: {part} must be a {kind_of}, not {value!r}")
    name = str(rules.name)
    if not re.match(_SLUG, name):
        raise KindError(f"kind {what}: name {name!r} must be a slug of a-z, 0-9 and '-'")
    base = _INTERACTION_BASE.get(rules.interaction)
    if base is not None and not isinstance(rules, base):
        raise KindError(
            f"kind {name!r}: interaction {rules.interaction.value!r} needs a {base.__name__}"
        )
    if rules.practice and not rules.practice_label:
        raise KindError(f"kind {name!r}: a practice kind needs a practice_label")
    if not rules.columns or not all(
        isinstance(c, tuple) and len(c) == 3 and isinstance(c[0], str) for c in rules.columns
    ):
        raise KindError(f"kind {name!r}: columns must be (key, label, multi-line) triples")
    note_type = rules.anki
    fields = set(note_type.fields) | set(COMMON_ANKI_FIELDS)
    if not note_type.fields or len(fields) != len(note_type.fields) + len(COMMON_ANKI_FIELDS):
        raise KindError(
            f"kind {name!r}: its Anki fields {note_type.fields} must be unique and "
            f"not one of {COMMON_ANKI_FIELDS}"
        )
    if not note_type.front_fields or not set(note_type.front_fields) <= set(note_type.fields):
        raise KindError(f"kind {name!r}: its Anki front fields must be some of its fields")
    templates = rules.anki_templates()
    if not templates or not all(isinstance(t, AnkiTemplate) for t in templates):
        raise KindError(f"kind {name!r} has no Anki card template")
    specials = {"FrontSide", "Tags", "Type", "Deck", "Subdeck", "Card", "CardFlag"}
    for template in templates:
        for side in (template.front, template.back):
            for used in re.findall(_TEMPLATE_FIELD, side):
                if used.strip() not in fields | specials:
                    raise KindError(
                        f"kind {name!r}: Anki template {template.name!r} uses the field "
                        f"{used!r}, which its note type {note_type.name!r} lacks"
                    )
    if not isinstance(rules.anki_css(), str):
        raise KindError(f"kind {name!r}: anki_css must give the stylesheet rules as text")
    for other in (others or {}).values():
        if other is rules or str(other.name) == name:
            continue
        if other.anki.model_id == note_type.model_id or other.anki.name == note_type.name:
            raise KindError(
                f"kind {name!r}: its Anki note type id or name is that of kind {str(other.name)!r}"
            )


def register(rules: KindRules[Any]) -> None:
    """Make a kind known to the loader, the cards, the practice test, the editor, the
    spreadsheets and the Anki export and import; :class:`KindError` (naming the part)
    if it is not whole (:func:`check_kind`) or takes a shipped kind's name."""
    known = _load()
    check_kind(rules, known)
    name = str(rules.name)
    if name in {k.value for k in Kind} and known.get(name) is not rules:
        raise KindError(f"kind {name!r} is a shipped kind; register a kind of another name")
    known[name] = rules


def unregister(name: str) -> None:
    """Forget a kind registered at run time (shipped kinds stay)."""
    if name not in {k.value for k in Kind}:
        _load().pop(name, None)


def registered() -> dict[str, KindRules[Any]]:
    """Every known kind by name, the shipped ones first in ``Kind`` order."""
    return dict(_load())


def find_rules(kind: str) -> KindRules[Any] | None:
    """The rules of ``kind``, or None for a kind nobody registered."""
    return (_REGISTRY or _load()).get(kind)


def rules_for(kind: str) -> KindRules[Any]:
    """The rules of ``kind`` (a note's ``kind``); KeyError for an unknown kind."""
    return _load()[str(kind)]


def rules_of(note: Note) -> KindRules[Any]:
    """The rules of the note's kind."""
    return rules_for(note.kind)


def pick_options(note: Note | None) -> tuple[Option, ...] | None:
    """The options of a note whose kind is answered by a pick (in deck order, the right
    one among them); ``None`` for a note of any other interaction, or no note. What reads
    picks (calibration, item analysis, the reviewer) asks this, never the note's class."""
    if note is None:
        return None
    rules = rules_of(note)
    return rules.options(note) if isinstance(rules, PickKind) else None


def pick_key(note: Note | None) -> Option | None:
    """The right option of a pick note (see :func:`pick_options`), or ``None``."""
    options = pick_options(note)
    return None if options is None else next((o for o in options if o.correct), None)


def practice_kinds() -> tuple[str, ...]:
    """The kinds a practice test may ask (a machine can score them), in registry order."""
    return tuple(name for name, rules in _load().items() if rules.practice)


def question_of(card: Card) -> str:
    """The card's question side as plain text (for lists, search and previews)."""
    return str(rules_for(card.kind).question_text(card.note, card.ordinal))


def answer_of(card: Card) -> str:
    """The card's answer side as plain text."""
    return str(rules_for(card.kind).answer_text(card.note, card.ordinal))


T = TypeVar("T")


class KindTable(Mapping[str, T]):
    """A table by kind name read from the registry on each look-up, so that a kind
    registered at run time is in it and no per-kind table can be left incomplete."""

    def __init__(self, value: Callable[[KindRules[Any]], T]) -> None:
        self._value = value

    def __getitem__(self, kind: str) -> T:
        return self._value(rules_for(str(kind)))

    def __iter__(self) -> Iterator[str]:
        return iter(_load())

    def __len__(self) -> int:
        return len(_load())
