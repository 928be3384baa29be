"""One renderer per interaction, none per kind: every interaction has its renderer, and the
throwaway kind of tests/support/flash.py (a typed kind, registered by one module) is
reviewed and practised by keys in the real views with no edit to them."""

from __future__ import annotations

import random
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from rapport.content import Deck, load_deck
from rapport.content.notes.answers import Verdict
from rapport.content.notes.kinds import Interaction, registered
from rapport.study import Rating
from rapport.study.practice import build_test
from rapport.ui import render
from rapport.ui.practice import PracticeView
from rapport.ui.review import ReviewView
from tests.support.clock import Clock
from tests.support.collection import open_collection
from tests.support.decks import write_deck
from tests.support.flash import FLASH_DECK, flash_kind


def test_every_interaction_and_every_kind_has_a_renderer() -> None:
    for interaction in Interaction:
        assert isinstance(render._RENDERERS[interaction], render.KindRenderer)
    for kind in registered():
        assert render.renderer_for(kind) is render._RENDERERS[registered()[kind].interaction]


@pytest.fixture
def flash_deck(tmp_path: Path) -> Iterator[Deck]:
    with flash_kind():
        yield load_deck(write_deck(tmp_path / "decks", FLASH_DECK))


def test_a_throwaway_kind_is_reviewed_by_keys(
    qtbot: QtBot, flash_deck: Deck, tmp_path: Path, clock: Clock
) -> None:
    col = open_collection(tmp_path / "data", [flash_deck], clock())
    view = ReviewView(col, clock, rng=random.Random(1))
    qtbot.addWidget(view)
    view.show()
    qtbot.waitExposed(view)
    view.start([flash_deck.id], flash_deck.name)
    assert view.card is not None and view.card.kind == "flash"
    assert "What does 'alliance' mean?" in view.card_view.toPlainText()
    assert view.typed_edit.isVisible()  # its interaction (type) brings the box
    qtbot.keyClicks(view.typed_edit, "the working bond between client and therapst")
    qtbot.keyClick(view.typed_edit, Qt.Key.Key_Return)
    assert view.verdict is Verdict.CLOSE and view.suggested is Rating.HARD
    card = view.card
    qtbot.keyClick(view, Qt.Key.Key_Return)
    [entry] = col.store.reviews_of(col.require_id(card))
    assert entry.rating == Rating.HARD
    # What was typed is kept with the answer (issue 28: misconception analytics).
    assert entry.response == "the working bond between client and therapst"
    col.close(clock())


def test_a_throwaway_kind_is_practised_by_keys(qtbot: QtBot, flash_deck: Deck) -> None:
    practice = PracticeView([flash_deck])
    qtbot.addWidget(practice)
    practice.show()
    qtbot.waitExposed(practice)
    practice.take(build_test([flash_deck], 1, random.Random(0)))
    assert practice.kind_label.text() == "Give the meaning"
    assert practice.answer_edit.isVisible() and not practice.respond_edit.isVisible()
    qtbot.keyClicks(practice.answer_edit, "The working bond between client and therapist")
    qtbot.keyClick(practice.answer_edit, Qt.Key.Key_Return)
    assert practice.last_score is not None and practice.last_score.right == 1
