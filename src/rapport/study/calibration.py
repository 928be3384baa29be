"""Certainty-based marking, calibration and misconceptions: what the trainee's answers say
beyond right and wrong.

Definitions (one home for each; the statistics, the progress report and the class report
all call these):

* **certainty** is what the trainee stated before the answer showed, in certainty-based
  marking (Gardner-Medwin's scheme): 1 low, 2 mid, 3 high. It is kept with the answer
  (``revlog.certainty``) and never becomes the grade: the grade (FSRS's rating) still
  comes from correctness.
* an answer is **right** when, on a choice card with a recorded pick, the option picked
  is the key; on any other card, when it was not graded Again (the statistics' "passed").
* **CBM marks** (:mod:`rapport.study.certainty`): +1/+2/+3 for a right answer at
  low/mid/high certainty, 0/-2/-6 for a wrong one. Over many answers, high certainty pays
  only above 80% right and mid only above 67%, so honest certainty scores best.
* **calibration**: for each certainty level, the answers stated at it and the share of
  them right, with the count behind each point.
* a **confident error** is an answer stated at high certainty and wrong: the
  misconceptions to work on first (each card once, its latest such answer).
* a **misconception** is a wrong option picked on a choice card (or a wrong text typed on
  a typed card), counted over the answers.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

from rapport.content import Card
from rapport.content.notes.kinds import (
    Interaction,
    answer_of,
    pick_key,
    pick_options,
    question_of,
    rules_of,
)
from rapport.content.notes.model import CardKey
from rapport.store import LoggedAnswer
from rapport.study.certainty import Certainty, cbm_mark


@dataclass(frozen=True, slots=True)
class CbmScore:
    """A set of answers scored with CBM marks beside the plain score."""

    answers: int  # every answer
    right: int
    marked: int  # answers with a stated certainty (the others score no CBM mark)
    marks: int  # the sum of their CBM marks

    @property
    def share_right(self) -> float | None:
        return self.right / self.answers if self.answers else None

    @property
    def average_mark(self) -> float | None:
        """The mean CBM mark per marked answer (-6 to +3)."""
        return self.marks / self.marked if self.marked else None

    @property
    def accuracy(self) -> float | None:
        """The CBM marks as a share of the most there were to have (+3 each)."""
        return self.marks / (3 * self.marked) if self.marked else None


def cbm_score(answers: Iterable[tuple[int | None, bool]]) -> CbmScore:
    """Score ``(certainty or None, right)`` pairs: the plain score and the CBM marks."""
    count = right = marked = marks = 0
    for certainty, is_right in answers:
        count += 1
        right += is_right
        if certainty is not None:
            marked += 1
            marks += cbm_mark(certainty, is_right)
    return CbmScore(count, right, marked, marks)


@dataclass(frozen=True, slots=True)
class CalibrationPoint:
    """Answers stated at one certainty level and those of them right."""

    certainty: Certainty
    answers: int
    right: int

    @property
    def share_right(self) -> float | None:
        return self.right / self.answers if self.answers else None


@dataclass(frozen=True, slots=True)
class Calibration:
    """Certainty against the share right, for one group of answers (all, a deck, a
    concept): one point per level, always three."""

    group: str
    points: tuple[CalibrationPoint, CalibrationPoint, CalibrationPoint]

    @property
    def answers(self) -> int:
        return sum(p.answers for p in self.points)

    def point(self, certainty: Certainty) -> CalibrationPoint:
        return self.points[int(certainty) - 1]

    def describe(self) -> str:
        """The points in words (the charts' text alternative)."""
        parts = []
        for p in self.points:
            share = "no answers" if p.share_right is None else f"{p.share_right:.0%} right"
            parts.append(f"{p.certainty.label} certainty: {share} of {p.answers}")
        return f"{self.group}: " + "; ".join(parts)


def is_right(answer: LoggedAnswer, card: Card | None) -> bool:
    """Whether ``answer`` was right (see the module's definitions)."""
    key = pick_key(card.note) if answer.picked is not None and card is not None else None
    if key is not None:
        return answer.picked == key.text
    return answer.rating != 1


Lookup = Callable[[CardKey], Card | None]


def key_of(answer: LoggedAnswer) -> CardKey:
    return CardKey(answer.deck_id, answer.note_id, answer.ordinal)


def calibration_of(group: str, answers: Iterable[LoggedAnswer], lookup: Lookup) -> Calibration:
    """The calibration of the answers with a stated certainty among ``answers``."""
    counts = {c: [0, 0] for c in Certainty}
    for answer in answers:
        if answer.certainty is None or answer.certainty not in (1, 2, 3):
            continue
        cell = counts[Certainty(answer.certainty)]
        cell[0] += 1
        cell[1] += is_right(answer, lookup(key_of(answer)))
    low, mid, high = (CalibrationPoint(c, *counts[c]) for c in Certainty)
    return Calibration(group, (low, mid, high))


def calibration_by(
    answers: Sequence[LoggedAnswer], lookup: Lookup, group: Callable[[LoggedAnswer], str]
) -> list[Calibration]:
    """Calibration per group (e.g. per deck or per concept), groups with a stated certainty
    only, in the groups' order."""
    groups: dict[str, list[LoggedAnswer]] = {}
    for answer in answers:
        if answer.certainty is not None:
            groups.setdefault(group(answer), []).append(answer)
    return [calibration_of(name, groups[name], lookup) for name in sorted(groups)]


@dataclass(frozen=True, slots=True)
class ConfidentError:
    """A card answered wrong at high certainty (its latest such answer)."""

    key: CardKey
    concept: str
    time: datetime
    question: str
    given: str  # the option picked or the text typed ("" when neither was recorded)
    rationale: str  # why the given option is wrong, or the right answer with its reason


def rationale_of(card: Card, given: str | None) -> str:
    """Why ``given`` is wrong and what is right, in the deck's words."""
    options, key = pick_options(card.note), pick_key(card.note)
    if options is not None and key is not None:
        picked = next((o for o in options if o.text == given), None)
        parts = []
        if picked is not None and not picked.correct:
            parts.append(picked.why)
        parts.append(f"Right: {key.text.rstrip('.')}. {key.why}".strip())
        return " ".join(p for p in parts if p)
    return f"Right: {answer_of(card).rstrip('.')}."


def confident_errors(answers: Sequence[LoggedAnswer], lookup: Lookup) -> list[ConfidentError]:
    """The confident errors among ``answers``, latest first, each card once."""
    seen: set[CardKey] = set()
    out: list[ConfidentError] = []
    for answer in reversed(answers):
        key = key_of(answer)
        if answer.certainty != Certainty.HIGH or key in seen:
            continue
        card = lookup(key)
        if card is None or is_right(answer, card):
            continue
        seen.add(key)
        given = answer.picked if answer.picked is not None else (answer.response or "")
        out.append(
            ConfidentError(
                key,
                answer.concept,
                answer.time,
                question_of(card),
                given,
                rationale_of(card, answer.picked),
            )
        )
    return out


@dataclass(frozen=True, slots=True)
class Misconception:
    """A wrong option picked (or a wrong text typed) and how often."""

    key: CardKey
    concept: str
    question: str
    given: str
    count: int
    rationale: str


def misconceptions(
    answers: Sequence[LoggedAnswer], lookup: Lookup, limit: int = 20
) -> list[Misconception]:
    """The wrong options picked (and wrong texts typed) most often, most first."""
    counts: Counter[tuple[CardKey, str]] = Counter()
    concepts: dict[CardKey, str] = {}
    for answer in answers:
        key = key_of(answer)
        card = lookup(key)
        if card is None or is_right(answer, card):
            continue
        interaction = rules_of(card.note).interaction
        if interaction is Interaction.PICK and answer.picked is not None:
            given = answer.picked
        elif interaction is Interaction.TYPE and answer.response:
            given = " ".join(answer.response.split())
        else:
            continue
        counts[key, given] += 1
        concepts[key] = answer.concept
    out = []
    for (key, given), count in counts.most_common(limit):
        card = lookup(key)
        assert card is not None
        out.append(
            Misconception(
                key, concepts[key], question_of(card), given, count, rationale_of(card, given)
            )
        )
    return out
