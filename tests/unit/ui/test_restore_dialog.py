"""File > Restore backup's dialog: how it names the backups, and Escape restores nothing."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from rapport.store import Backup
from rapport.study.restoring import BackupSummary
from rapport.ui.restore_dialog import RestoreDialog, backup_names


def summary(number: int, second: int, minute: int = 0) -> BackupSummary:
    time = datetime(2026, 3, 2, 12, minute, second, tzinfo=UTC)
    return BackupSummary(Backup(Path(f"b{number}"), time, number), 2048)


def test_backups_sharing_a_minute_or_a_second_are_told_apart() -> None:
    backups = [summary(4, 5, minute=7), summary(3, 5), summary(2, 5), summary(1, 30)]
    assert backup_names(backups, UTC) == [
        "Mon 02 Mar 2026, 12:07",
        "Mon 02 Mar 2026, 12:00:05 (no. 3)",
        "Mon 02 Mar 2026, 12:00:05 (no. 2)",
        "Mon 02 Mar 2026, 12:00:30",
    ]


def test_down_moves_the_choice_and_says_what_restoring_it_does(qtbot: QtBot) -> None:
    dialog = RestoreDialog([summary(2, 0, minute=30), summary(1, 0)], UTC)
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.chosen() == Backup(Path("b2"), summary(2, 0, minute=30).backup.time, 2)
    qtbot.keyClick(dialog.list, Qt.Key.Key_Down)
    assert dialog.chosen_name() == "Mon 02 Mar 2026, 12:00"
    assert "becomes that of Mon 02 Mar 2026, 12:00;" in dialog.explain.text()
    assert "theme and font stay" in dialog.explain.text()
    assert "Edit > Undo (Ctrl+Z) brings today's back" in dialog.explain.text()
    qtbot.keyClick(dialog.list, Qt.Key.Key_Escape)
    assert dialog.result() == dialog.DialogCode.Rejected
