"""An exam date on a preset: will the load before it fit the trainee's limits, what
retention or daily new cards would, and how much of the deck they would recall on the
day (FSRS retrievability). Built on the simulator (:mod:`rapport.study.simulate`), whose
model it shares:

* the **load fits** when, on every day before the exam, the reviews due stay within the
  preset's reviews a day, and every new card is learnt before the exam day at the
  preset's new cards a day;
* **offered retention**: the highest of 0.70-0.97 whose simulated load fits the reviews
  limit (none if even 0.70 does not); **offered new cards a day**: the fewest that learn
  every new card before the exam;
* **recalled on the day**: the expected share of the deck's cards (new ones included, a
  card never learnt counting as not recalled) recalled on the exam day.
"""

from __future__ import annotations

import math
import random
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date

from rapport.study.simulate import RETENTIONS, SEED, Plan, SimCard, Workload, simulate


@dataclass(frozen=True, slots=True)
class ExamOutlook:
    """What the days up to the exam look like at the preset's settings."""

    exam: date
    days: int
    retention: float
    peak_reviews: int
    days_over_limit: int
    unlearnt: int
    recalled_share: float
    offered_retention: float | None
    offered_new_per_day: int | None
    warnings: tuple[str, ...]

    @property
    def fits(self) -> bool:
        return not self.warnings


def _share(result: Workload, total: int) -> float:
    return result.remembered / total if total else 1.0


def exam_outlook(
    cards: Sequence[SimCard],
    new_cards: int,
    plan: Plan,
    costs: Mapping[str, float],
    retention: float,
    today: date,
    exam: date,
) -> ExamOutlook:
    """The outlook for an exam on ``exam`` (``plan.days`` is ignored: the simulation runs
    from today up to the exam day)."""
    days = (exam - today).days
    if days < 1:
        raise ValueError("The exam date must be after today.")
    plan = replace(plan, days=days)
    total = len(cards) + new_cards

    def run(at: float, p: Plan = plan) -> Workload:
        return simulate(cards, new_cards, p, costs, at, random.Random(SEED))

    result = run(retention)
    limit = plan.reviews_per_day
    over = sum(1 for n in result.due_per_day if n > limit)
    peak = max(result.due_per_day, default=0)
    unlearnt = new_cards - result.learnt
    warnings = []
    offered_retention = offered_new = None
    if over:
        warnings.append(
            f"On {over} of the {days} days before the exam more reviews fall due than your "
            f"limit of {limit} a day (up to {peak})."
        )
        for candidate in sorted((r for r in RETENTIONS if r < retention), reverse=True):
            if max(run(candidate).due_per_day, default=0) <= limit:
                offered_retention = candidate
                break
    if unlearnt > 0:
        offered_new = math.ceil(new_cards / days)
        warnings.append(
            f"{unlearnt} new cards would not be learnt before the exam at "
            f"{plan.new_per_day} a day; {offered_new} a day learns them all."
        )
    return ExamOutlook(
        exam=exam,
        days=days,
        retention=retention,
        peak_reviews=peak,
        days_over_limit=over,
        unlearnt=unlearnt,
        recalled_share=_share(result, total),
        offered_retention=offered_retention,
        offered_new_per_day=offered_new,
        warnings=tuple(warnings),
    )
