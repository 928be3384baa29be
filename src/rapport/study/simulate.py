"""The workload/retention simulator (Anki's "Help me decide"): for a preset, from the
trainee's real cards and memory states, the minutes a day and the cards remembered over
the next days for each desired retention from 0.70 to 0.97.

The model, stated once:

* day 0 is today; a card's due day and last review day are whole days from today, an
  overdue card is due today;
* each day, the due cards are reviewed (at most the preset's reviews a day; the rest wait
  a day), then up to the preset's new cards a day are learnt;
* a review is recalled with FSRS's retrievability at that day, drawn from a seeded
  generator (the same draws for every retention): recalled is Good, forgotten is Again
  then one relearning answer (Good) the same day; a new card is Good at each of its
  learning steps;
* the next interval is FSRS's for the desired retention (whole days, at least one, at
  most the maximum interval), with the preset's FSRS parameters;
* time: each answer costs the trainee's own average seconds for its kind (learning,
  review passed, review failed, relearning), or :data:`DEFAULT_COSTS` without history;
* **minutes a day** is the simulated time over the days, averaged; **remembered** is the
  expected number of cards recalled on the last day: the sum of every studied card's
  retrievability then.
"""

from __future__ import annotations

import random
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import fsrs_rs_python as fr

RETENTIONS = tuple(round(0.70 + 0.01 * i, 2) for i in range(28))  # 0.70 ... 0.97
DEFAULT_DAYS = 365
# Seconds an answer takes when the trainee has no history of that kind yet (about
# Anki's simulator's defaults).
DEFAULT_COSTS: Mapping[str, float] = {
    "learning": 12.0,
    "pass": 8.0,
    "fail": 20.0,
    "relearning": 10.0,
}
SEED = 2023


@dataclass(frozen=True, slots=True)
class SimCard:
    """A studied card: FSRS memory state and its last review and due day (from today)."""

    stability: float
    difficulty: float
    last_day: int
    due_day: int


@dataclass(frozen=True, slots=True)
class Plan:
    """What the preset allows and how long the simulation runs."""

    days: int
    new_per_day: int
    reviews_per_day: int
    maximum_interval: int
    learning_steps: int
    parameters: tuple[float, ...]


@dataclass(frozen=True, slots=True)
class Workload:
    """One desired retention's outcome."""

    retention: float
    minutes_per_day: float
    reviews: int
    learnt: int
    remembered: float
    cards: int
    # Per day: the reviews due (before the daily limit) and the minutes spent.
    due_per_day: tuple[int, ...] = ()
    minutes_per_day_each: tuple[float, ...] = ()

    def to_json(self) -> dict[str, Any]:
        return {
            "retention": self.retention,
            "minutes_per_day": self.minutes_per_day,
            "reviews": self.reviews,
            "learnt": self.learnt,
            "remembered": self.remembered,
            "cards": self.cards,
        }


def costs_from(times: Mapping[str, tuple[int, float]]) -> dict[str, float]:
    """Average seconds per answer by kind from :meth:`Store.answer_times` (the defaults
    for a kind without answers)."""
    return {
        kind: (times[kind][1] / times[kind][0] if times.get(kind, (0, 0.0))[0] else default)
        for kind, default in DEFAULT_COSTS.items()
    }


def simulate(
    cards: Sequence[SimCard],
    new_cards: int,
    plan: Plan,
    costs: Mapping[str, float],
    retention: float,
    rng: random.Random,
) -> Workload:
    """Run the model above for one desired retention."""
    model = fr.FSRS(list(plan.parameters))
    decay = -plan.parameters[20]
    factor = 0.9 ** (1 / decay) - 1

    def recall(elapsed: int, stability: float) -> float:
        return float((1 + factor * elapsed / stability) ** decay)

    def interval(stability: float) -> int:
        days = round(model.next_interval(stability, retention, 3))
        return max(1, min(plan.maximum_interval, days))

    # Per card: [stability, difficulty, last day]; due cards per day.
    state: list[tuple[float, float, int]] = [(c.stability, c.difficulty, c.last_day) for c in cards]
    due: dict[int, list[int]] = {}
    for index, card in enumerate(cards):
        due.setdefault(max(0, card.due_day), []).append(index)
    seconds = 0.0
    reviews = learnt = 0
    left = new_cards
    demand: list[int] = []
    spent: list[float] = []
    for day in range(plan.days):
        before = seconds
        queue = due.pop(day, [])
        demand.append(len(queue))
        if len(queue) > plan.reviews_per_day:
            due.setdefault(day + 1, [])[:0] = queue[plan.reviews_per_day :]
            queue = queue[: plan.reviews_per_day]
        for index in queue:
            stability, difficulty, last = state[index]
            elapsed = day - last
            memory = fr.MemoryState(stability, difficulty)
            nexts = model.next_states(memory, retention, elapsed)
            reviews += 1
            if rng.random() < recall(elapsed, stability):
                after = nexts.good.memory
                seconds += costs["pass"]
            else:
                after = model.next_states(nexts.again.memory, retention, 0).good.memory
                seconds += costs["fail"] + costs["relearning"]
            state[index] = (after.stability, after.difficulty, day)
            due.setdefault(day + interval(after.stability), []).append(index)
        for _ in range(min(left, plan.new_per_day)):
            memory = model.next_states(None, retention, 0).good.memory
            for _ in range(max(0, plan.learning_steps - 1)):
                memory = model.next_states(memory, retention, 0).good.memory
            seconds += costs["learning"] * max(1, plan.learning_steps)
            state.append((memory.stability, memory.difficulty, day))
            due.setdefault(day + interval(memory.stability), []).append(len(state) - 1)
            learnt += 1
            left -= 1
        spent.append((seconds - before) / 60)
    end = plan.days
    remembered = sum(recall(end - last, stability) for stability, _, last in state)
    return Workload(
        retention=retention,
        minutes_per_day=seconds / 60 / max(1, plan.days),
        reviews=reviews,
        learnt=learnt,
        remembered=remembered,
        cards=len(state),
        due_per_day=tuple(demand),
        minutes_per_day_each=tuple(spent),
    )


def workload_curve(
    cards: Sequence[SimCard],
    new_cards: int,
    plan: Plan,
    costs: Mapping[str, float],
    retentions: Sequence[float] = RETENTIONS,
    seed: int = SEED,
) -> tuple[Workload, ...]:
    """:func:`simulate` for each retention, each with the same seeded draws."""
    return tuple(
        simulate(cards, new_cards, plan, costs, r, random.Random(seed)) for r in retentions
    )
