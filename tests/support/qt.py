"""Helpers for the Qt tests (imported by the tests that need them, not from conftest).

A modal dialog's ``exec`` blocks the test; these helpers act on it from inside its own
event loop, called when the dialog is shown (an event filter on the application), never
by polling on a timer.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, Qt, QTimer
from PySide6.QtWidgets import QAbstractButton, QApplication, QLabel, QPlainTextEdit, QWidget


class _ModalShown(QObject):
    """Calls ``callback(dialog)`` once the event loop runs, each time a modal window shows."""

    def __init__(self, callback: Callable[[QWidget], None]) -> None:
        super().__init__()
        self._callback = callback
        app = QApplication.instance()
        assert app is not None, "a QApplication is needed (the qapp fixture)"
        app.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if (
            event.type() == QEvent.Type.Show
            and isinstance(watched, QWidget)
            and watched.isWindow()
            and watched.windowModality() != Qt.WindowModality.NonModal
        ):
            QTimer.singleShot(0, lambda: self._callback(watched))
        return False

    def stop(self) -> None:
        app = QApplication.instance()
        if app is not None:
            app.removeEventFilter(self)


class ModalDriver:
    """Drives the next modal dialogs, in order, each with the action queued for it by
    :meth:`when_modal`; a failure inside closes the dialog and :meth:`check` raises it."""

    def __init__(self) -> None:
        self.failures: list[BaseException] = []
        self._actions: list[Callable[[QWidget], None]] = []
        self._watch: _ModalShown | None = None

    def when_modal(self, action: Callable[[QWidget], None]) -> None:
        self._actions.append(action)
        if self._watch is None:
            self._watch = _ModalShown(self._shown)

    def _shown(self, widget: QWidget) -> None:
        if not self._actions or not widget.isVisible():
            return
        action = self._actions.pop(0)
        try:
            action(widget)
        except BaseException as exc:
            self.failures.append(exc)
            widget.close()

    def check(self) -> None:
        """Raise the first failure met inside a dialog, if any."""
        if self.failures:
            raise self.failures.pop(0)

    def stop(self) -> None:
        if self._watch is not None:
            self._watch.stop()
            self._watch = None


class ModalCatcher:
    """Closes every modal dialog as it opens, remembering its title and text."""

    def __init__(self) -> None:
        self.seen: list[tuple[str, str]] = []
        self.respond: str | None = None  # a button text to click instead of closing
        self._watch = _ModalShown(self._close)

    def _close(self, widget: QWidget) -> None:
        if not widget.isVisible():
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

    def stop(self) -> None:
        self._watch.stop()
