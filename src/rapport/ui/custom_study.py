"""The Custom study dialog (C on the session summary), as Anki's: more new cards today,
review ahead, review forgotten cards, or study a concept or tag. The choices and their
sessions live in :mod:`rapport.study.custom`; this only asks."""

from __future__ import annotations

from typing import NamedTuple

from PySide6.QtWidgets import (
    QButtonGroup,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QGridLayout,
    QLabel,
    QRadioButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

CHOICES = (
    ("more_new", "Increase today's new card limit by", "cards", 10),
    ("ahead", "Review ahead by (without rescheduling)", "days", 3),
    ("forgotten", "Review cards forgotten in the last", "days", 2),
    ("concept", "Study one concept or tag", "", 0),
)


class CustomStudy(NamedTuple):
    """What the trainee chose: ``kind`` (one of CHOICES' names), a number, a word."""

    kind: str
    number: int
    word: str


class CustomStudyDialog(QDialog):
    """Pick one kind of custom study; OK (Enter) takes it."""

    def __init__(self, words: list[str], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Custom study")
        self.setAccessibleName("Custom study")
        layout = QVBoxLayout(self)
        grid = QGridLayout()
        self.group = QButtonGroup(self)
        self.radios: dict[str, QRadioButton] = {}
        self.counts: dict[str, QSpinBox] = {}
        for row, (kind, text, unit, default) in enumerate(CHOICES):
            radio = QRadioButton(text)
            radio.setAccessibleName(text)
            self.group.addButton(radio, row)
            self.radios[kind] = radio
            grid.addWidget(radio, row, 0)
            if unit:
                box = QSpinBox()
                box.setRange(1, 9999 if unit == "cards" else 365)
                box.setValue(default)
                box.setSuffix(f" {unit}")
                box.setAccessibleName(f"{text} ({unit})")
                self.counts[kind] = box
                grid.addWidget(box, row, 1)
        self.word = QComboBox()
        self.word.addItems(words)
        self.word.setAccessibleName("Concept or tag")
        grid.addWidget(self.word, len(CHOICES) - 1, 1)
        layout.addLayout(grid)
        note = QLabel(
            "Reviewing ahead leaves the cards' schedules as they are; the other choices "
            "are ordinary study."
        )
        note.setWordWrap(True)
        note.setProperty("role", "muted")
        layout.addWidget(note)
        self.radios["more_new"].setChecked(True)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

    def choice(self) -> CustomStudy:
        """The choice as it stands."""
        kind = CHOICES[max(0, self.group.checkedId())][0]
        box = self.counts.get(kind)
        return CustomStudy(kind, box.value() if box else 0, self.word.currentText())

    def choose(self, kind: str, count: int = 0, word: str = "") -> None:
        """Set the dialog to a choice (as clicks and typing would)."""
        self.radios[kind].setChecked(True)
        if count and kind in self.counts:
            self.counts[kind].setValue(count)
        if word:
            self.word.setCurrentText(word)
