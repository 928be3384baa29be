"""Practice tests: exam-style questions drawn from the decks that never touch the schedule.

A test mixes three kinds of question, each scored by the machine so the result is fair
and repeatable:

* **choice** - the options are shuffled; the picked option is right or wrong.
* **typed** - the typed text is compared with the answer and every ``accept`` spelling.
* **cloze** - the trainee types the deleted text of the active deletion.

Typed and cloze answers are compared after :func:`normalise` (case, accents, punctuation,
spacing and a leading "a"/"an"/"the" do not matter). A single slip of the keyboard in a
longer answer (one letter added, dropped, changed or two swapped; one for five letters or
more, two for twelve or more) still counts as right, and the result says so, because a
practice test checks knowledge, not typing. Basic and reversed cards have no answer a
machine can check, so tests leave them out.

A test never records a review: studying the missed cards afterwards is a separate,
ordinary review session.
"""

from __future__ import annotations

import random
import re
import unicodedata
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass

from rapport.content.cloze import DELETION
from rapport.content.model import Card, ChoiceNote, ClozeNote, Deck, Kind, Option, TypedNote

PRACTICE_KINDS: tuple[Kind, ...] = (Kind.CHOICE, Kind.TYPED, Kind.CLOZE)

_ARTICLE = re.compile(r"^(?:a|an|the)\s+")
_NOT_WORD = re.compile(r"[^\w]+")


@dataclass(frozen=True, slots=True)
class Question:
    """One question of a practice test.

    ``options`` holds a choice card's options in the order shown (shuffled); it is empty
    for typed and cloze questions. ``expected`` is the answer as it should be shown;
    ``accepted`` every answer that counts as right (``expected`` first).
    """

    card: Card
    options: tuple[Option, ...]
    expected: str
    accepted: tuple[str, ...]

    @property
    def kind(self) -> Kind:
        return self.card.kind


@dataclass(frozen=True, slots=True)
class Result:
    """The scored answer to one question.

    ``response`` is the picked option's index (choice) or the typed text; ``None`` means
    the question was skipped. ``close`` is true when a typed answer was accepted despite a
    small typing slip.
    """

    question: Question
    response: int | str | None
    correct: bool
    close: bool = False

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
    return [
        card
        for deck in decks
        if deck_ids is None or deck.id in deck_ids
        for card in deck.cards()
        if card.kind in PRACTICE_KINDS and (concepts is None or card.note.concept in concepts)
    ]


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
    by_kind: dict[Kind, list[Card]] = {kind: [] for kind in PRACTICE_KINDS}
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
        for kind in PRACTICE_KINDS:
            if by_kind[kind] and len(chosen) < count:
                chosen.append(by_kind[kind].pop(0))
    rng.shuffle(chosen)
    return tuple(question_for(card, rng) for card in chosen)


def question_for(card: Card, rng: random.Random) -> Question:
    """The practice question for one card (choice options shuffled with ``rng``)."""
    note = card.note
    if isinstance(note, ChoiceNote):
        options = list(note.options)
        rng.shuffle(options)
        return Question(card, tuple(options), note.answer.text, (note.answer.text,))
    if isinstance(note, TypedNote):
        return Question(card, (), note.answer, (note.answer, *note.accept))
    if isinstance(note, ClozeNote):
        deleted = cloze_answer(note.text, card.ordinal + 1)
        return Question(card, (), deleted, (deleted,))
    raise ValueError(f"a {card.kind} card cannot be a practice question")


def cloze_answer(text: str, number: int) -> str:
    """The text deleted by cloze ``number`` (several deletions joined by ", ")."""
    return ", ".join(m.group(2) for m in DELETION.finditer(text) if int(m.group(1)) == number)


def normalise(text: str) -> str:
    """Fold an answer for comparison: case, accents, punctuation, spacing, a leading article."""
    folded = unicodedata.normalize("NFKD", text.casefold())
    folded = "".join(ch for ch in folded if not unicodedata.combining(ch))
    folded = _NOT_WORD.sub(" ", folded.replace("_", " ")).strip()
    return _ARTICLE.sub("", folded)


def _edits(a: str, b: str) -> int:
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


def _slips_allowed(answer: str) -> int:
    return 2 if len(answer) >= 12 else 1 if len(answer) >= 5 else 0


def grade(question: Question, response: int | str | None) -> Result:
    """Score one answer: an option index for a choice question, typed text otherwise."""
    if response is None or response == "":
        return Result(question, None, False)
    if question.options:
        if not isinstance(response, int):
            raise TypeError("a choice question is answered with an option index")
        picked = question.options[response]
        return Result(question, response, picked.correct)
    typed = normalise(str(response))
    if not typed:
        return Result(question, str(response), False)
    accepted = [normalise(a) for a in question.accepted]
    if typed in accepted:
        return Result(question, str(response), True)
    close = any(_edits(typed, a) <= _slips_allowed(a) for a in accepted if a)
    return Result(question, str(response), close, close=close)


def score(results: Sequence[Result]) -> Score:
    """The score of a finished (or abandoned) test."""
    return Score(tuple(results))
