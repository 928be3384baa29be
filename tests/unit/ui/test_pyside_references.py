"""The pinned PySide6 keeps None's and the bools' reference counts (see rapport.ui).

PySide6 6.12.0 on Python 3.11 drops a reference to None on every ``setText`` and friends;
after a few thousand calls CPython aborts. This guards the pin against a careless upgrade.
"""

from __future__ import annotations

import sys

from PySide6.QtWidgets import QLabel, QPushButton
from pytestqt.qtbot import QtBot


def test_qt_calls_do_not_steal_references_to_none_or_bools(qtbot: QtBot) -> None:
    label, button = QLabel(), QPushButton()
    qtbot.addWidget(label)
    qtbot.addWidget(button)
    before = [sys.getrefcount(x) for x in (None, True, False)]
    for _ in range(500):
        label.setText("x")
        button.setText("y")
        button.setFocus()
        button.setVisible(False)
        button.property("no-such-property")
    after = [sys.getrefcount(x) for x in (None, True, False)]
    # Other code may hold a few more references meanwhile; a leak would lose hundreds.
    assert all(a >= b - 50 for a, b in zip(after, before, strict=True)), (before, after)
