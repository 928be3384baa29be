"""Deck options, as Anki's: which preset a deck uses, and that preset's settings.

A preset is a named set of scheduling settings (limits, steps, retention, maximum interval,
burying, leeches) that decks share; every deck uses "Default" (the Settings dialog's)
until given another here. Opened from Home with O on the selected deck. Nothing is saved
until OK: then every preset edited, added or deleted here is saved and the deck is given
the preset shown.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import replace
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QFormLayout,
    QFrame,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QScrollArea,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from rapport.errors import RapportError
from rapport.store import Scope
from rapport.study.settings import DEFAULT_PRESET, check_preset_name
from rapport.ui.deck_option_fields import OrderFields
from rapport.ui.exam_panel import ExamPanel
from rapport.ui.fsrs_panel import FsrsPanel
from rapport.ui.settings import SchedulingFields, add_problem_and_buttons
from rapport.ui.simulator_panel import SimulatorPanel

if TYPE_CHECKING:
    from rapport.study import Collection, Settings


class DeckOptionsDialog(QDialog):
    """Pick, edit, add or delete the preset of one deck; OK saves and assigns it."""

    def __init__(
        self,
        collection: Collection,
        deck_id: str,
        parent: QWidget | None = None,
        clock: Callable[[], datetime] | None = None,
        also: Sequence[str] = (),
    ):
        super().__init__(parent)
        self.clock = clock or (lambda: datetime.now(UTC))
        self.collection = collection
        self.deck_id = deck_id
        # Decks that take the preset chosen with it (the other decks under a parent row).
        self.also = tuple(also)
        name = next((d.name for d in collection.decks if d.id == deck_id), deck_id)
        self.setWindowTitle(f"Options for {name}")
        self.setAccessibleName("Deck options")
        self.setMinimumWidth(520)
        # The settings of every preset as edited here (saved at OK), and those deleted.
        self._edited: dict[str, Settings] = {
            p: collection.preset(p) for p in collection.preset_names()
        }
        self._deleted: set[str] = set()
        self._shown = collection.preset_of(deck_id)
        layout = QVBoxLayout(self)
        layout.setSpacing(12)
        title = QLabel(name)
        title.setTextFormat(Qt.TextFormat.PlainText)
        title.setProperty("role", "heading")
        layout.addWidget(title)

        row = QHBoxLayout()
        self.preset = QComboBox()
        self.preset.setAccessibleName("Preset")
        self.preset.setToolTip("The preset this deck uses; decks may share one")
        preset_label = QLabel("&Preset")
        preset_label.setBuddy(self.preset)
        row.addWidget(preset_label)
        row.addWidget(self.preset, 1)
        self.delete = QPushButton("&Delete preset")
        self.delete.setToolTip("Delete this preset; the decks using it go back to Default")
        self.delete.clicked.connect(self.delete_preset)
        row.addWidget(self.delete)
        layout.addLayout(row)

        add_row = QHBoxLayout()
        self.new_name = QLineEdit()
        self.new_name.setAccessibleName("New preset name")
        self.new_name.setPlaceholderText("New preset name")
        new_label = QLabel("&New preset")
        new_label.setBuddy(self.new_name)
        self.new_name.returnPressed.connect(self.add_preset)
        self.add = QPushButton("&Add preset")
        self.add.setToolTip("A new preset with the settings shown, used by this deck")
        self.add.setAutoDefault(False)
        self.add.clicked.connect(self.add_preset)
        add_row.addWidget(new_label)
        add_row.addWidget(self.new_name, 1)
        add_row.addWidget(self.add)
        layout.addLayout(add_row)

        box = QGroupBox("Settings of this preset")
        form = QFormLayout(box)
        form.setSpacing(10)
        self.fields = SchedulingFields(form, self._edited[self._shown], day_start=False)
        self.tabs = QTabWidget()
        self.tabs.setAccessibleName("Deck options: Settings, Order and timing, FSRS, Exam")
        self.tabs.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # (its tab bar takes the keyboard)
        self.tabs.addTab(_scrolled(box), "Settings")
        self.order = OrderFields()
        self.order.load(self._edited[self._shown])
        self.tabs.addTab(_scrolled(self.order), "Order and timing")
        self.fsrs = FsrsPanel(collection, self.clock)
        self.fsrs.fitted.connect(self._fitted)
        self.simulator = SimulatorPanel(collection, self.clock, self._preset_as_edited)
        self.simulator.chosen.connect(self.fields.retention.setValue)
        fsrs_page = QWidget()
        fsrs_layout = QVBoxLayout(fsrs_page)
        fsrs_layout.addWidget(self.fsrs)
        fsrs_layout.addWidget(self.simulator, 1)
        self.tabs.addTab(_scrolled(fsrs_page), "FSRS")
        self.exam = ExamPanel(collection, self.clock, self._preset_as_edited)
        self.exam.load(self._edited[self._shown])
        self.exam.use_retention.connect(self.fields.retention.setValue)
        self.exam.use_new_per_day.connect(self.fields.new_per_day.setValue)
        self.tabs.addTab(_scrolled(self.exam), "Exam")
        layout.addWidget(self.tabs)
        self.note = QLabel("")
        self.note.setWordWrap(True)
        layout.addWidget(self.note)

        self.error = add_problem_and_buttons(self, layout, "Deck options problem")
        self._fill_presets()
        self.preset.currentTextChanged.connect(self._switch)
        self.preset.setFocus()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        # Enter in the new name adds the preset (returnPressed), not OK.
        enter = event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter)
        if enter and self.focusWidget() is self.new_name:
            return
        super().keyPressEvent(event)

    # -- presets --------------------------------------------------------------------------

    def _names(self) -> list[str]:
        others = sorted((n for n in self._edited if n != DEFAULT_PRESET), key=str.casefold)
        return [DEFAULT_PRESET, *others]

    def _fill_presets(self) -> None:
        self.preset.blockSignals(True)
        self.preset.clear()
        self.preset.addItems(self._names())
        self.preset.setCurrentText(self._shown)
        self.preset.blockSignals(False)
        self._describe()

    def _describe(self) -> None:
        users = [
            d.name
            for d in self.collection.decks
            if d.id != self.deck_id and self.collection.preset_of(d.id) == self._shown
        ]
        self.note.setText(
            f"Also used by: {', '.join(users)}." if users else "No other deck uses this preset."
        )
        self.delete.setEnabled(self._shown != DEFAULT_PRESET)
        saved = self._shown in self.collection.preset_names()
        self.fsrs.show_preset(self._shown, self._edited[self._shown], saved)

    def _keep_shown(self) -> bool:
        """Keep the fields' values as the shown preset's; False (and say why) if a field
        cannot be read."""
        try:
            entered = self.fields.entered(self._edited[self._shown])
            self._edited[self._shown] = self.order.entered(self.exam.entered(entered))
        except (ValueError, RapportError) as error:
            self._problem(str(error))
            return False
        return True

    def _switch(self, name: str) -> None:
        if not name or name == self._shown:
            return
        if not self._keep_shown():
            self.preset.blockSignals(True)
            self.preset.setCurrentText(self._shown)
            self.preset.blockSignals(False)
            return
        self.error.hide()
        self._shown = name
        self.fields.load(self._edited[name])
        self.exam.load(self._edited[name])
        self.order.load(self._edited[name])
        self._describe()

    def add_preset(self) -> None:
        """A new preset named as typed, starting from the settings shown."""
        name = self.new_name.text().strip()
        try:
            check_preset_name(name)
            if name in self._edited:
                raise ValueError(f"There is already a preset named {name!r}.")
        except (ValueError, RapportError) as error:
            self._problem(str(error))
            return
        if not self._keep_shown():
            return
        self._edited[name] = self._edited[self._shown]
        self._deleted.discard(name)
        self._shown = name
        self.new_name.clear()
        self.error.hide()
        self._fill_presets()

    def delete_preset(self) -> None:
        """Delete the preset shown (at OK); this deck goes back to Default."""
        if self._shown == DEFAULT_PRESET:
            return
        del self._edited[self._shown]
        self._deleted.add(self._shown)
        self._shown = DEFAULT_PRESET
        self.fields.load(self._edited[DEFAULT_PRESET])
        self.exam.load(self._edited[DEFAULT_PRESET])
        self.order.load(self._edited[DEFAULT_PRESET])
        self._fill_presets()

    def show_tab(self, title: str) -> None:
        """Show the tab named ``title`` ("Settings", "Order and timing", "FSRS", "Exam")."""
        for index in range(self.tabs.count()):
            if self.tabs.tabText(index) == title:
                self.tabs.setCurrentIndex(index)
                return
        raise KeyError(title)

    def _preset_as_edited(self) -> tuple[str, Settings] | None:
        """The preset shown with the values entered (None, saying why, if unreadable)."""
        if not self._keep_shown():
            return None
        return self._shown, self._edited[self._shown]

    def _fitted(self, name: str, parameters: tuple[float, ...]) -> None:
        """An optimisation kept new parameters (already saved): show and keep them."""
        if name in self._edited:
            self._edited[name] = replace(self._edited[name], parameters=parameters)
            if name == self._shown:
                self.fsrs.show_preset(name, self._edited[name], True)

    def chosen_preset(self) -> str:
        """The name of the preset shown (the deck's at OK)."""
        return self._shown

    def _problem(self, text: str) -> None:
        self.error.setText(f"Not saved: {text}")
        self.error.show()

    def accept(self) -> None:
        """Save the presets and give the deck the one shown, or say why not."""
        if not self._keep_shown():
            return
        collection = self.collection

        def apply() -> None:
            for name in self._deleted:
                if name in collection.preset_names():
                    collection.delete_preset(name)
            for name, settings in self._edited.items():
                known = name in collection.preset_names()
                if not known or collection.preset(name) != settings:
                    collection.save_preset(name, settings)
            for deck_id in (self.deck_id, *self.also):
                if collection.preset_of(deck_id) != self._shown:
                    collection.set_deck_preset(deck_id, self._shown)

        try:
            # One operation: every preset saved and the decks' choice, or none of it.
            collection.ops.perform("Deck options", Scope(settings=True), apply)
        except (ValueError, RapportError) as error:
            self._problem(str(error))
            return
        super().accept()


def _scrolled(page: QWidget) -> QScrollArea:
    """A tab's page in a scroll area, so that the dialog fits a small screen."""
    scroll = QScrollArea()
    scroll.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # (the keyboard goes to its controls)
    scroll.setWidgetResizable(True)
    scroll.setFrameShape(QFrame.Shape.NoFrame)
    scroll.setWidget(page)
    return scroll
