"""The item-writing checks by name, with why each matters, and the ``allow`` key that
names them.

A kind's ``item_cues`` report a cue under one of these names; ``rapport check``
(:mod:`rapport.content.checks.itemcheck`) runs the checks; the loader rejects a malformed
``allow`` (:func:`allow_problems`) without running any check. A note may suppress one of
its warnings with a reason, in the deck file::

    allow = ["longest-answer: the scale's full name is the point of the item"]
"""

from __future__ import annotations

from collections.abc import Mapping

# Each check's name (as written in ``allow``) and why it matters, in one line.
CHECKS: Mapping[str, str] = {
    "longest-answer": "test-wise trainees pick the longest option",
    "absolute": 'absolutes ("only", "never", "always", "at all") mark an option as wrong',
    "answer-echo": "a word shared only by the question and the answer gives the answer away",
    "reversed-term": "the definition side gives away the term it asks for",
    "cloze-hint": "the hint gives the deleted text away",
    "cloze-list": "items of one list can be guessed from each other; make the list one deletion",
    "near-duplicate": "two notes teaching the same fact the same way add reviews, not learning",
    "warm-key": "a test-wise trainee picks the gentle, collaborative option without the content",
    "grammar": "an option whose grammar differs from the others' stands out",
    "convergence": "the option sharing most with all the others is found without the content",
    "answer-elsewhere": "a card that prints another card's answer in its context gives it away",
    "same-fact": "two notes asking the same fact with the same answer add reviews, not learning",
    "unused-allow": "an allow entry that suppresses nothing would hide a later cue unseen",
}


def allow_problems(value: object) -> list[str]:
    """Why a note's ``allow`` value is malformed, one message each (empty if it is fine).

    Each entry is ``"check-name: reason"``: the reason is required, so that a suppressed
    warning always says why the cue is acceptable in this item.
    """
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        return ['must be a list of "check-name: reason" texts']
    problems: list[str] = []
    for entry in value:
        name, _, reason = entry.partition(":")
        name = name.strip()
        if name not in CHECKS:
            known = ", ".join(CHECKS)
            problems.append(f"'{name}' is not an item-writing check (one of {known})")
        elif not reason.strip():
            problems.append(f"'{entry}' gives no reason after the check name")
    return problems


def allowed_checks(value: object) -> frozenset[str]:
    """The check names a well-formed ``allow`` value suppresses."""
    if not isinstance(value, list):
        return frozenset()
    return frozenset(v.partition(":")[0].strip() for v in value if isinstance(v, str))
