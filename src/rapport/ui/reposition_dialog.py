"""Browse > Reposition (Ctrl+Shift+S), as Anki's: start, step, shuffle, shift the others."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)


class RepositionDialog(QDialog):
    """Where the selected new cards go in their deck's new-card order."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Reposition new cards")
        self.start = QSpinBox()
        self.start.setRange(0, 10_000_000)
        self.start.setAccessibleName("Start position")
        self.step = QSpinBox()
        self.step.setRange(1, 10_000)
        self.step.setAccessibleName("Step")
        self.shuffle = QCheckBox("Randomize order")
        self.shuffle.setAccessibleName("Randomize order")
        self.shift = QCheckBox("Shift position of existing cards")
        self.shift.setAccessibleName("Shift position of existing cards")
        form = QFormLayout()
        form.addRow("Start position:", self.start)
        form.addRow("Step:", self.step)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        for role, name in (
            (QDialogButtonBox.StandardButton.Ok, "Reposition"),
            (QDialogButtonBox.StandardButton.Cancel, "Cancel"),
        ):
            buttons.button(role).setAccessibleName(name)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.shuffle)
        layout.addWidget(self.shift)
        layout.addWidget(buttons)

    def values(self) -> tuple[int, int, bool, bool]:
        """(start, step, shuffle, shift)."""
        return (
            self.start.value(),
            self.step.value(),
            self.shuffle.isChecked(),
            self.shift.isChecked(),
        )
