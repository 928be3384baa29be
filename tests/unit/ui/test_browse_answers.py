"""Browse finds cards by what was picked or typed in their answers (picked:, typed:)."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from rapport.study import Rating
from rapport.ui.browse import BrowseView
from tests.support.choices import choice, typed
from tests.support.clock import Clock
from tests.support.collection import make_deck, open_collection


def test_search_by_option_picked_and_text_typed(qtbot: QtBot, tmp_path: Path, clock: Clock) -> None:
    deck = make_deck(
        "d",
        [
            choice("c1", "Bond", ["Goal", "Task"]),
            choice("c2", "Warmth", ["Goal setting", "Silence"]),
            choice("c3", "Trust", ["Advice", "Silence"]),
            typed("t1", "empathy"),
        ],
    )
    col = open_collection(tmp_path / "data", [deck], clock())
    session = col.session(None, clock())
    cards = {c.note.id: c for c in deck.cards()}
    for note_id, picked, response in (
        ("c1", "Goal", None),
        ("c2", "Goal setting", None),
        ("c3", "Trust", None),
        ("t1", None, "Sympathy"),
    ):
        session.answer(
            cards[note_id], Rating.AGAIN, clock(), timedelta(seconds=4), picked=picked,
            response=response,
        )  # fmt: skip

    col.refresh_text()  # (Browse stores the cards' text first)

    def found(text: str) -> int:
        return col.browse_count(col.search_query(text, clock()))

    assert found("picked:goal") == 2
    assert found("picked:silence") == 0  # an option never picked
    assert found("typed:sympathy") == 1 and found("typed:goal") == 0
    view = BrowseView(col, clock)
    qtbot.addWidget(view)
    view.resize(1100, 700)
    view.show()
    qtbot.waitExposed(view)
    view.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is view)
    view.table.setFocus()
    qtbot.keyClick(view.table, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClicks(view.search, "picked:goal")
    qtbot.waitUntil(lambda: view.model.rowCount() == 2)
    questions = {view.model.card_row(r).question for r in range(2)}
    assert questions == {"Which is right for c1?", "Which is right for c2?"}
    view.close()
    col.close(clock())
