"""Fixtures for deck-file tests: a helper that writes a deck beside a copy of the essay."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from tests.support.decks import MINI_HEADER as HEADER
from tests.support.decks import copy_essay


@pytest.fixture
def write_deck(tmp_path: Path) -> Callable[[str], Path]:
    """Write deck TOML (header included unless the text has its own ``id =``) to a file."""
    copy_essay(tmp_path)
    counter = iter(range(1000))

    def write(body: str, *, header: bool = True) -> Path:
        path = tmp_path / f"deck{next(counter)}.toml"
        path.write_text((HEADER if header else "") + body, encoding="utf-8")
        return path

    return write
