"""The deck loader and validator: good decks load, each kind of mistake is reported."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from rapport.content import (
    BasicNote,
    ChoiceNote,
    ClozeNote,
    DeckError,
    Kind,
    ReversedNote,
    TypedNote,
    load_deck,
    load_decks,
)
from rapport.content.notes.kinds import answer_of, question_of
from rapport.content.notes.model import RespondNote
from tests.support.decks import GOOD_NOTES

WriteDeck = Callable[..., Path]


def problems(path: Path) -> list[tuple[str, str, str]]:
    with pytest.raises(DeckError) as info:
        load_deck(path)
    assert info.value.path == path
    return [(p.note, p.field, p.message) for p in info.value.problems]


def test_good_deck_loads_into_typed_values(write_deck: WriteDeck) -> None:
    deck = load_deck(write_deck(GOOD_NOTES))
    assert deck.id == "mini" and deck.name == "Mini deck"
    kinds = [type(n) for n in deck.notes]
    assert kinds == [BasicNote, ReversedNote, ClozeNote, ChoiceNote, TypedNote, RespondNote]
    basic = deck.notes[0]
    assert basic.tags == ("norcross", "research::alliance")
    assert basic.source is not None and basic.source.paragraph == 5
    choice = deck.notes[3]
    assert isinstance(choice, ChoiceNote)
    assert choice.answer.text == "John Norcross" and len(choice.options) == 4
    assert deck.summary(basic.source) == "Norcross defined the alliance."
    assert deck.passage(basic.source).startswith("Dr. John Norcross")


def test_cards_per_kind_and_identity(write_deck: WriteDeck) -> None:
    deck = load_deck(write_deck(GOOD_NOTES))
    keys = [str(c.key) for c in deck.cards()]
    assert keys == [
        "mini/alliance-components/0",
        "mini/alliance-term/0",
        "mini/alliance-term/1",
        "mini/alliance-cloze/0",
        "mini/alliance-cloze/1",
        "mini/alliance-cloze/2",
        "mini/who-headed/0",
        "mini/common-factor/0",
        "mini/doubts-the-point/0",
    ]
    term, reverse = deck.cards()[1:3]
    assert question_of(term) == "Therapeutic alliance"
    assert answer_of(reverse) == "Therapeutic alliance"
    cloze_two = deck.cards()[4]
    assert cloze_two.kind is Kind.CLOZE
    assert "[what is done]" in question_of(cloze_two)
    assert "goals" in question_of(cloze_two)
    assert "tasks" in answer_of(cloze_two)


def test_deck_is_immutable(write_deck: WriteDeck) -> None:
    deck = load_deck(write_deck(GOOD_NOTES))
    with pytest.raises(AttributeError):
        deck.name = "x"  # type: ignore[misc]
    with pytest.raises(TypeError):
        deck.summaries[5] = "x"  # type: ignore[index]


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (
            'id = "x"\nkind = "flashcard"\nconcept = "c"\n'
            'source = { paragraph = 5, anchor = "Dr. John Norcross" }\nfront = "a"\nback = "b"',
            ("x", "kind", "unknown kind 'flashcard'"),
        ),
        (
            'id = "x"\nkind = "basic"\nconcept = "c"\n'
            'source = { paragraph = 5, anchor = "Dr. John Norcross" }\nfront = "a"',
            ("x", "back", "missing field"),
        ),
        (
            'id = "x"\nkind = "basic"\nconcept = "c"\n'
            'source = { paragraph = 5, anchor = "Dr. John Norcross" }\nfront = "a"\nback = "  "',
            ("x", "back", "is empty"),
        ),
        (
            'id = "x"\nkind = "basic"\nconcept = "c"\n'
            'source = { paragraph = 5, anchor = "Dr. John Norcross" }\nfront = "a"\nback = "b"\n'
            'bakc = "typo"',
            ("x", "bakc", "unknown key (did you mean 'back'?)"),
        ),
        (
            'id = "x"\nkind = "cloze"\nconcept = "c"\n'
            'source = { paragraph = 5, anchor = "Dr. John Norcross" }\ntext = "no deletion here"',
            ("x", "text", "has no numbered cloze deletion"),
        ),
        (
            'id = "x"\nkind = "cloze"\nconcept = "c"\n'
            'source = { paragraph = 5, anchor = "Dr. John Norcross" }\n'
            'text = "{{c1::fine}} and {{::unnumbered}}"',
            ("x", "text", "malformed or unnumbered cloze"),
        ),
        (
            'id = "x"\nkind = "cloze"\nconcept = "c"\n'
            'source = { paragraph = 5, anchor = "Dr. John Norcross" }\n'
            'text = "{{c1::open but not closed"',
            ("x", "text", "malformed or unnumbered cloze"),
        ),
        (
            'id = "x"\nkind = "choice"\nconcept = "c"\n'
            'source = { paragraph = 5, anchor = "Dr. John Norcross" }\nquestion = "q"\n'
            'answer = { text = "a", why = "w" }\n'
            'distractors = [{ text = "b", why = "w" }, { text = "c", why = "w" }]',
            ("x", "distractors", "has 2; a choice needs at least 3"),
        ),
        (
            'id = "x"\nkind = "choice"\nconcept = "c"\n'
            'source = { paragraph = 5, anchor = "Dr. John Norcross" }\nquestion = "q"\n'
            'answer = { text = "a" }\n'
            'distractors = [{ text = "b", why = "w" }, { text = "c", why = "w" }, '
            '{ text = "d", why = "w" }]',
            ("x", "answer.why", "missing rationale"),
        ),
        (
            'id = "x"\nkind = "basic"\nconcept = "c"\n'
            'source = { paragraph = 5, anchor = "Daniel Siegel" }\nfront = "a"\nback = "b"',
            ("x", "source.anchor", "'Daniel Siegel' is not in paragraph 5 of the essay"),
        ),
        (
            'id = "x"\nkind = "basic"\nconcept = "c"\n'
            'source = { paragraph = 13, anchor = "Daniel Siegel" }\nfront = "a"\nback = "b"',
            ("x", "source.paragraph", "the deck has no summary of paragraph 13"),
        ),
        (
            'id = "x"\nkind = "basic"\nconcept = "c"\n'
            'source = { paragraph = 99, anchor = "Daniel Siegel" }\nfront = "a"\nback = "b"',
            ("x", "source.paragraph", "the essay has only 13 paragraphs"),
        ),
        (
            'id = "x"\nkind = "basic"\nconcept = "c"\nfront = "a"\nback = "b"',
            ("x", "source", "missing field"),
        ),
        (
            'kind = "basic"\nconcept = "c"\n'
            'source = { paragraph = 5, anchor = "Dr. John Norcross" }\nfront = "a"\nback = "b"',
            ("#1", "id", "missing field"),
        ),
        (
            'id = "Not A Slug"\nkind = "basic"\nconcept = "c"\n'
            'source = { paragraph = 5, anchor = "Dr. John Norcross" }\nfront = "a"\nback = "b"',
            ("Not A Slug", "id", "must be a slug"),
        ),
        (
            'id = "x"\nkind = "basic"\nconcept = "c"\nextension = "yes"\n'
            'source = { paragraph = 5, anchor = "Dr. John Norcross" }\nfront = "a"\nback = 3',
            ("x", "back", "must be text, not a number"),
        ),
        (
            'id = "x"\nkind = "basic"\nconcept = "c"\ntags = ["has space"]\n'
            'source = { paragraph = 5, anchor = "Dr. John Norcross" }\nfront = "a"\nback = "b"',
            ("x", "tags", "tag 'has space' may hold only"),
        ),
    ],
    ids=[
        "unknown-kind",
        "missing-field",
        "empty-text",
        "unknown-key",
        "cloze-without-deletion",
        "cloze-unnumbered",
        "cloze-unclosed",
        "choice-too-few-distractors",
        "choice-missing-rationale",
        "anchor-not-in-paragraph",
        "paragraph-without-summary",
        "paragraph-out-of-range",
        "missing-source",
        "missing-id",
        "bad-slug",
        "wrong-type",
        "bad-tag",
    ],
)
def test_each_mistake_is_reported_with_note_and_field(
    write_deck: WriteDeck, body: str, expected: tuple[str, str, str]
) -> None:
    found = problems(write_deck("[[notes]]\n" + body))
    note, field, message = expected
    assert any((n, f) == (note, field) and message in m for n, f, m in found), (
        f"{expected} not in {found}"
    )


def test_duplicate_note_id(write_deck: WriteDeck) -> None:
    twice = GOOD_NOTES + GOOD_NOTES.split("[[notes]]")[1].join(["[[notes]]", ""])
    found = problems(write_deck(twice))
    assert ("alliance-components", "id", "duplicate note id (note #1 has it too)") in found


def test_every_problem_in_a_file_is_reported_at_once(write_deck: WriteDeck) -> None:
    body = (
        '[[notes]]\nid = "a"\nkind = "nope"\nconcept = "c"\n'
        'source = { paragraph = 5, anchor = "Dr. John Norcross" }\n'
        '[[notes]]\nid = "b"\nkind = "basic"\nconcept = "c"\n'
        'source = { paragraph = 5, anchor = "not there" }\nfront = ""\nback = "b"\n'
        '[[notes]]\nid = "c"\nkind = "cloze"\nconcept = "c"\n'
        'source = { paragraph = 5, anchor = "Dr. John Norcross" }\ntext = "plain"\n'
    )
    found = problems(write_deck(body))
    assert {(n, f) for n, f, _ in found} == {
        ("a", "kind"),
        ("b", "source.anchor"),
        ("b", "front"),
        ("c", "text"),
    }


def test_deck_level_problems(write_deck: WriteDeck) -> None:
    body = 'id = "Bad Id"\nnmae = "x"\nessay = "no-such-essay.txt"\n'
    found = problems(write_deck(body, header=False))
    fields = {(n, f) for n, f, _ in found}
    assert ("deck", "id") in fields
    assert ("deck", "name") in fields
    assert ("deck", "nmae") in fields
    assert ("deck", "essay") in fields


def test_toml_syntax_error_names_the_line(write_deck: WriteDeck) -> None:
    path = write_deck("[[notes]]\nid = \n")
    with pytest.raises(DeckError) as info:
        load_deck(path)
    (problem,) = info.value.problems
    assert "TOML syntax error" in problem.message and problem.line == 11
    assert str(problem).startswith(f"{path}:11: ")


def test_unreadable_files(tmp_path: Path) -> None:
    missing = tmp_path / "missing.toml"
    assert "cannot read" in problems(missing)[0][2]
    binary = tmp_path / "binary.toml"
    binary.write_bytes(b"\xff\xfe\x00garbage")
    assert "not UTF-8" in problems(binary)[0][2]


def test_problem_line_format(write_deck: WriteDeck) -> None:
    path = write_deck(
        '[[notes]]\nid = "x"\nkind = "basic"\nconcept = "c"\n'
        'source = { paragraph = 5, anchor = "Dr. John Norcross" }\nfront = "a"\n'
    )
    with pytest.raises(DeckError) as info:
        load_deck(path)
    assert str(info.value.problems[0]) == f"{path}:10: x: back: missing field"


def test_broken_deck_does_not_stop_the_others(write_deck: WriteDeck) -> None:
    good = write_deck(GOOD_NOTES)
    bad = write_deck("[[notes]]\nid = 'x'\n")
    result = load_decks([bad, good])
    assert [d.path for d in result.decks] == [good]
    assert [e.path for e in result.errors] == [bad]


def test_folder_is_expanded_and_duplicate_deck_ids_refused(write_deck: WriteDeck) -> None:
    first = write_deck(GOOD_NOTES)
    second = write_deck(GOOD_NOTES)
    result = load_decks([first.parent])
    assert [d.path for d in result.decks] == [first]
    assert result.errors[0].path == second
    assert "deck id 'mini' is used by" in result.errors[0].problems[0].message
