"""Every Qt view of Rapport; the only package that imports PySide6.

PySide6 is pinned to 6.11.3: on Python 3.11, 6.12.0 hands back ``None`` and the bools
from calls such as ``setText`` without taking a reference, so a long study session ends
in "Fatal Python error: none_dealloc" (tests/unit/ui/test_pyside_references.py).
"""
