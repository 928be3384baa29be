"""An exam date (issue 23, item 3): the warning when the load before it exceeds the
limits, the retention or new cards a day offered, the share recalled on the day."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from rapport.store import CardState, Phase, ReviewRecord
from rapport.study import InvalidSettings, optimize
from rapport.study import simulate as sim
from rapport.study.exam import exam_outlook
from rapport.study.settings import DEFAULT_PRESET, Settings
from tests.support.collection import T0, OpenCollection, basic, make_deck, with_settings

W = optimize.default_parameters()
COSTS = dict(sim.DEFAULT_COSTS)
TODAY = date(2026, 3, 2)


def plan(new_per_day: int, reviews_per_day: int) -> sim.Plan:
    return sim.Plan(1, new_per_day, reviews_per_day, 36500, 2, W)


def test_new_cards_that_do_not_fit_warn_and_offer_a_daily_number() -> None:
    exam = TODAY + timedelta(days=4)
    outlook = exam_outlook([], 40, plan(5, 9999), COSTS, 0.9, TODAY, exam)
    # 4 days at 5 a day learn 20 of the 40: 20 left; 10 a day would learn them all.
    assert outlook.unlearnt == 20 and outlook.offered_new_per_day == 10
    assert not outlook.fits and "20 new cards would not be learnt" in outlook.warnings[0]
    # The offer fits: nothing left, no warning.
    fitted = exam_outlook([], 40, plan(10, 9999), COSTS, 0.9, TODAY, exam)
    assert fitted.fits and fitted.unlearnt == 0 and fitted.offered_new_per_day is None
    # Recalled on the day: every card learnt, each recalled with its retrievability.
    assert 0.5 < fitted.recalled_share <= 1.0
    assert outlook.recalled_share < fitted.recalled_share  # half the deck never learnt


def test_reviews_over_the_limit_warn_and_offer_a_lower_retention() -> None:
    # 60 cards of stability 3 reviewed a week ago: all overdue, due again and again.
    cards = [sim.SimCard(3.0, 6.0, -7, -4) for _ in range(60)]
    exam = TODAY + timedelta(days=20)
    outlook = exam_outlook(cards, 0, plan(0, 20), COSTS, 0.95, TODAY, exam)
    assert not outlook.fits and outlook.days_over_limit > 0 and outlook.peak_reviews == 60
    assert "more reviews fall due than your limit of 20 a day" in outlook.warnings[0]
    # Day 0 alone has 60 due: no retention can fit, so none is offered.
    assert outlook.offered_retention is None
    # Spread out (a few due each day): the lower retention that fits is offered.
    spread = [sim.SimCard(30.0, 5.0, -d, 8 + d % 12) for d in range(60)]
    heavy = exam_outlook(spread, 0, plan(0, 6), COSTS, 0.97, TODAY, exam)
    assert heavy.days_over_limit > 0 and heavy.offered_retention is not None
    assert heavy.offered_retention < 0.97
    check = exam_outlook(spread, 0, plan(0, 6), COSTS, heavy.offered_retention, TODAY, exam)
    assert check.days_over_limit == 0


def test_exam_date_on_a_preset(open_col: OpenCollection) -> None:
    deck = make_deck("a", [basic(f"n{i}") for i in range(30)])
    col = open_col([deck], settings=with_settings(new_per_day=2))
    for card in deck.cards()[:6]:
        before = CardState(Phase.NEW, 0, None, None, None, None)
        after = CardState(Phase.REVIEW, 0, 10.0, 5.0, T0 + timedelta(days=10), T0)
        col.store.record_review(
            ReviewRecord(col.require_id(card), T0, 3, timedelta(seconds=6), before, after)
        )
    with pytest.raises(InvalidSettings, match="no exam date"):
        col.exam_outlook(DEFAULT_PRESET, T0)
    col.save_settings(with_settings(new_per_day=2, exam_date="2026-03-12"))
    assert Settings.from_json(col.settings.to_json()).exam_date == "2026-03-12"
    outlook = col.exam_outlook(DEFAULT_PRESET, T0)(col.store)
    # 24 new cards, 10 days at 2 a day: 4 are left; 3 a day learns them all.
    assert outlook.days == 10 and outlook.unlearnt == 4 and outlook.offered_new_per_day == 3
    assert 0 < outlook.recalled_share < 1
    with pytest.raises(InvalidSettings, match="exam date"):
        Settings(exam_date="next June")
