"""The one answer checker of the core, the time cap and the suggested rating."""

from __future__ import annotations

from datetime import timedelta

import pytest

from rapport.content.notes.answers import Segment, Verdict, check_choice, check_typed
from rapport.study import MAX_ANSWER_TIME, Rating, capped_duration, suggested_rating

ACCEPTED = ("the most important common factor", "common factor")


@pytest.mark.parametrize(
    "response",
    [
        "the most important common factor",
        "Most Important  Common Factor!",
        "móst impórtant common factor",
        "common factor",
        "a common factor.",
    ],
)
def test_right_ignores_case_spacing_punctuation_accents_and_article(response: str) -> None:
    assert check_typed(response, ACCEPTED).verdict is Verdict.RIGHT


def test_an_accept_alternative_is_right_and_named() -> None:
    check = check_typed("Common factor", ACCEPTED)
    assert check.verdict is Verdict.RIGHT and check.expected == "common factor"
    assert check.accepted_alternative and check.answer == ACCEPTED[0]


def test_a_small_slip_is_close_with_the_difference() -> None:
    check = check_typed("most importnt common factor", ACCEPTED)
    assert check.verdict is Verdict.CLOSE and check.counts_as_known
    assert check.expected == ACCEPTED[0]
    assert Segment("a", False) in check.wanted  # the missing letter
    assert "".join(s.text for s in check.typed) == "most importnt common factor"


def test_wrong_and_empty_are_wrong() -> None:
    assert check_typed("alliance", ACCEPTED).verdict is Verdict.WRONG
    empty = check_typed("   ", ACCEPTED)
    assert empty.verdict is Verdict.WRONG and empty.response == ""
    assert check_typed("bind", ("bond",)).verdict is Verdict.WRONG  # too short for a slip


def test_choice_is_right_or_wrong() -> None:
    assert check_choice(True) is Verdict.RIGHT and check_choice(False) is Verdict.WRONG


def test_suggested_rating_follows_the_verdict() -> None:
    assert suggested_rating(Verdict.RIGHT) is Rating.GOOD
    assert suggested_rating(Verdict.CLOSE) is Rating.HARD
    assert suggested_rating(Verdict.WRONG) is Rating.AGAIN
    assert suggested_rating(None) is Rating.GOOD


def test_answer_time_is_capped_and_never_negative() -> None:
    assert capped_duration(timedelta(minutes=10)) == MAX_ANSWER_TIME
    assert capped_duration(timedelta(seconds=-3)) == timedelta(0)
    assert capped_duration(timedelta(seconds=7)) == timedelta(seconds=7)


def test_the_difference_is_drawn_against_the_spelling_nearest_as_typed() -> None:
    accepted = ("the most important common factor", "most important common factor")
    check = check_typed("most importnt comon factor", accepted)
    assert check.verdict is Verdict.CLOSE
    assert check.expected == "most important common factor"  # no "the" shown as missing
