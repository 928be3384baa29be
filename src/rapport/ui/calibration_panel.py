"""Statistics' calibration section: certainty against the share right (a chart with its
text alternative), the confident errors with a one-key way to study them (S), and the
wrong answers given most often with their rationales. The figures come from
:mod:`rapport.study.calibration`, over the statistics' scope (the decks and period chosen there)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime
from typing import TYPE_CHECKING

from PySide6.QtCore import QRectF, Qt, Signal
from PySide6.QtGui import QColor, QPainter, QPaintEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from rapport.content.notes.model import CardKey
from rapport.study.calibration import (
    Calibration,
    ConfidentError,
    Misconception,
    calibration_of,
    confident_errors,
    misconceptions,
)
from rapport.study.certainty import CBM_THRESHOLDS
from rapport.study.progress import period_start
from rapport.study.stats import StatsScope
from rapport.ui import theme

if TYPE_CHECKING:
    from rapport.study import Collection

CHART_HEIGHT = 200


class CalibrationChart(QWidget):
    """Three bars, low/mid/high certainty, each the share right with its count; the band
    where each level pays best is shaded behind it. Its accessible description says the
    same in words."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.calibration: Calibration | None = None
        self.setMinimumHeight(CHART_HEIGHT)
        self.setMinimumWidth(320)
        self.setAccessibleName("Calibration chart")

    def set_calibration(self, calibration: Calibration) -> None:
        self.calibration = calibration
        self.setAccessibleDescription(calibration.describe())
        self.setToolTip(calibration.describe())
        self.update()

    def paintEvent(self, event: QPaintEvent) -> None:
        calibration = self.calibration
        if calibration is None:
            return
        c = theme.colours()
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        rect = QRectF(self.rect()).adjusted(44, 10, -10, -36)
        text = QColor(c.text)
        band = QColor(c.accent)
        band.setAlpha(40)
        painter.setPen(text)
        for tick in (0.0, 0.5, 1.0):
            y = rect.bottom() - tick * rect.height()
            painter.drawText(QRectF(0, y - 8, 40, 16), Qt.AlignmentFlag.AlignRight, f"{tick:.0%}")
            painter.drawLine(int(rect.left()), int(y), int(rect.right()), int(y))
        slot = rect.width() / 3
        for index, point in enumerate(calibration.points):
            x = rect.left() + index * slot
            low, high = CBM_THRESHOLDS[point.certainty]
            painter.fillRect(
                QRectF(
                    x + slot * 0.1,
                    rect.bottom() - high * rect.height(),
                    slot * 0.8,
                    (high - low) * rect.height(),
                ),
                band,
            )
            share = point.share_right
            if share is not None:
                height = share * rect.height()
                painter.fillRect(
                    QRectF(x + slot * 0.3, rect.bottom() - height, slot * 0.4, height),
                    QColor(c.accent),
                )
            label = f"{point.certainty.label}\n{point.answers} answer{'s' * (point.answers != 1)}"
            painter.setPen(text)
            painter.drawText(
                QRectF(x, rect.bottom() + 2, slot, 34), Qt.AlignmentFlag.AlignHCenter, label
            )
        painter.end()


def _table(headers: Sequence[str], name: str) -> QTableWidget:
    table = QTableWidget(0, len(headers))
    table.setHorizontalHeaderLabels(list(headers))
    table.setAccessibleName(name)
    table.verticalHeader().hide()
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setWordWrap(True)
    header = table.horizontalHeader()
    for column in range(len(headers)):
        header.setSectionResizeMode(column, QHeaderView.ResizeMode.Stretch)
    table.setMinimumHeight(160)
    return table


def _fill(table: QTableWidget, rows: Sequence[Sequence[str]]) -> None:
    table.setRowCount(len(rows))
    for r, row in enumerate(rows):
        for column, value in enumerate(row):
            item = QTableWidgetItem(value)
            item.setToolTip(value)
            table.setItem(r, column, item)
    table.resizeRowsToContents()


class CalibrationPanel(QWidget):
    """The calibration section of Statistics. ``study_requested`` carries the confident
    errors' cards (S or the button)."""

    study_requested = Signal(list)

    def __init__(self, collection: Collection, clock: Callable[[], datetime]) -> None:
        super().__init__()
        self._collection = collection
        self._clock = clock
        self.errors: list[ConfidentError] = []
        self.misconceptions: list[Misconception] = []
        self.calibration: Calibration | None = None
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.title = QLabel("Calibration (last 30 days)")
        self.title.setProperty("role", "heading")
        layout.addWidget(self.title)
        self.intro = QLabel()
        self.intro.setWordWrap(True)
        self.intro.setProperty("role", "muted")
        layout.addWidget(self.intro)
        self.chart = CalibrationChart()
        layout.addWidget(self.chart)
        self.summary = QLabel()  # the chart's text alternative, shown
        self.summary.setWordWrap(True)
        self.summary.setProperty("role", "muted")
        self.summary.setAccessibleName("Calibration in words")
        layout.addWidget(self.summary)

        row = QHBoxLayout()
        heading = QLabel("Confident errors: wrong at high certainty")
        heading.setProperty("role", "heading")
        row.addWidget(heading)
        row.addStretch(1)
        self.study_button = QPushButton("Study these now  (S)")
        self.study_button.setAccessibleName("Study the confident errors now")
        self.study_button.clicked.connect(self.study_errors)
        row.addWidget(self.study_button)
        layout.addLayout(row)
        self.errors_table = _table(("Card", "Your answer", "Why"), "Confident errors")
        layout.addWidget(self.errors_table)
        heading = QLabel("Wrong answers given most often")
        heading.setProperty("role", "heading")
        layout.addWidget(heading)
        self.misconceptions_table = _table(
            ("Card", "Wrong answer", "Times", "Why it is wrong"), "Wrong answers given most often"
        )
        self.misconceptions_table.horizontalHeader().setSectionResizeMode(
            2, QHeaderView.ResizeMode.ResizeToContents
        )
        layout.addWidget(self.misconceptions_table)

    def refresh(self, scope: StatsScope | None = None) -> None:
        """Read the answers of the statistics' scope (decks and period) and redraw."""
        collection = self._collection
        now = self._clock()
        scope = scope or StatsScope()
        days = scope.period_days
        since = period_start(collection, now, days)
        answers = collection.store.logged_answers(since, scope.deck_ids)
        self.title.setText(
            "Calibration (all answers)" if days is None else f"Calibration (last {days} days)"
        )
        lookup = collection.card
        self.calibration = calibration_of("In this period", answers, lookup)
        self.errors = confident_errors(answers, lookup)
        self.misconceptions = misconceptions(answers, lookup)
        stated = self.calibration.answers
        self.intro.setText(
            "How sure you said you were before the answer showed, against how often you were "
            "right. Shaded: where each level pays best in certainty-based marking."
            if stated
            else "Turn on certainty marking in Settings to see how well your certainty "
            "matches how often you are right."
        )
        self.chart.set_calibration(self.calibration)
        self.chart.setVisible(bool(stated))
        self.summary.setText(self.calibration.describe() if stated else "")
        _fill(self.errors_table, [(e.question, e.given or "–", e.rationale) for e in self.errors])
        self.study_button.setEnabled(bool(self.errors))
        count = len(self.errors)
        self.study_button.setText(
            f"Study these {count} now  (S)" if count else "Study these now  (S)"
        )
        _fill(
            self.misconceptions_table,
            [(m.question, m.given, str(m.count), m.rationale) for m in self.misconceptions],
        )

    def error_keys(self) -> list[CardKey]:
        return [e.key for e in self.errors]

    def study_errors(self) -> None:
        """Study the confident errors now (a custom study of those cards)."""
        if self.errors:
            self.study_requested.emit(self.error_keys())
