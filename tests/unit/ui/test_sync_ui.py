"""File > Sync (Ctrl+Y) against Anki's own sync server on a free loopback port: the
first press asks for the server and the account, logs in and uploads; Home's status line
says when it synced, or why it failed; the phone then downloads Rapport's cards."""

from __future__ import annotations

from pathlib import Path

import pytest
from anki.collection import Collection as AnkiCollection
from anki.scheduler.v3 import CardAnswer
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from rapport.content import DeckSet
from rapport.study import Collection
from rapport.sync.account import Account, load_account, save_account
from rapport.ui.main_window import MainWindow
from rapport.ui.sync_ui import SyncSettingsDialog
from tests.integration.test_sync import phone_answer, phone_sync
from tests.support.clock import Clock
from tests.support.syncserver import PASSWORD, USER, SyncServer, free_port, sync_server

__all__ = ["sync_server"]

pytestmark = pytest.mark.slow


def fill_settings(qtbot: QtBot, endpoint: str, tries: int = 100) -> None:
    """Type the server, the user name and the password into the Sync settings once
    they are open."""
    dialog = QApplication.activeModalWidget()
    if not isinstance(dialog, SyncSettingsDialog):
        assert tries, "the Sync settings did not open"
        QTimer.singleShot(20, lambda: fill_settings(qtbot, endpoint, tries - 1))
        return
    qtbot.keyClicks(dialog.endpoint, endpoint)
    qtbot.keyClicks(dialog.username, USER)
    qtbot.keyClicks(dialog.password, PASSWORD)
    qtbot.keyClick(dialog.password, Qt.Key.Key_Return)


def test_ctrl_y_logs_in_syncs_and_home_says_so(
    qtbot: QtBot,
    collection: Collection,
    kinds_decks: DeckSet,
    clock: Clock,
    sync_server: SyncServer,
    tmp_path: Path,
) -> None:
    window = MainWindow(collection, kinds_decks.errors, clock, deck_dirs=[])
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is not None)
    qtbot.waitUntil(lambda: not window.after_start.isActive())  # the line is read
    assert not window.home.sync_label.isVisible()  # never synced: no line

    QTimer.singleShot(0, lambda: fill_settings(qtbot, sync_server.endpoint))
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Y, Qt.KeyboardModifier.ControlModifier)
    account = load_account(collection.data_dir)
    assert account.logged_in and account.on_open_close  # on by default once logged in
    assert window.home.sync_label.isVisible()
    assert window.home.sync_label.text().startswith("Synced"), window.home.sync_label.text()

    (tmp_path / "phone").mkdir()
    phone = AnkiCollection(str(tmp_path / "phone" / "collection.anki2"))
    try:
        phone_sync(phone, sync_server)
        assert phone.card_count() == len(collection.store.card_table())
        db = phone.db
        assert db is not None
        phone_answer(phone, db.list("SELECT id FROM cards WHERE queue = 0")[0], CardAnswer.GOOD)
        phone_sync(phone, sync_server)
    finally:
        phone.close()

    # Opening Rapport syncs (on by default once logged in): the phone's answer is here.
    assert collection.store.review_count() == 0
    second = MainWindow(collection, kinds_decks.errors, clock, deck_dirs=[])
    qtbot.addWidget(second)
    second.show()
    qtbot.waitUntil(lambda: collection.store.review_count() == 1)

    # Sync settings: turn syncing on open and close off, by keys.
    def untick(tries: int = 100) -> None:
        dialog = QApplication.activeModalWidget()
        if not isinstance(dialog, SyncSettingsDialog):
            assert tries
            QTimer.singleShot(20, lambda: untick(tries - 1))
            return
        dialog.on_open_close.setFocus()
        qtbot.keyClick(dialog.on_open_close, Qt.Key.Key_Space)
        qtbot.keyClick(dialog.on_open_close, Qt.Key.Key_Return)

    QTimer.singleShot(0, untick)
    assert second.sync_settings()
    assert not load_account(collection.data_dir).on_open_close
    assert load_account(collection.data_dir).logged_in

    # A server that does not answer: the line on Home says so.
    save_account(collection.data_dir, Account(f"http://127.0.0.1:{free_port()}/", USER))
    assert not window.sync_now(quiet=True)
    assert window.home.sync_label.text().startswith("Sync failed:")
    assert "127.0.0.1" in window.home.sync_label.text()
