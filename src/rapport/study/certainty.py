"""Certainty-based marking: the levels a trainee may state before an answer shows, and
the mark each earns (Gardner-Medwin's scheme; see :mod:`rapport.study.calibration` for
what the answers' certainty says over many answers).

Apart from the calibration so that the reviewer, which asks for certainty on the first
card, does not load the statistics' records (see "Start-up budget" in
tests/benchmarks/README.md).
"""

from __future__ import annotations

from enum import IntEnum

# The preference (``Collection.get_pref``) that turns certainty-based marking on ("1").
PREF_CERTAINTY = "certainty_marking"


class Certainty(IntEnum):
    """How sure the trainee said they were, before the answer showed."""

    LOW = 1
    MID = 2
    HIGH = 3

    @property
    def label(self) -> str:
        return self.name.capitalize()


# (mark if right, mark if wrong) per certainty level.
CBM_MARKS: dict[Certainty, tuple[int, int]] = {
    Certainty.LOW: (1, 0),
    Certainty.MID: (2, -2),
    Certainty.HIGH: (3, -6),
}
# The share right above which each level pays best (low: below 67%).
CBM_THRESHOLDS: dict[Certainty, tuple[float, float]] = {
    Certainty.LOW: (0.0, 2 / 3),
    Certainty.MID: (2 / 3, 0.8),
    Certainty.HIGH: (0.8, 1.0),
}


def cbm_mark(certainty: int, right: bool) -> int:
    """The CBM mark of one answer (see :data:`CBM_MARKS`)."""
    good, bad = CBM_MARKS[Certainty(certainty)]
    return good if right else bad
