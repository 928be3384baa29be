"""Browse: search, filters, preview and suspend over a real collection."""

from __future__ import annotations

import time
from datetime import timedelta
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from rapport.content import BasicNote, Deck, Essay, Source
from rapport.study import Collection, Rating
from rapport.ui.browse import COLUMNS, DUE, INTERVAL, BrowseView, interval_text
from tests.support.clock import Clock


def _browse(qtbot: QtBot, collection: Collection, clock: Clock) -> BrowseView:
    view = BrowseView(collection, clock)
    qtbot.addWidget(view)
    view.resize(1100, 700)
    view.show()
    qtbot.waitExposed(view)
    _activate(qtbot, view)
    return view


def _activate(qtbot: QtBot, view: BrowseView) -> None:
    # Shortcuts only reach the active window, which the platform activates a little later.
    view.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is view)


def _shown_questions(view: BrowseView) -> list[str]:
    return [view.model.index(r, 0).data() for r in range(view.model.rowCount())]


def _search(view: BrowseView, text: str) -> None:
    view.search.setText(text)
    assert view.search_error is None, view.search_error


def test_lists_every_card_with_its_columns(
    qtbot: QtBot, shipped_collection: Collection, clock: Clock
) -> None:
    view = _browse(qtbot, shipped_collection, clock)
    total = len(shipped_collection.card_rows(clock()))
    assert view.model.rowCount() == total > 100
    assert view.count_label.text() == f"{total} cards"
    headers = [view.model.headerData(c, Qt.Orientation.Horizontal) for c in range(len(COLUMNS))]
    assert headers[:5] == ["Question", "Card", "Deck", "Concept", "Kind"]
    first = [view.model.index(0, c).data() for c in range(len(COLUMNS))]
    assert first[2] == "The Relationship in Therapy" and first[DUE] == "new"
    assert first[1] in ("Card 1", "Card 2") or first[1].startswith("Cloze ")
    assert "-" not in first[3] and first[3][0].isupper()  # a concept's name, not its slug


def test_ctrl_f_search_and_filters(
    qtbot: QtBot, shipped_collection: Collection, clock: Clock
) -> None:
    view = _browse(qtbot, shipped_collection, clock)
    view.table.setFocus()
    qtbot.keyClick(view.table, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    assert view.search.hasFocus()
    qtbot.keyClicks(view.search, "norcross")
    total = len(shipped_collection.card_rows(clock()))
    shown = view.model.rowCount()
    assert 0 < shown < total
    assert view.count_label.text() == f"{shown} of {total} cards shown"
    qtbot.keyClick(view.search, Qt.Key.Key_Return)  # to the table, first row selected
    assert view.table.hasFocus() and view.selected_keys()

    _search(view, "concept:alliance-definition")
    rows = [view.model.card_row(r) for r in range(view.model.rowCount())]
    assert rows and {r.concept for r in rows} == {"alliance-definition"}

    _search(view, "is:review")
    assert view.model.rowCount() == 0
    _search(view, "is:new")
    assert view.model.rowCount() == total
    _search(view, 'deck:"The Relationship in Therapy"')
    assert view.model.rowCount() == total


def test_ctrl_j_suspends_and_unsuspends(
    qtbot: QtBot, shipped_collection: Collection, clock: Clock
) -> None:
    view = _browse(qtbot, shipped_collection, clock)
    view.table.setFocus()
    view.table.selectRow(2)
    key = view.selected_keys()[0]
    assert view.suspend_button.text().startswith("Suspend")
    qtbot.keyClick(view.table, Qt.Key.Key_J, Qt.KeyboardModifier.ControlModifier)
    row = next(r for r in shipped_collection.card_rows(clock()) if r.card.key == key)
    assert row.suspended
    assert view.selected_keys() == [key]
    assert view.suspend_button.text().startswith("Unsuspend")
    assert view.model.index(2, DUE).data() == "(new)"
    _search(view, "is:suspended")
    assert view.model.rowCount() == 1 and view.selected_keys() == [key]
    qtbot.keyClick(view.table, Qt.Key.Key_J, Qt.KeyboardModifier.ControlModifier)
    row = next(r for r in shipped_collection.card_rows(clock()) if r.card.key == key)
    assert not row.suspended
    assert view.model.rowCount() == 0
    # The button does the same for several cards.
    _search(view, "")
    view.table.selectAll()
    view.suspend_button.click()
    assert all(r.suspended for r in shipped_collection.card_rows(clock()))


def test_states_due_and_interval_after_study(
    qtbot: QtBot, collection: Collection, clock: Clock
) -> None:
    session = collection.session(None, clock())
    card = session.next_card(clock())
    assert card is not None
    session.answer(card, Rating.EASY, clock(), duration=timedelta(seconds=5))
    view = _browse(qtbot, collection, clock)
    _search(view, "is:review")
    assert view.model.rowCount() == 1
    assert view.model.index(0, DUE).data() not in ("", "new")
    assert view.model.index(0, INTERVAL).data().endswith("d")


def test_preview_shows_card_text_as_text(
    qtbot: QtBot, collection: Collection, clock: Clock
) -> None:
    view = _browse(qtbot, collection, clock)
    view.search.setText("a<b and c>d")
    assert view.model.rowCount() == 1
    view.table.selectRow(0)
    assert "a<b and c>d" in view.question_view.toPlainText()
    assert "<script>alert(1)</script>" in view.answer_view.toPlainText()


def test_interval_text() -> None:
    assert [interval_text(d) for d in (None, 0.003, 0.5, 3, 45, 800)] == [
        "", "4m", "12h", "3d", "1.5mo", "2.2y"
    ]  # fmt: skip


def test_ten_thousand_cards_stay_quick(qtbot: QtBot, tmp_path: Path, clock: Clock) -> None:
    source = Source(1, "x")
    notes = tuple(
        BasicNote(f"n{i}", f"concept-{i % 40}", (), source, False, False, "",
                  f"Question number {i} about the alliance", f"Answer {i}")
        for i in range(10_000)
    )  # fmt: skip
    deck = Deck("big", "Big deck", "", Path("big.toml"), (Essay(Path("e"), ("x",)),), {}, notes)
    collection = Collection.open(tmp_path / "data", [deck], clock())
    try:
        view = BrowseView(collection, clock)
        qtbot.addWidget(view)
        started = time.perf_counter()
        view.resize(1100, 700)
        view.show()
        qtbot.waitExposed(view)
        _activate(qtbot, view)
        loaded = time.perf_counter() - started
        assert view.model.rowCount() == 10_000
        started = time.perf_counter()
        view.search.setText("number 99")
        view.table.sortByColumn(0, Qt.SortOrder.DescendingOrder)
        filtered = time.perf_counter() - started
        assert view.model.rowCount() == sum("99" in str(i) for i in range(10_000))
        started = time.perf_counter()
        view.table.selectRow(0)
        qtbot.keyClick(view.table, Qt.Key.Key_J, Qt.KeyboardModifier.ControlModifier)
        suspended = time.perf_counter() - started
        assert loaded < 3 and filtered < 1 and suspended < 3, (loaded, filtered, suspended)
    finally:
        collection.close(clock())


def test_typing_in_the_table_searches(
    qtbot: QtBot, shipped_collection: Collection, clock: Clock
) -> None:
    view = _browse(qtbot, shipped_collection, clock)
    view.table.setFocus()
    qtbot.keyClicks(view.table, "norcross")
    assert view.search.hasFocus() and view.search.text() == "norcross"
    assert 0 < view.model.rowCount() < len(shipped_collection.card_rows(clock()))


def test_ctrl_j_in_browse_is_on_the_undo_list(
    qtbot: QtBot, collection: Collection, kinds_decks: object, clock: Clock
) -> None:
    from rapport.ui.main_window import MainWindow

    window = MainWindow(collection, (), clock)
    qtbot.addWidget(window)
    window.show()
    window.show_view("browse")
    view = window.view("browse")
    assert isinstance(view, BrowseView)
    view.table.setFocus()
    view.table.selectRow(1)
    key = view.selected_keys()[0]
    view.suspend_button.click()  # Ctrl+J (tested by key above)
    assert next(r for r in collection.card_rows(clock()) if r.card.key == key).suspended
    assert window.undo_name() == "Suspend card"
    window._name_undo()
    assert window.undo_action.text() == "&Undo Suspend card"
    assert window.undo() == "Suspend card"
    assert not next(r for r in collection.card_rows(clock()) if r.card.key == key).suspended
    assert window.undo_name() is None
