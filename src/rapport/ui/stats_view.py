"""Statistics: headline figures and the charts of ``Collection.stats`` for a deck and a
period, each chart drawn from its :class:`rapport.study.stats.ChartTable` (the figures and
their definitions are the core's), with that table as its text alternative ("Show as
tables", Alt+T). Charts follow the theme at once. QtCharts is imported only when the view
is first shown, because loading it costs start-up time that most sessions never need.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QEvent, QMargins, QRectF, QSize, Qt, Signal
from PySide6.QtGui import (
    QCloseEvent,
    QColor,
    QFont,
    QKeyEvent,
    QKeySequence,
    QPainter,
    QPaintEvent,
    QShortcut,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QProgressBar,
    QScrollArea,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from rapport.study.stats import PERIODS, ChartTable, Stats, StatsScope, chart_tables
from rapport.study.timetext import format_duration
from rapport.ui import theme
from rapport.ui.background import BackgroundJob
from rapport.ui.calibration_panel import CalibrationPanel
from rapport.ui.changes import changes_of

if TYPE_CHECKING:
    from rapport.study import Collection
    from rapport.study.ops import Changes

CHART_HEIGHT = 260
CONCEPT_ROW_HEIGHT = 26
# Where each chart goes in the two-column grid, in screen order (the retention table spans).
WIDE = frozenset({"retention", "calendar", "mastery"})
SERIES_COLOURS = ("bad", "learning", "good", "accent")  # Again, Hard, Good, Easy; young, mature


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
        self.caption = QLabel(caption)
        self.caption.setProperty("role", "muted")
        self.caption.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.caption.setWordWrap(True)  # "young retention, 1,234 reviews" fits a narrow tile
        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 10, 12, 10)
        layout.addWidget(self.value)
        layout.addWidget(self.caption)


def table_widget(table: ChartTable) -> QTableWidget:
    """A read-only table of a chart's figures (its text alternative)."""
    widget = QTableWidget(len(table.rows), len(table.columns))
    widget.setHorizontalHeaderLabels(list(table.columns))
    widget.verticalHeader().hide()
    widget.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    widget.setAccessibleName(f"{table.title} (table)")
    for r, row in enumerate(table.rows):
        for c, text in enumerate(row):
            item = QTableWidgetItem(text)
            if c:
                item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            widget.setItem(r, c, item)
    widget.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    widget.horizontalHeader().setStretchLastSection(True)
    height = widget.horizontalHeader().height() + 4
    height += sum(widget.rowHeight(r) for r in range(min(len(table.rows), 12)))
    widget.setMinimumHeight(min(height, 360))
    if len(table.rows) <= 12:
        widget.setMaximumHeight(height + 4)  # no blank rows below a short table
    return widget


class Heatmap(QWidget):
    """The calendar: one square per study day, weeks as columns, darker for more answers
    (the last 53 weeks of the calendar)."""

    def __init__(self, days: list[tuple[int, int]], title: str) -> None:
        super().__init__()
        self.days = days[-53 * 7 :]  # (weekday, reviews) from the oldest day to today
        self.setAccessibleName(title)
        self.setMinimumHeight(7 * 14 + 40)
        self._title = title

    def sizeHint(self) -> QSize:
        return QSize(53 * 14 + 20, 7 * 14 + 40)

    def paintEvent(self, event: QPaintEvent) -> None:
        c = theme.colours()
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.fillRect(self.rect(), QColor(c.base))
        font = QFont(self.font())
        font.setBold(True)
        painter.setFont(font)
        painter.setPen(QColor(c.text))
        painter.drawText(8, 18, self._title)
        top = max((n for _, n in self.days), default=0) or 1
        size = max(6.0, min(14.0, (self.width() - 16) / 54))
        weekday_first = self.days[0][0] if self.days else 0
        for i, (_, reviews) in enumerate(self.days):
            slot = i + weekday_first
            x, y = 8 + (slot // 7) * size, 28 + (slot % 7) * size
            colour = QColor(c.accent) if reviews else QColor(c.border)
            if reviews:
                colour.setAlphaF(0.25 + 0.75 * reviews / top)
            painter.fillRect(QRectF(x, y, size - 2, size - 2), colour)
        painter.end()


class StatsView(QWidget):
    """The statistics page; call :meth:`refresh` to redraw from the collection."""

    refreshed = Signal()  # new figures are drawn

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
        self.charts: dict[str, Any] = {}  # name -> QChartView (or the heat map), once built
        self.tables: dict[str, QTableWidget] = {}  # name -> its text alternative
        self.stats: Stats | None = None
        self.figures: tuple[ChartTable, ...] | None = None
        self._charts_module: Any = None
        self._job: BackgroundJob | None = None
        self._again = False
        changes_of(collection).changed.connect(self._on_changes)
        self.progress = QProgressBar()
        self.progress.setRange(0, 0)  # busy: the queries report no steps
        self.progress.setFormat("Computing statistics…")
        self.progress.setTextVisible(True)
        self.progress.setAccessibleName("Computing statistics")
        self.progress.hide()

        self.deck = QComboBox()
        self.deck.setAccessibleName("Deck")
        self.period = QComboBox()
        self.period.setAccessibleName("Period")
        self.period.addItems(list(PERIODS))
        self.as_tables = QCheckBox("Show as tables (Alt+T)")
        self.as_tables.setToolTip("Every chart's figures as a table (what a screen reader reads)")
        deck_label, period_label = QLabel("Deck (Alt+D)"), QLabel("Period (Alt+P)")
        deck_label.setBuddy(self.deck)
        period_label.setBuddy(self.period)
        selectors = QHBoxLayout()
        for widget in (deck_label, self.deck, period_label, self.period):
            selectors.addWidget(widget)
        selectors.addStretch(1)
        selectors.addWidget(self.as_tables)
        self._fill_decks()
        self.deck.currentIndexChanged.connect(lambda _: self.refresh())
        self.period.currentIndexChanged.connect(lambda _: self.refresh())
        self.as_tables.toggled.connect(self._show_tables)
        for keys, action in (
            ("Alt+T", self.as_tables.toggle),
            ("Alt+D", self.deck.setFocus),
            ("Alt+P", self.period.setFocus),
        ):
            QShortcut(QKeySequence(keys), self).activated.connect(action)

        self.tiles = {
            "reviews": _Tile("reviews today"),
            "time": _Tile("studied today"),
            "retention_young": _Tile("young retention"),
            "retention_mature": _Tile("mature retention"),
            "streak": _Tile("days in a row"),
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
        inner.addLayout(selectors)
        inner.addWidget(self.progress)
        inner.addLayout(tiles)
        inner.addWidget(self.empty_label)
        inner.addLayout(self.grid)
        # Certainty against the share right, confident errors, misconceptions.
        self.calibration = CalibrationPanel(collection, clock)
        inner.addWidget(self.calibration)
        inner.addStretch(1)
        scroll = QScrollArea()
        scroll.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # (its charts take the keyboard)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setWidget(content)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(scroll)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        # S: study the confident errors now.
        if event.key() == Qt.Key.Key_S and event.modifiers() == Qt.KeyboardModifier.NoModifier:
            self.calibration.study_errors()
            return
        super().keyPressEvent(event)

    def _fill_decks(self) -> None:
        chosen = self.deck.currentData()
        self.deck.blockSignals(True)
        self.deck.clear()
        self.deck.addItem("All decks", None)
        for deck in self._collection.decks:
            self.deck.addItem(deck.name, deck.id)
        index = self.deck.findData(chosen)
        self.deck.setCurrentIndex(max(0, index))
        self.deck.blockSignals(False)

    def scope(self) -> StatsScope:
        """The decks and period chosen."""
        deck_id = self.deck.currentData()
        return StatsScope(
            None if deck_id is None else (str(deck_id),), PERIODS[self.period.currentText()]
        )

    def showEvent(self, event: Any) -> None:
        self._fill_decks()
        self.refresh()
        super().showEvent(event)

    def changeEvent(self, event: QEvent) -> None:
        # A new theme's palette reaches every widget: redraw the charts in its colours.
        if event.type() == QEvent.Type.PaletteChange and self.stats is not None:
            self._draw(self.stats)
        super().changeEvent(event)

    @property
    def computing(self) -> bool:
        """Whether figures are being computed (the view then shows its progress)."""
        return self._job is not None

    def refresh(self) -> None:
        """Read the statistics afresh and redraw the figures and charts when they are
        ready. They are computed in a thread with its own read-only connection to the
        database (aggregate queries, which SQLite runs without holding Python's lock), so
        the window stays responsive; meanwhile the view says it is computing."""
        if self._job is not None:
            self._again = True
            return
        compute = self._collection.stats_reader(self._clock(), self.scope())
        # A parentless job kept until it finishes: a view closed meanwhile is simply not
        # told (Qt drops the connection), and its thread never emits to a deleted widget.
        job = BackgroundJob(self._collection, lambda store, _say: compute(store), "statistics")
        job.finished.connect(self._finished)
        self._job = job
        self.progress.show()
        job.start()  # (a read-only copy is computed at once, on this thread)

    def finish_work(self) -> None:
        """Wait for the statistics being computed, if any (the window is closing)."""
        if self._job is not None:
            self._job.wait()

    def _on_changes(self, changes: Changes) -> None:
        """An operation, undo or redo while the figures show: compute them again (hidden,
        they are computed when next shown)."""
        if self.isVisible() and not self._collection.closed:
            self.refresh()

    def closeEvent(self, event: QCloseEvent) -> None:
        self.finish_work()
        super().closeEvent(event)

    def _finished(self, result: object) -> None:
        self._job = None
        self.progress.hide()
        if self._collection.closed:
            return  # (figures that arrive after the collection closed are not drawn)
        if self._again:
            self._again = False
            self.refresh()
            return
        if isinstance(result, Exception):
            raise result  # (the app's handler reports it)
        assert isinstance(result, Stats)
        self._done(result)

    def _done(self, stats: Stats) -> None:
        self.stats = stats
        self._draw(stats)
        self.calibration.refresh(self.scope())
        self.refreshed.emit()

    # -- drawing --------------------------------------------------------------------

    def _draw(self, stats: Stats) -> None:
        self.figures = chart_tables(stats)
        span = {row.span: row for row in stats.retention}.get("period")
        self.tiles["reviews"].value.setText(str(stats.reviews_today))
        self.tiles["time"].value.setText(format_duration(stats.time_today_seconds))
        for key, figure in (
            ("retention_young", None if span is None else span.young),
            ("retention_mature", None if span is None else span.mature),
        ):
            tile = self.tiles[key]
            kind = key.split("_")[1]
            share = None if figure is None else figure.share
            reviews = 0 if figure is None else figure.reviews
            tile.value.setText(_percent(share))
            tile.caption.setText(f"{kind} retention, {reviews:,} reviews")
            tile.setAccessibleName(f"{kind} retention {_percent(share)} of {reviews} reviews")
        self.tiles["streak"].value.setText(str(stats.streak))
        self.tiles["streak"].caption.setText(f"days in a row (longest {stats.longest_streak})")
        if not any(d.reviews for d in stats.reviews_per_day):
            self.empty_label.setText(
                "No reviews yet in the last 30 days. Study a deck and your progress shows here."
            )
            self.empty_label.show()
        else:
            self.empty_label.hide()

        if self._charts_module is None:
            from PySide6 import QtCharts

            self._charts_module = QtCharts
        while self.grid.count():
            item = self.grid.takeAt(0)
            old = None if item is None else item.widget()
            if old is not None:
                old.deleteLater()
        self.charts, self.tables = {}, {}
        row = column = 0
        for table in self.figures:
            panel = QWidget()
            box = QVBoxLayout(panel)
            box.setContentsMargins(0, 0, 0, 0)
            chart = self._chart_for(table, stats)
            if chart is not None:
                self.charts[table.name] = chart
                box.addWidget(chart)
            alternative = table_widget(table)
            self.tables[table.name] = alternative
            box.addWidget(alternative)
            wide = table.name in WIDE
            if wide and column == 1:
                row, column = row + 1, 0
            self.grid.addWidget(panel, row, column, 1, 2 if wide else 1)
            if wide or column == 1:
                row, column = row + 1, 0
            else:
                column = 1
        self._show_tables(self.as_tables.isChecked())

    def _show_tables(self, tables: bool) -> None:
        for name, widget in self.tables.items():
            chart = self.charts.get(name)
            widget.setVisible(tables or chart is None)
            if chart is not None:
                chart.setVisible(not tables)

    def _chart_for(self, table: ChartTable, stats: Stats) -> Any:
        if table.name == "retention":
            return None  # a table is the clearest figure: Anki shows it as one too
        if table.name == "calendar":
            first = stats.calendar[0].day if stats.calendar else None
            days = [(0 if first is None else first.weekday(), d.reviews) for d in stats.calendar]
            heatmap = Heatmap(days, table.title)
            heatmap.setAccessibleDescription(
                f"{stats.days_studied} days studied; streak {stats.streak} days"
            )
            return heatmap
        if table.name == "mastery":
            return self._mastery_chart(table)
        return self._bar_chart(table)

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

    def _view(self, chart: Any, title: str, height: int = CHART_HEIGHT) -> Any:
        view = self._charts_module.QChartView(chart)
        view.setRenderHint(QPainter.RenderHint.Antialiasing)
        view.setMinimumHeight(height)
        c = theme.colours()
        view.setStyleSheet(  # a ring when the chart has the keyboard (it reads its name)
            "QChartView { background: transparent; border: 2px solid transparent; "
            f"border-radius: 10px; }} QChartView:focus {{ border-color: {c.accent}; }}"
        )
        view.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        view.viewport().setFocusPolicy(Qt.FocusPolicy.NoFocus)  # (the view is named)
        view.setAccessibleName(title)
        view.setAccessibleDescription("Show as tables (Alt+T) reads its figures")
        return view

    def _bar_chart(self, table: ChartTable) -> Any:
        qc = self._charts_module
        c = theme.colours()
        chart = self._chart(table.title)
        series = qc.QBarSeries()
        series.setBarWidth(0.75)
        single = len(table.series) == 1
        colour_of = {"forecast": c.due, "hours": c.good}
        for index, name in enumerate(table.series):
            bars = qc.QBarSet(name)
            bars.append([values[index] for values in table.values])
            colour = (
                colour_of.get(table.name, c.accent)
                if single
                else getattr(c, SERIES_COLOURS[index % 4], c.accent)
            )
            bars.setColor(QColor(colour))
            bars.setBorderColor(QColor(colour))
            series.append(bars)
        chart.addSeries(series)
        if not single:
            chart.legend().show()
            chart.legend().setLabelColor(QColor(c.muted))
        labels = [row[0] for row in table.rows]
        x = qc.QCategoryAxis()
        x.setRange(-0.5, len(labels) - 0.5)
        x.setStartValue(-0.5)
        x.setLabelsPosition(qc.QCategoryAxis.AxisLabelsPosition.AxisLabelsPositionOnValue)
        step = max(1, len(labels) // 6)
        for i, label in enumerate(labels):
            if i % step == 0 or len(labels) <= 12:
                x.append(label[5:] if len(label) == 10 and label[4] == "-" else label, float(i))
        x.setGridLineVisible(False)
        if 6 < len(labels) <= 12:
            x.setLabelsAngle(-35)  # bucket names, all shown
        y = qc.QValueAxis()
        y.setLabelFormat("%d")
        top = max((max(v, default=0) for v in table.values), default=0)
        y.setRange(0, max(5, _nice_ceiling(int(top + 0.999))))
        y.setTickCount(6)
        for axis, side in ((x, Qt.AlignmentFlag.AlignBottom), (y, Qt.AlignmentFlag.AlignLeft)):
            self._style_axis(axis)
            chart.addAxis(axis, side)
            series.attachAxis(axis)
        return self._view(chart, table.title)

    def _mastery_chart(self, table: ChartTable) -> Any:
        qc = self._charts_module
        c = theme.colours()
        chart = self._chart(table.title)
        bars = qc.QBarSet("mastery")
        # Bottom-up in a horizontal chart: reverse so the list reads top to bottom.
        rows = list(reversed(range(len(table.rows))))
        bars.append([table.values[i][0] for i in rows])
        bars.setColor(QColor(c.accent))
        bars.setBorderColor(QColor(c.accent))
        series = qc.QHorizontalBarSeries()
        series.setBarWidth(0.7)
        series.append(bars)
        chart.addSeries(series)
        y = qc.QBarCategoryAxis()
        y.append(
            [
                f"{table.rows[i][0].replace('-', ' ')}  {table.rows[i][2]}/{table.rows[i][3]}"
                for i in rows
            ]
            or [" "]
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
        return self._view(chart, table.title, height)


def _nice_ceiling(value: int) -> int:
    """A round axis maximum at or above ``value`` (5, 10, 20, 25, 50, 100, ...)."""
    step = 1
    while True:
        for m in (5, 10, 20, 25, 50):
            if value <= m * step:
                return m * step
        step *= 10
