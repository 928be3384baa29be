"""Withdrawn notes and study progress in real Anki, checked in Anki's own scheduler.

Anki's package importer updates a note it has (fields, tags) but never a card it has
(rslib/src/import_export/package/apkg/import/cards.rs: "TODO: could update existing
card"): a card keeps its deck, its queue and its schedule. So version 2 of a deck that
withdraws two notes cannot, by itself, take their cards out of Anki's study queues; the
test proves that, and that the one step the export prints (search tag:rapport::withdrawn,
suspend) does, with nothing duplicated. Likewise a package with progress brings none into
a profile that already has the cards, and the way the export names (delete the notes
there first, then import with progress) does.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from anki.collection import Collection
from anki.decks import DeckId
from anki.import_export_pb2 import (
    ImportAnkiPackageOptions,
    ImportAnkiPackageRequest,
    ImportAnkiPackageUpdateCondition,
)

from rapport.interop.anki import export_decks
from rapport.interop.anki.anki_limits import SUSPEND_SEARCH, progress_advice, withdrawn_advice
from rapport.interop.anki.identity import note_guid
from rapport.interop.anki.progress import study_progress
from rapport.interop.anki.record import load_record, save_record
from rapport.study import Rating
from tests.integration.test_anki_import import (
    ORIGINAL_FRONT,
    assert_no_warnings,
    db,
    import_package,
    notes,
    scheduler,
    write_deck,
)
from tests.support.collection import open_collection

pytestmark = pytest.mark.slow

T1 = datetime(2025, 3, 1, 9, 0, tzinfo=UTC)
T2 = T1 + timedelta(days=9)
WITHDRAWN = ("alliance-term", "who-headed")


@pytest.fixture
def anki(tmp_path: Path) -> Iterator[Collection]:
    (tmp_path / "anki").mkdir()
    col = Collection(str(tmp_path / "anki" / "collection.anki2"))
    try:
        yield col
    finally:
        col.close()


def without(body: str, note_ids: tuple[str, ...]) -> str:
    for note_id in note_ids:
        body, count = re.subn(
            rf'\[\[notes\]\]\nid = "{note_id}".*?(?=\[\[notes\]\]|\Z)', "", body, flags=re.S
        )
        assert count == 1, note_id
    return body


def studied(col: Collection) -> set[int]:
    """The ids of the cards Anki's scheduler would show in the deck today."""
    col.decks.set_current(DeckId(int(db(col).scalar("SELECT min(did) FROM cards"))))
    queued = scheduler(col).get_queued_cards(fetch_limit=1000)
    return {int(q.card.id) for q in queued.cards}


def cards_of(col: Collection, deck_id: str, note_id: str) -> set[int]:
    guid = note_guid(deck_id, note_id)
    nids = db(col).list("SELECT id FROM notes WHERE guid = ?", guid)
    assert len(nids) == 1, note_id  # never duplicated
    return {int(c) for c in db(col).list("SELECT id FROM cards WHERE nid = ?", nids[0])}


def test_withdrawn_notes_leave_the_study_queues(anki: Collection, tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    first = write_deck(tmp_path, notes(ORIGINAL_FRONT))
    result = export_decks([first], tmp_path / "v1.apkg", now=T1, previous=load_record(data_dir))
    assert result.record is not None
    save_record(data_dir, result.record)
    assert_no_warnings(import_package(anki, tmp_path / "v1.apkg"))
    gone = set().union(*(cards_of(anki, first.id, n) for n in WITHDRAWN))
    assert gone and gone <= studied(anki)

    second = write_deck(tmp_path, without(notes(ORIGINAL_FRONT), WITHDRAWN))
    update = export_decks([second], tmp_path / "v2.apkg", now=T2, previous=load_record(data_dir))
    assert update.withdrawn == 2
    assert SUSPEND_SEARCH in withdrawn_advice(update.withdrawn)
    import_package(anki, tmp_path / "v2.apkg")

    # What Anki's importer honours: the notes are updated (tagged withdrawn), the cards
    # are not -- same queue, same deck, still studied.
    assert {int(c) for c in anki.find_cards(SUSPEND_SEARCH)} == gone
    queues = db(anki).list(f"SELECT DISTINCT queue FROM cards WHERE id IN {ids(gone)}")
    assert -1 not in queues
    assert gone <= studied(anki)

    # The step the export prints: search, select all, suspend.
    scheduler(anki).suspend_cards(anki.find_cards(SUSPEND_SEARCH))
    assert not gone & studied(anki)  # no longer studied, in Anki's own scheduler
    assert studied(anki)  # the deck's other cards still are
    assert set(db(anki).list(f"SELECT DISTINCT queue FROM cards WHERE id IN {ids(gone)}")) == {-1}
    # nothing duplicated: one Anki note per Rapport note, withdrawn ones included
    assert anki.note_count() == len(first.notes)
    for note in first.notes:
        cards_of(anki, first.id, note.id)


def ids(cards: set[int]) -> str:
    return "(" + ",".join(str(c) for c in sorted(cards)) + ")"


def import_with_progress(col: Collection, package: Path) -> None:
    request = ImportAnkiPackageRequest(
        package_path=str(package),
        options=ImportAnkiPackageOptions(
            update_notes=ImportAnkiPackageUpdateCondition.IMPORT_ANKI_PACKAGE_UPDATE_CONDITION_IF_NEWER,
            update_notetypes=ImportAnkiPackageUpdateCondition.IMPORT_ANKI_PACKAGE_UPDATE_CONDITION_IF_NEWER,
            with_scheduling=True,
            with_deck_configs=False,
        ),
    )
    col.import_anki_package(request)


def test_progress_reaches_a_profile_that_holds_the_deck_only_the_way_the_export_names(
    anki: Collection, tmp_path: Path
) -> None:
    deck = write_deck(tmp_path, notes(ORIGINAL_FRONT))
    export_decks([deck], tmp_path / "plain.apkg", now=T1)
    assert_no_warnings(import_package(anki, tmp_path / "plain.apkg"))
    before = set(db(anki).list("SELECT id FROM cards WHERE type = 2"))  # review cards
    assert before == set()

    now = T1 + timedelta(days=1)
    rapport = open_collection(tmp_path / "data", [deck], now)
    session = rapport.session(None, now)
    for _ in range(4):
        card = session.next_card(now)
        assert card is not None
        now += timedelta(seconds=10)
        session.answer(card, Rating.EASY, now, timedelta(seconds=10))
    progress = study_progress(rapport)
    rapport.close(now)
    export_decks([deck], tmp_path / "progress.apkg", now=now, study=progress)
    assert "delete the decks' notes there first" in progress_advice()

    import_with_progress(anki, tmp_path / "progress.apkg")
    # Anki skipped the cards it had: no progress arrived
    assert db(anki).scalar("SELECT count() FROM revlog") == 0
    assert db(anki).scalar("SELECT count() FROM cards WHERE type = 2") == 0

    # the way that works: delete the deck's notes in that profile, then import
    deck_id = int(db(anki).scalar("SELECT min(did) FROM cards"))
    name = anki.decks.name(DeckId(deck_id))
    removed = anki.remove_notes(anki.find_notes(f'"deck:{name}"'))
    assert removed.count > 0 and anki.note_count() == 0
    import_with_progress(anki, tmp_path / "progress.apkg")
    assert db(anki).scalar("SELECT count() FROM revlog") >= 4
    assert db(anki).scalar("SELECT count() FROM cards WHERE type = 2") >= 1
    assert anki.note_count() == len(deck.notes)  # nothing duplicated
