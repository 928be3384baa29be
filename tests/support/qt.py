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


class ModalCatcher:
    """Closes every modal dialog as it opens, remembering its title and text."""

    def __init__(self) -> None:
        from PySide6.QtCore import QTimer

        self.seen: list[tuple[str, str]] = []
        self.timer = QTimer()
        self.timer.setInterval(10)
        self.timer.timeout.connect(self._close)
        self.timer.start()
        self.respond: str | None = None  # a button text to click instead of closing

    def _close(self) -> None:
        from PySide6.QtWidgets import QAbstractButton, QApplication, QLabel, QPlainTextEdit

        widget = QApplication.activeModalWidget()
        if widget is None:
            return
        texts = [label.text() for label in widget.findChildren(QLabel)]
        texts += [edit.toPlainText() for edit in widget.findChildren(QPlainTextEdit)]
        self.seen.append((widget.windowTitle(), "\n".join(texts)))
        if self.respond is not None:
            for button in widget.findChildren(QAbstractButton):
                if button.text() == self.respond:
                    button.click()
                    return
        widget.close()

    def titles(self) -> list[str]:
        return [title for title, _text in self.seen]
