"""Writing deck files: the one place Rapport changes a deck's TOML.

A deck file is read with :mod:`tomlkit`, which keeps what a person wrote around the
values -- comments, blank lines, key order, quoting -- so that an in-app edit of a
hand-written deck changes only the note edited. Every write goes to a temporary file that
is renamed over the old one, so a failure leaves the old file whole. A note is checked
with the loader's own rules before it is written (:func:`check_note`), and the file is
loaded again after (a write never leaves a deck Rapport refuses).
"""

from __future__ import annotations

import logging
import re
import unicodedata
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import tomlkit

from rapport.content.loading.loader import DeckError, Problem, check_note_table, load_deck
from rapport.content.notes.kinds import rules_of
from rapport.content.notes.model import (
    Deck,
    Note,
)
from rapport.content.notes.words import key_words
from rapport.errors import RapportError
from rapport.litter import WriteRefused, write_whole

log = logging.getLogger(__name__)


class DeckWriteError(RapportError):
    """A deck file could not be written (nothing was changed)."""


# The order keys are written in: the common keys, then each kind's own.
KEY_ORDER = (
    "id",
    "kind",
    "concept",
    "tags",
    "source",
    "extension",
    "html",
    "front",
    "back",
    "text",
    "question",
    "answer",
    "distractors",
    "scenario",
    "prompt",
    "accept",
    "extra",
    "allow",
)


# Keys a note's values do not carry, kept as written when the note is edited in the app.
KEPT = frozenset({"allow"})


def note_table(note: Note) -> dict[str, Any]:
    """``note`` as the plain values of its ``[[notes]]`` table (the loader's inverse);
    keys with their default value are left out."""
    table: dict[str, Any] = {"id": note.id, "kind": str(note.kind), "concept": note.concept}
    if note.tags:
        table["tags"] = list(note.tags)
    if note.source is not None:
        source: dict[str, Any] = {"anchor": note.source.anchor}
        if note.source.text_id not in ("essay",):
            source["from"] = note.source.text_id
        table["source"] = source
    if note.extension:
        table["extension"] = True
    if note.html:
        table["html"] = True
    table.update(rules_of(note).to_table(note))
    if note.extra:
        table["extra"] = note.extra
    return table


def check_note(
    table: Mapping[str, Any], deck: Deck, *, replacing: str | None = None
) -> tuple[Note | None, list[Problem]]:
    """Check one note's table against ``deck`` (its sources, its other note ids) with the
    loader's own rules: the note, or None and the problems in the kind's words.
    ``replacing``: the id of the note this one replaces (it may keep that id)."""
    return check_note_table(dict(table), deck, replacing=replacing)


def _toml_value(key: str, value: Any) -> Any:
    if isinstance(value, dict):
        inline = tomlkit.inline_table()
        inline.update(value)
        return inline
    if isinstance(value, list) and value and isinstance(value[0], dict):
        array = tomlkit.array()
        for item in value:
            array.append(_toml_value(key, item))
        array.multiline(True)
        return array
    return value


def _fill(table: Any, values: Mapping[str, Any]) -> None:
    """Set ``values`` on a tomlkit table: changed keys in place (their comments kept),
    new keys in :data:`KEY_ORDER`, keys no longer given removed."""
    for key in [k for k in table if k not in values and k not in KEPT]:
        del table[key]
    for key in sorted(values, key=lambda k: KEY_ORDER.index(k) if k in KEY_ORDER else 99):
        value = values[key]
        if key in table and _plain(table[key]) == value:
            continue  # unchanged: keep it exactly as written
        table[key] = _toml_value(key, value)


def _plain(value: Any) -> Any:
    unwrap = getattr(value, "unwrap", None)
    return unwrap() if unwrap is not None else value


class DeckFile:
    """A deck file opened for editing; :meth:`save` writes it back atomically."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        try:
            self.text = self.path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise DeckWriteError(f"Cannot read {self.path}: {exc}") from exc
        try:
            self.doc = tomlkit.parse(self.text)
        except Exception as exc:  # tomlkit raises its own ParseError subclasses
            raise DeckWriteError(f"{self.path} is not valid TOML: {exc}") from exc

    def _notes(self) -> Any:
        if "notes" not in self.doc:
            self.doc.append("notes", tomlkit.aot())
        return self.doc["notes"]

    def _index(self, note_id: str) -> int:
        for i, table in enumerate(self._notes()):
            if table.get("id") == note_id:
                return i
        raise DeckWriteError(f"{self.path} has no note '{note_id}'")

    def add_note(self, values: Mapping[str, Any]) -> None:
        table = tomlkit.table()
        _fill(table, values)
        self._notes().append(table)

    def replace_note(self, note_id: str, values: Mapping[str, Any]) -> None:
        _fill(self._notes()[self._index(note_id)], values)

    def remove_note(self, note_id: str) -> None:
        del self._notes()[self._index(note_id)]

    def set(self, key: str, value: Any) -> None:
        """Set a deck-level key (``name``, ``description``...)."""
        self.doc[key] = value

    def save(self) -> Deck:
        """Write the file atomically and return the deck as loaded from it; a result that
        would not load is not written (:class:`DeckError`)."""
        text = tomlkit.dumps(self.doc)
        write_text(self.path, text, check=True)
        self.text = text
        return load_deck(self.path)


def write_text(path: Path, text: str, *, check: bool = False) -> None:
    """Write ``text`` to ``path`` through a temporary file renamed over it.

    ``check``: load the result as a deck first (from the temporary file) and leave the
    old file untouched, raising :class:`DeckError`, if it would not load.
    """

    def loads(part: Path) -> None:
        try:
            load_deck(part)  # beside the real file, so its sources are found
        except DeckError as error:
            problems = [p._replace(file=str(path)) for p in error.problems]
            raise DeckError(path, problems) from None

    try:
        write_whole(path, text.encode("utf-8"), check=loads if check else None)
    except WriteRefused as refused:
        log.warning("refused write of %s: %s", path, refused.__cause__)
        raise DeckWriteError(str(refused)) from refused.__cause__


def new_deck_text(deck_id: str, name: str, *, description: str = "", label: str = "") -> str:
    """The TOML of a new deck of one's own notes (no notes yet: add them in the app)."""
    doc = tomlkit.document()
    doc.add(tomlkit.comment("A deck made in Rapport; you may edit it by hand too."))
    doc["id"] = deck_id
    doc["name"] = name
    if description:
        doc["description"] = description
    doc["source_label"] = label or name
    doc["version"] = 1
    doc.add(tomlkit.nl())
    return tomlkit.dumps(doc)


def deck_text(header: Mapping[str, Any], notes: Sequence[Mapping[str, Any]]) -> str:
    """A whole deck file from its deck-level values and its notes' tables."""
    doc = tomlkit.document()
    for key, value in header.items():
        if isinstance(value, list) and value and isinstance(value[0], dict):
            aot = tomlkit.aot()
            for item in value:
                table = tomlkit.table()
                table.update(item)
                aot.append(table)
            doc.append(key, aot)
        else:
            doc[key] = value
    aot = tomlkit.aot()
    for values in notes:
        table = tomlkit.table()
        _fill(table, values)
        aot.append(table)
    doc.append("notes", aot)
    return tomlkit.dumps(doc)


_SLUG_CHARS = re.compile(r"[^a-z0-9]+")


def slugify(text: str, fallback: str = "deck") -> str:
    """A slug of ``text`` (``Week 3: Skills`` -> ``week-3-skills``)."""
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    slug = _SLUG_CHARS.sub("-", plain).strip("-")
    return slug[:60].strip("-") or fallback


def readable_id(text: str, taken: set[str], fallback: str = "note") -> str:
    """A short note id from the words of ``text`` that carry meaning (a few words, at most
    32 characters), unique among ``taken``: "Rogers named {{c1::empathy}} a core condition"
    gives ``rogers-named-empathy-core``."""
    words = key_words(text) or text.split()[:4]  # "Who?" has no word of meaning: "who"
    base = slugify(" ".join(words), fallback)
    if len(base) > 32:
        base = base[:32].rsplit("-", 1)[0]
    return unique_id(base, taken)


def unique_id(base: str, taken: set[str]) -> str:
    """``base``, or ``base-2``, ``base-3``... whichever ``taken`` does not hold."""
    candidate, n = base, 2
    while candidate in taken:
        candidate, n = f"{base}-{n}", n + 1
    return candidate
