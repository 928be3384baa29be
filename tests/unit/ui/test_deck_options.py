"""Deck options (O on Home): a preset is made and given to a deck by keys, and the deck's
study follows it."""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from rapport.content import DeckSet
from rapport.study import Collection
from rapport.study.settings import DEFAULT_PRESET
from rapport.ui.deck_options import DeckOptionsDialog
from rapport.ui.home import COL_NEW
from rapport.ui.main_window import MainWindow
from tests.support.clock import Clock


def test_o_on_home_makes_a_preset_and_assigns_it_by_keys(
    qtbot: QtBot, collection: Collection, kinds_decks: DeckSet, clock: Clock
) -> None:
    window = MainWindow(collection, kinds_decks.errors, clock)
    qtbot.addWidget(window)
    window.show()
    seen: list[str] = []

    def drive() -> None:
        dialog = QApplication.activeModalWidget()
        assert isinstance(dialog, DeckOptionsDialog)
        try:
            keys(dialog)
        finally:
            if dialog.isVisible():
                dialog.reject()

    def keys(dialog: DeckOptionsDialog) -> None:
        seen.append(dialog.preset.currentText())
        dialog.new_name.setFocus()
        qtbot.keyClicks(dialog.new_name, "Light")
        qtbot.keyClick(dialog.new_name, Qt.Key.Key_Return)  # adds, does not close
        assert dialog.isVisible() and dialog.preset.currentText() == "Light"
        dialog.fields.new_per_day.setFocus()
        dialog.fields.new_per_day.selectAll()
        qtbot.keyClicks(dialog.fields.new_per_day, "2")
        qtbot.keyClick(dialog.fields.new_per_day, Qt.Key.Key_Return)  # OK

    QTimer.singleShot(0, drive)
    qtbot.keyClick(window.home.tree, Qt.Key.Key_O)
    assert seen == [DEFAULT_PRESET]
    assert collection.preset_names() == [DEFAULT_PRESET, "Light"]
    assert collection.preset_of("kinds") == "Light"
    assert collection.settings_for("kinds").new_per_day == 2
    assert collection.settings.new_per_day == 20  # Default unchanged
    item = window.home.tree.topLevelItem(0)
    assert item is not None and item.text(COL_NEW) == "2"


def test_switching_back_to_default_and_deleting_a_preset(
    qtbot: QtBot, collection: Collection
) -> None:
    collection.save_preset("Light", collection.settings)
    collection.set_deck_preset("kinds", "Light")
    dialog = DeckOptionsDialog(collection, "kinds")
    qtbot.addWidget(dialog)
    assert dialog.preset.currentText() == "Light" and dialog.delete.isEnabled()
    dialog.fields.learning.setText("soon")
    dialog.preset.setCurrentText(DEFAULT_PRESET)  # refused: the steps cannot be read
    assert dialog.preset.currentText() == "Light" and dialog.error.isVisibleTo(dialog)
    dialog.fields.learning.setText("3m")
    dialog.delete.click()
    assert dialog.preset.currentText() == DEFAULT_PRESET and not dialog.delete.isEnabled()
    dialog.accept()
    assert collection.preset_names() == [DEFAULT_PRESET]
    assert collection.preset_of("kinds") == DEFAULT_PRESET


def test_optimise_and_evaluate_in_the_background_by_keys(
    qtbot: QtBot, shipped_collection: Collection, clock: Clock, data_dir: object
) -> None:
    from datetime import timedelta
    from pathlib import Path

    from rapport.study.optimize import default_parameters
    from tests.support.fsrs_history import simulate, write_rapport

    collection = shipped_collection
    ids = [collection.require_id(c) for d in collection.decks for c in d.cards()]
    start = clock() - timedelta(days=300)
    assert isinstance(data_dir, Path)
    write_rapport(data_dir / "collection.sqlite3", ids, simulate(len(ids), 299, start))
    deck_id = collection.decks[0].id
    dialog = DeckOptionsDialog(collection, deck_id, clock=clock)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is dialog)
    dialog.show_tab("FSRS")
    panel = dialog.fsrs
    assert panel.summary.text() == "FSRS's default parameters."
    # Alt+E: Evaluate, in the background; the dialog answers meanwhile.
    qtbot.keyClick(dialog, Qt.Key.Key_E, Qt.KeyboardModifier.AltModifier)
    assert panel.job is not None and not panel.progress.isHidden()
    qtbot.waitUntil(lambda: panel.job is None, timeout=60_000)
    assert panel.result.text().split("\n")[0].endswith(" reviews.")
    assert "Current: log loss" in panel.result.text() and "Fitted" not in panel.result.text()
    assert collection.settings.parameters == ()
    # Alt+O: Optimise; the fit is better (drawn from other parameters), saved at once.
    qtbot.keyClick(dialog, Qt.Key.Key_O, Qt.KeyboardModifier.AltModifier)
    assert panel.job is not None and panel.job.running
    qtbot.waitUntil(lambda: panel.job is None, timeout=120_000)
    assert "this preset uses them now" in panel.result.text(), panel.result.text()
    assert collection.settings.parameters not in ((), default_parameters())
    assert panel.summary.text() == "Fitted to your reviews."
    # OK keeps them (the dialog's copy of the preset took the new parameters).
    dialog.accept()
    assert collection.settings.parameters != ()


def test_help_me_decide_simulates_and_a_retention_is_picked(
    qtbot: QtBot, shipped_collection: Collection, clock: Clock
) -> None:
    from rapport.study.simulate import RETENTIONS

    collection = shipped_collection
    deck_id = collection.decks[0].id
    dialog = DeckOptionsDialog(collection, deck_id, clock=clock)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is dialog)
    dialog.show_tab("FSRS")
    panel = dialog.simulator
    panel.days.setValue(60)
    qtbot.keyClick(dialog, Qt.Key.Key_H, Qt.KeyboardModifier.AltModifier)
    assert panel.job is not None
    qtbot.waitUntil(lambda: panel.job is None and bool(panel.curve), timeout=60_000)
    assert [w.retention for w in panel.curve] == list(RETENTIONS)
    assert panel.table is not None and panel.table.rowCount() == len(RETENTIONS)
    assert panel.chart_view.chart().series()[0].count() == len(RETENTIONS)
    # Pick 0.85 by keys: the preset's desired retention follows, saved at OK.
    panel.pick.setFocus()
    panel.pick.selectAll()
    qtbot.keyClicks(panel.pick, "0.85")
    qtbot.keyClick(dialog, Qt.Key.Key_U, Qt.KeyboardModifier.AltModifier)
    assert dialog.fields.retention.value() == 0.85
    assert "minutes" in panel.status.text()
    dialog.accept()
    assert collection.settings_for(deck_id).desired_retention == 0.85


def test_exam_date_warns_and_offers_by_keys(
    qtbot: QtBot, shipped_collection: Collection, clock: Clock
) -> None:
    from datetime import timedelta

    collection = shipped_collection
    deck_id = collection.decks[0].id
    dialog = DeckOptionsDialog(collection, deck_id, clock=clock)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is dialog)
    dialog.show_tab("Exam")
    panel = dialog.exam
    # Every card of the deck is new; 20 a day cannot learn them in 3 days.
    panel.has_exam.setChecked(True)
    exam = clock().date() + timedelta(days=3)
    panel.date.setDate(panel.date.date().fromString(exam.isoformat(), "yyyy-MM-dd"))
    qtbot.keyClick(dialog, Qt.Key.Key_X, Qt.KeyboardModifier.AltModifier)
    qtbot.waitUntil(lambda: panel.job is None and panel.outlook is not None, timeout=60_000)
    assert not panel.warning.isHidden() and "would not be learnt" in panel.warning.text()
    assert "on the exam day you would recall about" in panel.summary.text()
    assert not panel.new_button.isHidden()
    offered = panel.outlook.offered_new_per_day if panel.outlook else None
    assert offered is not None and offered > 20
    panel.new_button.click()
    assert dialog.fields.new_per_day.value() == offered
    dialog.accept()
    saved = collection.settings_for(deck_id)
    assert saved.exam_date == exam.isoformat() and saved.new_per_day == offered


def test_order_and_timing_by_keys_and_the_answer_timer(
    qtbot: QtBot, collection: Collection, clock: Clock
) -> None:
    from datetime import timedelta

    from rapport.ui.review import ReviewView

    dialog = DeckOptionsDialog(collection, "kinds", clock=clock)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.show_tab("Order and timing")
    order = dialog.order
    order.review_order.setFocus()
    qtbot.keyClick(order.review_order, Qt.Key.Key_Down)  # Retrievability, lowest first
    qtbot.keyClick(order.leech_action, Qt.Key.Key_Down)  # Tag only
    sunday = order.easy_days[6]
    qtbot.keyClick(sunday, Qt.Key.Key_Down)
    qtbot.keyClick(sunday, Qt.Key.Key_Down)  # Minimum
    order.max_answer.setValue(30)
    qtbot.keyClick(order.show_timer, Qt.Key.Key_Space)
    dialog.accept()
    saved = collection.settings_for("kinds")
    assert (saved.review_order, saved.leech_action) == ("retrievability", "tag")
    assert saved.easy_days == (1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 0.0)
    assert saved.max_answer_seconds == 30 and saved.show_answer_timer

    view = ReviewView(collection, clock)
    qtbot.addWidget(view)
    view.show()
    view.start(["kinds"], "Every kind")
    assert view.timer_label.isVisibleTo(view) and view.timer_label.text() == "0:00"
    clock.advance(timedelta(seconds=12))
    view._tick()
    assert view.timer_label.text() == "0:12"
    clock.advance(timedelta(minutes=5))
    view._tick()
    assert view.timer_label.text() == "0:30"  # stops at the maximum answer time
