"""CBM marks and calibration on hand-made answer histories."""

from __future__ import annotations

from datetime import timedelta

import pytest

from rapport.content import Card
from rapport.content.notes.model import CardKey
from rapport.store import LoggedAnswer
from rapport.study.calibration import (
    calibration_by,
    calibration_of,
    cbm_score,
    confident_errors,
    is_right,
    misconceptions,
)
from rapport.study.certainty import Certainty, cbm_mark
from tests.support.choices import choice, typed
from tests.support.collection import T0, basic

CARDS = {
    CardKey("a", n.id, 0): Card("a", n, 0)
    for n in (
        choice("c1", "Bond", ["Goal", "Task"], concept="alliance"),
        choice("c2", "Warmth", ["Advice", "Silence"], concept="empathy"),
        typed("t1", "empathy", concept="empathy"),
        basic("b1", concept="alliance"),
    )
}


def lookup(key: CardKey) -> Card | None:
    return CARDS.get(key)


def answer(
    note: str,
    rating: int,
    certainty: int | None,
    picked: str | None = None,
    response: str | None = None,
    minute: int = 0,
) -> LoggedAnswer:
    concept = CARDS[CardKey("a", note, 0)].note.concept
    return LoggedAnswer(
        "a", note, 0, concept, T0 + timedelta(minutes=minute), rating, 4000, certainty, picked,
        response,
    )  # fmt: skip


@pytest.mark.parametrize(
    ("certainty", "right", "mark"),
    [(1, True, 1), (2, True, 2), (3, True, 3), (1, False, 0), (2, False, -2), (3, False, -6)],
)
def test_cbm_marks_are_gardner_medwins(certainty: int, right: bool, mark: int) -> None:
    assert cbm_mark(certainty, right) == mark


def test_cbm_score_beside_the_plain_score() -> None:
    # 3 high right (+9), 1 high wrong (-6), 1 mid right (+2), 1 low wrong (0), 1 unmarked right
    score = cbm_score(
        [(3, True), (3, True), (3, True), (3, False), (2, True), (1, False), (None, True)]
    )
    assert (score.answers, score.right, score.marked, score.marks) == (7, 5, 6, 5)
    assert score.share_right == pytest.approx(5 / 7)
    assert score.average_mark == pytest.approx(5 / 6)
    assert score.accuracy == pytest.approx(5 / 18)
    empty = cbm_score([])
    assert empty.share_right is None and empty.average_mark is None


def test_right_is_the_key_picked_on_a_choice_card_else_not_again() -> None:
    # Graded Good by hand but the pick was a distractor: wrong.
    assert not is_right(answer("c1", 3, 3, picked="Goal"), lookup(CardKey("a", "c1", 0)))
    assert is_right(answer("c1", 1, 3, picked="Bond"), lookup(CardKey("a", "c1", 0)))
    assert is_right(answer("b1", 2, 1), lookup(CardKey("a", "b1", 0)))
    assert not is_right(answer("t1", 1, 1, response="x"), lookup(CardKey("a", "t1", 0)))


def test_calibration_counts_each_level_with_the_answers_behind_it() -> None:
    history = [
        answer("c1", 3, 3, "Bond", minute=0),
        answer("c1", 1, 3, "Goal", minute=1),
        answer("c2", 3, 3, "Warmth", minute=2),
        answer("c2", 3, 3, "Warmth", minute=3),
        answer("b1", 3, 2, minute=4),
        answer("b1", 1, 2, minute=5),
        answer("t1", 1, 1, response="sympathy", minute=6),
        answer("b1", 3, None, minute=7),  # no certainty stated: not counted
    ]
    whole = calibration_of("All", history, lookup)
    assert [(p.answers, p.right) for p in whole.points] == [(1, 0), (2, 1), (4, 3)]
    assert whole.point(Certainty.HIGH).share_right == 0.75
    assert whole.answers == 7
    assert "High certainty: 75% right of 4" in whole.describe()
    by_concept = {c.group: c for c in calibration_by(history, lookup, lambda a: a.concept)}
    assert [(p.answers, p.right) for p in by_concept["alliance"].points] == [
        (0, 0),
        (2, 1),
        (2, 1),
    ]
    assert by_concept["alliance"].points[0].share_right is None
    assert [(p.answers, p.right) for p in by_concept["empathy"].points] == [
        (1, 0),
        (0, 0),
        (2, 2),
    ]


def test_confident_errors_list_each_card_once_with_its_rationale() -> None:
    history = [
        answer("c1", 1, 3, "Task", minute=0),
        answer("c1", 3, 3, "Goal", minute=1),  # graded Good, yet the pick is wrong
        answer("c2", 1, 2, "Advice", minute=2),  # mid certainty: not confident
        answer("t1", 1, 3, response="sympathy", minute=3),
        answer("b1", 3, 3, minute=4),  # right
    ]
    errors = confident_errors(history, lookup)
    assert [(e.key.note_id, e.given) for e in errors] == [("t1", "sympathy"), ("c1", "Goal")]
    assert (
        errors[1].rationale == "Goal is a common mix-up. Right: Bond. Bond is what the essay says."
    )
    assert errors[0].rationale == "Right: empathy."
    assert errors[1].question == "Which is right for c1?"


def test_misconceptions_rank_the_wrong_options_picked_most() -> None:
    history = [
        answer("c1", 1, None, "Goal"),
        answer("c1", 1, None, "Goal"),
        answer("c1", 1, None, "Task"),
        answer("c2", 1, None, "Advice"),
        answer("c2", 1, None, "Advice"),
        answer("c2", 1, None, "Advice"),
        answer("c2", 3, None, "Warmth"),
        answer("t1", 1, None, response="sympathy "),
    ]
    found = misconceptions(history, lookup)
    assert [(m.key.note_id, m.given, m.count) for m in found] == [
        ("c2", "Advice", 3),
        ("c1", "Goal", 2),
        ("c1", "Task", 1),
        ("t1", "sympathy", 1),
    ]
    assert found[0].rationale.startswith("Advice is a common mix-up.")
