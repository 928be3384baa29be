"""A simulated class: trainees of known abilities answer a deck of choice notes in real
collections (through the review session, certainty and pick kept with each answer), and
each writes a class file as ``rapport report --json`` does.

The deck has one deliberately miskeyed note (:data:`MISKEYED`): its deck file marks as
the key an option the essay does not support, and a trainee who knows the material picks
the truly right option, a "distractor". Ability works as in a Rasch model: a trainee of
ability ``a`` knows a note of difficulty ``b`` with chance ``1 / (1 + exp(b - a))``; one
who does not know guesses among the options.

Run as a script to write a class into a folder: ``python -m tests.support.classroom DIR``.
"""

from __future__ import annotations

import json
import math
import random
import sys
from collections.abc import Sequence
from datetime import datetime, timedelta
from pathlib import Path

from rapport.content import ChoiceNote, Deck, TypedNote
from rapport.content.notes.model import Option
from rapport.study import Collection, Rating
from rapport.study.progress import class_file
from tests.support.collection import SOURCE, T0, make_deck, open_collection

MISKEYED = "miskeyed-note"
CLASS_SIZE = 30
CONCEPTS = ("alliance", "empathy", "boundaries")


def _note(index: int, concept: str) -> ChoiceNote:
    note_id = MISKEYED if index == 5 else f"q{index:02d}"
    truth = f"Right answer {index}"
    wrong = [f"Mix-up {index}{c}" for c in "abc"]
    if note_id == MISKEYED:
        # The deck file keys a mix-up; the option the essay supports stands as a distractor.
        options = (
            Option(wrong[0], "Keyed by mistake.", True),
            Option(truth, "Said to be wrong, yet the essay supports it.", False),
            *(Option(w, f"{w} confuses two ideas.", False) for w in wrong[1:]),
        )
    else:
        options = (
            Option(truth, "The essay says so.", True),
            *(Option(w, f"{w} confuses two ideas.", False) for w in wrong),
        )
    return ChoiceNote(
        id=note_id,
        concept=concept,
        tags=(),
        source=SOURCE,
        extension=False,
        html=False,
        extra="",
        question=f"Question {index} about {concept}?",
        options=options,
        scenario=False,
    )


def class_deck() -> Deck:
    """Twelve choice notes over three concepts; note 5 is miskeyed."""
    return make_deck("class", [_note(i, CONCEPTS[i % 3]) for i in range(12)], name="Class deck")


def truth_of(note: ChoiceNote) -> str:
    """The option a trainee who knows the material picks."""
    if note.id == MISKEYED:
        return next(o.text for o in note.options if o.text.startswith("Right answer"))
    return note.answer.text


def abilities(count: int = CLASS_SIZE) -> list[float]:
    """Known abilities, evenly from weak (-2) to strong (+2.5)."""
    return [-2 + 4.5 * i / (count - 1) for i in range(count)]


def difficulty(index: int) -> float:
    return -1 + 2 * (index % 6) / 5


def simulate_trainee(data_dir: Path, ability: float, seed: int, deck: Deck) -> Collection:
    """One trainee answers every note once (first answers) and a few again; returns the
    collection, open."""
    rng = random.Random(seed)
    collection = open_collection(data_dir, [deck])
    session = collection.session(None, T0)
    now = T0
    for index, note in enumerate(deck.notes):
        assert isinstance(note, ChoiceNote)
        card = next(c for c in deck.cards() if c.note.id == note.id)
        knows_chance = 1 / (1 + math.exp(difficulty(index) - ability))
        knows = rng.random() < knows_chance
        picked = truth_of(note) if knows else rng.choice(note.options).text
        right = picked == note.answer.text
        certainty = 3 if knows_chance > 0.8 else 2 if knows_chance > 0.5 else 1
        rating = Rating.GOOD if right else Rating.AGAIN
        session.answer(card, rating, now, timedelta(seconds=8), certainty=certainty, picked=picked)
        now += timedelta(seconds=30)
    return collection


def write_class(folder: Path, count: int = CLASS_SIZE, seed: int = 28) -> list[Path]:
    """Simulate ``count`` trainees; write each one's class file into ``folder``."""
    deck = class_deck()
    files = []
    for number, ability in enumerate(abilities(count)):
        data_dir = folder / f"data-{number:02d}"
        collection = simulate_trainee(data_dir, ability, seed * 1000 + number, deck)
        try:
            content = class_file(collection, T0 + timedelta(days=2))
        finally:
            collection.close(T0 + timedelta(days=2))
        path = folder / f"trainee-{number:02d}.json"
        path.write_text(json.dumps(content, indent=1), encoding="utf-8")
        files.append(path)
    return files


def main(argv: Sequence[str]) -> int:
    folder = Path(argv[0]) if argv else Path("class")
    folder.mkdir(parents=True, exist_ok=True)
    for path in write_class(folder):
        print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))


def study_with_certainty(
    collection: Collection, start: datetime, end: datetime, rng: random.Random
) -> int:
    """A trainee in certainty-based marking studies most days from ``start`` to ``end``:
    choice cards are picked (the key when they know it, else a guess), typed cards typed,
    certainty stated before each answer (somewhat overconfident); the grade follows
    correctness. Returns the number of answers."""
    answered = 0
    day = start
    while day < end:
        if rng.random() < 0.8:
            now = day + timedelta(minutes=rng.randrange(0, 90))
            session = collection.session(None, now)
            for _ in range(rng.randrange(10, 30)):
                card = session.next_card(now)
                if card is None:
                    break
                note = card.note
                knows = rng.random() < 0.78
                certainty = rng.choices((1, 2, 3), (0.15, 0.35, 0.5) if knows else (0.4, 0.3, 0.3))
                picked = response = None
                right = knows
                if isinstance(note, ChoiceNote):
                    picked = note.answer.text if knows else rng.choice(note.options).text
                    right = picked == note.answer.text
                elif isinstance(note, TypedNote):
                    response = note.answer if knows else note.answer[::-1]
                rating = (
                    (Rating.GOOD if rng.random() < 0.8 else Rating.EASY) if right else Rating.AGAIN
                )
                seconds = rng.uniform(5, 25)
                now += timedelta(seconds=seconds)
                session.answer(
                    card, rating, now, timedelta(seconds=seconds), response=response,
                    certainty=certainty[0], picked=picked,
                )  # fmt: skip
                answered += 1
        day += timedelta(days=1)
    return answered
