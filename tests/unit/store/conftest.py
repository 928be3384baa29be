"""Fixtures for the store tests: the shared collection helpers."""

from tests.support.collection import data_dir, open_col

__all__ = ["data_dir", "open_col"]
