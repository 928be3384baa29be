"""Custom study from Home (C on the selected deck) and from Tools > Custom study, as in
Anki (issue 23, item 5)."""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from rapport.content import DeckSet
from rapport.study import Collection
from rapport.ui.custom_study import CustomStudyDialog
from rapport.ui.main_window import MainWindow
from tests.support.clock import Clock


def _more_new(qtbot: QtBot) -> None:
    dialog = QApplication.activeModalWidget()
    assert isinstance(dialog, CustomStudyDialog)
    qtbot.keyClick(dialog.counts["more_new"], Qt.Key.Key_Return)  # 10 more, the default


def test_c_on_home_and_the_tools_menu(
    qtbot: QtBot, collection: Collection, kinds_decks: DeckSet, clock: Clock
) -> None:
    window = MainWindow(collection, kinds_decks.errors, clock)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    assert window.current_view_name() == "home"
    QTimer.singleShot(50, lambda: _more_new(qtbot))
    qtbot.keyClick(window.home.tree, Qt.Key.Key_C)
    assert window.current_view_name() == "review"
    review = window.review
    assert review.card is not None and "more new" in review.where_label.text()
    assert review.session is not None and list(review.session.deck_ids) == ["kinds"]
    # Tools > Custom study... names the same dialog.
    from PySide6.QtWidgets import QMenu

    menus = [a.menu() for a in window.menuBar().actions() if a.text() == "&Tools"]
    assert menus and isinstance(menus[0], QMenu)
    assert "&Custom study..." in [a.text() for a in menus[0].actions()]
