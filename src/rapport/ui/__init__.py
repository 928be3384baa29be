"""Every Qt view of Rapport; the only package that imports PySide6."""

from rapport.ui import _refcount_guard  # noqa: F401  (first: PySide6 6.12 on Python 3.11)
