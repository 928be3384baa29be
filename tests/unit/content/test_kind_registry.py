"""The kind registry: a kind added through the registry alone is loaded, studied,
checked and practised by the core, with no edit anywhere else."""

from __future__ import annotations

import random
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from rapport.content import Kind, load_deck
from rapport.content.answers import Verdict, check_typed
from rapport.content.kinds import (
    AnkiNoteType,
    CommonFields,
    FieldReader,
    KindRules,
    Question,
    register,
    registered,
    rules_for,
    unregister,
)
from rapport.content.model import Card, NoteFields
from rapport.study import Rating, suggested_rating
from rapport.study.practice import build_test, grade
from tests.support.collection import SECOND, T0, open_collection
from tests.support.decks import ANCHOR_NORCROSS, header, note, write_deck


@dataclass(frozen=True, slots=True)
class FlashNote(NoteFields):
    """A throwaway kind: a word and its meaning, typed."""

    word: str
    meaning: str
    kind: str = "flash"

    @property
    def ordinals(self) -> tuple[int, ...]:
        return (0,)


class FlashRules(KindRules[FlashNote]):
    name = "flash"
    label = "Flash"
    keys = frozenset({"word", "meaning"})
    anki = AnkiNoteType(1999999999, "Test Flash", ("Word", "Meaning"))
    practice = True
    practice_label = "Give the meaning"

    def read(
        self, table: Mapping[str, Any], common: CommonFields, label: str, check: FieldReader
    ) -> FlashNote:
        word = check.text(table, "word", label, required=True)
        meaning = check.text(table, "meaning", label, required=True)
        return FlashNote(**common, word=word, meaning=meaning)

    def question_text(self, note: FlashNote, ordinal: int) -> str:
        return f"What does '{note.word}' mean?"

    def answer_text(self, note: FlashNote, ordinal: int) -> str:
        return note.meaning

    def accepted(self, note: FlashNote, ordinal: int) -> tuple[str, ...]:
        return (note.meaning,)

    def practice_question(self, card: Card, rng: random.Random) -> Question | None:
        meaning = self.note_of(card).meaning
        return Question(card, (), meaning, (meaning,))

    def anki_fields(self, deck_slug: str, note: FlashNote) -> list[str]:
        return [note.word, note.meaning]


@pytest.fixture
def flash() -> Iterator[FlashRules]:
    rules = FlashRules()
    register(rules)
    yield rules
    unregister(rules.name)


FLASH_DECK = header("flash-deck", "Flash deck") + note(
    "alliance-word",
    "flash",
    "alliance-definition",
    ANCHOR_NORCROSS,
    5,
    word='"alliance"',
    meaning='"the working bond between client and therapist"',
)


def test_every_shipped_kind_has_its_module() -> None:
    assert list(registered()) == [k.value for k in Kind]
    for kind in Kind:
        assert rules_for(kind).name == kind


def test_an_unregistered_kind_is_refused_by_the_loader(tmp_path: Path) -> None:
    path = write_deck(tmp_path, FLASH_DECK)
    with pytest.raises(Exception, match="unknown kind 'flash'"):
        load_deck(path)


def test_a_throwaway_kind_is_loaded_studied_checked_and_practised(
    flash: FlashRules, tmp_path: Path
) -> None:
    deck = load_deck(write_deck(tmp_path / "decks", FLASH_DECK))
    [card] = deck.cards()
    assert card.kind == "flash" and card.question_text() == "What does 'alliance' mean?"

    col = open_collection(tmp_path / "data", [deck])
    session = col.session(None, T0)
    shown = session.next_card(T0)
    assert shown is not None and shown.key == card.key
    check = check_typed(
        "The working bond between client and therapist!", flash.accepted(*_of(shown))
    )
    assert check.verdict is Verdict.RIGHT
    session.answer(shown, suggested_rating(check.verdict), T0, SECOND)
    assert session.summary().studied == 1 and session.summary().right == 1
    assert col.deck_counts(T0)[0].total == 1
    col.close(T0)

    [question] = build_test([deck], 5, random.Random(0))
    assert question.card.key == card.key
    assert grade(question, "the working bond between client and therapst").verdict is Verdict.CLOSE
    assert rules_for(question.kind).practice_label == "Give the meaning"
    assert suggested_rating(Verdict.CLOSE) is Rating.HARD


def _of(card: Card) -> tuple[FlashNote, int]:
    assert isinstance(card.note, FlashNote)
    return card.note, card.ordinal
