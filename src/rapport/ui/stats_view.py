"""Statistics: the day's headline figures and four charts drawn from ``Collection.stats``.

Charts: reviews per day (last 30 days), the due forecast (next 30 days), retention over
time, and mastery per concept. QtCharts is imported only when the view is first shown,
because loading it costs start-up time that most sessions never need.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QMargins, Qt, Signal
from PySide6.QtGui import QColor, QFont, QPainter
from PySide6.QtWidgets import (
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from rapport.study.stats import Stats
from rapport.study.timetext import format_duration
from rapport.ui import theme

if TYPE_CHECKING:
    from rapport.study import Collection

CHART_HEIGHT = 260
CONCEPT_ROW_HEIGHT = 26


@dataclass(frozen=True, slots=True)
class Figures:
    """What the view draws, in the shapes the charts want."""

    reviews_today: int
    seconds_today: float
    retention_7d: float | None
    retention_30d: float | None
    reviews_per_day: tuple[tuple[date, int], ...]
    forecast: tuple[tuple[date, int], ...]
    retention: tuple[tuple[int, float], ...]  # weeks ago, share; weeks with mature reviews
    retention_weeks: int
    mastery: tuple[tuple[str, float, int, int], ...]  # concept, share, recalled, cards


def figures_of(stats: Stats) -> Figures:
    """Read the view's figures from :class:`rapport.study.Stats`.

    A concept's mastery is :attr:`ConceptRecall.mastery <rapport.study.ConceptRecall.mastery>`.
    """
    weeks = stats.retention_per_week
    return Figures(
        reviews_today=stats.reviews_today,
        seconds_today=stats.time_today_seconds,
        retention_7d=stats.retention_7d,
        retention_30d=stats.retention_30d,
        reviews_per_day=tuple((d.day, d.reviews) for d in stats.reviews_per_day),
        forecast=tuple((d.day, d.due) for d in stats.forecast),
        retention=tuple(
            ((weeks[-1].start - w.start).days // 7, w.retention)
            for w in weeks
            if w.retention is not None
        ),
        retention_weeks=len(weeks),
        mastery=tuple((c.concept, c.mastery, c.recalled, c.cards) for c in stats.concepts),
    )


def _percent(value: float | None) -> str:
    return "–" if value is None else f"{value:.0%}"


class _Tile(QFrame):
    """A headline figure: a big number over a caption."""

    def __init__(self, caption: str) -> None:
        super().__init__()
        self.setObjectName("cardFrame")
        self.value = QLabel("–")
        self.value.setProperty("role", "title")
        self.value.setAlignment(Qt.AlignmentFlag.AlignCenter)
        label = QLabel(caption)
        label.setProperty("role", "muted")
        label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 10, 12, 10)
        layout.addWidget(self.value)
        layout.addWidget(label)


class StatsView(QWidget):
    """The statistics page; call :meth:`refresh` to redraw from the collection."""

    refreshed = Signal()  # new figures are drawn
    _ready = Signal(object)  # from the computing thread: Stats, or the exception raised

    def __init__(
        self,
        collection: Collection,
        clock: Callable[[], datetime],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("stats")
        self.setAccessibleName("Statistics")
        self._collection = collection
        self._clock = clock
        self.charts: dict[str, Any] = {}  # name -> QChartView, once built
        self.figures: Figures | None = None
        self._charts_module: Any = None
        self._worker: threading.Thread | None = None
        self._again = False
        self._ready.connect(self._finished)
        self.progress = QProgressBar()
        self.progress.setRange(0, 0)  # busy: the queries report no steps
        self.progress.setFormat("Computing statistics…")
        self.progress.setTextVisible(True)
        self.progress.setAccessibleName("Computing statistics")
        self.progress.hide()

        self.tiles = {
            "reviews": _Tile("reviews today"),
            "time": _Tile("studied today"),
            "retention_7d": _Tile("retention, 7 days"),
            "retention_30d": _Tile("retention, 30 days"),
        }
        tiles = QHBoxLayout()
        tiles.setSpacing(12)
        for tile in self.tiles.values():
            tiles.addWidget(tile)

        self.grid = QGridLayout()
        self.grid.setSpacing(12)
        for column in (0, 1):
            self.grid.setColumnStretch(column, 1)
            self.grid.setColumnMinimumWidth(column, 320)
        self.empty_label = QLabel()
        self.empty_label.setProperty("role", "muted")
        self.empty_label.setWordWrap(True)
        self.empty_label.hide()

        content = QWidget()
        inner = QVBoxLayout(content)
        inner.setContentsMargins(32, 20, 32, 24)
        inner.setSpacing(14)
        title = QLabel("Statistics")
        title.setProperty("role", "title")
        inner.addWidget(title)
        inner.addWidget(self.progress)
        inner.addLayout(tiles)
        inner.addWidget(self.empty_label)
        inner.addLayout(self.grid)
        inner.addStretch(1)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setWidget(content)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(scroll)

    def showEvent(self, event: Any) -> None:
        self.refresh()
        super().showEvent(event)

    @property
    def computing(self) -> bool:
        """Whether figures are being computed (the view then shows its progress)."""
        return self._worker is not None

    def refresh(self) -> None:
        """Read the statistics afresh and redraw the figures and charts when they are
        ready. They are computed in a thread with its own read-only connection to the
        database (aggregate queries, which SQLite runs without holding Python's lock), so
        the window stays responsive; meanwhile the view says it is computing."""
        if self._worker is not None:
            self._again = True
            return
        collection = self._collection
        collection.refresh_text()
        compute = collection.stats_reader(self._clock())
        if collection.read_only:  # a private copy in memory: only its connection sees it
            self._done(compute(collection.store))
            return
        store = collection.store
        ready = self._ready

        def work() -> None:
            try:
                reader = store.reader()
                try:
                    result: object = compute(reader)
                finally:
                    reader.close()
            except Exception as exc:  # shown by _done, on the UI thread
                result = exc
            try:
                ready.emit(result)
            except RuntimeError:
                pass  # the view was closed meanwhile

        self.progress.show()
        self._worker = threading.Thread(target=work, name="statistics", daemon=True)
        self._worker.start()

    def _finished(self, result: object) -> None:
        if self._worker is not None:
            self._worker.join()
        self._worker = None
        self.progress.hide()
        if self._again:
            self._again = False
            self.refresh()
            return
        if isinstance(result, Exception):
            raise result  # (the app's handler reports it)
        assert isinstance(result, Stats)
        self._done(result)

    def _done(self, stats: Stats) -> None:
        self.figures = figures_of(stats)
        self._draw(self.figures)
        self.refreshed.emit()

    # -- drawing --------------------------------------------------------------------

    def _draw(self, f: Figures) -> None:
        self.tiles["reviews"].value.setText(str(f.reviews_today))
        self.tiles["time"].value.setText(format_duration(f.seconds_today))
        self.tiles["retention_7d"].value.setText(_percent(f.retention_7d))
        self.tiles["retention_30d"].value.setText(_percent(f.retention_30d))
        if not any(n for _, n in f.reviews_per_day):
            self.empty_label.setText(
                "No reviews yet in the last 30 days. Study a deck and your progress shows here."
            )
            self.empty_label.show()
        else:
            self.empty_label.hide()

        if self._charts_module is None:
            from PySide6 import QtCharts  # deferred: see the module docstring

            self._charts_module = QtCharts
        for view in self.charts.values():
            self.grid.removeWidget(view)
            view.deleteLater()
        self.charts = {
            "reviews": self._bar_chart(
                "Reviews per day (last 30 days)",
                [str((d - f.reviews_per_day[-1][0]).days) for d, _ in f.reviews_per_day],
                [n for _, n in f.reviews_per_day],
                "days ago (0 = today)",
                theme.colours().accent,
            ),
            "forecast": self._bar_chart(
                "Due forecast (next 30 days)",
                [str((d - f.forecast[0][0]).days) for d, _ in f.forecast],
                [n for _, n in f.forecast],
                "days from today",
                theme.colours().due,
            ),
            "retention": self._retention_chart(f.retention, f.retention_weeks),
            "mastery": self._mastery_chart(f.mastery),
        }
        self.grid.addWidget(self.charts["reviews"], 0, 0)
        self.grid.addWidget(self.charts["forecast"], 0, 1)
        self.grid.addWidget(self.charts["retention"], 1, 0)
        self.grid.addWidget(self.charts["mastery"], 1, 1)

    def _chart(self, title: str) -> Any:
        qc = self._charts_module
        c = theme.colours()
        chart = qc.QChart()
        chart.setTheme(
            qc.QChart.ChartTheme.ChartThemeDark if c.dark else qc.QChart.ChartTheme.ChartThemeLight
        )
        chart.setBackgroundBrush(QColor(c.base))
        chart.setBackgroundRoundness(10)
        chart.setTitle(title)
        font = QFont(self.font())
        font.setBold(True)
        chart.setTitleFont(font)
        chart.setTitleBrush(QColor(c.text))
        chart.legend().hide()
        chart.setMargins(QMargins(6, 6, 6, 6))
        chart.setAnimationOptions(qc.QChart.AnimationOption.NoAnimation)
        return chart

    def _style_axis(self, axis: Any) -> None:
        c = theme.colours()
        axis.setLabelsBrush(QColor(c.muted))
        axis.setGridLineColor(QColor(c.border))
        axis.setLinePenColor(QColor(c.border))
        small = QFont(self.font())
        small.setPointSizeF(max(7.0, self.font().pointSizeF() * 0.8))
        axis.setLabelsFont(small)
        axis.setTitleBrush(QColor(c.muted))
        axis.setTitleFont(small)

    def _view(self, chart: Any, height: int = CHART_HEIGHT) -> Any:
        view = self._charts_module.QChartView(chart)
        view.setRenderHint(QPainter.RenderHint.Antialiasing)
        view.setMinimumHeight(height)
        view.setStyleSheet("background: transparent; border: none;")
        return view

    def _bar_chart(
        self, title: str, labels: Sequence[str], values: Sequence[int], axis_title: str, colour: str
    ) -> Any:
        qc = self._charts_module
        chart = self._chart(title)
        bars = qc.QBarSet(title)
        bars.append([float(v) for v in values])
        bars.setColor(QColor(colour))
        bars.setBorderColor(QColor(colour))
        series = qc.QBarSeries()
        series.setBarWidth(0.75)
        series.append(bars)
        chart.addSeries(series)
        # A category axis would label (and elide) all thirty days; this labels every fifth.
        x = qc.QCategoryAxis()
        x.setRange(-0.5, len(labels) - 0.5)
        x.setStartValue(-0.5)
        x.setLabelsPosition(qc.QCategoryAxis.AxisLabelsPosition.AxisLabelsPositionOnValue)
        for i, label in enumerate(labels):
            if int(label) % 5 == 0:
                x.append(label, float(i))
        x.setTitleText(axis_title)
        x.setGridLineVisible(False)
        y = qc.QValueAxis()
        y.setLabelFormat("%d")
        y.setRange(0, max(5, _nice_ceiling(max(values, default=0))))
        y.setTickCount(6)
        for axis, side in ((x, Qt.AlignmentFlag.AlignBottom), (y, Qt.AlignmentFlag.AlignLeft)):
            self._style_axis(axis)
            chart.addAxis(axis, side)
            series.attachAxis(axis)
        return self._view(chart)

    def _retention_chart(self, points: Sequence[tuple[int, float]], weeks: int) -> Any:
        qc = self._charts_module
        c = theme.colours()
        title = "True retention per week (mature cards)"
        if not points:
            title = "Retention per week: no mature reviews yet"
        chart = self._chart(title)
        series = qc.QLineSeries()
        for weeks_ago, share in sorted(points, reverse=True):
            series.append(float(-weeks_ago), share * 100)
        pen = series.pen()
        pen.setColor(QColor(c.good))
        pen.setWidthF(2.5)
        series.setPen(pen)
        series.setColor(QColor(c.good))
        series.setPointsVisible(True)
        chart.addSeries(series)
        x = qc.QValueAxis()
        oldest = max((weeks_ago for weeks_ago, _ in points), default=0)
        x.setRange(-min(max(weeks, 2) - 1, max(oldest + 1, 8)), 0)
        x.setLabelFormat("%d")
        x.setTitleText("weeks ago (0 = this week)")
        x.setGridLineVisible(False)
        y = qc.QValueAxis()
        low = min((share for _, share in points), default=1.0)
        y.setRange(0 if low < 0.5 else 50, 100)
        y.setLabelFormat("%d%%")
        y.setTickCount(6)
        for axis, side in ((x, Qt.AlignmentFlag.AlignBottom), (y, Qt.AlignmentFlag.AlignLeft)):
            self._style_axis(axis)
            chart.addAxis(axis, side)
            series.attachAxis(axis)
        return self._view(chart)

    def _mastery_chart(self, mastery: Sequence[tuple[str, float, int, int]]) -> Any:
        qc = self._charts_module
        c = theme.colours()
        chart = self._chart("Mastery per concept (recalled now)")
        bars = qc.QBarSet("mastery")
        # Bottom-up in a horizontal chart: reverse so the list reads top to bottom.
        rows = list(reversed(mastery))
        bars.append([share * 100 for _, share, _, _ in rows])
        bars.setColor(QColor(c.accent))
        bars.setBorderColor(QColor(c.accent))
        series = qc.QHorizontalBarSeries()
        series.setBarWidth(0.7)
        series.append(bars)
        chart.addSeries(series)
        y = qc.QBarCategoryAxis()
        y.append(
            [f"{name.replace('-', ' ')}  {done}/{cards}" for name, _, done, cards in rows] or [" "]
        )
        y.setGridLineVisible(False)
        x = qc.QValueAxis()
        x.setRange(0, 100)
        x.setLabelFormat("%d%%")
        x.setTickCount(6)
        for axis, side in ((x, Qt.AlignmentFlag.AlignBottom), (y, Qt.AlignmentFlag.AlignLeft)):
            self._style_axis(axis)
            chart.addAxis(axis, side)
            series.attachAxis(axis)
        height = max(CHART_HEIGHT, 90 + CONCEPT_ROW_HEIGHT * len(rows))
        return self._view(chart, height)


def _nice_ceiling(value: int) -> int:
    """A round axis maximum at or above ``value`` (5, 10, 20, 25, 50, 100, ...)."""
    step = 1
    while True:
        for m in (5, 10, 20, 25, 50):
            if value <= m * step:
                return m * step
        step *= 10
