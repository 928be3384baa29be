"""Statistics' calibration section: the chart and its words, the confident errors and the
wrong answers given most often, and S studies the confident errors now."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QTableWidget
from pytestqt.qtbot import QtBot

from rapport.study import Rating
from rapport.study.calibration import calibration_of
from rapport.ui.main_window import MainWindow
from rapport.ui.review import ReviewView
from rapport.ui.stats_view import StatsView
from tests.support.choices import choice, typed
from tests.support.clock import Clock
from tests.support.collection import make_deck, open_collection


def cell(table: QTableWidget, row: int, column: int) -> str:
    item = table.item(row, column)
    assert item is not None
    return item.text()


def test_confident_errors_listed_and_studied_with_s(
    qtbot: QtBot, tmp_path: Path, clock: Clock
) -> None:
    deck = make_deck(
        "d",
        [
            choice("c1", "Bond", ["Goal", "Task"]),
            choice("c2", "Warmth", ["Advice", "Silence"]),
            typed("t1", "empathy"),
        ],
    )
    col = open_collection(tmp_path / "data", [deck], clock())
    session = col.session(None, clock())
    cards = {c.note.id: c for c in deck.cards()}
    for note_id, rating, certainty, picked, response in (
        ("c1", Rating.AGAIN, 3, "Goal", None),  # confident error
        ("c2", Rating.GOOD, 3, "Warmth", None),
        ("t1", Rating.AGAIN, 3, None, "sympathy"),  # confident error
    ):
        session.answer(
            cards[note_id], rating, clock(), timedelta(seconds=5), certainty=certainty,
            picked=picked, response=response,
        )  # fmt: skip
        clock.advance(timedelta(seconds=20))
    window = MainWindow(col, (), clock, deck_dirs=[])
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    view = window.show_view("stats")
    assert isinstance(view, StatsView)
    qtbot.waitUntil(lambda: view.figures is not None and not view.computing)
    panel = view.calibration
    expected = calibration_of("In this period", col.store.logged_answers(), col.card)
    assert panel.calibration == expected
    assert panel.chart.accessibleDescription() == expected.describe()
    assert "High certainty: 33% right of 3" in panel.summary.text()
    table = panel.errors_table
    assert table.rowCount() == 2
    given = {cell(table, r, 1) for r in range(2)}
    assert given == {"Goal", "sympathy"}
    assert any("Goal is a common mix-up" in cell(table, r, 2) for r in range(2))
    wrong = panel.misconceptions_table
    assert {cell(wrong, r, 1) for r in range(wrong.rowCount())} == {"Goal", "sympathy"}
    assert panel.study_button.text() == "Study these 2 now  (S)"

    view.setFocus()
    qtbot.keyClick(view, Qt.Key.Key_S)
    review = window.stack.currentWidget()
    assert isinstance(review, ReviewView)
    assert "2 confident errors" in window.windowTitle()
    seen: set[str] = set()
    while review.card is not None and not review.finished and len(seen) < 5:
        seen.add(review.card.note.id)
        review.reveal()
        review.rate(Rating.GOOD)
    assert seen == {"c1", "t1"}
    window.close()
    col.close(clock())
