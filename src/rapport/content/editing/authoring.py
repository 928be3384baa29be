"""Making and fixing decks in the app, without Qt: the note editor only edits values.

Decks the trainee made (File > New deck, ``rapport import``) live as TOML files in the
data folder's ``my-decks`` and are theirs to rewrite: a saved note goes into the file
(:class:`~rapport.content.editing.deckfile.DeckFile`, which keeps a hand-edited file's comments
and layout). A shipped deck, or one a course leader handed out, is replaced whole by its
next revision: an edit there is stored as the trainee's local change to that note
(:mod:`rapport.content.editing.local`), kept across revisions.

Removing a note or a deck never removes review history: the progress database keeps the
cards of notes and decks that are gone, as it does when a revision removes a note.
"""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, NamedTuple

from rapport.content.editing.deckfile import (
    DeckFile,
    DeckWriteError,
    check_note,
    deck_text,
    new_deck_text,
    note_table,
    readable_id,
    slugify,
    unique_id,
    write_text,
)
from rapport.content.editing.local import Conflict, LocalChanges
from rapport.content.loading.loader import DeckError, Problem, load_deck
from rapport.content.notes.kinds import registered, rules_for
from rapport.content.notes.model import Deck, Kind, Note
from rapport.paths import own_decks_dir, user_decks_dir


class Saved(NamedTuple):
    """A note saved: into its deck's file, or as the trainee's local change."""

    note: Note
    local: bool


class Authoring:
    """Where notes and decks are written, for one data folder."""

    def __init__(self, data_dir: Path) -> None:
        self.data_dir = Path(data_dir)
        self.own_dir = own_decks_dir(self.data_dir)
        self.local = LocalChanges(self.data_dir)
        self._files: dict[str, Deck] = {}  # each deck as its file has it, by id

    # -- decks as loaded ---------------------------------------------------------------

    def apply(self, decks: Sequence[Deck]) -> tuple[tuple[Deck, ...], list[Conflict]]:
        """The decks the app shows: ``decks`` (as their files have them) with the trainee's
        local changes laid over, and the conflicts a revision brought."""
        self._files = {d.id: d for d in decks}
        return self.local.apply(list(decks))

    def remember(self, decks: Sequence[Deck]) -> None:
        """Keep ``decks`` as their files have them (their local changes were laid over
        elsewhere, by :func:`rapport.library.load_library`)."""
        self._files = {d.id: d for d in decks}

    def is_own(self, deck: Deck) -> bool:
        """Whether ``deck`` is the trainee's to rewrite (a file in ``my-decks``)."""
        return _same(deck.path.parent, self.own_dir)

    def is_added(self, deck: Deck) -> bool:
        """Whether ``deck`` is a file in the data folder (made or added by the trainee),
        which may be renamed or removed; shipped decks may not."""
        return self.is_own(deck) or _same(deck.path.parent, user_decks_dir(self.data_dir))

    def own_decks(self, decks: Sequence[Deck]) -> list[Deck]:
        return [d for d in decks if self.is_own(d)]

    def has_local_change(self, deck_id: str, note_id: str) -> bool:
        return (deck_id, note_id) in self.local

    # -- notes ------------------------------------------------------------------------

    def check(
        self, deck: Deck, values: Mapping[str, Any], *, replacing: str | None = None
    ) -> tuple[Note | None, list[Problem]]:
        """Check a note's values as they would be saved into ``deck`` (live validation)."""
        return check_note(values, self._files.get(deck.id, deck), replacing=replacing)

    def new_note_id(self, deck: Deck, values: Mapping[str, Any]) -> str:
        """A short id for a new note: a few words of meaning from its first field, unique
        in ``deck``."""
        firsts = {rules.columns[0][0] for rules in registered().values() if rules.columns}
        first = next((v for k, v in values.items() if k in firsts and v), "note")
        return readable_id(str(first), {n.id for n in self.deck_now(deck).notes})

    def deck_now(self, deck: Deck) -> Deck:
        """``deck`` as its file has it now (after the notes saved since it was loaded)."""
        return self._files.get(deck.id, deck)

    def pending_deck(self, name: str, taken: Sequence[str]) -> Deck:
        """A deck of the trainee's own notes that exists only in memory: its file is
        written with the first note saved into it (so an Add that is cancelled leaves no
        empty deck behind)."""
        name = " ".join(name.split()) or "My notes"
        deck_id = unique_id(slugify(name), set(taken) | _files_in(self.own_dir))
        return Deck(deck_id, name, "", self.own_dir / f"{deck_id}.toml", (), {}, (), name, 1)

    def save_note(
        self, deck: Deck, values: Mapping[str, Any], *, replacing: str | None = None
    ) -> Saved:
        """Save a note (new, or replacing the note ``replacing``) into ``deck``.

        Raises :class:`DeckError` with the problems if the values do not make a valid note,
        and :class:`DeckWriteError` if the file cannot be written.
        """
        note, problems = self.check(deck, values, replacing=replacing)
        if note is None:
            raise DeckError(deck.path, problems)
        if self.is_own(deck) and not deck.path.exists() and replacing is None:
            header = {"id": deck.id, "name": deck.name, "source_label": deck.source_label}
            write_text(deck.path, deck_text({**header, "version": 1}, [values]), check=True)
            self._files[deck.id] = load_deck(deck.path)
            return Saved(note, local=False)
        if self.is_own(deck):
            if replacing is not None:
                self._refuse_a_changed_note(deck, replacing)
            file = DeckFile(deck.path)
            if replacing is None:
                file.add_note(values)
            else:
                file.replace_note(replacing, values)
            self._files[deck.id] = file.save()
            return Saved(note, local=False)
        if replacing is None:
            raise DeckWriteError(
                f"'{deck.name}' is not your deck: add your own notes to a deck of yours "
                "(File > New deck)."
            )
        original = self._files.get(deck.id, deck).note(replacing)
        if original is None:
            raise DeckWriteError(f"'{deck.name}' has no note '{replacing}'.")
        self.local.set(deck.id, replacing, note_table(original), dict(values))
        return Saved(note, local=True)

    def _refuse_a_changed_note(self, deck: Deck, note_id: str) -> None:
        """Refuse to save over a note whose file changed it (or removed it) since the
        editor opened it: an edit made outside Rapport is never silently undone."""

        opened = self._files.get(deck.id, deck).note(note_id)
        try:
            now = load_deck(deck.path).note(note_id)
        except DeckError:
            return  # (the save itself refuses a file that does not load, saying why)
        if opened is not None and now is not None and now != opened:
            raise DeckWriteError(
                f"The note '{note_id}' was changed in {deck.path} outside Rapport since you "
                "opened it; your edit was not saved. Close the editor and open the note again."
            )

    def drop_local_change(self, deck: Deck, note_id: str) -> None:
        self.local.drop(deck.id, note_id)

    def delete_note(self, deck: Deck, note_id: str) -> None:
        """Remove a note from one of the trainee's decks (its history stays)."""
        if not self.is_own(deck):
            raise DeckWriteError(
                f"'{deck.name}' is not your deck, so its notes cannot be deleted; suspend "
                "the card instead (it stops coming up)."
            )
        file = DeckFile(deck.path)
        file.remove_note(note_id)
        file.save()

    # -- decks ------------------------------------------------------------------------

    def new_deck(self, name: str, taken: Sequence[str], *, label: str = "") -> Path:
        """Create an empty deck of the trainee's own notes; its file's path."""
        name = " ".join(name.split())
        if not name:
            raise DeckWriteError("A deck needs a name.")
        deck_id = unique_id(slugify(name), set(taken) | _files_in(self.own_dir))
        path = self.own_dir / f"{deck_id}.toml"
        write_text(path, new_deck_text(deck_id, name, label=label))
        return path

    def rename_deck(self, deck: Deck, name: str) -> None:
        """Give a deck in the data folder a new name (its id, and so its history, stay)."""
        name = " ".join(name.split())
        if not name:
            raise DeckWriteError("A deck needs a name.")
        if not self.is_added(deck):
            raise DeckWriteError(f"'{deck.name}' comes with Rapport and cannot be renamed.")
        file = DeckFile(deck.path)
        file.set("name", name)
        file.save()

    def delete_deck(self, deck: Deck) -> Path:
        """Remove a deck from the data folder; the file is kept in ``removed-decks`` and the
        deck's review history in the database. Returns where the file went."""
        if not self.is_added(deck):
            raise DeckWriteError(f"'{deck.name}' comes with Rapport and cannot be deleted.")
        target = removed_deck_path(self.data_dir, deck.path)
        try:
            os.replace(deck.path, target)
        except OSError as exc:
            raise DeckWriteError(f"Cannot remove {deck.path}: {exc.strerror or exc}.") from exc
        return target


_OPTION_PATH = re.compile(r"^distractors\[(\d+)\]\.(text|why)$")


def column_of(kind: str, field: str) -> str | None:
    """The editor's column (a key of the kind's ``columns``, or a common key such as
    ``concept``) that a problem or item-writing cue about ``field`` concerns; None when it
    concerns no one field."""
    keys = {key for key, _label, _multi in rules_for(kind).columns}
    keys |= {"concept", "tags", "extra", "source", "extension", "scenario"}
    if field in keys:
        return field
    if kind == Kind.CHOICE:
        if field in ("answer", "answer.text"):
            return "answer"
        if field == "answer.why":
            return "answer why"
        if field == "distractors":
            return "distractor 1"
        if match := _OPTION_PATH.match(field):
            number, part = match.groups()
            return f"distractor {number}" if part == "text" else f"why {number}"
    base = field.split(".")[0].split("[")[0]
    return base if base in keys else None


def field_words(kind: str, field: str) -> str:
    """``field`` in the editor's words: ``distractors[2].why`` is "wrong answer 2's why",
    ``answer.text`` "the right answer"."""
    if kind == Kind.CHOICE:
        if field in ("answer", "answer.text"):
            return "the right answer"
        if field == "answer.why":
            return "the right answer's why"
        if match := _OPTION_PATH.match(field):
            number, part = match.groups()
            return f"wrong answer {number}" + ("'s why" if part == "why" else "")
    labels = {key: label for key, label, _multi in rules_for(kind).columns}
    column = column_of(kind, field)
    if column in labels:
        return labels[column].lower()
    return field


def removed_deck_path(data_dir: Path, path: Path) -> Path:
    """Where a deck file removed or replaced is kept: ``removed-decks``, named with the
    time (and a number if that name is taken); the folder is made here."""
    folder = Path(data_dir) / "removed-decks"
    stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M%S")
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise DeckWriteError(f"Cannot write into {folder}: {exc.strerror or exc}.") from exc
    target, number = folder / f"{path.stem}.{stamp}.toml", 2
    while target.exists():
        target, number = folder / f"{path.stem}.{stamp}-{number}.toml", number + 1
    return target


def keep_replaced(data_dir: Path, path: Path) -> Path:
    """Keep a copy of the deck file ``path`` about to be replaced, as Delete deck keeps a
    deleted one (:func:`removed_deck_path`); where the copy is."""
    target = removed_deck_path(data_dir, path)
    try:
        shutil.copy2(path, target)
    except OSError as exc:
        raise DeckWriteError(f"Cannot keep a copy of {path}: {exc.strerror or exc}.") from exc
    return target


def _same(a: Path, b: Path) -> bool:
    try:
        return a.resolve() == b.resolve()
    except OSError:
        return a.absolute() == b.absolute()


def _files_in(folder: Path) -> set[str]:
    return {p.stem for p in folder.glob("*.toml")} if folder.is_dir() else set()
