"""The settings dialog: scheduling settings, font size and theme are saved and applied."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta
from typing import Any

import pytest
from pytestqt.qtbot import QtBot

from rapport.content import DeckSet
from rapport.study import Collection, InvalidSettings, Settings
from rapport.study.settings import LIMITS
from rapport.ui.main_window import MainWindow
from rapport.ui.settings import SettingsDialog
from rapport.ui.theme import DARK, colours
from tests.support.clock import Clock
from tests.support.qt import ModalCatcher


def test_settings_saved_to_the_collection(qtbot: QtBot, collection: Collection) -> None:
    dialog = SettingsDialog(collection)
    qtbot.addWidget(dialog)
    dialog.retention.setValue(0.85)
    dialog.learning.setText("2m 15m")
    dialog.relearning.setText("5m")
    dialog.max_interval.setValue(365)
    dialog.new_per_day.setValue(7)
    dialog.reviews_per_day.setValue(70)
    dialog.day_start.setValue(3)
    dialog.bury_new.setChecked(False)
    dialog.leech_threshold.setValue(5)
    dialog.font_size.setValue(24)
    dialog.theme.setCurrentIndex(2)
    dialog.choice_unpicked.setCurrentIndex(1)
    dialog.accept()
    assert dialog.result() == SettingsDialog.DialogCode.Accepted
    s = collection.settings
    assert s.desired_retention == 0.85
    assert s.learning_steps == (timedelta(minutes=2), timedelta(minutes=15))
    assert s.relearning_steps == (timedelta(minutes=5),)
    assert (s.maximum_interval, s.new_per_day, s.reviews_per_day, s.day_start_hour) == (
        365,
        7,
        70,
        3,
    )
    assert (s.bury_new, s.bury_reviews, s.leech_threshold) == (False, True, 5)
    assert collection.get_pref("font_size") == "24"
    assert collection.get_pref("theme") == "dark"
    again = SettingsDialog(collection)
    qtbot.addWidget(again)
    assert again.learning.text() == "2m 15m" and again.font_size.value() == 24
    assert again.chosen_theme() == "dark"
    assert collection.get_pref("choice_unpicked") == "again"
    assert again.choice_unpicked.currentIndex() == 1


def test_unreadable_steps_are_refused_and_nothing_saved(
    qtbot: QtBot, collection: Collection
) -> None:
    dialog = SettingsDialog(collection)
    qtbot.addWidget(dialog)
    dialog.learning.setText("soon")
    dialog.new_per_day.setValue(3)
    dialog.accept()
    assert dialog.error.text().startswith("Not saved:") and "soon" in dialog.error.text()
    assert collection.settings.new_per_day == 20


def test_window_applies_theme_and_font_at_once(
    qtbot: QtBot,
    collection: Collection,
    kinds_decks: DeckSet,
    clock: Clock,
    modals: ModalCatcher,
) -> None:
    window = MainWindow(collection, kinds_decks.errors, clock)
    qtbot.addWidget(window)
    window.show()
    window.start_review(["kinds"])
    collection.set_pref("font_size", "28")
    collection.set_pref("theme", "dark")
    window.apply_preferences()
    assert window.review.card_view.document().defaultFont().pointSize() == 28
    assert colours() is DARK
    collection.set_pref("theme", "light")
    window.apply_preferences()


def test_spin_boxes_take_their_ranges_from_the_core_limits(
    qtbot: QtBot, collection: Collection
) -> None:
    dialog = SettingsDialog(collection)
    qtbot.addWidget(dialog)
    for box, name in (
        (dialog.retention, "desired_retention"),
        (dialog.max_interval, "maximum_interval"),
        (dialog.new_per_day, "new_per_day"),
        (dialog.reviews_per_day, "reviews_per_day"),
        (dialog.day_start, "day_start_hour"),
        (dialog.leech_threshold, "leech_threshold"),
    ):
        assert (box.minimum(), box.maximum()) == pytest.approx(tuple(LIMITS[name])), name
        with pytest.raises(InvalidSettings):
            too_high: dict[str, Any] = {name: LIMITS[name].high + 1}
            replace(Settings(), **too_high)


def test_card_font_size_scales_the_card_only(
    qtbot: QtBot, collection: Collection, clock: Clock
) -> None:
    from PySide6.QtWidgets import QApplication

    from rapport.ui.browse import BrowseView
    from rapport.ui.review import ReviewView
    from rapport.ui.theme import DEFAULT_FONT_SIZE, UI_FONT_SIZE, apply_theme

    app = QApplication.instance()
    assert isinstance(app, QApplication)
    try:
        apply_theme(app, "light", 26)
        browse = BrowseView(collection, clock)
        review = ReviewView(collection, clock, font_size=26)
        for widget in (browse, review):
            qtbot.addWidget(widget)
            widget.show()
        header = browse.table.horizontalHeader()
        for chrome in (header, browse.search, review.counts_label):
            chrome.ensurePolished()
            assert chrome.font().pointSize() == UI_FONT_SIZE, chrome
        assert review.card_view.font().pointSize() == 26
    finally:
        apply_theme(app, "light", DEFAULT_FONT_SIZE)
