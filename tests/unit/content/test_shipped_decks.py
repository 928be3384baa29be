"""The decks Rapport ships validate, teach the essay, and carry no paraphraser artefacts."""

from __future__ import annotations

import re

import pytest

from rapport.content import ChoiceNote, ClozeNote, Deck, Kind, TypedNote, load_decks
from rapport.content.cloze import DELETION
from rapport.paths import decks_dir

ESSAY_DECK = "the-relationship-in-therapy"

# The key quotations, restored as CONCEPTS.md gives them; each must appear word for word.
QUOTATIONS = [
    "the therapy relationship makes substantial and consistent contributions to "
    "psychotherapy outcome independent of the specific type of treatment",
    "the therapy relationship accounts for why clients improve (or fail to improve) at "
    "least as much as the particular treatment method",
    "the quality and strength of the collaborative relationship between client and "
    "therapist, typically measured as agreement on the therapeutic goals, consensus on "
    "treatment tasks, and a relationship bond",
]

# Wording the paraphraser put into the essay; none may reach a card.
ARTEFACTS = re.compile(
    r"activity force|role force|sympathy|\byou may\b|\byou can\b|jewish|sites dating|"
    r"diligent|healing dating|matchmaking|romance thread|counselor\b",
    re.IGNORECASE,
)


@pytest.fixture(scope="module")
def deck() -> Deck:
    result = load_decks([decks_dir()])
    assert not result.errors, "\n".join(map(str, result.problems))
    return next(d for d in result.decks if d.id == ESSAY_DECK)


def texts(deck: Deck) -> list[tuple[str, str]]:
    """Every piece of card text in the deck, with the note id it belongs to."""
    out: list[tuple[str, str]] = []
    for note in deck.notes:
        parts = [note.extra]
        if isinstance(note, ClozeNote):
            parts.append(note.text)
        elif isinstance(note, ChoiceNote):
            parts.append(note.question)
            parts += [o.text for o in note.options] + [o.why for o in note.options]
        elif isinstance(note, TypedNote):
            parts += [note.prompt, note.answer, *note.accept]
        else:
            parts += [note.front, note.back]
        out += [(note.id, p) for p in parts if p]
    out += [(f"summary {n}", s) for n, s in deck.summaries.items()]
    return out


def test_shipped_decks_validate() -> None:
    result = load_decks([decks_dir()])
    assert result.decks and not result.errors, "\n".join(map(str, result.problems))


def test_essay_deck_is_large_and_uses_every_kind(deck: Deck) -> None:
    assert len(deck.notes) >= 60
    assert {n.kind for n in deck.notes} == set(Kind)
    scenarios = [n for n in deck.notes if isinstance(n, ChoiceNote) and n.scenario]
    assert len(scenarios) >= 8
    assert any(
        m.group(3)
        for n in deck.notes
        if isinstance(n, ClozeNote)
        for m in DELETION.finditer(n.text)
    ), "no cloze uses a hint"


def test_no_paraphraser_artefact_in_any_card(deck: Deck) -> None:
    found = [(note, m.group(0)) for note, text in texts(deck) if (m := ARTEFACTS.search(text))]
    assert not found


def test_key_quotations_are_clozed_word_for_word(deck: Deck) -> None:
    clozes = [DELETION.sub(r"\2", n.text) for n in deck.notes if isinstance(n, ClozeNote)]
    for quote in QUOTATIONS:
        assert any(quote in c for c in clozes), quote


def test_every_concept_is_taught_from_several_angles(deck: Deck) -> None:
    core = [n for n in deck.notes if not n.extension]
    concepts = {n.concept for n in core}
    for concept in concepts:
        kinds = {n.kind for n in core if n.concept == concept}
        assert len(kinds) >= 2, f"{concept} is taught only as {kinds}"


def test_every_paragraph_used_has_a_summary(deck: Deck) -> None:
    for note in deck.notes:
        assert note.source is None or deck.summary(note.source)
