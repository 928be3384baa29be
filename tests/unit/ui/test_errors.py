"""Errors from the core shown as dialogs: bad decks, a damaged database with the offer to
restore, a second instance, a failed export, and the crash dialog for the unexpected.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from rapport.content import DeckSet, load_decks
from rapport.interop.anki.progress import StudyProgress
from rapport.store import DB_NAME
from rapport.study import Collection
from rapport.ui import app, crash, dialogs
from rapport.ui.export_dialog import ExportDialog
from rapport.ui.main_window import MainWindow
from tests.support.clock import Clock
from tests.support.qt import ModalCatcher


@pytest.mark.logs_errors  # (the error is the point of the test)
def test_second_instance_is_refused_with_a_dialog(
    collection: Collection, data_dir: Path, kinds_decks: DeckSet, modals: ModalCatcher
) -> None:
    assert app.open_collection(data_dir, kinds_decks) is None
    title, text = modals.seen[-1]
    assert title == "Rapport is already running" and "already running" in text


@pytest.mark.logs_errors  # (the error is the point of the test)
def test_damaged_database_without_backup(
    data_dir: Path, kinds_decks: DeckSet, modals: ModalCatcher
) -> None:
    (data_dir / DB_NAME).write_bytes(b"this is not a database" * 100)
    assert app.open_collection(data_dir, kinds_decks) is None
    title, text = modals.seen[-1]
    assert title == "Rapport cannot open your progress"
    assert "no backup" in text.lower()


@pytest.mark.logs_errors  # (the error is the point of the test)
def test_damaged_database_offers_newest_backup_and_restores(
    data_dir: Path, kinds_decks: DeckSet, clock: Clock, modals: ModalCatcher
) -> None:
    first = Collection.open(data_dir, kinds_decks.decks, clock())
    first.set_pref("marker", "kept")
    first.close(clock())  # the first close makes a backup
    for companion in ("-wal", "-shm"):
        (data_dir / (DB_NAME + companion)).unlink(missing_ok=True)
    (data_dir / DB_NAME).write_bytes(b"garbage" * 1000)
    modals.respond = "Restore newest backup"
    restored = app.open_collection(data_dir, kinds_decks, clock)
    assert restored is not None
    try:
        assert restored.get_pref("marker") == "kept"
    finally:
        restored.close(clock())
    assert modals.titles() == ["Rapport cannot open your progress"]
    assert any(p.name.startswith(DB_NAME + ".damaged") for p in data_dir.iterdir())


def test_check_decks_lists_problems_or_all_valid(
    qtbot: QtBot,
    collection: Collection,
    kinds_dir: Path,
    clock: Clock,
    modals: ModalCatcher,
) -> None:
    window = MainWindow(collection, (), clock, deck_dirs=[kinds_dir])
    qtbot.addWidget(window)
    assert window.check_decks() == []
    assert modals.seen[-1] == ("Check decks", "All decks valid.\n")
    (kinds_dir / "broken.toml").write_text('id = "broken"\n')
    problems = window.check_decks()
    assert problems and all("broken.toml" in p for p in problems)
    assert "broken.toml" in modals.seen[-1][1]


def test_bad_deck_on_home_opens_its_problems(
    qtbot: QtBot, collection: Collection, kinds_dir: Path, clock: Clock, modals: ModalCatcher
) -> None:
    (kinds_dir / "broken.toml").write_text('id = "broken"\n')
    decks = load_decks([kinds_dir])
    window = MainWindow(collection, decks.errors, clock)
    qtbot.addWidget(window)
    item = window.home.tree.topLevelItem(1)
    assert item is not None
    window.home.tree.setCurrentItem(item)
    window.home.study_selected()
    assert modals.titles() == ["Problems in broken.toml"]
    assert window.current_view_name() == "home"


@pytest.mark.logs_errors  # (the error is the point of the test)
def test_crash_dialog_shows_copyable_details(qtbot: QtBot, modals: ModalCatcher) -> None:
    crash.install_excepthook()
    try:
        try:
            raise RuntimeError("boom in a slot")
        except RuntimeError:
            sys.excepthook(*sys.exc_info())
    finally:
        crash.uninstall_excepthook()
    title, text = modals.seen[-1]
    assert title == "Rapport hit an unexpected error"
    assert "Your answers so far are saved" in text
    assert "RuntimeError: boom in a slot" in text and "Traceback" in text


def test_crash_dialog_copy_button(qtbot: QtBot) -> None:
    dialog = dialogs.CrashDialog("Traceback: details here")
    qtbot.addWidget(dialog)
    dialog.copy_details()
    assert QGuiApplication.clipboard().text() == "Traceback: details here"


@pytest.mark.logs_errors  # (the error is the point of the test)
def test_exception_in_a_slot_reaches_the_crash_dialog(qtbot: QtBot, modals: ModalCatcher) -> None:
    crash.install_excepthook()

    def explode() -> None:
        raise ValueError("from a timer")

    try:
        QTimer.singleShot(0, explode)
        qtbot.waitUntil(lambda: bool(modals.seen), timeout=2000)
    finally:
        crash.uninstall_excepthook()
    assert "ValueError: from a timer" in modals.seen[-1][1]


def test_export_dialog_writes_and_reports(
    qtbot: QtBot, kinds_decks: DeckSet, tmp_path: Path
) -> None:
    dialog = ExportDialog(kinds_decks.decks, tmp_path)
    qtbot.addWidget(dialog)
    target = tmp_path / "out.apkg"
    dialog.path_edit.setText(str(target))
    assert dialog.export()
    assert target.is_file()
    notes = sum(len(d.notes) for d in kinds_decks.decks)  # (no count to fix per kind)
    assert dialog.progress.value() == dialog.progress.maximum() == notes
    assert f"Exported {notes} notes" in dialog.status.text()


def test_export_dialog_with_progress_is_a_checkbox_off_by_default(
    qtbot: QtBot, collection: Collection, kinds_decks: DeckSet, tmp_path: Path
) -> None:
    from rapport.interop.anki.progress import study_progress
    from tests.support.packages import read_collection

    asked: list[bool] = []

    def study() -> StudyProgress:
        asked.append(True)
        return study_progress(collection)

    dialog = ExportDialog(kinds_decks.decks, tmp_path, data_dir=tmp_path / "d", study=study)
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.with_progress.isVisible() and not dialog.with_progress.isChecked()
    dialog.path_edit.setText(str(tmp_path / "plain.apkg"))
    assert dialog.export() and asked == []
    dialog.with_progress.setFocus()
    qtbot.keyClick(dialog.with_progress, Qt.Key.Key_Space)
    assert dialog.with_progress.isChecked()
    dialog.path_edit.setText(str(tmp_path / "studied.apkg"))
    assert dialog.export() and asked == [True]
    assert "Import any learning progress" in dialog.status.text()
    conn = read_collection(tmp_path / "studied.apkg")
    try:
        (conf,) = conn.execute("SELECT conf FROM col").fetchone()
        assert '"schedVer": 2' in conf
    finally:
        conn.close()


def test_export_dialog_shows_failure(qtbot: QtBot, kinds_decks: DeckSet, tmp_path: Path) -> None:
    dialog = ExportDialog(kinds_decks.decks, tmp_path)
    qtbot.addWidget(dialog)
    dialog.path_edit.setText(str(tmp_path / "out.txt"))
    assert not dialog.export()
    assert dialog.status.text().startswith("Export failed:")
    assert dialog.export_button.isEnabled()


@pytest.fixture(autouse=True)
def _no_leftover_modal() -> None:
    assert QApplication.activeModalWidget() is None
