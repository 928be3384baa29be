"""What Home shows of each deck (kept apart from :mod:`rapport.study.stats`, which the
statistics view and ``rapport stats`` load when first used, off the start-up path)."""

from __future__ import annotations

from typing import NamedTuple


# A named tuple: see "Start-up budget" in tests/benchmarks/README.md.
class DeckCounts(NamedTuple):
    """A deck's cards to study today (within the daily limits) and its size."""

    deck_id: str
    name: str
    new: int
    learning: int
    due: int
    total: int
