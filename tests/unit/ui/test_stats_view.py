"""The statistics view draws its figures and charts from a real study history."""

from __future__ import annotations

import subprocess
import sys
from datetime import timedelta

import pytest
from PySide6.QtCore import QTimer
from pytestqt.qtbot import QtBot

from rapport.study import Collection, Rating
from rapport.ui import theme
from rapport.ui.stats_view import StatsView
from tests.support.clock import Clock


def _study(collection: Collection, clock: Clock, days: int, per_day: int) -> int:
    """Answer up to ``per_day`` cards a day for ``days`` days; the count answered."""
    answered = 0
    for day in range(days):
        session = collection.session(None, clock())
        for n in range(per_day):
            card = session.next_card(clock())
            if card is None:
                break
            rating = Rating.AGAIN if (n + day) % 5 == 0 else Rating.GOOD
            session.answer(card, rating, clock(), timedelta(seconds=8))
            clock.advance(timedelta(seconds=10))
            answered += 1
        if day < days - 1:
            clock.advance(timedelta(days=1))
    return answered


def _bar_values(view: object) -> list[float]:
    chart = view.chart()  # type: ignore[attr-defined]
    bars = chart.series()[0].barSets()[0]
    return [bars.at(i) for i in range(bars.count())]


def test_charts_show_the_collection_figures(
    qtbot: QtBot, shipped_collection: Collection, clock: Clock
) -> None:
    answered = _study(shipped_collection, clock, days=6, per_day=12)
    stats = shipped_collection.stats(clock())
    view = StatsView(shipped_collection, clock)
    qtbot.addWidget(view)
    view.resize(1100, 720)
    view.show()
    qtbot.waitExposed(view)
    qtbot.waitUntil(lambda: view.figures is not None and not view.computing)

    assert set(view.charts) >= {"reviews", "forecast", "mastery", "calendar", "buttons"}
    reviews = _bar_values(view.charts["reviews"])
    assert len(reviews) == 30 and sum(reviews) == answered == stats.reviews_total
    assert reviews[-1] == stats.reviews_today > 0
    assert _bar_values(view.charts["forecast"]) == [d.due for d in stats.forecast]
    mastery = view.charts["mastery"].chart()
    assert mastery.series()[0].barSets()[0].count() == len(stats.concepts) > 5
    # Every figure has its table; the retention table is shown as the figure itself.
    assert set(view.tables) == set(view.charts) | {"retention"}
    assert not view.tables["retention"].isHidden()
    period = {row.span: row for row in stats.retention}["period"]
    assert view.tiles["retention_young"].caption.text() == (
        f"young retention, {period.young.reviews:,} reviews"
    )
    new_cards = view.tables["counts"].item(0, 1)
    assert new_cards is not None and new_cards.text() == str(stats.card_counts["new"])
    assert view.tiles["reviews"].value.text() == str(stats.reviews_today)
    assert view.tiles["time"].value.text().endswith(("seconds", "minutes", "minute", "min"))
    assert not view.empty_label.isVisible()

    # Showing it again redraws from fresh figures.
    _study(shipped_collection, clock, days=1, per_day=3)
    view.hide()
    with qtbot.waitSignal(view.refreshed):
        view.show()
    assert view.tiles["reviews"].value.text() == str(
        shipped_collection.stats(clock()).reviews_today
    )


def test_empty_collection_says_so_and_follows_dark_theme(
    qtbot: QtBot, collection: Collection, clock: Clock
) -> None:
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance()
    assert isinstance(app, QApplication)
    theme.apply_theme(app, "dark")
    try:
        view = StatsView(collection, clock)
        qtbot.addWidget(view)
        view.show()
        qtbot.waitExposed(view)
        qtbot.waitUntil(lambda: view.figures is not None and not view.computing)
        assert view.empty_label.isVisible()
        assert view.tiles["retention_mature"].value.text() == "–"
        chart = view.charts["reviews"].chart()
        assert chart.backgroundBrush().color().name() == theme.DARK.base
    finally:
        theme.apply_theme(app, "light")


def test_qtcharts_waits_until_the_view_is_shown() -> None:
    code = (
        "import sys, rapport.ui.stats_view, rapport.ui.main_window; "
        "print('PySide6.QtCharts' in sys.modules)"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "False"


def test_figures_are_computed_off_the_ui_thread_with_progress_shown(
    qtbot: QtBot, collection: Collection, clock: Clock, monkeypatch: pytest.MonkeyPatch
) -> None:
    import threading

    release = threading.Event()
    threads: list[str] = []
    reader = collection.stats_reader

    def slow_reader(now: object, scope: object = None) -> object:
        compute = reader(clock(), scope)  # type: ignore[arg-type]

        def wait_then_compute(store: object) -> object:
            threads.append(threading.current_thread().name)
            release.wait(10)
            return compute(store)  # type: ignore[arg-type]

        return wait_then_compute

    monkeypatch.setattr(collection, "stats_reader", slow_reader)
    view = StatsView(collection, clock)
    qtbot.addWidget(view)
    view.show()
    qtbot.waitExposed(view)
    # The window is drawn and answers events while the figures are computed.
    assert view.computing and view.progress.isVisible() and view.figures is None
    turned: list[bool] = []
    QTimer.singleShot(0, lambda: turned.append(True))
    qtbot.waitUntil(lambda: bool(turned))  # the event loop turns...
    assert view.computing  # ...while the figures are still being computed
    with qtbot.waitSignal(view.refreshed, timeout=10_000):
        release.set()
    assert not view.computing and not view.progress.isVisible()
    assert view.figures is not None and threads == ["statistics"]


def test_deck_period_tables_and_theme_at_once(
    qtbot: QtBot, shipped_collection: Collection, clock: Clock
) -> None:
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QApplication

    _study(shipped_collection, clock, days=2, per_day=6)
    view = StatsView(shipped_collection, clock)
    qtbot.addWidget(view)
    view.resize(1100, 720)
    view.show()
    qtbot.waitExposed(view)
    qtbot.waitUntil(lambda: view.stats is not None and not view.computing)
    view.activateWindow()  # shortcuts reach the active window only
    qtbot.waitUntil(lambda: QApplication.activeWindow() is view)
    # Alt+T shows every chart as its table, and back.
    qtbot.keyClick(view, Qt.Key.Key_T, Qt.KeyboardModifier.AltModifier)
    assert not view.tables["reviews"].isHidden() and view.charts["reviews"].isHidden()
    assert view.tables["reviews"].accessibleName() == "Reviews per day (last 30 days) (table)"
    qtbot.keyClick(view, Qt.Key.Key_T, Qt.KeyboardModifier.AltModifier)
    assert not view.charts["reviews"].isHidden() and view.tables["reviews"].isHidden()
    # The deck selector (Alt+D, then Down) narrows every figure to that deck.
    qtbot.keyClick(view, Qt.Key.Key_D, Qt.KeyboardModifier.AltModifier)
    assert view.deck.hasFocus()
    with qtbot.waitSignal(view.refreshed, timeout=10_000):
        qtbot.keyClick(view.deck, Qt.Key.Key_Down)
    deck_id = view.deck.currentData()
    assert view.stats is not None and view.stats.scope.deck_ids == (deck_id,)
    assert [d.deck_id for d in view.stats.decks] == [deck_id]
    with qtbot.waitSignal(view.refreshed, timeout=10_000):
        view.period.setCurrentText("all history")
    assert view.stats.scope.period_days is None
    # A new theme recolours the charts at once, without computing again.
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    try:
        theme.apply_theme(app, "dark")
        qtbot.waitUntil(
            lambda: (
                view.charts["reviews"].chart().backgroundBrush().color().name() == theme.DARK.base
            )
        )
        assert not view.computing
    finally:
        theme.apply_theme(app, "light")
