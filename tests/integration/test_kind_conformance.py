"""Every registered kind, and a throwaway kind added by one module (tests/support/flash.py),
goes the whole way: loaded, studied, practised, written to a spreadsheet and read back,
exported to Anki and imported back from the package, each note coming back as it was.

The every-kind test deck (tests/support/decks.py) must hold a note of every registered
kind: a kind added without one fails here, not in a shipped deck.
"""

from __future__ import annotations

import random
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from rapport.content import Deck, load_deck
from rapport.content.notes.kinds import (
    Interaction,
    RespondKind,
    answer_of,
    registered,
    rules_of,
)
from rapport.content.notes.model import Note
from rapport.interop.anki.importer import import_anki_package
from rapport.interop.anki.package import export_decks
from rapport.interop.spreadsheet import read_sheet, sheet_text
from rapport.store.records import BrowseQuery
from rapport.study import Rating
from rapport.study.practice import grade, grade_response, question_for
from tests.support.collection import SECOND, T0, open_collection
from tests.support.decks import ANCHOR_NORCROSS, every_kind_deck, note, write_deck
from tests.support.flash import FlashRules, flash_kind

pytestmark = pytest.mark.slow

FLASH_NOTE = note(
    "alliance-word",
    "flash",
    "alliance-definition",
    ANCHOR_NORCROSS,
    5,
    word='"alliance"',
    meaning='"the working bond & the goals"',
)


@pytest.fixture
def flash() -> Iterator[FlashRules]:
    with flash_kind() as rules:
        yield rules


@pytest.fixture
def deck(flash: FlashRules, tmp_path: Path) -> Deck:
    """The every-kind deck with a note of the throwaway kind."""
    return load_deck(write_deck(tmp_path / "decks", every_kind_deck() + FLASH_NOTE))


def _own(note: Note) -> dict[str, Any]:
    """What makes the note itself: its kind, concept, extra and its kind's own values."""
    own = {
        "kind": str(note.kind),
        "concept": note.concept,
        "extra": note.extra,
        **rules_of(note).to_table(note),
    }
    if "distractors" in own:  # a choice's options go to Anki in their shuffled order
        own["distractors"] = sorted(own["distractors"], key=str)
    return own


def _plain_notes(deck: Deck) -> list[Note]:
    # An html note comes back from Anki as text (its markup was sanitised on export).
    return [n for n in deck.notes if not n.html]


def test_the_test_deck_holds_every_registered_kind(deck: Deck) -> None:
    assert {str(n.kind) for n in deck.notes} == set(registered())


def test_every_kind_is_studied_and_practised(deck: Deck, tmp_path: Path) -> None:
    col = open_collection(tmp_path / "data", [deck])
    session = col.session(None, T0)
    studied: set[str] = set()
    responses: dict[str, str] = {}
    # (A note's other cards wait for the next day: each kind has a first card today.)
    while (card := session.next_card(T0)) is not None:
        rules = rules_of(card.note)
        response = None
        if rules.interaction is Interaction.RESPOND:
            response = f"My response to {card.note.id}"
            responses[card.note.id] = response
        session.answer(card, Rating.EASY, T0, SECOND, response)
        studied.add(str(card.kind))
    assert studied == set(registered())
    for card in deck.cards():
        if card.note.id in responses:
            assert session.last_response(card) == responses[card.note.id]
    # Browse lists and finds every card of every kind (its text stored by kind).
    col.refresh_text()
    assert col.browse_count(BrowseQuery()) == len(deck.cards())
    assert col.browse_count(col.search_query("alliance", T0)) >= 1
    for card in deck.cards():  # every kind's text is found by its words and its kind
        words = " ".join(re.findall(r"[A-Za-z]{4,}", answer_of(card))[:2])
        query = col.search_query(f"kind:{card.kind} {words}", T0)
        assert col.browse_count(query) >= 1, (card.kind, words)
    col.close(T0)

    rng = random.Random(0)
    practised = set()
    for card in deck.cards():
        rules = rules_of(card.note)
        if not rules.practice:
            continue
        question = question_for(card, rng)
        if isinstance(rules, RespondKind):
            lines = len(rules.rubric(card.note))
            result = grade_response(question, "I hear how hard this is.", lines, lines)
        elif question.options:
            result = grade(question, next(i for i, o in enumerate(question.options) if o.correct))
        else:
            result = grade(question, question.expected)
        assert result.correct, card.key
        practised.add(str(card.kind))
    assert practised == {k for k, r in registered().items() if r.practice}


def test_every_kind_goes_to_a_spreadsheet_and_back(deck: Deck, tmp_path: Path) -> None:
    sheet = tmp_path / "deck.csv"
    sheet.write_text(sheet_text([deck]), encoding="utf-8")
    read = read_sheet(sheet, sources=deck.sources)
    assert read.problems == []
    [sheet_deck] = read.decks
    tables = {t["id"]: t for t in sheet_deck.notes}
    for original in deck.notes:
        table = tables[original.id]
        rules = rules_of(original)
        # What the kind's text columns hold (a choice's scenario flag has no column).
        own = {"kind": str(original.kind), **rules.from_columns(rules.to_columns(original))}
        assert {k: table.get(k) for k in own} == own, original.id


def test_every_kind_goes_to_anki_and_back(deck: Deck, tmp_path: Path) -> None:
    package = tmp_path / "every-kind.apkg"
    result = export_decks([deck], package)
    assert result.notes == len(deck.notes)
    data = tmp_path / "data"
    report = import_anki_package(package, data, with_progress=False)
    assert report.notes == len(deck.notes) and not report.by_position
    [(_name, path, _count)] = report.decks
    imported = load_deck(path)
    back = [_own(n) for n in imported.notes]
    for original in _plain_notes(deck):
        assert _own(original) in back, original.id
    assert len(imported.notes) == len(deck.notes)
    assert len(imported.cards()) == len(deck.cards())


def test_a_rapport_note_type_with_a_renamed_field_is_read_by_position(
    deck: Deck, tmp_path: Path
) -> None:
    """A trainee who renamed a field of a Rapport note type in Anki gets its notes back
    mapped by position (and the report says so), not a crash."""
    from anki.collection import Collection, DeckIdLimit, ExportAnkiPackageOptions

    from tests.integration.test_anki_import import import_package

    package = tmp_path / "every-kind.apkg"
    export_decks([deck], package)
    (tmp_path / "anki").mkdir()
    col = Collection(str(tmp_path / "anki" / "collection.anki2"))
    try:
        import_package(col, package)
        notetype = col.models.by_name("Rapport Respond")
        assert notetype is not None
        field = next(f for f in notetype["flds"] if f["name"] == "Statement")
        col.models.rename_field(notetype, field, "What the client says")
        col.models.update_dict(notetype)
        again = tmp_path / "renamed.apkg"
        top = col.decks.id_for_name("Rapport")
        assert top is not None
        options = ExportAnkiPackageOptions(
            with_scheduling=False, with_deck_configs=False, with_media=False, legacy=True
        )
        col.export_anki_package(out_path=str(again), options=options, limit=DeckIdLimit(top))
    finally:
        col.close()
    report = import_anki_package(again, tmp_path / "data", with_progress=False)
    assert report.by_position == {"Rapport Respond": 1}
    assert report.notes == len(deck.notes)


def test_a_rapport_note_whose_markup_was_edited_in_anki_is_read_by_position(
    deck: Deck, tmp_path: Path
) -> None:
    """A choice note whose Rationales a trainee rewrote by hand in Anki no longer reads
    back as a choice: it comes in by position (reported), and the import goes on."""
    from anki.collection import Collection, DeckIdLimit, ExportAnkiPackageOptions

    from tests.integration.test_anki_import import import_package

    package = tmp_path / "every-kind.apkg"
    export_decks([deck], package)
    (tmp_path / "anki").mkdir()
    col = Collection(str(tmp_path / "anki" / "collection.anki2"))
    try:
        import_package(col, package)
        [nid] = col.find_notes('"note:Rapport Choice"')
        note = col.get_note(nid)
        note["Rationales"] = "Norcross headed it."
        col.update_note(note)
        again = tmp_path / "edited.apkg"
        top = col.decks.id_for_name("Rapport")
        assert top is not None
        options = ExportAnkiPackageOptions(
            with_scheduling=False, with_deck_configs=False, with_media=False, legacy=True
        )
        col.export_anki_package(out_path=str(again), options=options, limit=DeckIdLimit(top))
    finally:
        col.close()
    report = import_anki_package(again, tmp_path / "data", with_progress=False)
    assert report.by_position == {"Rapport Choice": 1}
    assert report.notes == len(deck.notes)
