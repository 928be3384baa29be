"""Guard against a reference-count bug in PySide6 6.12 on Python 3.11.

On Python 3.11 many PySide6 6.12 methods (``QPushButton.setText``, ``QWidget.setFocus``,
``QObject.property`` for a missing name, ...) hand back ``None`` (or a bool) without
taking a new reference to it, so each call leaves the singleton one reference short.
After a few thousand calls its count reaches zero and CPython aborts with "Fatal Python
error: none_dealloc" (or "bool_dealloc"): the app would die partway through a study
session. Python 3.12 made these singletons immortal, which hides the bug there.

The guard gives the three singletons a very large reference count once, at import, which
is what 3.12 does. It touches nothing on 3.12 and later.
"""

from __future__ import annotations

import sys

# Enough for 2**40 buggy calls; far below the Py_ssize_t limit.
_BALLAST = 1 << 40


def install() -> None:
    """Make ``None``, ``True`` and ``False`` effectively immortal on Python < 3.12."""
    if sys.version_info >= (3, 12) or sys.implementation.name != "cpython":
        return
    import ctypes

    for singleton in (None, True, False):
        # ob_refcnt is the first field of every CPython object.
        count = ctypes.c_ssize_t.from_address(id(singleton))
        if count.value < _BALLAST:
            count.value += _BALLAST


install()
