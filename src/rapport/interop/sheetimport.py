"""What a spreadsheet import does with a deck that is already there.

A spreadsheet whose deck matches one of the trainee's own decks (the same file in
``my-decks``: the same id, or a name that makes it) never replaces it unasked: the
trainee chooses to **replace** its notes with the spreadsheet's (the old file is kept in
``removed-decks``, as Delete deck keeps one), to **add** the rows to it (a row whose id is
a note of the deck updates that note; no note is removed), or to cancel. A deck that is
not the trainee's (shipped, or handed out by a course leader) is never written.
Qt-free: the import dialog and ``rapport import`` ask the question, this module acts.
"""

from __future__ import annotations

from collections.abc import Sequence
from enum import Enum
from pathlib import Path
from typing import NamedTuple

from rapport.content.editing.authoring import keep_replaced
from rapport.content.editing.deckfile import DeckFile, DeckWriteError
from rapport.content.editing.revision import deck_changes
from rapport.content.loading.loader import load_deck
from rapport.content.notes.model import Deck
from rapport.errors import RapportError
from rapport.interop.spreadsheet import Sheet, SheetDeck, Written, write_sheet_deck


class Mode(Enum):
    """What to do with a deck the spreadsheet matches."""

    ASK = "ask"  # nothing chosen: refuse when there is a match
    REPLACE = "replace"
    ADD = "add"


class Match(NamedTuple):
    """A deck of the spreadsheet that is already a deck of the trainee's own."""

    name: str
    path: Path
    notes: int


def target_of(sheet_deck: SheetDeck, own_dir: Path) -> Path:
    """The file in ``own_dir`` a deck read from a spreadsheet is written to."""
    return own_dir / f"{sheet_deck.id}.toml"


def matches(sheet: Sheet, own_dir: Path) -> list[Match]:
    """The decks of ``sheet`` whose file in ``own_dir`` exists already."""
    found = []
    for sheet_deck in sheet.decks:
        target = target_of(sheet_deck, own_dir)
        if target.exists():
            name, notes = sheet_deck.name, 0
            try:
                deck = load_deck(target)
                name, notes = deck.name, len(deck.notes)
            except RapportError:  # a file with problems: still theirs, still asked about
                pass
            found.append(Match(name, target, notes))
    return found


def not_theirs(sheet: Sheet, own_dir: Path, known: Sequence[Deck]) -> list[str]:
    """Why a deck of ``sheet`` cannot be written: one line for each deck whose id is that
    of a deck that is not the trainee's own (a shipped or handed-out deck)."""
    lines = []
    for sheet_deck in sheet.decks:
        for deck in known:
            if deck.id == sheet_deck.id and deck.path.parent.resolve() != own_dir.resolve():
                lines.append(
                    f"the deck '{sheet_deck.name}' would take the id '{deck.id}' of "
                    f"'{deck.name}' ({deck.path}), which is not yours: give the "
                    "spreadsheet's deck another name"
                )
                break
    return lines


def question(found: Sequence[Match]) -> str:
    """The question put to the trainee about ``found`` (dialog and terminal)."""
    names = ", ".join(f"'{m.name}' ({m.notes} notes, {m.path.name})" for m in found)
    return (
        f"You already have {names}. Replace its notes with the spreadsheet's (your file is "
        "kept in removed-decks), add the rows to it, or cancel?"
    )


class Imported(NamedTuple):
    """One deck written by a spreadsheet import."""

    written: Written
    kept: Path | None  # where the replaced file was kept
    added: bool


def write_deck(
    sheet_deck: SheetDeck,
    target: Path,
    data_dir: Path,
    mode: Mode,
    *,
    label: str = "",
    dry_run: bool = False,
) -> Imported:
    """Write ``sheet_deck`` to ``target``: a new file, or an existing one replaced
    (kept first) or added to, as ``mode`` says; an existing file with ``Mode.ASK`` is
    refused (:class:`DeckWriteError`)."""
    if not target.exists():
        return Imported(
            write_sheet_deck(sheet_deck, target, label=label, dry_run=dry_run), None, False
        )
    if mode is Mode.ASK and not dry_run:
        raise DeckWriteError(
            f"{target} is already a deck of yours: choose to replace its notes or add to them."
        )
    if mode is not Mode.ADD:  # (a preview with nothing chosen shows the replacement)
        kept = None if dry_run else keep_replaced(data_dir, target)
        return Imported(
            write_sheet_deck(sheet_deck, target, label=label, dry_run=dry_run), kept, False
        )
    previous = load_deck(target)
    file = DeckFile(target)
    have = {note.id for note in previous.notes}
    for table in sheet_deck.notes:
        if table["id"] in have:
            file.replace_note(table["id"], table)
        else:
            file.add_note(table)
    deck = previous if dry_run else file.save()
    return Imported(Written(deck, previous, deck_changes(previous, deck).lines()), None, True)
