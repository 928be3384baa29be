"""Card kinds: one Qt-free module per kind, and the registry that maps a kind to it.

Each kind module (:mod:`.basic`, :mod:`.reversed`, :mod:`.cloze`, :mod:`.choice`,
:mod:`.typed`) defines a :class:`~rapport.content.kinds.base.KindRules` subclass holding
everything about the kind that is not drawing pixels: its TOML keys and their validation,
its cards, its question and answer as plain text, what may be typed as its answer (checked
by the one answer checker, :mod:`rapport.content.answers`), its practice-test question and
its Anki note type and fields. Everything else asks :func:`rules_for` and never branches
on the kind itself.

How to add a kind
-----------------
1. Add its note class to :mod:`rapport.content.model` (a frozen dataclass on
   ``NoteFields``, with a ``kind`` default) and a member to ``Kind``.
2. Write its module here, subclassing ``KindRules``, and add a ``case`` to
   :func:`_shipped`: mypy (``assert_never``) refuses a ``Kind`` member without one.
3. Give it one renderer in the UI (``rapport.ui.render``) and a stylesheet rule for its
   Anki templates (``rapport.export.models``).
4. Optionally, let ``rapport check`` warn of the cues its notes can carry
   (``item_cues``; ``item_text`` for near-duplicates), with the word helpers of
   :mod:`rapport.content.itemcheck`.

A kind can also be registered at run time with :func:`register` (the tests add a
throwaway kind this way and study it without touching any other module).
"""

from __future__ import annotations

from typing import Any, assert_never

from rapport.content.kinds.base import (
    AnkiNoteType,
    CommonFields,
    FieldReader,
    ItemCue,
    KindRules,
    Question,
)
from rapport.content.model import Kind, Note

__all__ = [
    "AnkiNoteType",
    "CommonFields",
    "FieldReader",
    "ItemCue",
    "KindRules",
    "Question",
    "register",
    "find_rules",
    "practice_kinds",
    "registered",
    "rules_for",
    "rules_of",
    "unregister",
]

_REGISTRY: dict[str, KindRules[Any]] = {}


def _shipped(kind: Kind) -> KindRules[Any]:
    """The module of a shipped kind; mypy checks that every ``Kind`` has one."""
    match kind:
        case Kind.BASIC:
            from rapport.content.kinds.basic import RULES as basic

            return basic
        case Kind.REVERSED:
            from rapport.content.kinds.reversed import RULES as reversed_

            return reversed_
        case Kind.CLOZE:
            from rapport.content.kinds.cloze import RULES as cloze

            return cloze
        case Kind.CHOICE:
            from rapport.content.kinds.choice import RULES as choice

            return choice
        case Kind.TYPED:
            from rapport.content.kinds.typed import RULES as typed

            return typed
        case _:
            assert_never(kind)


def _load() -> dict[str, KindRules[Any]]:
    if not _REGISTRY:
        for kind in Kind:
            _REGISTRY[kind.value] = _shipped(kind)
    return _REGISTRY


def register(rules: KindRules[Any]) -> None:
    """Make a kind known to the loader, the cards, the practice test and the export."""
    _load()[str(rules.name)] = rules


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


def practice_kinds() -> tuple[str, ...]:
    """The kinds a practice test may ask (a machine can score them), in registry order."""
    return tuple(name for name, rules in _load().items() if rules.practice)
