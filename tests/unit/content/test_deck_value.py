"""A deck is an immutable value: its cards are built once, its card identities have a
digest, and a deck whose notes come later (from the deck cache) is the same value."""

from __future__ import annotations

import pickle
from dataclasses import FrozenInstanceError, replace
from pathlib import Path

import pytest

from rapport.content import BasicNote, ClozeNote, Deck, Essay, Note, Source
from rapport.content.notes.model import identity_digest

ESSAY = Essay(Path("essay.txt"), ("The alliance has goals, tasks and a bond.",))


def basic(note_id: str, front: str = "Question?") -> BasicNote:
    return BasicNote(
        note_id, "alliance", (), Source(1, "The alliance"), False, False, "", front, "A."
    )


def cloze(note_id: str, text: str) -> ClozeNote:
    return ClozeNote(note_id, "alliance", (), Source(1, "The alliance"), False, False, "", text)


def deck_of(*notes: Note, deck_id: str = "d") -> Deck:
    return Deck(
        deck_id, "Deck", "", Path("d.toml"), (ESSAY,), {("essay", 1): "Summary."}, tuple(notes)
    )


def deferred(deck: Deck, calls: list[int]) -> Deck:
    def load() -> tuple[Note, ...]:
        calls.append(1)
        return deck.notes

    return Deck.with_deferred_notes(
        deck.id,
        deck.name,
        deck.description,
        deck.path,
        deck.sources,
        deck.summaries,
        load,
        deck.digest,
    )


def test_cards_are_built_once_per_deck() -> None:
    deck = deck_of(basic("a"), cloze("b", "{{c1::x}} and {{c2::y}}"))
    cards = deck.cards()
    assert deck.cards() is cards
    assert [(c.note.id, c.ordinal) for c in cards] == [("a", 0), ("b", 0), ("b", 1)]


def test_digest_follows_the_card_identities_only() -> None:
    deck = deck_of(basic("a"), cloze("b", "{{c1::x}} and {{c2::y}}"))
    same = deck_of(basic("a", "Reworded?"), cloze("b", "{{c1::p}} or {{c2::q}}"), deck_id="e")
    assert deck.digest == same.digest == identity_digest(deck.notes)
    others = [
        deck_of(cloze("b", "{{c1::x}} and {{c2::y}}"), basic("a")),  # reordered
        deck_of(basic("a"), cloze("b", "{{c1::x}} and {{c3::y}}")),  # renumbered cloze
        deck_of(basic("a"), cloze("b", "{{c1::x}} and {{c2::y}}"), basic("c")),  # a new note
        deck_of(basic("a")),  # a note gone
        deck_of(basic("a2"), cloze("b", "{{c1::x}} and {{c2::y}}")),  # another id
    ]
    assert len({deck.digest, *(d.digest for d in others)}) == len(others) + 1


def test_deferred_notes_are_loaded_once_on_first_use() -> None:
    deck = deck_of(basic("a"), basic("b"))
    calls: list[int] = []
    late = deferred(deck, calls)
    assert (late.id, late.name, late.summary(Source(1, "")), late.digest) == (
        "d",
        "Deck",
        "Summary.",
        deck.digest,
    )
    assert calls == []
    assert late.notes == deck.notes and late.notes is late.notes
    assert late.cards() == deck.cards() and late.note("b") == deck.notes[1]
    assert calls == [1]


def test_a_deferred_deck_is_the_same_value() -> None:
    deck = deck_of(basic("a"), basic("b"))
    late = deferred(deck, [])
    assert late == deck and deck == late and repr(late) == repr(deck)
    assert pickle.loads(pickle.dumps(deferred(deck, []))) == deck
    changed = replace(deferred(deck, []), name="Other")
    assert changed.name == "Other" and changed.notes == deck.notes
    assert deferred(deck, []) != deck_of(basic("a"))


def test_failed_loading_reaches_the_caller_and_is_tried_again() -> None:
    deck = deck_of(basic("a"))
    attempts: list[int] = []

    def load() -> tuple[Note, ...]:
        attempts.append(1)
        if len(attempts) == 1:
            raise OSError("unreadable")
        return deck.notes

    late = Deck.with_deferred_notes(
        "d", "Deck", "", Path("d.toml"), (ESSAY,), {}, load, deck.digest
    )
    with pytest.raises(OSError):
        late.notes  # noqa: B018
    assert late.notes == deck.notes and attempts == [1, 1]


@pytest.mark.parametrize("deferred_notes", [False, True])
def test_a_deck_cannot_be_changed(deferred_notes: bool) -> None:
    deck = deck_of(basic("a"))
    if deferred_notes:
        deck = deferred(deck, [])
    with pytest.raises(FrozenInstanceError):
        deck.notes = ()  # type: ignore[misc]
    with pytest.raises(FrozenInstanceError):
        deck.name = "x"  # type: ignore[misc]
    with pytest.raises(AttributeError):
        deck.no_such_field  # type: ignore[attr-defined]  # noqa: B018
    assert deck.notes == (basic("a"),)
