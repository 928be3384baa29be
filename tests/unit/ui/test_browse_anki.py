"""Browse as Anki's: the sidebar writes the search, ``rapport search`` finds what Browse
finds, Card info shows the history, Forget / Set due date / Reposition are each undone
by Ctrl+Z, a malformed search says where, and the question stays readable at 800x600."""

from __future__ import annotations

import io
from collections.abc import Iterator
from contextlib import redirect_stdout
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QTreeWidgetItem
from pytestqt.qtbot import QtBot

from rapport import cli
from rapport.content import load_decks
from rapport.paths import decks_dir
from rapport.store.records import Phase
from rapport.study import Collection, Rating
from rapport.ui.browse import CARD, DUE, QUESTION, BrowseView
from rapport.ui.main_window import MainWindow
from tests.support.clock import Clock
from tests.support.collection import open_as_app as open_collection


@pytest.fixture
def now_clock() -> Clock:
    # Real time: ``rapport search`` measures days against the real clock too.
    return Clock(datetime.now(UTC).replace(microsecond=0))


@pytest.fixture
def studied(data_dir: Path, now_clock: Clock) -> Iterator[Collection]:
    """The shipped decks (every one, as ``rapport search`` reads them) with some study:
    answers of every grade, a flag, a suspension."""
    earlier = now_clock() - timedelta(hours=2)  # (so that the cards answered Again are due)
    shipped = load_decks(sorted(decks_dir().glob("*.toml")))
    col = open_collection(data_dir, shipped.decks, earlier)
    session = col.session(None, earlier)
    for n in range(8):
        card = session.next_card(earlier)
        assert card is not None
        session.answer(card, Rating(1 + n % 4), earlier, timedelta(seconds=4))
    first = col.decks[0].cards()
    col.store.set_flag(col.require_id(first[20]), 1)
    col.set_suspended(first[21].key, True)
    yield col
    col.close(now_clock())


@pytest.fixture
def window(qtbot: QtBot, studied: Collection, now_clock: Clock) -> MainWindow:
    window = MainWindow(studied, (), now_clock, deck_dirs=[])
    qtbot.addWidget(window)
    window.resize(1100, 760)
    window.show()
    qtbot.waitExposed(window)
    window.show_view("browse")
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
    return window


def _browse(window: MainWindow) -> BrowseView:
    view = window.view("browse")
    assert isinstance(view, BrowseView)
    return view


def _select_row(view: BrowseView, row: int) -> None:
    """Select one row (as a click would; ``selectRow`` follows the modifier keys the last
    key press left, here Ctrl+Shift)."""
    from PySide6.QtCore import QItemSelectionModel

    flag = QItemSelectionModel.SelectionFlag
    index = view.model.index(row, 0)
    view.table.selectionModel().setCurrentIndex(index, flag.ClearAndSelect | flag.Rows)


def _shown_ids(view: BrowseView) -> list[int]:
    return [view.model.card_row(r).card_id for r in range(view.model.rowCount())]


QUERIES = [
    "",
    "norcross",
    '"coherent narrative"',
    "Norcross or Siegel",
    "-tag:extension",
    "is:new",
    "is:learn",
    "is:review",
    "is:due",
    "is:suspended",
    "is:buried",
    'deck:"The Relationship in Therapy"',
    "deck:the*",
    "prop:ivl>=1",
    "prop:reps>0",
    "rated:1",
    "rated:1:1",
    "introduced:1",
    "added:1",
    "flag:1",
    "kind:cloze card:2",
    "(alliance or bond) -kind:choice",
    "concept:alliance*",
    "tag:extension",
    "th_rap*",
]


def test_rapport_search_and_browse_find_the_same_cards(window: MainWindow, data_dir: Path) -> None:
    view = _browse(window)
    for query in QUERIES:
        view.search.setText(query)
        assert view.search_error is None, (query, view.search_error)
        shown = _shown_ids(view)
        out = io.StringIO()
        with redirect_stdout(out):
            assert cli.main(["search", "--data-dir", str(data_dir), "--", query]) == 0
        listed = [int(line.split("\t")[0]) for line in out.getvalue().splitlines()]
        assert listed == shown, query
        out = io.StringIO()
        with redirect_stdout(out):
            cli.main(["search", "--data-dir", str(data_dir), "--count", "--", query])
        assert int(out.getvalue()) == len(shown), query
    # The searches the issue found empty now find cards.
    for query in ("is:due", "is:new", "is:review", "Norcross or Siegel", "-tag:extension"):
        view.search.setText(query)
        assert view.model.rowCount() > 0, query


def test_a_malformed_search_says_where_and_the_cli_too(
    window: MainWindow, data_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    view = _browse(window)
    view.search.setText("prop:ivl>")
    assert view.error_label.isVisible()
    assert view.error_label.text().startswith("Search error at character 10:")
    assert view.count_label.text().startswith("Search error")
    view.search.setText("prop:ivl>2")
    assert not view.error_label.isVisible() and view.search_error is None
    assert cli.main(["search", "--data-dir", str(data_dir), "(norcross"]) == 1
    assert "Search error at character 1" in capsys.readouterr().err


def _click(qtbot: QtBot, view: BrowseView, item: QTreeWidgetItem | None, mods: object) -> None:
    assert item is not None
    view.sidebar.scrollToItem(item)
    rect = view.sidebar.visualItemRect(item)
    modifier = mods if isinstance(mods, Qt.KeyboardModifier) else Qt.KeyboardModifier.NoModifier
    qtbot.mouseClick(view.sidebar.viewport(), Qt.MouseButton.LeftButton, modifier, rect.center())


def test_the_sidebar_writes_the_search(window: MainWindow, qtbot: QtBot) -> None:
    view = _browse(window)
    sidebar = view.sidebar
    titles = [sidebar.topLevelItem(i).text(0) for i in range(sidebar.topLevelItemCount())]  # type: ignore[union-attr]
    assert titles == [
        "Saved searches", "Today", "Flags", "Card state", "Decks", "Concepts", "Tags",
    ]  # fmt: skip
    # By keys: Ctrl+Shift+F to the sidebar, arrows to "Due", Enter.
    qtbot.keyClick(
        view.table,
        Qt.Key.Key_F,
        Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier,
    )
    assert sidebar.hasFocus()
    due = sidebar.item_for("is:due")
    assert due is not None
    sidebar.setCurrentItem(due)
    qtbot.keyClick(sidebar, Qt.Key.Key_Return)
    assert view.search.text() == "is:due"
    # A click replaces; Ctrl+click adds (and); Shift+click offers an alternative (or).
    _click(qtbot, view, sidebar.item_for("is:new"), None)
    assert view.search.text() == "is:new"
    _click(qtbot, view, sidebar.item_for("flag:1"), Qt.KeyboardModifier.ControlModifier)
    assert view.search.text() == "is:new flag:1"
    _click(qtbot, view, sidebar.item_for("is:suspended"), Qt.KeyboardModifier.ShiftModifier)
    assert view.search.text() == "(is:new flag:1) or is:suspended"
    assert view.search_error is None
    # Decks and concepts by name: the concept's name shows, its slug is searched.
    deck = sidebar.item_for('"deck:The Relationship in Therapy"')
    assert deck is not None
    _click(qtbot, view, deck, None)
    rows = [view.model.card_row(r) for r in range(view.model.rowCount())]
    essay = next(d for d in window.collection.decks if d.name == "The Relationship in Therapy")
    assert len(rows) == len(essay.cards()) < view._total  # that deck's cards, not the others'
    assert {row.deck_name for row in rows} == {essay.name}
    concept = sidebar.item_for("concept:coherent-narrative")
    assert concept is not None and concept.text(0) == "Coherent narrative"
    # A saved search appears in the sidebar and writes itself back.
    view.search.setText("is:review -is:suspended")
    assert view.save_search("Reviews")
    saved = sidebar.item_for("is:review -is:suspended")
    assert saved is not None and saved.text(0) == "Reviews"
    view.search.clear()
    _click(qtbot, view, saved, None)
    assert view.search.text() == "is:review -is:suspended"


def test_card_info_shows_the_history(window: MainWindow, qtbot: QtBot) -> None:
    view = _browse(window)
    view.search.setText("prop:reps>0")
    view.table.setFocus()
    _select_row(view, 0)
    card_id = view.selected_ids()[0]
    reviews = window.collection.store.reviews_of(card_id)
    assert reviews
    qtbot.keyClick(
        view.table,
        Qt.Key.Key_I,
        Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier,
    )
    dialog = view.card_info
    assert dialog.isVisible()
    text = dialog.text.toPlainText()
    assert f"#{card_id}" in text and "History" in text
    assert "Stability" in text and "Difficulty" in text and "Retrievability" in text
    assert "Next intervals" in text and all(g in text for g in ("Again", "Hard", "Good", "Easy"))
    answers = {1: "Again", 2: "Hard", 3: "Good", 4: "Easy"}
    assert answers[reviews[0].rating] in text
    assert text.count(reviews[0].time.astimezone().strftime("%Y-%m-%d %H:%M")) >= 1
    dialog.close()


def _ctrl_z(qtbot: QtBot, view: BrowseView) -> None:
    view.table.setFocus()
    qtbot.keyClick(view.table, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)


def test_forget_set_due_and_reposition_each_undone_by_ctrl_z(
    window: MainWindow, qtbot: QtBot, now_clock: Clock
) -> None:
    view = _browse(window)
    store = window.collection.store
    # Forget, by its key, on a studied card.
    view.search.setText("prop:reps>0 -is:suspended")
    view.table.setFocus()
    _select_row(view, 0)
    card_id = view.selected_ids()[0]
    before = store.card_state(card_id)
    assert before.phase != Phase.NEW
    qtbot.keyClick(
        view.table,
        Qt.Key.Key_N,
        Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.AltModifier,
    )
    assert store.card_state(card_id).phase == Phase.NEW
    assert window.undo_name() == "Forget 1 card"
    _ctrl_z(qtbot, view)
    assert store.card_state(card_id) == before
    assert view.selected_ids() == [card_id]

    # Set due date: two new cards due in 3 days, then undone.
    view.search.setText("is:new")
    view.table.setFocus()
    _select_row(view, 0)
    qtbot.keyClick(view.table, Qt.Key.Key_Down, Qt.KeyboardModifier.ShiftModifier)
    ids = view.selected_ids()
    assert len(ids) == 2
    assert view.set_due_selected("3")
    today, _ = window.collection.today_bounds(now_clock())
    for card_id in ids:
        state = store.card_state(card_id)
        assert state.phase == Phase.REVIEW and state.due is not None
        assert timedelta(days=2) < state.due - today <= timedelta(days=3)
    view.search.setText(f"cid:{ids[0]}")
    assert view.model.index(0, DUE).data() not in ("new", "")
    _ctrl_z(qtbot, view)
    assert all(store.card_state(i).phase == Phase.NEW for i in ids)

    # Reposition: a new card to the front of its deck's order, then undone.
    view.search.setText("is:new")
    last = view.model.rowCount() - 1
    _select_row(view, last)
    card_id = view.selected_ids()[0]
    place = store.positions([card_id])[card_id][1]
    assert view.reposition_selected(0, 1, shift=True)
    assert store.positions([card_id])[card_id][1] == 0
    _ctrl_z(qtbot, view)
    assert store.positions([card_id])[card_id][1] == place
    assert window.undo_name() != "Reposition 1 card"


def test_the_question_stays_readable_at_800x600_and_widths_are_remembered(
    qtbot: QtBot, studied: Collection, now_clock: Clock
) -> None:
    window = MainWindow(studied, (), now_clock, deck_dirs=[])
    qtbot.addWidget(window)
    window.resize(800, 600)
    window.show()
    qtbot.waitExposed(window)
    window.show_view("browse")
    view = _browse(window)
    table = view.table
    header = table.horizontalHeader()

    def fitted() -> None:  # (once the layout has given the table its width)
        width = table.viewport().width()
        assert header.sectionViewportPosition(QUESTION) == 0
        assert header.sectionSize(QUESTION) >= 0.4 * width
        assert header.length() <= width + 1  # nothing scrolls out of sight

    qtbot.waitUntil(fitted)
    assert not table.isColumnHidden(CARD)
    # A dragged column keeps its width in the next Browse.
    header.resizeSection(CARD, 90)
    again = BrowseView(studied, now_clock)
    qtbot.addWidget(again)
    again.resize(1280, 700)
    again.show()
    qtbot.waitExposed(again)
    assert again.table.columnWidth(CARD) == 90
    assert again.table.horizontalHeader().sectionSize(QUESTION) > 400
