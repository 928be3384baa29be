"""The main window fits its screen: 1080x760 at the first start where there is room, else
the screen's free area (a 1024x768 screen without a window manager is narrower than 1080),
frame included. The real 1024x768 screen is checked in
``tests/integration/test_real_window.py``."""

from __future__ import annotations

from PySide6.QtCore import QMargins, QRect
from pytestqt.qtbot import QtBot

from rapport.content import DeckSet
from rapport.study import Collection
from rapport.ui.main_window import START_SIZE, MainWindow, fit_inside
from tests.support.clock import Clock


def test_a_window_that_fits_is_left_as_it_is() -> None:
    assert (START_SIZE.width(), START_SIZE.height()) == (1080, 760)
    assert fit_inside(QRect(0, 0, 1080, 760), QRect(0, 0, 1920, 1080)) == QRect(0, 0, 1080, 760)
    assert fit_inside(QRect(100, 50, 1080, 760), QRect(0, 0, 1920, 1080)).topLeft().x() == 100
    assert fit_inside(QRect(0, 0, 1080, 760), QRect(0, 0, 1080, 760)).size() == START_SIZE


def test_each_side_that_is_too_long_is_shortened_and_moved_in() -> None:
    assert fit_inside(QRect(0, 0, 1080, 760), QRect(0, 0, 1024, 768)) == QRect(0, 0, 1024, 760)
    assert fit_inside(QRect(0, 0, 1080, 760), QRect(0, 0, 1366, 700)) == QRect(0, 0, 1080, 700)
    # a panel on the left, a taskbar below, and a place saved on a larger screen
    free = QRect(48, 0, 976, 728)
    placed = fit_inside(QRect(400, 300, 1080, 760), free)
    assert placed == free
    # a frame (title bar 30 px, borders 4 px) counts: the whole window lies inside
    frame = QMargins(4, 30, 4, 4)
    inner = fit_inside(QRect(0, 0, 1080, 760), QRect(0, 0, 1024, 768), frame)
    assert inner == QRect(4, 30, 1016, 734)
    assert QRect(0, 0, 1024, 768).contains(inner.marginsAdded(frame))


def test_the_window_opens_inside_the_screen_frame_included(
    qtbot: QtBot, collection: Collection, kinds_decks: DeckSet, clock: Clock
) -> None:
    window = MainWindow(collection, kinds_decks.errors, clock, deck_dirs=[])
    qtbot.addWidget(window)
    screen = window.screen()
    assert screen is not None
    free = screen.availableGeometry()  # the offscreen platform's screen: 800x800
    assert free.width() < START_SIZE.width()  # so the clamp is what is tested
    window.show()
    qtbot.waitExposed(window)
    assert free.contains(window.frameGeometry()), (free, window.frameGeometry())
    assert window.height() == START_SIZE.height()  # the side with room keeps its length
    assert window.frameGeometry().width() == free.width()


def test_a_place_saved_on_a_larger_screen_is_fitted_and_a_callers_size_kept(
    qtbot: QtBot, collection: Collection, kinds_decks: DeckSet, clock: Clock
) -> None:
    first = MainWindow(collection, kinds_decks.errors, clock, deck_dirs=[])
    qtbot.addWidget(first)
    first.show()
    qtbot.waitExposed(first)
    first.setGeometry(300, 200, 1300, 1000)  # as on a larger screen, last time
    first.save_geometry()
    first.close()
    again = MainWindow(collection, kinds_decks.errors, clock, deck_dirs=[])
    qtbot.addWidget(again)
    again.show()
    qtbot.waitExposed(again)
    screen = again.screen()
    assert screen is not None
    assert screen.availableGeometry().contains(again.frameGeometry()), again.frameGeometry()
    # a size the caller sets itself (the screenshots, a test) is the caller's
    third = MainWindow(collection, kinds_decks.errors, clock, deck_dirs=[])
    qtbot.addWidget(third)
    third.resize(1100, 720)
    third.show()
    qtbot.waitExposed(third)
    assert (third.width(), third.height()) == (1100, 720)
