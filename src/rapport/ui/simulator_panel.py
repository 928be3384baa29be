"""Deck options > FSRS > Help me decide: the workload/retention simulator's curve
(:mod:`rapport.study.simulate`) as a chart that follows the theme, with its table as
the text alternative; the trainee picks a desired retention from it (a click on a
point, or the spin box and "Use", Alt+U).
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QEvent, QMargins, QPointF, Qt, Signal
from PySide6.QtGui import QColor, QKeySequence, QPainter, QShortcut
from PySide6.QtWidgets import (
    QDoubleSpinBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSpinBox,
    QTableWidget,
    QVBoxLayout,
)

from rapport.study.simulate import RETENTIONS, Workload
from rapport.study.stats import ChartTable
from rapport.ui import theme
from rapport.ui.preset_job import PresetJobPanel
from rapport.ui.stats_view import table_widget


def workload_table(curve: tuple[Workload, ...]) -> QTableWidget:
    """The curve's figures as a table (what a screen reader reads)."""
    table = ChartTable(
        "simulator",
        "Workload by desired retention",
        ("Retention", "Minutes a day", "Reviews", "Remembered at the end"),
        tuple(
            (
                f"{w.retention:.2f}",
                f"{w.minutes_per_day:.1f}",
                str(w.reviews),
                f"{w.remembered:.0f}",
            )
            for w in curve
        ),
        tuple((w.minutes_per_day, w.remembered) for w in curve),
        ("minutes", "remembered"),
    )
    return table_widget(table)


class SimulatorPanel(PresetJobPanel):
    """Simulate (Alt+H) the preset as edited; pick a retention from the curve."""

    chosen = Signal(float)  # the desired retention the trainee picked

    BUSY_TEXT = "Simulating…"

    def build(self) -> None:
        self.curve: tuple[Workload, ...] = ()
        self.chart_view: Any = None
        self.table: QTableWidget | None = None
        self._layout = QVBoxLayout(self)
        self._layout.setContentsMargins(0, 0, 0, 0)
        intro = QLabel(
            "Help me decide: from your cards and their memory states, the minutes a day "
            "and the cards you would remember for each desired retention."
        )
        intro.setWordWrap(True)
        self._layout.addWidget(intro)
        row = QHBoxLayout()
        self.days = QSpinBox()
        self.days.setRange(7, 3650)
        self.days.setValue(365)
        self.days.setSuffix(" days")
        self.days.setAccessibleName("Days to simulate")
        self.run_button = QPushButton("Simulate (Alt+H)")
        self.run_button.setAutoDefault(False)
        self.run_button.clicked.connect(self.simulate)
        row.addWidget(QLabel("Over"))
        row.addWidget(self.days)
        row.addWidget(self.run_button)
        row.addStretch(1)
        self.pick = QDoubleSpinBox()
        self.pick.setRange(RETENTIONS[0], RETENTIONS[-1])
        self.pick.setSingleStep(0.01)
        self.pick.setDecimals(2)
        self.pick.setValue(0.9)
        self.pick.setAccessibleName("Retention to use")
        self.use_button = QPushButton("Use (Alt+U)")
        self.use_button.setAutoDefault(False)
        self.use_button.setToolTip("Set this preset's desired retention (saved at OK)")
        self.use_button.clicked.connect(lambda: self.choose(self.pick.value()))
        row.addWidget(self.pick)
        row.addWidget(self.use_button)
        self._layout.addLayout(row)
        self.progress.setAccessibleName("Simulating")
        self._layout.addWidget(self.progress)
        self.status = QLabel()
        self.status.setWordWrap(True)
        self._layout.addWidget(self.status)
        for keys, action in (("Alt+H", self.simulate), ("Alt+U", self.use_button.click)):
            QShortcut(QKeySequence(keys), self).activated.connect(action)

    def simulate(self) -> None:
        shown = self.preset()
        if self.job is not None or shown is None:
            return
        name, settings = shown
        work = self.collection.simulator(name, self.clock(), self.days.value(), settings)
        self.run(work, "simulator", self.run_button)

    def show_result(self, result: object) -> None:
        super().show_result(result)  # (an exception goes to the app's handler)
        assert isinstance(result, tuple)
        self.curve = result
        self._draw()

    def choose(self, retention: float) -> None:
        """Pick ``retention`` (to two places) as the preset's desired retention."""
        retention = round(retention, 2)
        self.pick.setValue(retention)
        match = next((w for w in self.curve if abs(w.retention - retention) < 1e-9), None)
        if match is not None:
            self.status.setText(
                f"Desired retention {retention:.2f}: about {match.minutes_per_day:.1f} minutes "
                f"a day, {match.remembered:.0f} cards remembered at the end. Saved at OK."
            )
        else:
            self.status.setText(f"Desired retention {retention:.2f}. Saved at OK.")
        self.chosen.emit(retention)

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.PaletteChange and self.curve:
            self._draw()  # the chart follows the theme at once
        super().changeEvent(event)

    def _draw(self) -> None:
        from PySide6 import QtCharts as qc

        for old in (self.chart_view, self.table):
            if old is not None:
                self._layout.removeWidget(old)
                old.deleteLater()
        c = theme.colours()
        chart = qc.QChart()
        chart.setTheme(
            qc.QChart.ChartTheme.ChartThemeDark if c.dark else qc.QChart.ChartTheme.ChartThemeLight
        )
        chart.setBackgroundBrush(QColor(c.base))
        chart.setTitle(f"Workload and memory over {self.days.value()} days")
        chart.setTitleBrush(QColor(c.text))
        chart.setMargins(QMargins(4, 4, 4, 4))
        chart.setAnimationOptions(qc.QChart.AnimationOption.NoAnimation)
        chart.legend().setLabelColor(QColor(c.muted))
        minutes, remembered = qc.QLineSeries(), qc.QLineSeries()
        minutes.setName("minutes a day")
        remembered.setName("cards remembered at the end")
        for w in self.curve:
            minutes.append(QPointF(w.retention * 100, w.minutes_per_day))
            remembered.append(QPointF(w.retention * 100, w.remembered))
        for series, colour in ((minutes, c.due), (remembered, c.accent)):
            series.setColor(QColor(colour))
            series.setPointsVisible(True)
            series.clicked.connect(lambda point: self.choose(point.x() / 100))
            chart.addSeries(series)
        x = qc.QValueAxis()
        x.setRange(RETENTIONS[0] * 100, RETENTIONS[-1] * 100)
        x.setLabelFormat("%d%%")
        x.setTitleText("desired retention (click a point to use it)")
        left, right = qc.QValueAxis(), qc.QValueAxis()
        left.setTitleText("minutes a day")
        left.setRange(0, max((w.minutes_per_day for w in self.curve), default=1) * 1.1 or 1)
        right.setTitleText("remembered")
        right.setRange(0, max((w.remembered for w in self.curve), default=1) * 1.1 or 1)
        left.setLabelFormat("%.1f")
        right.setLabelFormat("%d")
        sides = (
            (x, Qt.AlignmentFlag.AlignBottom, (minutes, remembered)),
            (left, Qt.AlignmentFlag.AlignLeft, (minutes,)),
            (right, Qt.AlignmentFlag.AlignRight, (remembered,)),
        )
        for axis, side, attached in sides:
            axis.setLabelsBrush(QColor(c.muted))
            axis.setTitleBrush(QColor(c.muted))
            axis.setGridLineColor(QColor(c.border))
            chart.addAxis(axis, side)
            for series in attached:
                series.attachAxis(axis)
        view = qc.QChartView(chart)
        view.setRenderHint(QPainter.RenderHint.Antialiasing)
        view.setMinimumHeight(280)
        view.setAccessibleName("Workload by desired retention")
        view.setAccessibleDescription("The table below reads its figures")
        self.chart_view = view
        self.table = workload_table(self.curve)
        self.table.setMinimumHeight(100)
        self.table.setMaximumHeight(150)
        index = self._layout.indexOf(self.status)
        self._layout.insertWidget(index, view)
        self._layout.insertWidget(index + 1, self.table)
