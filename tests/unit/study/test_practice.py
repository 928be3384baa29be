"""Practice tests: drawing a fair, repeatable mix of questions and scoring the answers."""

from __future__ import annotations

import random
from collections import Counter
from pathlib import Path

import pytest

from rapport.content import (
    BasicNote,
    Card,
    ChoiceNote,
    ClozeNote,
    Deck,
    Essay,
    Kind,
    Option,
    Source,
    TypedNote,
    load_decks,
)
from rapport.paths import decks_dir
from rapport.study.practice import (
    build_test,
    cloze_answer,
    concepts_of,
    grade,
    normalise,
    practice_cards,
    question_for,
    score,
)

SRC = Source(1, "x")


def _deck(deck_id: str = "d", notes: tuple = ()) -> Deck:  # type: ignore[type-arg]
    return Deck(
        deck_id, deck_id.title(), "", Path("x.toml"), (Essay(Path("e"), ("x",)),), {}, notes
    )


def choice(note_id: str = "c", concept: str = "k") -> ChoiceNote:
    return ChoiceNote(
        note_id, concept, (), SRC, False, False, "", "Who?",
        (
            Option("Right", "because right", True),
            Option("Wrong A", "why A is wrong", False),
            Option("Wrong B", "why B is wrong", False),
            Option("Wrong C", "why C is wrong", False),
        ),
        False,
    )  # fmt: skip


def typed(note_id: str = "t", concept: str = "k") -> TypedNote:
    return TypedNote(
        note_id, concept, (), SRC, False, False, "", "Name it", "Common factor",
        ("a common factors",),
    )  # fmt: skip


def cloze(note_id: str = "z", concept: str = "k") -> ClozeNote:
    text = "Agreement on {{c1::goals}}, {{c2::tasks::what}} and a {{c1::bond}}."
    return ClozeNote(note_id, concept, (), SRC, False, False, "", text)


def basic(note_id: str = "b", concept: str = "k") -> BasicNote:
    return BasicNote(note_id, concept, (), SRC, False, False, "", "Q", "A")


@pytest.fixture(scope="module")
def shipped() -> tuple[Deck, ...]:
    # The essay deck: its kinds are the ones these tests count (the skills deck adds its own).
    return load_decks([decks_dir() / "the-relationship-in-therapy.toml"]).decks


def test_basic_and_reversed_cards_are_never_asked(shipped: tuple[Deck, ...]) -> None:
    kinds = {c.kind for c in practice_cards(shipped)}
    assert kinds == {Kind.CHOICE, Kind.TYPED, Kind.CLOZE}


def test_same_seed_same_test_and_kinds_are_mixed(shipped: tuple[Deck, ...]) -> None:
    first = build_test(shipped, 15, random.Random(7))
    again = build_test(shipped, 15, random.Random(7))
    other = build_test(shipped, 15, random.Random(8))
    assert [q.card.key for q in first] == [q.card.key for q in again]
    assert [q.options for q in first] == [q.options for q in again]
    assert [q.card.key for q in first] != [q.card.key for q in other]
    assert len(first) == 15
    assert Counter(q.kind for q in first) == {Kind.CHOICE: 5, Kind.TYPED: 5, Kind.CLOZE: 5}


def test_one_card_per_note_while_other_notes_remain(shipped: tuple[Deck, ...]) -> None:
    test = build_test(shipped, 30, random.Random(1))
    notes = [(q.card.deck_id, q.card.note.id) for q in test]
    assert len(notes) == len(set(notes))


def test_filters_by_deck_and_concept() -> None:
    one = _deck("one", (choice("c1", "alpha"), typed("t1", "beta"), basic()))
    two = _deck("two", (cloze("z1", "alpha"),))
    test = build_test([one, two], 10, random.Random(0), concepts={"alpha"})
    assert {q.card.note.id for q in test} == {"c1", "z1"}
    test = build_test([one, two], 10, random.Random(0), deck_ids={"one"})
    assert {q.card.note.id for q in test} == {"c1", "t1"}
    assert concepts_of([one, two]) == ["alpha", "beta"]
    assert concepts_of([one, two], {"two"}) == ["alpha"]


def test_small_pool_gives_every_card_once() -> None:
    deck = _deck(notes=(cloze(),))
    test = build_test([deck], 10, random.Random(0))
    assert sorted(q.card.ordinal for q in test) == [0, 1]
    assert build_test([deck], 0, random.Random(0)) == ()


def test_choice_is_scored_by_the_picked_option() -> None:
    q = question_for(Card("d", choice(), 0), random.Random(3))
    right = next(i for i, o in enumerate(q.options) if o.correct)
    wrong = (right + 1) % 4
    assert sorted(o.text for o in q.options) == ["Right", "Wrong A", "Wrong B", "Wrong C"]
    assert grade(q, right).correct
    result = grade(q, wrong)
    assert not result.correct
    assert result.picked is q.options[wrong]
    assert q.expected == "Right"


def test_typed_answers_are_normalised_and_accept_alternatives() -> None:
    q = question_for(Card("d", typed(), 0), random.Random(0))
    assert grade(q, "common factor").correct
    assert grade(q, "  The COMMON   factor! ").correct
    assert grade(q, "common factors").correct  # via accept, article dropped
    assert not grade(q, "alliance").correct
    assert not grade(q, "").correct
    assert grade(q, None).response is None


def test_a_small_slip_counts_and_is_flagged() -> None:
    q = question_for(Card("d", typed(), 0), random.Random(0))
    result = grade(q, "comon factor")
    assert result.correct and result.close
    assert not grade(q, "camon fictor").correct
    short = TypedNote("s", "k", (), SRC, False, False, "", "p", "bond", ())
    assert not grade(question_for(Card("d", short, 0), random.Random(0)), "bind").correct


def test_cloze_is_answered_with_the_deleted_text() -> None:
    note = cloze()
    assert cloze_answer(note.text, 1) == "goals, bond"
    first = question_for(Card("d", note, 0), random.Random(0))
    second = question_for(Card("d", note, 1), random.Random(0))
    assert grade(first, "goals and bond").correct is False
    assert grade(first, "Goals; bond").correct
    assert grade(second, "tasks").correct
    assert second.expected == "tasks"


def test_normalise_folds_case_accents_and_punctuation() -> None:
    assert normalise("  Éclair -- the   Café. ") == "eclair the cafe"
    assert normalise("The alliance") == "alliance"


def test_score_lists_missed_questions_in_order() -> None:
    qs = [question_for(Card("d", typed(f"t{i}"), 0), random.Random(0)) for i in range(4)]
    results = [grade(qs[0], "common factor"), grade(qs[1], "x"), grade(qs[2], None),
               grade(qs[3], "common factor")]  # fmt: skip
    total = score(results)
    assert (total.right, total.total, total.share_right) == (2, 4, 0.5)
    assert [r.question for r in total.missed] == [qs[1], qs[2]]
    assert score([]).share_right == 0.0
