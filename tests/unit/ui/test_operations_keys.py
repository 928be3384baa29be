"""The operations the other operations tests call directly, driven here by their keys
from their own view, each then undone with Ctrl+Z and redone with Ctrl+Shift+Z from other
views (issue 19): Browse's Forget, Set due date and Reposition; deck create (Ctrl+N),
rename (F2 on Home) and delete (Delete on Home); a note edited from Browse (Enter) and
deleted from its editor; a spreadsheet import (Ctrl+I) and an Anki import
(Ctrl+Shift+I)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QApplication,
    QFileDialog,
    QInputDialog,
    QLineEdit,
    QMessageBox,
    QWidget,
)
from pytestqt.qtbot import QtBot

from rapport.content import DeckSet
from rapport.store.records import Phase
from rapport.study import Collection
from rapport.study.ops import capture_files
from rapport.ui.anki_fields_dialog import AnkiFieldsDialog
from rapport.ui.browse import BrowseView
from rapport.ui.import_dialog import ImportDialog
from rapport.ui.main_window import MainWindow
from rapport.ui.note_editor import NoteEditor
from rapport.ui.reposition_dialog import RepositionDialog
from tests.support.clock import Clock
from tests.support.collection import basic, make_deck, open_collection, with_settings
from tests.support.qt import ModalDriver

CTRL = Qt.KeyboardModifier.ControlModifier
SHIFT = Qt.KeyboardModifier.ShiftModifier
ALT = Qt.KeyboardModifier.AltModifier
NONE = Qt.KeyboardModifier.NoModifier


def _show(qtbot: QtBot, window: MainWindow) -> MainWindow:
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    return window


@pytest.fixture
def basic_window(qtbot: QtBot, tmp_path: Path, clock: Clock) -> Iterator[MainWindow]:
    """Six basic notes in one deck."""
    deck = make_deck("d", [basic(f"n{i}") for i in range(6)])
    col = open_collection(tmp_path / "data", [deck], clock(), settings=with_settings(new_per_day=6))
    window = _show(qtbot, MainWindow(col, clock=clock))
    yield window
    window.close()  # (before the collection: the statistics being computed are awaited)
    col.close(clock())


@pytest.fixture
def kinds_window(
    qtbot: QtBot, collection: Collection, kinds_decks: DeckSet, kinds_dir: Path, clock: Clock
) -> Iterator[MainWindow]:
    """The deck of every kind, from its folder (the trainee's deck files beside it)."""
    window = MainWindow(collection, kinds_decks.errors, clock, deck_dirs=[kinds_dir])
    yield _show(qtbot, window)
    window.close()  # (before the collection fixture closes the collection)


@pytest.fixture
def driver() -> Iterator[ModalDriver]:
    driver = ModalDriver()
    yield driver
    driver.stop()
    driver.check()


def press(qtbot: QtBot, window: MainWindow, key: Qt.Key, mods: Qt.KeyboardModifier = NONE) -> None:
    """Press a key where the keyboard focus is, as a user would (shortcuts reach only the
    active window: after a dialog closed, the window is activated again)."""
    if not window.isActiveWindow():
        window.activateWindow()
        qtbot.waitUntil(window.isActiveWindow)
    qtbot.keyClick(QApplication.focusWidget() or window, key, mods)


def go(qtbot: QtBot, window: MainWindow, view: str) -> None:
    """Show ``view`` by its key (Ctrl+H Home, Ctrl+B Browse, Ctrl+T Statistics, Ctrl+P
    Practice test)."""
    keys = {"home": Qt.Key.Key_H, "browse": Qt.Key.Key_B, "stats": Qt.Key.Key_T}
    key = {**keys, "practice": Qt.Key.Key_P}[view]
    press(qtbot, window, key, CTRL)
    assert window.current_view_name() == view


def undo_redo_elsewhere(
    qtbot: QtBot,
    window: MainWindow,
    name: str,
    done: Callable[[], bool],
    undo_in: str,
    redo_in: str,
) -> None:
    """The operation ``name`` is done; Ctrl+Z in view ``undo_in`` takes it back, Ctrl+Shift+Z
    in view ``redo_in`` does it again, each named in the Edit menu; the deck files after the
    redo are those after the operation, byte for byte."""
    assert done(), "the operation did not happen"
    assert window.undo_name() == name
    files = capture_files(window.collection.data_dir)
    go(qtbot, window, undo_in)
    press(qtbot, window, Qt.Key.Key_Z, CTRL)
    assert not done(), "Ctrl+Z did not take it back"
    window._name_undo()
    assert window.redo_action.text() == f"&Redo {name}"
    go(qtbot, window, redo_in)
    press(qtbot, window, Qt.Key.Key_Z, CTRL | SHIFT)
    assert done(), "Ctrl+Shift+Z did not do it again"
    assert window.undo_name() == name and window.redo_name() is None
    assert capture_files(window.collection.data_dir) == files


def browse_rows(qtbot: QtBot, window: MainWindow, query: str, rows: int) -> BrowseView:
    """Browse (Ctrl+B), the search typed, the first ``rows`` rows selected by keys."""
    go(qtbot, window, "browse")
    browse = window.view("browse")
    assert isinstance(browse, BrowseView)
    press(qtbot, window, Qt.Key.Key_F, CTRL)
    assert browse.search.hasFocus()
    browse.search.selectAll()
    qtbot.keyClicks(browse.search, query)
    qtbot.keyClick(browse.search, Qt.Key.Key_Return)
    browse.table.setFocus()
    qtbot.keyClick(browse.table, Qt.Key.Key_Home, CTRL)
    for _ in range(rows - 1):
        qtbot.keyClick(browse.table, Qt.Key.Key_Down, SHIFT)
    assert len(browse.selected_ids()) == rows
    return browse


# -- Browse: Forget, Set due date, Reposition ---------------------------------------------


def test_browse_forget_by_key_undone_on_home_and_redone_in_statistics(
    basic_window: MainWindow, qtbot: QtBot
) -> None:
    window = basic_window
    store = window.collection.store
    press(qtbot, window, Qt.Key.Key_Return)  # Home: study the deck
    press(qtbot, window, Qt.Key.Key_Space)
    press(qtbot, window, Qt.Key.Key_4)  # Easy: a review card
    browse = browse_rows(qtbot, window, "is:review", 1)
    [card_id] = browse.selected_ids()
    qtbot.keyClick(browse.table, Qt.Key.Key_N, CTRL | ALT)  # Forget
    undo_redo_elsewhere(
        qtbot,
        window,
        "Forget 1 card",
        lambda: store.card_state(card_id).phase == Phase.NEW,
        "home",
        "stats",
    )
    assert len(store.reviews_of(card_id)) == 1  # the history stays


def test_browse_set_due_date_by_keys_undone_on_home_and_redone_in_statistics(
    basic_window: MainWindow, qtbot: QtBot, driver: ModalDriver, clock: Clock
) -> None:
    window = basic_window
    store = window.collection.store
    browse = browse_rows(qtbot, window, "is:new", 2)
    ids = browse.selected_ids()

    def three_days(widget: QWidget) -> None:
        assert isinstance(widget, QInputDialog)
        line = widget.findChild(QLineEdit)
        assert line is not None
        line.selectAll()
        qtbot.keyClicks(line, "3")
        qtbot.keyClick(line, Qt.Key.Key_Return)

    driver.when_modal(three_days)
    qtbot.keyClick(browse.table, Qt.Key.Key_D, CTRL | SHIFT)
    driver.check()
    today, _ = window.collection.today_bounds(clock())

    def due_in_three_days() -> bool:
        states = [store.card_state(i) for i in ids]
        return all(
            s.phase == Phase.REVIEW and s.due is not None and (s.due - today).days == 3
            for s in states
        )

    undo_redo_elsewhere(
        qtbot, window, "Set due date of 2 cards", due_in_three_days, "home", "stats"
    )


def test_browse_reposition_by_keys_undone_on_home_and_redone_in_statistics(
    basic_window: MainWindow, qtbot: QtBot, driver: ModalDriver
) -> None:
    window = basic_window
    store = window.collection.store
    browse = browse_rows(qtbot, window, "is:new", 2)
    ids = browse.selected_ids()
    before = {i: store.positions([i])[i][1] for i in ids}

    def to_100(widget: QWidget) -> None:
        assert isinstance(widget, RepositionDialog)
        widget.start.setFocus()
        widget.start.selectAll()
        qtbot.keyClicks(widget.start, "100")
        qtbot.keyClick(widget.start, Qt.Key.Key_Return)  # OK

    driver.when_modal(to_100)
    qtbot.keyClick(browse.table, Qt.Key.Key_S, CTRL | SHIFT)
    driver.check()

    def moved() -> bool:
        places = sorted(store.positions([i])[i][1] for i in ids)
        return places == [100, 101]

    assert sorted(before.values()) != [100, 101]
    undo_redo_elsewhere(qtbot, window, "Reposition 2 cards", moved, "home", "stats")
    window.collection.ops.undo()
    assert {i: store.positions([i])[i][1] for i in ids} == before


# -- decks: create, rename, delete -------------------------------------------------------


def type_into_input(qtbot: QtBot, text: str) -> Callable[[QWidget], None]:
    def answer(widget: QWidget) -> None:
        assert isinstance(widget, QInputDialog)
        line = widget.findChild(QLineEdit)
        assert line is not None
        line.selectAll()
        qtbot.keyClicks(line, text)
        qtbot.keyClick(line, Qt.Key.Key_Return)

    return answer


def yes_by_key(qtbot: QtBot) -> Callable[[QWidget], None]:
    def answer(widget: QWidget) -> None:
        assert isinstance(widget, QMessageBox)
        qtbot.keyClick(widget, Qt.Key.Key_Y)  # &Yes

    return answer


def select_deck_by_keys(qtbot: QtBot, window: MainWindow, name: str) -> None:
    """Home (Ctrl+H), then Down through the deck tree until ``name`` is selected."""
    from rapport.ui.home import COL_NAME

    go(qtbot, window, "home")
    tree = window.home.tree
    tree.setFocus()
    qtbot.keyClick(tree, Qt.Key.Key_Home)
    for _ in range(20):
        item = tree.currentItem()
        if item is not None and item.text(COL_NAME).strip() == name:
            return
        qtbot.keyClick(tree, Qt.Key.Key_Down)
    raise AssertionError(f"no deck {name!r} on Home")


def names(window: MainWindow) -> list[str]:
    return [d.name for d in window.collection.decks]


def test_deck_create_rename_and_delete_by_keys_undone_and_redone_elsewhere(
    qtbot: QtBot, kinds_window: MainWindow, driver: ModalDriver
) -> None:
    window = kinds_window
    window.home.tree.setFocus()
    driver.when_modal(type_into_input(qtbot, "Week one"))
    press(qtbot, window, Qt.Key.Key_N, CTRL)  # File > New deck
    driver.check()
    undo_redo_elsewhere(
        qtbot, window, "New deck", lambda: "Week one" in names(window), "browse", "stats"
    )

    select_deck_by_keys(qtbot, window, "Week one")
    driver.when_modal(type_into_input(qtbot, "Week 1"))
    press(qtbot, window, Qt.Key.Key_F2)
    driver.check()
    undo_redo_elsewhere(
        qtbot, window, "Rename deck", lambda: "Week 1" in names(window), "browse", "stats"
    )

    select_deck_by_keys(qtbot, window, "Week 1")
    driver.when_modal(yes_by_key(qtbot))
    press(qtbot, window, Qt.Key.Key_Delete)
    driver.check()
    undo_redo_elsewhere(
        qtbot, window, "Delete deck", lambda: "Week 1" not in names(window), "browse", "stats"
    )
    assert "Week one" not in names(window)


# -- notes: edited from Browse, deleted from the editor ---------------------------------


def test_note_edited_from_browse_and_deleted_by_keys_undone_and_redone_elsewhere(
    qtbot: QtBot, kinds_window: MainWindow, driver: ModalDriver
) -> None:
    window = kinds_window
    col = window.collection

    def add(widget: QWidget) -> None:
        assert isinstance(widget, NoteEditor)
        for field, text in (("front", "What is attending?"), ("back", "Full attention.")):
            widget.field(field).setFocus()
            qtbot.keyClicks(widget.field(field), text)
        qtbot.keyClick(widget.field("back"), Qt.Key.Key_Return, CTRL)
        qtbot.waitUntil(lambda: widget.saved_count == 1)
        qtbot.keyClick(widget, Qt.Key.Key_Escape)

    driver.when_modal(add)
    window.home.tree.setFocus()
    press(qtbot, window, Qt.Key.Key_A)
    driver.check()

    def back() -> str | None:
        deck = next((d for d in col.decks if d.id == "my-notes"), None)
        if deck is None or not deck.notes:
            return None
        return str(getattr(deck.notes[0], "back", ""))

    assert back() == "Full attention."

    def reword(widget: QWidget) -> None:
        assert isinstance(widget, NoteEditor)
        field = widget.field("back")
        field.setFocus()
        qtbot.keyClick(field, Qt.Key.Key_A, CTRL)
        qtbot.keyClicks(field, "Undivided attention.")
        qtbot.keyClick(field, Qt.Key.Key_Return, CTRL)

    browse = browse_rows(qtbot, window, "attending", 1)
    driver.when_modal(reword)
    qtbot.keyClick(browse.table, Qt.Key.Key_Return)  # Enter: edit the note
    driver.check()
    undo_redo_elsewhere(
        qtbot, window, "Edit note", lambda: back() == "Undivided attention.", "home", "stats"
    )

    def delete(widget: QWidget) -> None:
        assert isinstance(widget, NoteEditor) and widget.delete_button is not None
        driver.when_modal(yes_by_key(qtbot))
        widget.delete_button.setFocus()
        qtbot.keyClick(widget.delete_button, Qt.Key.Key_Space)

    browse = browse_rows(qtbot, window, "attending", 1)
    driver.when_modal(delete)
    qtbot.keyClick(browse.table, Qt.Key.Key_Return)
    driver.check()
    undo_redo_elsewhere(qtbot, window, "Delete note", lambda: back() is None, "home", "stats")


# -- imports: a spreadsheet, an Anki package ---------------------------------------------


def test_spreadsheet_import_by_keys_undone_and_redone_elsewhere(
    qtbot: QtBot,
    kinds_window: MainWindow,
    driver: ModalDriver,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    window = kinds_window
    sheet = tmp_path / "terms.csv"
    sheet.write_text(
        "Empathy,Understanding the client's world as if it were one's own.\n"
        "Congruence,Being genuine.\n",
        encoding="utf-8",
    )
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *_a, **_k: (str(sheet), ""))

    def import_it(widget: QWidget) -> None:
        assert isinstance(widget, ImportDialog) and widget.import_button.isEnabled()
        widget.import_button.setFocus()
        qtbot.keyClick(widget.import_button, Qt.Key.Key_Space)

    driver.when_modal(import_it)
    window.home.tree.setFocus()
    press(qtbot, window, Qt.Key.Key_I, CTRL)  # File > Import spreadsheet
    driver.check()

    def imported() -> bool:
        deck = next((d for d in window.collection.decks if d.name.lower() == "terms"), None)
        return deck is not None and len(deck.notes) == 2

    undo_redo_elsewhere(qtbot, window, "Import spreadsheet", imported, "browse", "practice")


def test_anki_import_by_keys_undone_and_redone_elsewhere(
    qtbot: QtBot,
    kinds_window: MainWindow,
    driver: ModalDriver,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from tests.unit.ui.test_anki_import_ui import anki_package

    window = kinds_window
    store = window.collection.store
    package = anki_package(tmp_path / "anki")
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *_a, **_k: (str(package), ""))

    def fields(widget: QWidget) -> None:
        assert isinstance(widget, AnkiFieldsDialog)
        qtbot.keyClick(widget, Qt.Key.Key_Return)  # Import, the first two fields

    def report(widget: QWidget) -> None:
        assert isinstance(widget, QMessageBox) and "imported 2 notes" in widget.text()
        qtbot.keyClick(widget, Qt.Key.Key_Return)

    driver.when_modal(fields)
    driver.when_modal(report)
    window.home.tree.setFocus()
    press(qtbot, window, Qt.Key.Key_I, CTRL | SHIFT)  # File > Import Anki package
    qtbot.waitUntil(lambda: not driver._actions, timeout=20000)
    driver.check()

    def imported() -> bool:
        deck = next((d for d in window.collection.decks if d.name == "Counselling"), None)
        return deck is not None and store.review_count() == 1

    undo_redo_elsewhere(qtbot, window, "Import Anki package", imported, "practice", "stats")


# -- the views follow every change (they subscribe; nobody refreshes them by name) -------


def test_home_and_statistics_follow_an_undo_and_a_redo_made_while_they_show(
    basic_window: MainWindow, qtbot: QtBot
) -> None:
    from rapport.ui.home import COL_NEW
    from rapport.ui.stats_view import StatsView

    window = basic_window
    browse = browse_rows(qtbot, window, "is:new", 2)
    qtbot.keyClick(browse.table, Qt.Key.Key_J, CTRL)  # suspend two new cards

    def home_new() -> int:
        item = window.home.tree.topLevelItem(0)
        assert item is not None
        return int(item.text(COL_NEW))

    go(qtbot, window, "home")
    assert home_new() == 4
    press(qtbot, window, Qt.Key.Key_Z, CTRL)
    assert home_new() == 6
    press(qtbot, window, Qt.Key.Key_Z, CTRL | SHIFT)
    assert home_new() == 4

    go(qtbot, window, "stats")
    stats = window.view("stats")
    assert isinstance(stats, StatsView)

    def suspended() -> int | None:
        if stats.stats is None or stats.computing:
            return None
        return stats.stats.card_counts.get("suspended", 0)

    qtbot.waitUntil(lambda: suspended() == 2)
    press(qtbot, window, Qt.Key.Key_Z, CTRL)
    qtbot.waitUntil(lambda: suspended() == 0)
    press(qtbot, window, Qt.Key.Key_Z, CTRL | SHIFT)
    qtbot.waitUntil(lambda: suspended() == 2)


def test_deck_options_of_a_parent_row_are_one_step_for_every_deck_under_it(
    qtbot: QtBot, tmp_path: Path, clock: Clock
) -> None:
    """O on a parent row of the deck tree: the preset made and given to both decks under
    it is one undo step (it was one step per deck after the first)."""
    from rapport.ui.deck_options import DeckOptionsDialog

    decks = [
        make_deck(f"w{n}", [basic(f"w{n}-{i}") for i in range(2)], f"Course::Week {n}")
        for n in (1, 2)
    ]
    col = open_collection(tmp_path / "data", decks, clock(), settings=with_settings())
    window = _show(qtbot, MainWindow(col, clock=clock))
    driver = ModalDriver()
    try:
        select_deck_by_keys(qtbot, window, "Course")

        def light(dialog: QWidget) -> None:
            assert isinstance(dialog, DeckOptionsDialog)
            dialog.new_name.setFocus()
            qtbot.keyClicks(dialog.new_name, "Light")
            qtbot.keyClick(dialog.new_name, Qt.Key.Key_Return)  # adds the preset
            dialog.fields.new_per_day.setFocus()
            dialog.fields.new_per_day.selectAll()
            qtbot.keyClicks(dialog.fields.new_per_day, "2")
            qtbot.keyClick(dialog.fields.new_per_day, Qt.Key.Key_Return)  # OK

        driver.when_modal(light)
        press(qtbot, window, Qt.Key.Key_O)
        driver.check()

        def both_light() -> bool:
            presets = {col.preset_of(d.id) for d in decks}
            assert len(presets) == 1, presets  # never one deck without the other
            return presets == {"Light"}

        undo_redo_elsewhere(qtbot, window, "Deck options", both_light, "browse", "home")
        press(qtbot, window, Qt.Key.Key_Z, CTRL)
        assert not both_light() and window.undo_name() is None
    finally:
        driver.stop()
        window.close()
        col.close(clock())


# -- File > Restore backup: the whole progress as one step -------------------------------


def test_restore_backup_by_keys_undone_in_browse_and_redone_in_statistics(
    basic_window: MainWindow, qtbot: QtBot, driver: ModalDriver, clock: Clock
) -> None:
    """File > Restore backup (Alt+F, R) from the reviewer, the backup chosen by keys and
    Enter: Home shows the backup's progress; Ctrl+Z in Browse brings today's back, Ctrl+Shift+Z
    in Statistics the backup's again."""
    from PySide6.QtWidgets import QMenu

    from rapport.ui.home import COL_NEW
    from rapport.ui.restore_dialog import RestoreDialog

    window = basic_window
    col = window.collection
    col.backup(clock())  # the backup: nothing studied yet
    col.wait_for_backup()
    press(qtbot, window, Qt.Key.Key_Return)  # Home: study the deck
    for _ in range(2):
        press(qtbot, window, Qt.Key.Key_Space)
        press(qtbot, window, Qt.Key.Key_4)  # Easy
    assert col.store.review_count() == 2 and window.current_view_name() == "review"

    def home_new() -> int:
        go(qtbot, window, "home")
        item = window.home.tree.topLevelItem(0)
        assert item is not None
        return int(item.text(COL_NEW))

    seen: list[str] = []

    def choose_and_restore(widget: QWidget) -> None:
        assert isinstance(widget, RestoreDialog)
        assert widget.list.count() == 1 and widget.focusWidget() is widget.list
        seen.append(widget.explain.text())
        qtbot.keyClick(widget.list, Qt.Key.Key_Return)

    driver.when_modal(choose_and_restore)
    press(qtbot, window, Qt.Key.Key_F, ALT)
    qtbot.waitUntil(lambda: isinstance(QApplication.activePopupWidget(), QMenu))
    menu = QApplication.activePopupWidget()
    assert menu is not None
    qtbot.keyClick(menu, Qt.Key.Key_R)  # &Restore backup...
    driver.check()
    qtbot.waitUntil(lambda: col.ops.undo_name == "Restore backup")
    assert "becomes that of" in seen[0] and "Edit > Undo" in seen[0]
    assert window.current_view_name() == "home"  # (the session's queue was of the old rows)
    assert col.store.review_count() == 0
    assert home_new() == 6

    def restored() -> bool:
        return col.store.review_count() == 0

    undo_redo_elsewhere(qtbot, window, "Restore backup", restored, "browse", "stats")
    assert home_new() == 6
    go(qtbot, window, "browse")
    press(qtbot, window, Qt.Key.Key_Z, CTRL)
    assert col.store.review_count() == 2
    assert home_new() == 4
    press(qtbot, window, Qt.Key.Key_Return)  # studying goes on with today's rows
    press(qtbot, window, Qt.Key.Key_Space)
    press(qtbot, window, Qt.Key.Key_3)
    assert col.store.review_count() == 3
