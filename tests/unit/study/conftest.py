"""Fixtures for the study tests: a data folder and collections closed after each test."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from study_support import T0, open_collection

from rapport.content import Deck
from rapport.study import Collection

OpenCollection = Callable[..., Collection]


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    return tmp_path / "data"


@pytest.fixture
def open_col(data_dir: Path) -> Iterator[OpenCollection]:
    """Open collections on ``data_dir``; each is closed (lock released) at teardown."""
    opened: list[Collection] = []

    def opener(decks: Sequence[Deck], now: datetime = T0, **kwargs: Any) -> Collection:
        collection = open_collection(data_dir, decks, now, **kwargs)
        opened.append(collection)
        return collection

    yield opener
    for collection in opened:
        try:
            collection.close(T0)
        except Exception:
            pass
