"""What the store's reliability promises look like in the app: a repaired file is said, a
folder that cannot be written is named in a dialog, damage met mid-session is a message
(not a traceback), and litter a killed add left is gone at the next start."""

from __future__ import annotations

import errno
import os
import sqlite3
import sys
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from rapport.content import DeckSet
from rapport.paths import user_decks_dir
from rapport.store import DB_NAME, DatabaseError
from rapport.study import Collection
from rapport.ui import app as app_module
from rapport.ui import crash
from tests.support.clock import Clock
from tests.support.qt import ModalCatcher


def qapplication() -> QApplication:
    instance = QApplication.instance()
    assert isinstance(instance, QApplication)
    return instance


def test_a_repaired_index_is_said_at_start_up(
    qtbot: QtBot,
    data_dir: Path,
    kinds_dir: Path,
    kinds_decks: DeckSet,
    clock: Clock,
    modals: ModalCatcher,
) -> None:
    first = Collection.open(data_dir, kinds_decks.decks, clock())
    first.close(clock())
    path = data_dir / DB_NAME
    # Damage only the full check sees: an index entry pointing at no row.
    conn = sqlite3.connect(path)
    (root,) = conn.execute("SELECT rootpage FROM sqlite_master WHERE name='cards_new'").fetchone()
    conn.close()
    data = bytearray(path.read_bytes())
    size = int.from_bytes(data[16:18], "big")
    page = data[(root - 1) * size : root * size]
    # The last byte of the first cell's record is its rowid; change it to a row that does
    # not exist (the cell keeps its length, so quick_check still passes).
    cell = int.from_bytes(page[8:10], "big")
    header_len = page[cell + 1]
    body = cell + 1 + header_len
    length = page[cell]
    last = cell + 1 + length - 1
    assert body <= last
    data[(root - 1) * size + last] ^= 0x40
    path.write_bytes(bytes(data))
    (data_dir / f"{DB_NAME}.closed").unlink(missing_ok=True)
    window = app_module.open_main_window(qapplication(), data_dir, [kinds_dir])
    assert window is not None
    qtbot.addWidget(window)
    try:
        title, text = modals.seen[-1]
        assert title == "Your progress file was repaired"
        assert str(path) in text and "nothing was lost" in text
        assert window.collection.store.integrity_check() == ["ok"]
        qtbot.waitUntil(lambda: window.home.today_label.text().startswith("Today"))
    finally:
        app_module.close_collection(window.collection)


@pytest.mark.parametrize(("error", "reason"), [(errno.EROFS, "read-only"), (errno.ENOSPC, "full")])
@pytest.mark.logs_errors  # (the error is the point of the test)
def test_start_up_in_a_folder_that_cannot_be_written_names_it_in_a_dialog(
    data_dir: Path,
    kinds_dir: Path,
    modals: ModalCatcher,
    monkeypatch: pytest.MonkeyPatch,
    error: int,
    reason: str,
) -> None:
    def fail(*args: Any, **kwargs: Any) -> Any:
        raise OSError(error, os.strerror(error))

    call = "open" if error == errno.EROFS else "write"
    monkeypatch.setattr(f"rapport.store.lock.os.{call}", fail)
    assert app_module.open_main_window(qapplication(), data_dir, [kinds_dir]) is None
    title, text = modals.seen[-1]
    assert title == "Rapport cannot start"
    assert f"data folder {data_dir}" in text and reason in text
    assert "Traceback" not in text


@pytest.mark.logs_errors  # (the error is the point of the test)
def test_damage_met_mid_session_is_a_message_not_a_traceback(
    qtbot: QtBot, modals: ModalCatcher
) -> None:
    crash.install_excepthook()
    try:
        try:
            raise DatabaseError(Path("/data/collection.sqlite3"), "the file is damaged", None)
        except DatabaseError:
            sys.excepthook(*sys.exc_info())
    finally:
        crash.uninstall_excepthook()
    title, text = modals.seen[-1]
    assert title == "Rapport cannot go on"
    assert "/data/collection.sqlite3" in text and "Traceback" not in text


def test_start_up_removes_what_a_killed_add_left(
    qtbot: QtBot, data_dir: Path, kinds_dir: Path, modals: ModalCatcher
) -> None:
    own = user_decks_dir(data_dir)
    own.mkdir()
    litter = own / ".mine.toml.0a1b2c3d4e5f.part"
    litter.write_text("half a deck")
    window = app_module.open_main_window(qapplication(), data_dir, [kinds_dir])
    assert window is not None
    qtbot.addWidget(window)
    try:
        assert not litter.exists()
        qtbot.waitUntil(lambda: window.home.today_label.text().startswith("Today"))
    finally:
        app_module.close_collection(window.collection)
