"""Deck changes reach real Anki without leaving anything stale: removed notes, a changed
kind and a dropped cloze deletion are withdrawn (tagged and saying so), unchanged notes are
skipped, and a reworded note updates in place with its history.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from anki.collection import Collection
from anki.notes import NoteId
from anki.scheduler.v3 import CardAnswer

from rapport.cli import main
from rapport.content import load_deck
from rapport.interop.anki import export_decks
from rapport.interop.anki.identity import note_guid, variant_guid
from rapport.interop.anki.plan import Change
from rapport.interop.anki.record import (
    WITHDRAWN_TAG,
    ExportRecord,
    load_record,
    record_from_package,
    save_record,
)
from tests.integration.test_anki_import import (
    ORIGINAL_FRONT,
    REWORDED_FRONT,
    assert_no_warnings,
    db,
    import_package,
    notes,
    scheduler,
    visible,
    write_deck,
)

if TYPE_CHECKING:  # (importing anki.cards before anki.collection is circular at run time)
    from anki.cards import CardId

pytestmark = pytest.mark.slow

T1 = datetime(2025, 3, 1, 9, 0, tzinfo=UTC)
T2 = T1 + timedelta(days=9)


def changed_notes() -> str:
    """The second release: one reworded, one removed, a kind changed, a deletion dropped."""
    others = re.sub(
        r'\[\[notes\]\]\nid = "alliance-term".*?(?=\[\[notes\]\])',
        "",
        notes(REWORDED_FRONT),
        flags=re.S,
    )
    others = others.replace(", and a {{c3::bond}}.", ".")
    typed = re.search(r'\[\[notes\]\]\nid = "common-factor".*?accept = \[[^]]*\]\n', others, re.S)
    assert typed is not None
    as_basic = (
        '[[notes]]\nid = "common-factor"\nkind = "basic"\nconcept = "common-factor"\n'
        'source = { paragraph = 4, anchor = "the most important preferred basis" }\n'
        'front = "What do some studies call the relationship?"\n'
        'back = "The most important common factor."\n'
    )
    return others.replace(typed.group(0), as_basic)


@pytest.fixture
def collection(tmp_path: Path) -> Iterator[Collection]:
    (tmp_path / "anki").mkdir()
    col = Collection(str(tmp_path / "anki" / "collection.anki2"))
    try:
        yield col
    finally:
        col.close()


def review(col: Collection, card_id: CardId) -> None:
    card = col.get_card(card_id)
    card.start_timer()
    states = col._backend.get_scheduling_states(card.id)
    sched = scheduler(col)
    sched.answer_card(sched.build_answer(card=card, states=states, rating=CardAnswer.GOOD))


def note_id(col: Collection, guid: str) -> NoteId:
    ids = db(col).list("SELECT id FROM notes WHERE guid = ?", guid)
    assert len(ids) == 1, guid
    return NoteId(int(ids[0]))


def test_changes_leave_nothing_stale(collection: Collection, tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    first_deck = write_deck(tmp_path, notes(ORIGINAL_FRONT))
    first = tmp_path / "first.apkg"
    result = export_decks([first_deck], first, now=T1, previous=load_record(data_dir))
    assert result.record is not None
    save_record(data_dir, result.record)
    assert_no_warnings(import_package(collection, first))
    assert collection.note_count() == len(first_deck.notes)

    reworded_guid = note_guid(first_deck.id, "alliance-components")
    [reworded_card] = collection.get_note(note_id(collection, reworded_guid)).card_ids()
    cloze_guid = note_guid(first_deck.id, "alliance-cloze")
    cloze_cards = collection.get_note(note_id(collection, cloze_guid)).card_ids()
    for cid in (reworded_card, *cloze_cards):
        review(collection, cid)

    second_deck = write_deck(tmp_path, changed_notes())
    second = tmp_path / "second.apkg"
    result = export_decks([second_deck], second, now=T2, previous=load_record(data_dir))
    assert result.plan is not None
    plan = {change: sorted(n.label for n in result.plan.of(change)) for change in Change}
    assert plan[Change.NEW] == ["anki-check/alliance-cloze", "anki-check/common-factor"]
    assert plan[Change.UPDATED] == ["anki-check/alliance-components"]
    assert plan[Change.UNCHANGED] == [
        "anki-check/doubts-the-point",
        "anki-check/marked-up",
        "anki-check/who-headed",
    ]
    assert len(plan[Change.WITHDRAWN]) == 3

    log = import_package(collection, second)
    # the unchanged notes are skipped
    assert_no_warnings(log, unchanged=len(plan[Change.UNCHANGED]))
    new_guids = {collection.get_note(NoteId(n.id.nid)).guid for n in log.new}
    assert new_guids == {
        variant_guid(second_deck.id, "alliance-cloze", "cloze", (0, 1)),
        variant_guid(second_deck.id, "common-factor", "basic", (0,)),
    }
    updated = {collection.get_note(NoteId(n.id.nid)).guid for n in log.updated}
    withdrawn = {
        note_guid(second_deck.id, n) for n in ("alliance-term", "alliance-cloze", "common-factor")
    }
    assert updated == {reworded_guid} | withdrawn

    # Nothing stale is left unmarked: every note in Anki is either one the deck has now
    # or tagged withdrawn and saying so on every card's front.
    live = {p.guid for p in result.plan.notes if p.change is not Change.WITHDRAWN}
    for nid in collection.find_notes(""):
        note = collection.get_note(nid)
        if note.guid in live:
            assert WITHDRAWN_TAG not in note.tags
            continue
        assert note.guid in withdrawn
        assert WITHDRAWN_TAG in note.tags
        for card in note.cards():
            question, answer = visible(card.question()), visible(card.answer())
            assert "Withdrawn from the Rapport deck Anki Check" in question
            assert "tag:rapport::withdrawn" in answer and "Notes > Delete" in answer
            assert "No cloze" not in question + answer
    assert len(collection.find_notes(f"tag:{WITHDRAWN_TAG}")) == 3
    # No live card is empty either (Anki never deletes a card on import).
    for cid in collection.find_cards(f"-tag:{WITHDRAWN_TAG}"):
        assert "No cloze" not in collection.get_card(cid).question()

    # The reworded note updated in place with its review.
    note = collection.get_note(note_id(collection, reworded_guid))
    assert note["Front"] == REWORDED_FRONT
    assert db(collection).scalar("SELECT count() FROM revlog WHERE cid = ?", reworded_card) == 1

    # Importing the same package again changes nothing; a third export with no deck
    # change writes the withdrawn notes unchanged, so Anki skips everything.
    save_record(data_dir, result.record or ExportRecord())
    third = tmp_path / "third.apkg"
    again = export_decks(
        [second_deck], third, now=T2 + timedelta(days=1), previous=load_record(data_dir)
    )
    assert again.plan is not None
    assert again.plan.counts[Change.UPDATED] == again.plan.counts[Change.NEW] == 0
    log = import_package(collection, third)
    assert list(log.new) == [] and list(log.updated) == []
    assert len(log.duplicate) == len(second_deck.notes) + 3


def test_since_lists_what_the_package_will_do(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    first_deck = write_deck(tmp_path, notes(ORIGINAL_FRONT))
    first = tmp_path / "first.apkg"
    export_decks([first_deck], first, now=T1)
    from_package = record_from_package(first)
    assert len(from_package.notes) == len(first_deck.notes)

    deck_file = write_deck(tmp_path, changed_notes()).path
    second = tmp_path / "second.apkg"
    data_dir = tmp_path / "data"
    code = main(
        [
            "export",
            str(deck_file),
            "-o",
            str(second),
            "--since",
            str(first),
            "--data-dir",
            str(data_dir),
        ]
    )
    assert code == 0
    out = capsys.readouterr().out.splitlines()
    changed = load_deck(deck_file)
    n_notes, n_cards = len(changed.notes), len(changed.cards())
    assert out[0] == f"exported 1 deck ({n_notes} notes, {n_cards} cards, 3 withdrawn) to {second}"
    assert out[2] == "  add 2 notes: anki-check/alliance-cloze, anki-check/common-factor"
    assert out[3] == "  update 1 note whose content changed: anki-check/alliance-components"
    assert out[4] == f"  skip {n_notes - 3} notes that did not change"  # (3 added or updated)
    assert out[5].startswith("  mark 3 notes withdrawn")
    assert "\u201cTherapeutic alliance\u201d" in out[5]
    # The export was recorded: the next one compares with it without --since.
    assert len(load_record(data_dir).notes) == n_notes + 3
