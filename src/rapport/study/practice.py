"""Practice tests: exam-style questions drawn from the decks that never touch the schedule.

A test mixes the kinds of question a machine can score, so the result is fair and
repeatable:

* **choice** - the options are shuffled; the picked option is right or wrong.
* **typed** - the typed text is compared with the answer and every ``accept`` spelling.
* **cloze** - the trainee types the deleted text of the active deletion.

A fourth kind is self-assessed: **respond** - the trainee types a response to a client in
their own words, then ticks the rubric lines it met; it counts as right when the rubric
suggests Good or Easy (:func:`grade_response`).

Typed and cloze answers go through the one answer checker of the core
(:func:`rapport.content.notes.answers.check_typed`, the same as the review screen's): case,
accents, punctuation, spacing and a leading "a"/"an"/"the" do not matter, and a small slip
of the keyboard is "close", which a test counts as right and says so, because a practice
test checks knowledge, not typing. Basic and reversed cards have no answer a machine can
check, so tests leave them out.

A test never records a review: studying the missed cards afterwards is a separate,
ordinary review session.
"""

from __future__ import annotations

import random
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass

from rapport.content.notes.answers import AnswerCheck, Verdict, check_typed
from rapport.content.notes.answers import normalise as normalise  # re-exported
from rapport.content.notes.kinds import Question as Question  # re-exported
from rapport.content.notes.kinds import practice_kinds, rules_for
from rapport.content.notes.kinds.cloze import cloze_answer as cloze_answer  # re-exported
from rapport.content.notes.model import Card, Deck, Option
from rapport.study.calibration import CbmScore, cbm_score
from rapport.study.rubric import rubric_counts_as_known


@dataclass(frozen=True, slots=True)
class Result:
    """The scored answer to one question.

    ``response`` is the picked option's index (choice) or the typed text; ``None`` means
    the question was skipped. ``close`` is true when a typed answer was accepted despite a
    small typing slip (:attr:`Verdict.CLOSE`).
    """

    question: Question
    response: int | str | None
    correct: bool
    close: bool = False
    check: AnswerCheck | None = None  # the core's check of a typed answer
    certainty: int | None = None  # stated before submitting (certainty-based marking)
    rubric: tuple[int, int] | None = None  # a response's rubric lines (met, of)

    @property
    def verdict(self) -> Verdict:
        """Right, close or wrong, as the review screen would say for the same answer."""
        if self.check is not None:
            return self.check.verdict
        return Verdict.RIGHT if self.correct else Verdict.WRONG

    @property
    def picked(self) -> Option | None:
        """The option the trainee picked, for a choice question."""
        if isinstance(self.response, int) and 0 <= self.response < len(self.question.options):
            return self.question.options[self.response]
        return None


@dataclass(frozen=True, slots=True)
class Score:
    """The outcome of a whole test."""

    results: tuple[Result, ...]

    @property
    def total(self) -> int:
        return len(self.results)

    @property
    def right(self) -> int:
        return sum(r.correct for r in self.results)

    @property
    def share_right(self) -> float:
        return self.right / self.total if self.total else 0.0

    @property
    def cbm(self) -> CbmScore:
        """The test scored with CBM marks (answers with a stated certainty)."""
        return cbm_score((r.certainty, r.correct) for r in self.results)

    @property
    def missed(self) -> tuple[Result, ...]:
        """Every wrongly answered or skipped question, in test order."""
        return tuple(r for r in self.results if not r.correct)


def practice_cards(
    decks: Iterable[Deck],
    *,
    deck_ids: Collection[str] | None = None,
    concepts: Collection[str] | None = None,
) -> list[Card]:
    """Every card a test may ask, from the given decks and concepts (``None`` = all)."""
    kinds = practice_kinds()
    return [
        card
        for deck in decks
        if deck_ids is None or deck.id in deck_ids
        for card in deck.cards()
        if card.kind in kinds and (concepts is None or card.note.concept in concepts)
    ]


def pool_sizes(decks: Iterable[Deck]) -> dict[str, dict[str, int]]:
    """Per deck id, per concept: how many cards a test may ask (:func:`practice_cards`),
    counted in one pass over the cards, so that a set-up screen can total any choice of
    decks and concepts without reading the cards again."""
    kinds = practice_kinds()
    sizes: dict[str, dict[str, int]] = {}
    for deck in decks:
        counts = sizes.setdefault(deck.id, {})
        for card in deck.cards():
            if card.kind in kinds:
                concept = card.note.concept
                counts[concept] = counts.get(concept, 0) + 1
    return sizes


def concepts_of(decks: Iterable[Deck], deck_ids: Collection[str] | None = None) -> list[str]:
    """The concepts that have practice questions in the given decks, sorted."""
    return sorted({card.note.concept for card in practice_cards(decks, deck_ids=deck_ids)})


def build_test(
    decks: Iterable[Deck],
    count: int,
    rng: random.Random,
    *,
    deck_ids: Collection[str] | None = None,
    concepts: Collection[str] | None = None,
) -> tuple[Question, ...]:
    """Draw up to ``count`` questions, mixing the kinds as evenly as the pool allows.

    At most one card per note is asked while other notes remain (two deletions of one
    cloze would give each other away). The same ``rng`` state gives the same test.
    """
    pool = practice_cards(decks, deck_ids=deck_ids, concepts=concepts)
    kinds = practice_kinds()
    by_kind: dict[str, list[Card]] = {kind: [] for kind in kinds}
    for card in pool:
        by_kind[card.kind].append(card)
    for cards in by_kind.values():
        rng.shuffle(cards)
        # One card per note first; further cards of a note only when the pool runs dry.
        seen: set[tuple[str, str]] = set()
        firsts: list[Card] = []
        rest: list[Card] = []
        for card in cards:
            note = (card.deck_id, card.note.id)
            (rest if note in seen else firsts).append(card)
            seen.add(note)
        cards[:] = firsts + rest
    chosen: list[Card] = []
    while len(chosen) < count and any(by_kind.values()):
        for kind in kinds:
            if by_kind[kind] and len(chosen) < count:
                chosen.append(by_kind[kind].pop(0))
    rng.shuffle(chosen)
    return tuple(question_for(card, rng) for card in chosen)


def question_for(card: Card, rng: random.Random) -> Question:
    """The practice question for one card (choice options shuffled with ``rng``)."""
    question = rules_for(card.kind).practice_question(card, rng)
    if not isinstance(question, Question):
        raise ValueError(f"a {card.kind} card cannot be a practice question")
    return question


def grade(question: Question, response: int | str | None, certainty: int | None = None) -> Result:
    """Score one answer: an option index for a choice question, typed text otherwise;
    ``certainty`` (1-3) as stated in certainty-based marking (a skip keeps none)."""
    if response is None or response == "":
        return Result(question, None, False)
    if question.options:
        if not isinstance(response, int):
            raise TypeError("a choice question is answered with an option index")
        picked = question.options[response]
        return Result(question, response, picked.correct, certainty=certainty)
    check = check_typed(str(response), question.accepted)
    return Result(
        question,
        str(response),
        check.counts_as_known,
        close=check.verdict is Verdict.CLOSE,
        check=check,
        certainty=certainty,
    )


def grade_response(question: Question, response: str, met: int, lines: int) -> Result:
    """Score a response to a respond question by the rubric lines the trainee ticked as
    met: right when the rubric suggests Good or Easy (:mod:`rapport.study.rubric`)."""
    if not response.strip():
        return Result(question, None, False)
    right = rubric_counts_as_known(met, lines)
    return Result(question, response, right, rubric=(met, lines))


def score(results: Sequence[Result]) -> Score:
    """The score of a finished (or abandoned) test."""
    return Score(tuple(results))
