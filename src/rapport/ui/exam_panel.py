"""Deck options > Exam: an exam date on the preset; "Check" (Alt+X) simulates the days up
to it (:mod:`rapport.study.exam`) in the background, warns when the load exceeds the
preset's limits, offers the retention or daily new cards that fit, and says how much of
the deck would be recalled on the day.
"""

from __future__ import annotations

import dataclasses
from datetime import date, timedelta
from typing import TYPE_CHECKING

from PySide6.QtCore import QDate, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QCheckBox,
    QDateEdit,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
)

from rapport.errors import RapportError
from rapport.study.exam import ExamOutlook
from rapport.ui.preset_job import PresetJobPanel

if TYPE_CHECKING:
    from rapport.study import Settings


class ExamPanel(PresetJobPanel):
    """The exam date of the preset shown, and its outlook."""

    use_retention = Signal(float)
    use_new_per_day = Signal(int)

    BUSY_TEXT = "Simulating the days up to the exam…"

    def build(self) -> None:
        self.outlook: ExamOutlook | None = None
        layout = QVBoxLayout(self)
        row = QHBoxLayout()
        self.has_exam = QCheckBox("Exam on")
        self.has_exam.setAccessibleName("This preset prepares for an exam")
        self.date = QDateEdit()
        self.date.setCalendarPopup(True)
        self.date.setDisplayFormat("yyyy-MM-dd")
        self.date.setAccessibleName("Exam date")
        self.has_exam.toggled.connect(self.date.setEnabled)
        self.check_button = QPushButton("Check (Alt+X)")
        self.check_button.setAutoDefault(False)
        self.check_button.setToolTip("Simulate the days up to the exam with this preset")
        self.check_button.clicked.connect(self.check)
        row.addWidget(self.has_exam)
        row.addWidget(self.date)
        row.addWidget(self.check_button)
        row.addStretch(1)
        layout.addLayout(row)
        layout.addWidget(self.progress)
        self.warning = QLabel()
        self.warning.setProperty("role", "banner")
        self.warning.setWordWrap(True)
        self.warning.setAccessibleName("Exam warning")
        self.warning.hide()
        layout.addWidget(self.warning)
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.summary.setAccessibleName("Exam outlook")
        layout.addWidget(self.summary)
        offers = QHBoxLayout()
        self.retention_button = QPushButton()
        self.retention_button.setAutoDefault(False)
        self.retention_button.clicked.connect(self._use_retention)
        self.new_button = QPushButton()
        self.new_button.setAutoDefault(False)
        self.new_button.clicked.connect(self._use_new)
        for button in (self.retention_button, self.new_button):
            button.hide()
            offers.addWidget(button)
        offers.addStretch(1)
        layout.addLayout(offers)
        layout.addStretch(1)
        QShortcut(QKeySequence("Alt+X"), self).activated.connect(self.check)

    def load(self, settings: Settings) -> None:
        """Show ``settings``' exam date (a month from today when it has none)."""
        exam = settings.exam_date
        day = date.fromisoformat(exam) if exam else self.clock().date() + timedelta(days=30)
        self.date.setDate(QDate(day.year, day.month, day.day))
        self.has_exam.setChecked(bool(exam))
        self.date.setEnabled(bool(exam))
        self.warning.hide()
        self.summary.clear()
        self.retention_button.hide()
        self.new_button.hide()

    def entered(self, settings: Settings) -> Settings:
        """``settings`` with the exam date as entered."""
        exam = self.date.date().toString("yyyy-MM-dd") if self.has_exam.isChecked() else ""
        return dataclasses.replace(settings, exam_date=exam)

    def check(self) -> None:
        if self.job is not None:
            return
        shown = self.preset()
        if shown is None:
            return
        name, settings = shown
        try:
            work = self.collection.exam_outlook(name, self.clock(), settings)
        except RapportError as error:
            self.summary.setText(f"{error} Tick “Exam on” and choose its date.")
            return
        self.run(work, "exam", self.check_button)

    def show_result(self, result: object) -> None:
        if isinstance(result, ValueError):  # the date is not after today
            self.summary.setText(str(result))
            return
        super().show_result(result)  # (an exception goes to the app's handler)
        assert isinstance(result, ExamOutlook)
        self.outlook = result
        self.warning.setVisible(bool(result.warnings))
        self.warning.setText(" ".join(result.warnings))
        self.summary.setText(
            f"In {result.days} days, at a desired retention of {result.retention:.2f}: "
            f"on the exam day you would recall about {result.recalled_share:.0%} of the "
            f"deck's cards (FSRS retrievability)."
            + ("" if result.warnings else " The load fits your daily limits.")
        )
        offer = result.offered_retention
        self.retention_button.setVisible(offer is not None)
        if offer is not None:
            self.retention_button.setText(f"Use desired retention {offer:.2f}")
        new = result.offered_new_per_day
        self.new_button.setVisible(new is not None)
        if new is not None:
            self.new_button.setText(f"Use {new} new cards a day")

    def _use_retention(self) -> None:
        if self.outlook is not None and self.outlook.offered_retention is not None:
            self.use_retention.emit(self.outlook.offered_retention)

    def _use_new(self) -> None:
        if self.outlook is not None and self.outlook.offered_new_per_day is not None:
            self.use_new_per_day.emit(self.outlook.offered_new_per_day)
