"""The workload/retention simulator (issue 23, item 2): its totals on a toy collection
against a hand computation with FSRS's formulas, and the curve from a real collection."""

from __future__ import annotations

import math
import random
from datetime import timedelta

from rapport.store import CardState, Phase, ReviewRecord
from rapport.study import optimize
from rapport.study import simulate as sim
from rapport.study.settings import DEFAULT_PRESET
from tests.support.collection import T0, OpenCollection, basic, make_deck, with_settings

W = optimize.default_parameters()
DECAY = -W[20]
FACTOR = 0.9 ** (1 / DECAY) - 1


def recall(days: float, stability: float) -> float:
    return float((1 + FACTOR * days / stability) ** DECAY)


def after_success(stability: float, difficulty: float, r: float) -> float:
    """FSRS-6's stability after a Good review, written out."""
    growth = math.exp(W[8]) * (11 - difficulty) * stability ** -W[9]
    return float(stability * (1 + growth * (math.exp(W[10] * (1 - r)) - 1)))


class AlwaysRecalled(random.Random):
    def random(self) -> float:
        return 0.0


def test_one_card_by_hand() -> None:
    # A card of stability 10 reviewed today, 25 days, every review recalled.
    card = sim.SimCard(stability=10.0, difficulty=5.0, last_day=0, due_day=10)
    plan = sim.Plan(days=25, new_per_day=0, reviews_per_day=100, maximum_interval=36500,
                    learning_steps=2, parameters=W)  # fmt: skip
    costs = {"learning": 12.0, "pass": 9.0, "fail": 30.0, "relearning": 6.0}
    result = sim.simulate([card], 0, plan, costs, 0.9, AlwaysRecalled())
    # At 0.9 the interval is the stability: due on day 10, recall there is 0.9; Good
    # makes stability s1, next due s1 days later (past day 25): one review in all.
    s1 = after_success(10.0, 5.0, 0.9)
    assert s1 > 15 and round(s1) + 10 > 25
    assert result.reviews == 1 and result.learnt == 0
    assert math.isclose(result.minutes_per_day, 9.0 / 60 / 25, rel_tol=1e-9)
    assert math.isclose(result.remembered, recall(25 - 10, s1), rel_tol=1e-5)


def test_new_cards_and_a_lapse_by_hand() -> None:
    # No studied card, 3 new a day for 2 days: 6 learnt at 2 steps of 12 s each.
    plan = sim.Plan(days=2, new_per_day=3, reviews_per_day=100, maximum_interval=36500,
                    learning_steps=2, parameters=W)  # fmt: skip
    costs = {"learning": 12.0, "pass": 9.0, "fail": 30.0, "relearning": 6.0}
    result = sim.simulate([], 10, plan, costs, 0.9, random.Random(1))
    assert (result.learnt, result.reviews, result.cards) == (6, 0, 6)
    assert math.isclose(result.minutes_per_day, 6 * 2 * 12.0 / 60 / 2)

    class NeverRecalled(random.Random):
        def random(self) -> float:
            return 0.999999

    # A card due today, forgotten: Again + one relearning answer = 36 s, on day 0.
    card = sim.SimCard(stability=2.0, difficulty=5.0, last_day=-30, due_day=-28)
    one_day = sim.Plan(days=1, new_per_day=0, reviews_per_day=100, maximum_interval=36500,
                       learning_steps=1, parameters=W)  # fmt: skip
    lapse = sim.simulate([card], 0, one_day, costs, 0.9, NeverRecalled())
    assert lapse.reviews == 1 and math.isclose(lapse.minutes_per_day, 36.0 / 60)


def test_review_limit_moves_the_rest_to_the_next_day() -> None:
    cards = [sim.SimCard(5.0, 5.0, -5, 0) for _ in range(3)]
    plan = sim.Plan(days=1, new_per_day=0, reviews_per_day=2, maximum_interval=36500,
                    learning_steps=1, parameters=W)  # fmt: skip
    result = sim.simulate(cards, 0, plan, sim.DEFAULT_COSTS, 0.9, AlwaysRecalled())
    assert result.reviews == 2


def test_curve_from_the_trainees_cards(open_col: OpenCollection) -> None:
    deck = make_deck("a", [basic(f"n{i}") for i in range(40)])
    col = open_col([deck], settings=with_settings(new_per_day=5))
    for card in deck.cards()[:20]:
        before = CardState(Phase.NEW, 0, None, None, None, None)
        after = CardState(Phase.REVIEW, 0, 4.0, 5.0, T0 + timedelta(days=4), T0)
        col.store.record_review(
            ReviewRecord(col.require_id(card), T0, 3, timedelta(seconds=6), before, after)
        )
    curve = col.simulator(DEFAULT_PRESET, T0, days=60)(col.store)
    assert [w.retention for w in curve] == list(sim.RETENTIONS)
    assert curve[0].retention == 0.7 and curve[-1].retention == 0.97
    # Every card is learnt within the 60 days; a higher retention costs more time.
    assert all(w.learnt == 20 and w.cards == 40 for w in curve)
    assert curve[-1].minutes_per_day > curve[0].minutes_per_day
    assert curve[-1].reviews > curve[0].reviews
    # The trainee's own time for a learning answer (6 s) is the cost used.
    assert sim.costs_from(col.store.answer_times(["a"]))["learning"] == 6.0
