"""Fixtures for the study tests (defined in study_support, shared with the store tests)."""

from study_support import data_dir, open_col

__all__ = ["data_dir", "open_col"]
