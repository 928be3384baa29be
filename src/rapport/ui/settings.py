"""The Settings dialog: the study engine's scheduling settings, card font size, theme.

Scheduling settings go to :meth:`Collection.save_settings`; font size and theme are
preferences (:meth:`Collection.set_pref`). Both live in the progress database, so they
travel with it and are backed up with it.
"""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFormLayout,
    QGroupBox,
    QLabel,
    QLineEdit,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from rapport.errors import RapportError
from rapport.store import Scope
from rapport.study.certainty import PREF_CERTAINTY
from rapport.study.settings import LIMITS, Limit
from rapport.study.timetext import format_steps, parse_steps
from rapport.ui.review import CHOICE_UNPICKED, PREF_CHOICE_UNPICKED
from rapport.ui.theme import (
    DEFAULT_FONT_SIZE,
    MAX_FONT_SIZE,
    MIN_FONT_SIZE,
    PREF_FONT_SIZE,
    PREF_THEME,
    THEMES,
)

if TYPE_CHECKING:
    from rapport.study import Collection, Settings

MAX_UNDO_LEVELS = 500  # (each step keeps a few rows; deck-file steps the deck files)


def _whole(limit: Limit) -> tuple[int, int]:
    """A limit as a whole-number spin box range."""
    return int(limit.low), int(limit.high)


def _add_row(form: QFormLayout, label: str, widget: QWidget, tip: str) -> None:
    widget.setAccessibleName(label or widget.property("text"))
    widget.setToolTip(tip)
    form.addRow(label, widget)


def add_problem_and_buttons(dialog: QDialog, layout: QVBoxLayout, name: str) -> QLabel:
    """Add a dialog's hidden problem banner (returned, named ``name`` for screen readers)
    and its OK and Cancel buttons to ``layout``."""
    error = QLabel("")
    error.setProperty("role", "banner")
    error.setWordWrap(True)
    error.setAccessibleName(name)
    error.hide()
    layout.addWidget(error)
    buttons = QDialogButtonBox(
        QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
    )
    buttons.accepted.connect(dialog.accept)
    buttons.rejected.connect(dialog.reject)
    layout.addWidget(buttons)
    return error


class SchedulingFields:
    """The scheduling fields of one preset on a form: the Settings dialog's (the Default
    preset, with the study-day start) and the Deck options dialog's (any preset)."""

    def __init__(self, form: QFormLayout, settings: Settings, *, day_start: bool) -> None:
        def add(label: str, widget: QWidget, tip: str) -> None:
            _add_row(form, label, widget, tip)

        self.retention = QDoubleSpinBox()
        self.retention.setRange(*LIMITS["desired_retention"])
        self.retention.setSingleStep(0.01)
        self.retention.setDecimals(2)
        add(
            "Desired retention",
            self.retention,
            "The share of reviews you aim to get right; higher means more reviews.",
        )
        self.learning = QLineEdit()
        add("Learning steps", self.learning, "Waits before a new card graduates, e.g. 1m 10m")
        self.relearning = QLineEdit()
        add("Relearning steps", self.relearning, "Waits after a lapse, e.g. 10m")
        self.max_interval = QSpinBox()
        self.max_interval.setRange(*_whole(LIMITS["maximum_interval"]))
        self.max_interval.setSuffix(" days")
        add("Maximum interval", self.max_interval, "The longest wait between two reviews")
        self.new_per_day = QSpinBox()
        self.new_per_day.setRange(*_whole(LIMITS["new_per_day"]))
        add("New cards per day", self.new_per_day, "How many new cards a day introduces")
        self.reviews_per_day = QSpinBox()
        self.reviews_per_day.setRange(*_whole(LIMITS["reviews_per_day"]))
        add("Reviews per day", self.reviews_per_day, "The most reviews a day shows")
        self.day_start = QSpinBox()
        self.day_start.setRange(*_whole(LIMITS["day_start_hour"]))
        self.day_start.setSuffix(":00")
        if day_start:
            add(
                "Next day starts at",
                self.day_start,
                "The hour (local time) a new study day begins",
            )
        self.bury_new = QCheckBox("Bury new siblings")
        add(
            "",
            self.bury_new,
            "Once a card of a note is answered, its other new cards wait until tomorrow",
        )
        self.bury_reviews = QCheckBox("Bury review siblings")
        add(
            "",
            self.bury_reviews,
            "Once a card of a note is answered, its other review cards wait until tomorrow",
        )
        self.leech_threshold = QSpinBox()
        self.leech_threshold.setRange(*_whole(LIMITS["leech_threshold"]))
        self.leech_threshold.setSpecialValueText("Never")
        self.leech_threshold.setSuffix(" lapses")
        add(
            "Leech threshold",
            self.leech_threshold,
            "After this many lapses a card is tagged leech and suspended, to be rewritten",
        )
        self.load(settings)

    def load(self, settings: Settings) -> None:
        """Show ``settings`` in the fields."""
        self.retention.setValue(settings.desired_retention)
        self.learning.setText(format_steps(settings.learning_steps))
        self.relearning.setText(format_steps(settings.relearning_steps))
        self.max_interval.setValue(settings.maximum_interval)
        self.new_per_day.setValue(settings.new_per_day)
        self.reviews_per_day.setValue(settings.reviews_per_day)
        self.day_start.setValue(settings.day_start_hour)
        self.bury_new.setChecked(settings.bury_new)
        self.bury_reviews.setChecked(settings.bury_reviews)
        self.leech_threshold.setValue(settings.leech_threshold)

    def entered(self, base: Settings) -> Settings:
        """``base`` with the values entered; ValueError if a field cannot be read (an
        out-of-range value raises InvalidSettings, also a ValueError's kin)."""
        learning = parse_steps(self.learning.text())
        relearning = parse_steps(self.relearning.text())
        return dataclasses.replace(
            base,
            desired_retention=round(self.retention.value(), 2),
            learning_steps=learning,
            relearning_steps=relearning,
            maximum_interval=self.max_interval.value(),
            new_per_day=self.new_per_day.value(),
            reviews_per_day=self.reviews_per_day.value(),
            day_start_hour=self.day_start.value(),
            bury_new=self.bury_new.isChecked(),
            bury_reviews=self.bury_reviews.isChecked(),
            leech_threshold=self.leech_threshold.value(),
        )


class SettingsDialog(QDialog):
    """Edit scheduling settings, font size and theme; OK saves them."""

    def __init__(self, collection: Collection, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.collection = collection
        self.setWindowTitle("Settings")
        self.setAccessibleName("Settings")
        self.setMinimumWidth(520)
        settings = collection.settings
        layout = QVBoxLayout(self)
        layout.setSpacing(12)
        scheduling = QGroupBox("Scheduling")
        scheduling.setToolTip(
            "The Default preset, which every deck uses unless given another in its deck "
            "options (O on Home)"
        )
        display = QGroupBox("Display")
        forms = {}
        for box in (scheduling, display):
            form = QFormLayout(box)
            form.setSpacing(10)
            forms[box.title()] = form
            layout.addWidget(box)
        form = forms["Scheduling"]

        def add(label: str, widget: QWidget, tip: str) -> None:
            _add_row(form, label, widget, tip)

        self.fields = SchedulingFields(form, settings, day_start=True)
        fields = self.fields
        self.retention, self.learning, self.relearning = (
            fields.retention,
            fields.learning,
            fields.relearning,
        )
        self.max_interval, self.new_per_day = fields.max_interval, fields.new_per_day
        self.reviews_per_day, self.day_start = fields.reviews_per_day, fields.day_start
        self.bury_new, self.bury_reviews = fields.bury_new, fields.bury_reviews
        self.leech_threshold = fields.leech_threshold

        form = forms["Display"]
        self.font_size = QSpinBox()
        self.font_size.setRange(MIN_FONT_SIZE, MAX_FONT_SIZE)
        self.font_size.setSuffix(" pt")
        self.font_size.setValue(
            int(collection.get_pref(PREF_FONT_SIZE, str(DEFAULT_FONT_SIZE)) or DEFAULT_FONT_SIZE)
        )
        add("Card font size", self.font_size, "The size of card text")
        self.theme = QComboBox()
        self.theme.addItems([t.capitalize() for t in THEMES])
        current = collection.get_pref(PREF_THEME, "system") or "system"
        self.theme.setCurrentIndex(THEMES.index(current) if current in THEMES else 0)
        add("Theme", self.theme, "System follows your desktop's light or dark setting")
        self.undo_levels = QSpinBox()
        self.undo_levels.setRange(1, MAX_UNDO_LEVELS)
        self.undo_levels.setValue(collection.ops.depth)
        add("Undo levels", self.undo_levels, "How many steps Edit > Undo (Ctrl+Z) can take back")

        self.choice_unpicked = QComboBox()
        self.choice_unpicked.addItems(["Ask for a pick", "Show the answer, Again suggested"])
        unpicked = collection.get_pref(PREF_CHOICE_UNPICKED, "ask") or "ask"
        self.choice_unpicked.setCurrentIndex(
            CHOICE_UNPICKED.index(unpicked) if unpicked in CHOICE_UNPICKED else 0
        )
        add(
            "Space on multiple choice without a pick",
            self.choice_unpicked,
            "A multiple-choice card is never passed as Good without a pick",
        )
        self.certainty = QCheckBox("Say how sure you are before each answer (J, K, L)")
        self.certainty.setChecked(collection.get_pref(PREF_CERTAINTY, "0") == "1")
        add(
            "Certainty marking",
            self.certainty,
            "Certainty-based marking: state low, mid or high certainty before the answer "
            "shows; Statistics then show how well your certainty matches how often you are "
            "right. Your grade still comes from the answer.",
        )

        self.error = add_problem_and_buttons(self, layout, "Settings problem")

    def chosen_theme(self) -> str:
        """The theme picked: ``system``, ``light`` or ``dark``."""
        return THEMES[self.theme.currentIndex()]

    def new_settings(self) -> Settings:
        """The scheduling settings as entered; ValueError if a field cannot be read."""
        return self.fields.entered(self.collection.settings)

    def accept(self) -> None:
        """Save everything, or say what cannot be read and stay open."""
        collection = self.collection

        def write() -> None:
            collection.save_settings(settings)  # (joins this operation)
            collection.set_pref(PREF_FONT_SIZE, str(self.font_size.value()))
            collection.set_pref(PREF_THEME, self.chosen_theme())
            collection.set_pref(PREF_CERTAINTY, "1" if self.certainty.isChecked() else "0")
            collection.set_undo_levels(self.undo_levels.value())
            collection.set_pref(
                PREF_CHOICE_UNPICKED, CHOICE_UNPICKED[self.choice_unpicked.currentIndex()]
            )

        try:
            settings = self.new_settings()
            # One operation, one transaction: the settings (the undo step, when they
            # changed) with the preferences, all saved or none.
            collection.ops.perform("Change settings", Scope(settings=True), write)
        except (ValueError, RapportError) as error:
            self.error.setText(f"Not saved: {error}")
            self.error.show()
            return
        super().accept()
