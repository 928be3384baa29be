"""Deck content: the typed model of decks, notes and cards, and the TOML loader.

Each card kind has one Qt-free module in :mod:`rapport.content.notes.kinds` (its TOML keys and
validation, its texts, what may be typed as its answer, its practice question and its
Anki note type), found through the registry there; the one answer checker is
:mod:`rapport.content.notes.answers`. How to add a kind: see :mod:`rapport.content.notes.kinds`
(and CONTRIBUTING.md).
"""

from rapport.content.loading.loader import (
    DeckError,
    DeckSet,
    Problem,
    discover,
    load_deck,
    load_decks,
)
from rapport.content.notes.model import (
    BasicNote,
    Card,
    CardKey,
    ChoiceNote,
    ClozeNote,
    Deck,
    Essay,
    Kind,
    Note,
    Option,
    RespondNote,
    ReversedNote,
    Source,
    TypedNote,
)

__all__ = [
    "BasicNote",
    "Card",
    "CardKey",
    "ChoiceNote",
    "ClozeNote",
    "Deck",
    "DeckError",
    "DeckSet",
    "Essay",
    "Kind",
    "Note",
    "Option",
    "Problem",
    "RespondNote",
    "ReversedNote",
    "Source",
    "TypedNote",
    "discover",
    "load_deck",
    "load_decks",
]
