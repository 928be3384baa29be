"""One answer checker: a typed response gets the same verdict in review and practice.

For every shipped typed card, each accepted spelling and a set of variants of it (case,
spacing, punctuation, accents, a leading article, a small slip, a wrong answer, nothing)
is typed into the review screen and into a practice test; both views must give the
verdict of the core's checker (:func:`rapport.content.notes.answers.check_typed`).
"""

from __future__ import annotations

import random
import unicodedata

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLineEdit
from pytestqt.qtbot import QtBot

from rapport.content import Card, DeckSet, TypedNote
from rapport.content.notes.answers import Verdict, check_typed
from rapport.study import Collection
from rapport.study.practice import question_for
from rapport.ui.practice import PracticeView
from rapport.ui.review import ReviewView
from tests.support.clock import Clock


def _slip(text: str) -> str:
    """The text with one letter dropped from its longest word (a keyboard slip)."""
    words = text.split()
    longest = max(range(len(words)), key=lambda i: len(words[i]))
    word = words[longest]
    words[longest] = word[: len(word) // 2] + word[len(word) // 2 + 1 :]
    return " ".join(words)


def _accented(text: str) -> str:
    return "".join(
        unicodedata.normalize("NFC", ch + "\u0301") if ch in "aeiou" else ch for ch in text
    )


def responses(note: TypedNote) -> list[str]:
    found: list[str] = []
    for spelling in (note.answer, *note.accept):
        found += [
            spelling,
            spelling.upper(),
            f"  {spelling}. ",
            f"the {spelling}",
            _accented(spelling),
            _slip(spelling),
        ]
    found += ["no idea at all", ""]
    return found


def type_into(qtbot: QtBot, edit: QLineEdit, response: str) -> None:
    """Type the response and press Enter (QTest types only ASCII keys: other text is
    inserted as a paste or an input method would)."""
    if response.isascii():
        qtbot.keyClicks(edit, response)
    else:
        edit.insert(response)
    qtbot.keyClick(edit, Qt.Key.Key_Return)


def test_every_shipped_typed_card_gets_one_verdict_in_review_and_practice(
    qtbot: QtBot, shipped_collection: Collection, shipped_decks: DeckSet, clock: Clock
) -> None:
    cases = [
        (card, response)
        for deck in shipped_decks.decks
        for card in deck.cards()
        if isinstance(card.note, TypedNote)
        for response in responses(card.note)
    ]
    assert len({c.key for c, _ in cases}) >= 5, "the shipped decks should hold typed cards"

    review = ReviewView(shipped_collection, clock, rng=random.Random(1))
    qtbot.addWidget(review)
    review.resize(900, 600)
    review.show()
    qtbot.waitExposed(review)
    review.start(None, "All decks")
    in_review: list[Verdict | None] = []
    for card, response in cases:
        review.show_question(card)
        type_into(qtbot, review.typed_edit, response)
        assert review.revealed
        in_review.append(review.verdict)

    practice = PracticeView(shipped_decks.decks, rng=lambda: random.Random(1))
    qtbot.addWidget(practice)
    practice.resize(900, 600)
    practice.show()
    qtbot.waitExposed(practice)
    practice.take([question_for(card, random.Random(0)) for card, _ in cases])
    for _card, response in cases:
        type_into(qtbot, practice.answer_edit, response)
    in_practice = [result.verdict for result in practice.results]

    expected = [_core_verdict(card, response) for card, response in cases]
    assert in_review == expected
    assert in_practice == expected
    # The variants exercise every verdict, the lenient ones included.
    assert set(expected) == {Verdict.RIGHT, Verdict.CLOSE, Verdict.WRONG}


def _core_verdict(card: Card, response: str) -> Verdict:
    note = card.note
    assert isinstance(note, TypedNote)
    return check_typed(response, (note.answer, *note.accept)).verdict
