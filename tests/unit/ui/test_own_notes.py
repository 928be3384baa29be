"""A course leader's deck of their own notes, with no source text, is studied by keys and
its cards name the deck's own label: never "essay", never "garbled"."""

from __future__ import annotations

import random
from pathlib import Path

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from rapport.cli import main
from rapport.content import load_decks
from rapport.study import Collection
from rapport.ui.review import ReviewView
from tests.support.clock import Clock

OWN = """id = "week-3"
name = "Counselling skills, week 3"
source_label = "Course notes, week 3"

[[notes]]
id = "paraphrase"
kind = "basic"
concept = "paraphrasing"
front = "What does a paraphrase give back to the client?"
back = "The meaning of what they said, in the counsellor's own words."

[[notes]]
id = "summary"
kind = "cloze"
concept = "summarising"
text = "A summary draws {{c1::several}} of the client's statements together."
"""


def test_a_deck_of_own_notes_is_checked_studied_and_labelled(
    tmp_path: Path, qtbot: QtBot, clock: Clock, capsys: object
) -> None:
    folder = tmp_path / "own"
    folder.mkdir()
    (folder / "week-3.toml").write_text(OWN)
    assert main(["check", str(folder), "--data-dir", str(tmp_path / "data")]) == 0
    decks = load_decks([folder])
    collection = Collection.open(tmp_path / "data", decks.decks, clock())
    try:
        view = ReviewView(collection, clock, rng=random.Random(1))
        qtbot.addWidget(view)
        view.show()
        qtbot.waitExposed(view)
        view.start(["week-3"], "Week 3")
        seen = []
        for _ in range(2):
            assert view.card is not None
            qtbot.keyClick(view, Qt.Key.Key_Space)  # show the answer
            seen.append(view.source_label.text())
            assert not view.passage_button.isVisible()
            text = view.card_view.toPlainText()
            assert "essay" not in text.lower() and "garbled" not in text.lower()
            qtbot.keyClick(view, Qt.Key.Key_3)  # Good
        assert seen == ["Course notes, week 3"] * 2
    finally:
        collection.close(clock())
