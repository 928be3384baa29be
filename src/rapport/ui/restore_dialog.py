"""File > Restore backup...: choose a backup to bring back into the open collection.

The restore itself is one operation and one undo step (:mod:`rapport.study.restoring`);
this dialog lists the backups, newest first, with the time each was made and its size,
and says what restoring the selected one does before the trainee presses Enter.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, tzinfo

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QVBoxLayout,
    QWidget,
)

from rapport.store import Backup
from rapport.study.restoring import BackupSummary


def backup_time(time: datetime, tz: tzinfo | None, *, seconds: bool = False) -> str:
    """When a backup was made, in the trainee's time (``tz`` None: the system's)."""
    return time.astimezone(tz).strftime(f"%a %d %b %Y, %H:%M{':%S' if seconds else ''}")


def backup_names(backups: Sequence[BackupSummary], tz: tzinfo | None) -> list[str]:
    """Each backup's time, to the minute; to the second where two share a minute, and
    with its number where two share a second."""
    minutes = [backup_time(b.backup.time, tz) for b in backups]
    names = [
        backup_time(b.backup.time, tz, seconds=True) if minutes.count(name) > 1 else name
        for b, name in zip(backups, minutes, strict=True)
    ]
    return [
        f"{name} (no. {b.backup.number})" if names.count(name) > 1 else name
        for b, name in zip(backups, names, strict=True)
    ]


def _size(size: int) -> str:
    return f"{size / 1024:,.0f} KB" if size < 1024 * 1024 else f"{size / 1024 / 1024:,.1f} MB"


class RestoreDialog(QDialog):
    """The backups, newest first; Enter restores the selected one (see the module doc)."""

    def __init__(
        self, backups: Sequence[BackupSummary], tz: tzinfo | None, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Restore backup")
        self.setAccessibleName("Restore backup")
        self._backups = list(backups)
        intro = QLabel(
            "Choose the backup to bring back. Rapport makes one after 30 minutes of study "
            "and when it closes."
        )
        intro.setWordWrap(True)
        self.list = QListWidget()
        self.list.setAccessibleName("Backups")
        self._names = backup_names(self._backups, tz)
        for number, (summary, when) in enumerate(zip(self._backups, self._names, strict=True)):
            item = QListWidgetItem(f"{when}  ·  {_size(summary.size)}")
            item.setData(Qt.ItemDataRole.UserRole, number)
            item.setToolTip(str(summary.backup.path))
            self.list.addItem(item)
        self.explain = QLabel()
        self.explain.setWordWrap(True)
        self.explain.setAccessibleName("What restoring does")
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        restore = buttons.button(QDialogButtonBox.StandardButton.Ok)
        restore.setText("Restore")
        restore.setAccessibleName("Restore")
        restore.setDefault(True)
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setAccessibleName("Cancel")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        self.list.itemActivated.connect(lambda _item: self.accept())
        self.list.currentRowChanged.connect(self._explain)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.list)
        layout.addWidget(self.explain)
        layout.addWidget(buttons)
        if self._backups:
            self.list.setCurrentRow(0)
        self.list.setFocus()
        self.resize(460, 360)

    def _explain(self, row: int) -> None:
        if not 0 <= row < len(self._backups):
            self.explain.setText("")
            return
        when = self._names[row]
        self.explain.setText(
            f"Your progress (answers, card states, tags, deck options and scheduling "
            f"settings) becomes that of {when}; this computer's theme and font stay as they "
            f"are. Edit > Undo (Ctrl+Z) brings today's back."
        )

    def chosen_name(self) -> str:
        """How the list names the backup selected."""
        row = self.list.currentRow()
        return self._names[row] if 0 <= row < len(self._names) else ""

    def chosen(self) -> Backup | None:
        """The backup selected, if any."""
        row = self.list.currentRow()
        return self._backups[row].backup if 0 <= row < len(self._backups) else None
