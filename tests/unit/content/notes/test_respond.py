"""The respond kind: its notes read and checked, its cues for ``rapport check``, its
spreadsheet columns, the grade its rubric suggests, and the response kept with the answer.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from rapport.cli import main
from rapport.content import Deck, DeckError, Kind, load_deck, load_decks
from rapport.content.checks.itemcheck import check_deck
from rapport.content.notes.kinds import rules_for
from rapport.content.notes.kinds.respond import MAX_RUBRIC, MIN_MODELS, MIN_RUBRIC
from rapport.content.notes.model import Model, Note, RespondNote, RubricLine
from rapport.paths import decks_dir
from rapport.study import Rating
from rapport.study.rubric import suggested_from_rubric
from tests.support.collection import SECOND, T0, open_collection
from tests.support.decks import RESPOND_DECK, write_deck, write_respond_deck

SLUG_CHARS = set("abcdefghijklmnopqrstuvwxyz0123456789-")


def respond_problems(note: Note) -> list[str]:
    """What a respond note lacks: context, statement, two models or more, a rubric of
    three to six lines, each tied to a concept."""
    if not isinstance(note, RespondNote):
        return []
    problems = []
    if not note.context.strip():
        problems.append("no context")
    if not note.statement.strip():
        problems.append("no statement")
    if len([m for m in note.models if m.text.strip() and m.style.strip()]) < MIN_MODELS:
        problems.append("fewer than two model responses")
    if not MIN_RUBRIC <= len(note.rubric) <= MAX_RUBRIC:
        problems.append(f"a rubric of {len(note.rubric)} lines")
    for line in note.rubric:
        if not line.line.strip() or not line.concept or not set(line.concept) <= SLUG_CHARS:
            problems.append(f"rubric line {line.line!r} is tied to no concept")
    return problems


@pytest.fixture(scope="module")
def respond_deck(tmp_path_factory: pytest.TempPathFactory) -> Deck:
    return load_deck(write_respond_deck(tmp_path_factory.mktemp("respond")))


def test_every_respond_note_of_the_shipped_decks_is_whole() -> None:
    # (Passes with no respond note; the skills deck's notes are checked as they land.)
    result = load_decks([decks_dir()])
    found = {
        f"{deck.id}/{note.id}": problems
        for deck in result.decks
        for note in deck.notes
        if (problems := respond_problems(note))
    }
    assert found == {}


def test_every_respond_note_of_the_test_deck_is_whole_and_the_check_can_fail(
    respond_deck: Deck,
) -> None:
    notes = [n for n in respond_deck.notes if isinstance(n, RespondNote)]
    assert len(notes) == len(respond_deck.notes) >= 3
    assert all(respond_problems(n) == [] for n in notes)
    assert check_deck(respond_deck).warnings == ()
    note = notes[0]
    broken = replace(
        note,
        context=" ",
        models=note.models[:1],
        rubric=(*note.rubric[:1], RubricLine("Listens", "")),
    )
    assert respond_problems(broken) == [
        "no context",
        "fewer than two model responses",
        "a rubric of 2 lines",
        "rubric line 'Listens' is tied to no concept",
    ]


def _variant(old: str, new: str) -> str:
    text = RESPOND_DECK.read_text(encoding="utf-8")
    assert old in text
    return text.replace(old, new, 1)


@pytest.mark.parametrize(
    ("old", "new", "field", "message"),
    [
        (  # only one model left
            '  { style = "Reflection of feeling", text = "You\'re wondering',
            '  # { style = "Reflection of feeling", text = "You\'re wondering',
            "models",
            None,
        ),
        (
            '  { line = "Acknowledges the client\'s doubt without defending yourself", '
            'concept = "tailoring-and-attunement" },\n',
            "",
            "rubric",
            None,
        ),
        (
            'concept = "rupture-repair" }',
            'concept = "" }',
            "rubric[4].concept",
            "missing or empty",
        ),
        (
            'concept = "rupture-repair" }',
            'concept = "Rupture Repair" }',
            "rubric[4].concept",
            "must be a concept slug",
        ),
        ('{ style = "Immediacy"', '{ style = "Open question"', "models", "same style"),
        (
            'context = "Third session.',
            'contxt = "Third session.',
            "context",
            "missing field",
        ),
    ],
)
def test_a_respond_note_that_is_not_whole_is_refused(
    tmp_path: Path, old: str, new: str, field: str, message: str | None
) -> None:
    text = _variant(old, new)
    if field == "models" and message is None:  # two of three models commented out
        text = text.replace('  { style = "Immediacy"', '  # { style = "Immediacy"', 1)
    if field == "rubric" and message is None:  # two lines left
        text = text.replace(
            '  { line = "Invites the client to say more', '  # { line = "Invites the client', 1
        )
    with pytest.raises(DeckError) as caught:
        load_deck(write_deck(tmp_path, text, "respond.toml"))
    found = [(p.note, p.field, p.message) for p in caught.value.problems]
    assert any(
        note == "mistrust-paid-to-listen"
        and where.startswith(field)
        and (message is None or message in text_)
        for note, where, text_ in found
    ), found
    if message is None:
        expected = "model responses" if field == "models" else "a rubric needs 3 to 6"
        assert any(expected in text_ for _n, _f, text_ in found), found


def test_rapport_check_warns_of_a_model_that_advises_where_the_rubric_forbids_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    advising = _variant(
        "You sound worn out by this decision, and you'd like someone to lift the weight of "
        "it from you.",
        "You should decide what matters most to you, then talk it over with your partner.",
    )
    path = write_deck(tmp_path, advising, "respond.toml")
    [warning] = check_deck(load_deck(path)).warnings
    assert (warning.note, warning.field, warning.check) == (
        "wants-advice-partner",
        "models[1].text",
        "respond-advice",
    )
    assert "'You should'" in warning.message and "Gives no advice" in warning.message
    assert main(["check", "--strict", str(path)]) == 1
    assert "respond-advice" in capsys.readouterr().out
    fair = write_deck(tmp_path / "fair", RESPOND_DECK.read_text(encoding="utf-8"))
    assert main(["check", "--strict", str(fair)]) == 0


def test_a_respond_note_round_trips_through_its_text_columns(respond_deck: Deck) -> None:
    rules = rules_for(Kind.RESPOND)
    for note in respond_deck.notes:
        columns = rules.to_columns(note)
        assert list(columns) == [key for key, _label, _multi in rules.columns]
        assert rules.from_columns(columns) == rules.to_table(note)


@pytest.mark.parametrize(
    ("ticked", "lines", "grade"),
    [
        (0, 3, Rating.AGAIN),
        (1, 3, Rating.HARD),
        (2, 3, Rating.GOOD),
        (3, 3, Rating.EASY),
        (2, 4, Rating.HARD),
        (3, 4, Rating.GOOD),
        (3, 5, Rating.GOOD),
        (1, 6, Rating.HARD),
        (6, 6, Rating.EASY),
    ],
)
def test_the_rubric_suggests_a_grade_from_the_share_ticked(
    ticked: int, lines: int, grade: Rating
) -> None:
    assert suggested_from_rubric(ticked, lines) is grade


def test_the_response_is_kept_with_the_answer_and_read_back_next_time(
    respond_deck: Deck, tmp_path: Path
) -> None:
    col = open_collection(tmp_path / "data", [respond_deck])
    session = col.session(None, T0)
    card = session.next_card(T0)
    assert card is not None and session.last_response(card) is None
    session.answer(card, Rating.GOOD, T0, SECOND, "It sounds like you doubt I care.")
    assert session.last_response(card) == "It sounds like you doubt I care."
    [entry] = col.store.reviews_of(col.require_id(card))
    assert entry.response == "It sounds like you doubt I care."
    session.undo()
    assert session.last_response(card) is None
    col.close(T0)


def test_models_and_rubric_are_the_kinds_own_values(respond_deck: Deck) -> None:
    note = respond_deck.notes[0]
    assert isinstance(note, RespondNote)
    assert note.models[0] == Model(
        "Reflection of feeling",
        "You're wondering whether I really care, or whether this is only a job to me. "
        "I'm glad you can say that here.",
    )
    assert rules_for(Kind.RESPOND).answer_text(note, 0) == note.models[0].text
