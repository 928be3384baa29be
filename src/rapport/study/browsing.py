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
from collections.abc import Iterator, Mapping
from dataclasses import fields, is_dataclass

from rapport.content import Card, Deck
from rapport.content.notes.kinds import answer_of, question_of
from rapport.store.records import TextRow

_SPACE = re.compile(r"\s+")


def question_line(card: Card) -> str:
    """The question as one line of plain text (what Browse's question column shows)."""
    return _SPACE.sub(" ", question_of(card)).strip()


# A note's fields that are not its text: words search its text only, as in Anki (the
# deck, concept and tags have their own keys: deck:, concept:, tag:).
_NOT_TEXT = frozenset({"id", "kind", "source", "concept", "tags"})


def field_texts(value: object) -> Iterator[str]:
    """Every piece of text of a note (or a part of one): each of its string fields, its
    options and their rationales, its accepted answers..., whatever its kind, so that a
    search finds text anywhere in the note, the trainee's own edits included."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, tuple | list):
        for item in value:
            yield from field_texts(item)
    elif isinstance(value, Mapping):
        for item in value.values():
            yield from field_texts(item)
    elif is_dataclass(value) and not isinstance(value, type):
        for f in fields(value):
            if f.name not in _NOT_TEXT:
                yield from field_texts(getattr(value, f.name))


def text_row(card: Card, card_id: int) -> TextRow:
    """The stored text of a card: what Browse shows, sorts by and searches (the text of
    every field of its note, a cloze's with its deletions filled in: each once, so that
    a search reads as little as it can) and its tags."""
    from rapport.search import normalize

    question = question_line(card)
    note = card.note
    fields = [text for text in field_texts(note) if "{{c" not in text]
    if len(fields) != sum(1 for _ in field_texts(note)):  # cloze markup: as it reads
        fields.insert(0, answer_of(card))
    search = " ".join(fields)
    tags = tuple(sorted({tag.casefold() for tag in note.tags}))
    return TextRow(card_id, question, note.concept, str(card.kind), normalize(search), tags)


def concept_name(concept: str) -> str:
    """How a concept reads (``active-listening``: "Active listening")."""
    words = concept.replace("-", " ").replace("_", " ").strip()
    return words[:1].upper() + words[1:]


def deck_stamp(deck: Deck) -> str:
    """What the stored text of ``deck`` was taken from: the digest of its card identities
    and the size and modification time of its file (the file's content, for a deck made
    in memory). Taken when the deck is handed to the collection, just after loading.

    A deck whose notes are in memory (read from its file, or with the trainee's local
    changes laid over) is stamped by its content, so that an edit kept apart from the
    file (:mod:`rapport.content.editing.local`) is searched too; a deck the cache defers is
    exactly its file."""
    try:
        object.__getattribute__(deck, "notes")
    except AttributeError:  # deferred: the file as the cache read it
        try:
            info = deck.path.stat()
        except OSError:
            pass
        else:
            return f"{deck.digest}:{info.st_size}:{info.st_mtime_ns}"
    import hashlib

    content = hashlib.blake2b(repr(deck.notes).encode(), digest_size=16).hexdigest()
    return f"{deck.digest}:{content}"
