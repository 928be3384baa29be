"""Fixtures for the store tests: the study tests' helpers, decks built in code."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "study"))

from study_support import data_dir, open_col  # noqa: E402

__all__ = ["data_dir", "open_col"]
