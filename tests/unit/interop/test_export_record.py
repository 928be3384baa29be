"""The record of earlier exports: unchanged notes keep their time, removed ones are withdrawn."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

from rapport.content import Deck, load_deck
from rapport.interop.anki import export_decks
from rapport.interop.anki.identity import note_tags
from rapport.interop.anki.plan import Change
from rapport.interop.anki.record import (
    RECORD_NAME,
    WITHDRAWN_TAG,
    ExportRecord,
    load_record,
    record_from_package,
    save_record,
)
from tests.support.decks import EXPORT_NOTES as NOTES
from tests.support.packages import WriteDeck

T1 = datetime(2025, 1, 1, 12, 0, tzinfo=UTC)
T2 = T1 + timedelta(days=3)


def test_each_tag_once(write_deck: WriteDeck) -> None:
    deck = load_deck(
        write_deck(
            NOTES.replace("scenario = true\n", 'scenario = true\ntags = ["scenario", "x"]\n')
        )
    )
    who = deck.note("who-headed")
    assert who is not None
    tags = note_tags(who)
    assert tags == ["rapport::concept::apa-task-force", "x", "rapport::scenario"]
    assert len(set(tags)) == len(tags)


def test_record_round_trips_and_matches_the_package(mini_deck: Deck, tmp_path: Path) -> None:
    out = tmp_path / "a.apkg"
    result = export_decks([mini_deck], out, now=T1)
    assert result.record is not None
    save_record(tmp_path, result.record)
    assert (tmp_path / RECORD_NAME).is_file()
    loaded = load_record(tmp_path)
    assert loaded == result.record
    assert record_from_package(out) == loaded


def test_unchanged_notes_keep_their_time_and_reworded_get_a_new_one(
    write_deck: WriteDeck, tmp_path: Path
) -> None:
    first = export_decks([load_deck(write_deck())], tmp_path / "a.apkg", now=T1)
    reworded = load_deck(write_deck(NOTES.replace("Therapeutic alliance", "The alliance")))
    second = export_decks([reworded], tmp_path / "b.apkg", now=T2, previous=first.record)
    assert second.plan is not None
    by_label = {p.label: p for p in second.plan.notes}
    assert by_label["mini-export/alliance-term"].change is Change.UPDATED
    assert by_label["mini-export/alliance-term"].mod == int(T2.timestamp())
    unchanged = [p for p in second.plan.notes if p.change is Change.UNCHANGED]
    assert len(unchanged) == len(reworded.notes) - 1
    assert all(p.mod == int(T1.timestamp()) for p in unchanged)


def test_a_removed_note_is_withdrawn_once_and_stays_withdrawn(
    write_deck: WriteDeck, tmp_path: Path
) -> None:
    first = export_decks([load_deck(write_deck())], tmp_path / "a.apkg", now=T1)
    start = NOTES.index('[[notes]]\nid = "alliance-term"')
    end = NOTES.index("[[notes]]", start + 1)
    smaller = load_deck(write_deck(NOTES[:start] + NOTES[end:]))
    second = export_decks([smaller], tmp_path / "b.apkg", now=T2, previous=first.record)
    assert second.plan is not None and second.withdrawn == 1
    [gone] = second.plan.of(Change.WITHDRAWN)
    assert gone.newly_withdrawn and WITHDRAWN_TAG in gone.tags
    assert gone.fields[0].startswith('<div class="withdrawn">')
    assert "tag:rapport::withdrawn" in gone.fields[-1]
    third = export_decks(
        [smaller], tmp_path / "c.apkg", now=T2 + timedelta(days=1), previous=second.record
    )
    assert third.plan is not None
    [still] = third.plan.of(Change.WITHDRAWN)
    assert not still.newly_withdrawn and still.mod == gone.mod and still.fields == gone.fields


def test_notes_of_decks_not_exported_are_left_alone(mini_deck: Deck, tmp_path: Path) -> None:
    first = export_decks([mini_deck], tmp_path / "a.apkg", now=T1)
    assert first.record is not None
    # A record whose notes all belong to another Anki deck: none of them is withdrawn.
    elsewhere = ExportRecord({g: replace(n, deck_id=1) for g, n in first.record.notes.items()})
    second = export_decks([mini_deck], tmp_path / "b.apkg", now=T2, previous=elsewhere)
    assert second.withdrawn == 0


def test_a_damaged_record_is_ignored(tmp_path: Path) -> None:
    (tmp_path / RECORD_NAME).write_text("{not json", encoding="utf-8")
    assert load_record(tmp_path) == ExportRecord()
