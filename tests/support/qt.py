"""Helpers for the Qt tests (imported by the tests that need them, not from conftest)."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QWidget


class ModalDriver:
    """Drives the next modal dialog (``exec`` blocks the test) with ``action`` once it is
    open; a failure inside closes the dialog and is raised by :meth:`check`."""

    def __init__(self) -> None:
        self.failures: list[BaseException] = []

    def when_modal(self, action: Callable[[QWidget], None]) -> None:
        def poll() -> None:
            widget = QApplication.activeModalWidget()
            if widget is None:
                QTimer.singleShot(10, poll)
                return
            try:
                action(widget)
            except BaseException as exc:
                self.failures.append(exc)
                widget.close()

        QTimer.singleShot(0, poll)

    def check(self) -> None:
        """Raise the first failure met inside a dialog, if any."""
        if self.failures:
            raise self.failures.pop(0)
