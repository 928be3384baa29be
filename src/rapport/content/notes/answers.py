"""The one answer checker: how a typed response compares with the expected answer.

Every view that checks what a trainee typed (the review screen, the practice test and any
later one) calls :func:`check_typed`, so the same response gets the same verdict
everywhere. It is lenient where a person would be (Anki's ``col.compare_answer`` does the
comparison in the core as well):

* case, accents, punctuation, spacing and a leading "a", "an" or "the" do not matter
  (:func:`normalise`);
* every accepted spelling counts (the answer first, then each ``accept`` alternative);
* a single slip of the keyboard in a longer answer (one letter added, dropped, changed or
  two swapped; one slip for five letters or more, two for twelve or more) is
  :attr:`Verdict.CLOSE`: counted as known, with the difference shown.

The result carries the difference character by character (:class:`Segment`) so each view
can draw it its own way; nothing here knows about colours or HTML.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import NamedTuple

_ARTICLE = re.compile(r"^(?:a|an|the)\s+")
_NOT_WORD = re.compile(r"[^\w]+")


class Verdict(StrEnum):
    """How a response compares with the expected answer."""

    RIGHT = "right"
    CLOSE = "close"  # right but for a small slip, which is shown
    WRONG = "wrong"

    @property
    def counts_as_known(self) -> bool:
        """Right or close: the trainee knew it."""
        return self is not Verdict.WRONG


class Segment(NamedTuple):
    """A run of characters in a difference: ``ok`` when it matches the other side."""

    text: str
    ok: bool


@dataclass(frozen=True, slots=True)
class AnswerCheck:
    """The checked response.

    ``response`` is what was typed (spaces collapsed); ``expected`` the accepted spelling
    it came closest to; ``answer`` the note's main answer. ``typed`` and ``wanted`` are the
    two lines of the difference (as Anki shows a typed answer): the response with its
    wrong characters marked, and the expected spelling with the missing ones marked.
    """

    verdict: Verdict
    response: str
    expected: str
    answer: str
    typed: tuple[Segment, ...]
    wanted: tuple[Segment, ...]

    @property
    def counts_as_known(self) -> bool:
        return self.verdict.counts_as_known

    @property
    def accepted_alternative(self) -> bool:
        """Whether the response matched an ``accept`` spelling rather than the answer."""
        return normalise(self.expected) != normalise(self.answer)


def normalise(text: str) -> str:
    """Fold an answer for comparison: case, accents, punctuation, spacing, a leading article."""
    folded = unicodedata.normalize("NFKD", text.casefold())
    folded = "".join(ch for ch in folded if not unicodedata.combining(ch))
    folded = _NOT_WORD.sub(" ", folded.replace("_", " ")).strip()
    return _ARTICLE.sub("", folded)


def edits(a: str, b: str) -> int:
    """Optimal string alignment distance: insertions, deletions, changes, adjacent swaps."""
    prev2: list[int] = []
    prev = list(range(len(b) + 1))
    for i in range(1, len(a) + 1):
        row = [i] + [0] * len(b)
        for j in range(1, len(b) + 1):
            cost = 0 if a[i - 1] == b[j - 1] else 1
            row[j] = min(prev[j] + 1, row[j - 1] + 1, prev[j - 1] + cost)
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                row[j] = min(row[j], prev2[j - 2] + 1)
        prev2, prev = prev, row
    return prev[len(b)]


def slips_allowed(answer: str) -> int:
    """How many slips a (normalised) answer of this length forgives."""
    return 2 if len(answer) >= 12 else 1 if len(answer) >= 5 else 0


def check_typed(response: str, accepted: Sequence[str]) -> AnswerCheck:
    """Check a typed ``response`` against ``accepted`` (the main answer first)."""
    if not accepted:
        raise ValueError("an answer to check against is needed")
    given = " ".join(response.split())
    typed = normalise(given)
    folded = [normalise(a) for a in accepted]
    verdict = Verdict.WRONG
    expected = accepted[0]
    if typed:
        exact = [a for a, f in zip(accepted, folded, strict=True) if f == typed]
        if exact:
            verdict, expected = Verdict.RIGHT, _closest(given, exact)
        else:
            distances = [(edits(typed, f), i) for i, f in enumerate(folded) if f]
            best = min((d for d, i in distances if d <= slips_allowed(folded[i])), default=None)
            if best is not None:
                nearest = [accepted[i] for d, i in distances if d == best]
                verdict, expected = Verdict.CLOSE, _closest(given, nearest)
            else:
                expected = _closest(given, accepted)
    typed_line, wanted_line = _difference(given, expected)
    return AnswerCheck(verdict, given, expected, accepted[0], typed_line, wanted_line)


def _closest(given: str, candidates: Sequence[str]) -> str:
    """The spelling the trainee was most likely aiming at, as typed (the first on a tie):
    the one the difference will show, so that it shows as little as it truly must."""
    if len(candidates) == 1:
        return candidates[0]
    from difflib import SequenceMatcher  # only typed answers need it; start-up does not

    typed = given.casefold()
    return max(candidates, key=lambda c: SequenceMatcher(None, typed, c.casefold()).ratio())


def _difference(given: str, expected: str) -> tuple[tuple[Segment, ...], tuple[Segment, ...]]:
    """The two lines of the difference, compared without regard to case."""
    from difflib import SequenceMatcher

    typed_line: list[Segment] = []
    wanted_line: list[Segment] = []
    matcher = SequenceMatcher(None, given.casefold(), expected.casefold(), autojunk=False)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        ok = op == "equal"
        if i2 > i1:
            typed_line.append(Segment(given[i1:i2], ok))
        if j2 > j1:
            wanted_line.append(Segment(expected[j1:j2], ok))
    return tuple(typed_line), tuple(wanted_line)


def check_choice(correct: bool) -> Verdict:
    """The verdict on a picked option: right or wrong, nothing in between."""
    return Verdict.RIGHT if correct else Verdict.WRONG
