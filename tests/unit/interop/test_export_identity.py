"""Identity: deck ids, GUIDs, deck names and tags never depend on a card's wording."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import genanki

from rapport.content import Deck, load_deck
from rapport.interop.anki import export_decks
from rapport.interop.anki.identity import (
    DECK_ID_MIN,
    DECK_ID_SPAN,
    anki_deck_id,
    anki_deck_name,
    note_guid,
    note_tags,
)
from tests.support.decks import every_kind_notes
from tests.support.packages import WriteDeck, guids_and_fields, read_collection

NOW = datetime(2025, 1, 1, tzinfo=UTC)


def test_deck_id_is_pinned_for_the_shipped_deck() -> None:
    # Released: trainees' Anki collections hold this id. It must never change.
    assert anki_deck_id("the-relationship-in-therapy") == 1240179583


def test_deck_ids_are_in_ankis_range_and_distinct() -> None:
    slugs = [f"deck-{i}" for i in range(2000)]
    ids = [anki_deck_id(s) for s in slugs]
    assert all(DECK_ID_MIN <= i < DECK_ID_MIN + DECK_ID_SPAN for i in ids)
    assert len(set(ids)) == len(ids)
    assert anki_deck_id("deck-1") == anki_deck_id("deck-1")


def test_note_guid_is_genankis_guid_over_the_ids_only() -> None:
    guid = note_guid("the-relationship-in-therapy", "alliance-components")
    assert guid == genanki.guid_for("rapport", "the-relationship-in-therapy", "alliance-components")
    assert guid == "N|:sGAyl&~"  # released: pinned
    assert note_guid("a", "b") != note_guid("a", "c") != note_guid("b", "c")


def test_deck_name_nests_under_rapport() -> None:
    assert anki_deck_name("The Relationship in Therapy") == "Rapport::The Relationship in Therapy"


def test_tags_are_hierarchical(mini_deck: Deck) -> None:
    by_id = {n.id: n for n in mini_deck.notes}
    assert note_tags(by_id["alliance-components"]) == [
        "rapport::concept::alliance-definition",
        "norcross",
        "research::alliance",
    ]
    assert note_tags(by_id["who-headed"]) == [
        "rapport::concept::apa-task-force",
        "rapport::scenario",
    ]
    assert note_tags(by_id["common-factor"]) == [
        "rapport::concept::common-factor",
        "rapport::extension",
    ]


def test_rewording_keeps_every_guid_and_the_deck_id(write_deck: WriteDeck, tmp_path: Path) -> None:
    notes = every_kind_notes()
    reworded = (
        notes.replace("Is a<b and c>d & so on?", "Which three parts make up the alliance?")
        .replace("Therapeutic alliance", "The alliance")
        .replace("{{c1::goals}}", "{{c1::therapy goals}}")
        .replace('text = "John Norcross"', 'text = "Dr John Norcross"')
    )
    assert reworded != notes
    first, second = tmp_path / "first.apkg", tmp_path / "second.apkg"
    export_decks([load_deck(write_deck())], first, now=NOW)
    export_decks([load_deck(write_deck(reworded))], second, now=NOW)

    before, after = guids_and_fields(first), guids_and_fields(second)
    assert before.keys() == after.keys()
    assert len(before) == len(load_deck(write_deck()).notes)
    changed = [guid for guid in before if before[guid] != after[guid]]
    assert len(changed) == 4  # the same notes, found by GUID, with new wording
    assert _deck_ids(first) == _deck_ids(second) == {anki_deck_id("mini-export")}


def _deck_ids(package: Path) -> set[int]:
    conn = read_collection(package)
    try:
        return {did for (did,) in conn.execute("SELECT DISTINCT did FROM cards")}
    finally:
        conn.close()


def test_own_tags_keep_their_name_unless_they_clash() -> None:
    from rapport.interop.anki.identity import anki_tag

    assert [anki_tag(t) for t in ("week3", "research::apa", "Week-3")] == [
        "week3",
        "research::apa",
        "Week-3",
    ]
    # a tag that would read as Rapport's own, or as one Anki gives a meaning to
    assert [anki_tag(t) for t in ("rapport", "Rapport::withdrawn", "leech", "marked")] == [
        "rapport::tag::rapport",
        "rapport::tag::Rapport::withdrawn",
        "rapport::tag::leech",
        "rapport::tag::marked",
    ]
