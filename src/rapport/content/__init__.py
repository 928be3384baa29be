"""Deck content: the typed model of decks, notes and cards, and the TOML loader."""

from rapport.content.loader import DeckError, DeckSet, Problem, discover, load_deck, load_decks
from rapport.content.model import (
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
    "ReversedNote",
    "Source",
    "TypedNote",
    "discover",
    "load_deck",
    "load_decks",
]
