"""The last line of defence: an unexpected exception shows a crash dialog, not a dead app.

Installed for the whole run by :func:`~rapport.ui.app.run_app`. The traceback goes to the
dialog, to standard error and to the log file (:mod:`rapport.logs`), which survives a
start from a desktop launcher. The dialog's module loads only when something does go
wrong, so start-up does not pay for it. Answers are committed
by the core as they are given, so a crash loses nothing.
"""

from __future__ import annotations

import logging
import sys
import traceback
from collections.abc import Callable
from types import TracebackType
from typing import TYPE_CHECKING

from rapport.errors import RapportError
from rapport.logs import open_log_file

if TYPE_CHECKING:
    from PySide6.QtWidgets import QWidget

    from rapport.ui.dialogs import CrashDialog

log = logging.getLogger(__name__)
_shown: list[CrashDialog | None] = []
_previous_hook: Callable[..., object] | None = None


def format_exception(
    kind: type[BaseException], value: BaseException, tb: TracebackType | None
) -> str:
    """The traceback text a crash dialog shows."""
    return "".join(traceback.format_exception(kind, value, tb))


def install_excepthook(parent: Callable[[], QWidget | None] = lambda: None) -> None:
    """Show unexpected exceptions in a :class:`~rapport.ui.dialogs.CrashDialog` instead of
    dying silently."""
    global _previous_hook
    if _previous_hook is None:
        _previous_hook = sys.excepthook

    def hook(kind: type[BaseException], value: BaseException, tb: TracebackType | None) -> None:
        details = format_exception(kind, value, tb)
        sys.stderr.write(details)
        log.error("unexpected error", exc_info=(kind, value, tb))
        open_log_file()  # at once, if start-up has not opened it yet
        if issubclass(kind, KeyboardInterrupt):
            return
        if _shown:  # one dialog at a time; an error inside it must not cascade
            return
        if issubclass(kind, RapportError):  # written for the trainee: no traceback
            from rapport.ui import dialogs

            _shown.append(None)
            try:
                dialogs.show_error(parent(), "Rapport cannot go on", str(value))
            finally:
                _shown.clear()
            return
        from rapport.ui.dialogs import CrashDialog

        dialog = CrashDialog(details, parent())
        _shown.append(dialog)
        try:
            dialog.exec()
        finally:
            _shown.clear()

    sys.excepthook = hook


def uninstall_excepthook() -> None:
    """Put back the hook :func:`install_excepthook` replaced."""
    global _previous_hook
    if _previous_hook is not None:
        sys.excepthook = _previous_hook
        _previous_hook = None
