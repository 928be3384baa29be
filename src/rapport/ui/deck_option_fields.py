"""Deck options > Order and timing: the new-card gather and sort orders, the review
order, the leech action, Easy Days, the maximum answer time and the answer timer (the
choices and their names are the core's: :mod:`rapport.study.settings`)."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QGridLayout,
    QLabel,
    QSpinBox,
    QWidget,
)

from rapport.study.settings import (
    EASY_DAY_LOADS,
    LEECH_ACTIONS,
    LIMITS,
    NEW_GATHER_ORDERS,
    NEW_SORT_ORDERS,
    REVIEW_ORDERS,
    WEEKDAYS,
)

if TYPE_CHECKING:
    from rapport.study import Settings


def _combo(name: str, choices: Mapping[Any, str]) -> QComboBox:
    box = QComboBox()
    box.setAccessibleName(name)
    for value, label in choices.items():
        box.addItem(label, value)
    return box


def _choose(box: QComboBox, value: object) -> None:
    box.setCurrentIndex(max(0, box.findData(value)))


class OrderFields(QWidget):
    """The fields; :meth:`load` shows a preset's values, :meth:`entered` reads them."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        form = QFormLayout(self)
        form.setSpacing(10)
        self.new_gather = _combo("New card gather order", NEW_GATHER_ORDERS)
        self.new_sort = _combo("New card sort order", NEW_SORT_ORDERS)
        self.review_order = _combo("Review order", REVIEW_ORDERS)
        self.leech_action = _combo("Leech action", LEECH_ACTIONS)
        for label, widget, tip in (
            ("New card gather order", self.new_gather, "Which new cards come first"),
            ("New card sort order", self.new_sort, "How the gathered new cards are shown"),
            ("Review order", self.review_order, "The order of the day's reviews"),
            ("Leech action", self.leech_action, "What a card forgotten too often gets"),
        ):
            widget.setToolTip(tip)
            form.addRow(label, widget)
        days = QWidget()
        grid = QGridLayout(days)
        grid.setContentsMargins(0, 0, 0, 0)
        self.easy_days: list[QComboBox] = []
        for column, name in enumerate(WEEKDAYS):
            grid.addWidget(QLabel(name[:3]), 0, column)
            box = _combo(f"Easy Days: {name}", EASY_DAY_LOADS)
            grid.addWidget(box, 1, column)
            self.easy_days.append(box)
        days.setToolTip("Fewer reviews on Reduced days, as few as can be on Minimum days")
        form.addRow("Easy Days", days)
        self.max_answer = QSpinBox()
        low, high = LIMITS["max_answer_seconds"]
        self.max_answer.setRange(int(low), int(high))
        self.max_answer.setSuffix(" s")
        self.max_answer.setAccessibleName("Maximum answer time")
        self.max_answer.setToolTip("An answer's recorded time is at most this")
        form.addRow("Maximum answer time", self.max_answer)
        self.show_timer = QCheckBox("Show answer timer")
        self.show_timer.setToolTip("Show how long the card has been on screen while reviewing")
        form.addRow("", self.show_timer)

    def load(self, settings: Settings) -> None:
        _choose(self.new_gather, settings.new_gather_order)
        _choose(self.new_sort, settings.new_sort_order)
        _choose(self.review_order, settings.review_order)
        _choose(self.leech_action, settings.leech_action)
        for box, load in zip(self.easy_days, settings.easy_days, strict=True):
            _choose(box, load)
        self.max_answer.setValue(settings.max_answer_seconds)
        self.show_timer.setChecked(settings.show_answer_timer)

    def entered(self, settings: Settings) -> Settings:
        """``settings`` with these fields' values (InvalidSettings if they do not go
        together, e.g. every weekday Minimum)."""
        return dataclasses.replace(
            settings,
            new_gather_order=str(self.new_gather.currentData()),
            new_sort_order=str(self.new_sort.currentData()),
            review_order=str(self.review_order.currentData()),
            leech_action=str(self.leech_action.currentData()),
            easy_days=tuple(float(box.currentData()) for box in self.easy_days),
            max_answer_seconds=self.max_answer.value(),
            show_answer_timer=self.show_timer.isChecked(),
        )
