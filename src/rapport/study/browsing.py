"""What Browse lists, searches and sorts, kept in the database so that it never needs
every card in memory.

Each card's text (question, concept, kind and a casefolded search text) is stored in the
``card_text`` table with, per deck, the *stamp* of the deck it was taken from: the
digest of the deck's card identities and the size and modification time of its file
when the deck was loaded. :meth:`rapport.study.Collection.refresh_text` writes the text
again for a deck whose stamp differs (an edited deck file), so on a clean start it only
compares stamps. Browse then asks the store for a count and for the rows it shows
(:class:`~rapport.store.BrowseQuery`), filtered, sorted and paged in SQLite.
"""

from __future__ import annotations

import re

from rapport.content import Card, Deck
from rapport.store.records import TextRow

_SPACE = re.compile(r"\s+")


def question_line(card: Card) -> str:
    """The question as one line of plain text (what Browse's question column shows)."""
    return _SPACE.sub(" ", card.question_text()).strip()


def text_row(card: Card, card_id: int, deck_name: str) -> TextRow:
    """The stored text of a card: what Browse shows, sorts by and searches."""
    question = question_line(card)
    note = card.note
    search = " ".join((question, card.answer_text(), deck_name, note.concept, *note.tags))
    return TextRow(card_id, question, note.concept, str(card.kind), search.casefold())


def search_words(text: str) -> tuple[str, ...]:
    """The words of a search, casefolded as the stored search text is: a card matches
    when every word occurs in its text."""
    return tuple(text.casefold().split())


def deck_stamp(deck: Deck) -> str:
    """What the stored text of ``deck`` was taken from: the digest of its card identities
    and the size and modification time of its file (the file's content, for a deck made
    in memory). Taken when the deck is handed to the collection, just after loading."""
    try:
        info = deck.path.stat()
    except OSError:
        import hashlib  # (only for decks made in memory: start-up never needs it)

        content = hashlib.blake2b(repr(deck.notes).encode(), digest_size=16).hexdigest()
        return f"{deck.digest}:{content}"
    return f"{deck.digest}:{info.st_size}:{info.st_mtime_ns}"
