"""Two-way sync through Anki's own sync server (``python -m anki.syncserver`` on a free
loopback port): Rapport uploads, "the phone" (a second Anki collection) downloads and
studies, Rapport takes the phone's answers back with the same FSRS states; a card
answered on both sides ends with the same two-review history and state on both; two
Rapport data folders converge."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from anki.collection import Collection as AnkiCollection
from anki.scheduler.v3 import CardAnswer
from anki.sync import SyncOutput
from fsrs.scheduler import DEFAULT_PARAMETERS

from rapport.content.notes.model import CardKey, Deck
from rapport.interop.anki.identity import note_guid
from rapport.interop.anki.progress import revlog_id
from rapport.study import Collection, Rating
from rapport.sync.account import load_key, status_line
from rapport.sync.engine import BUMP_MS, SyncError, login, sync
from tests.integration.test_anki_import import scheduler
from tests.support.collection import basic_deck, open_collection, with_settings
from tests.support.syncserver import PASSWORD, USER, SyncServer, sync_server

__all__ = ["sync_server"]

pytestmark = pytest.mark.slow

NOTES = 30
SECOND = timedelta(seconds=1)
BUMP = timedelta(milliseconds=BUMP_MS)
MS = timedelta(milliseconds=1)


def now() -> datetime:
    return datetime.now(UTC)


_last_answer = [datetime.min.replace(tzinfo=UTC)]


def answer_time() -> datetime:
    """Now, or a millisecond after the last answer if the clock has not moved on since: a
    review's id is its time in ms, and a person's answers (on any device) are seconds
    apart, never in one millisecond."""
    _last_answer[0] = max(now(), _last_answer[0] + MS)
    return _last_answer[0]


def rapport(data: Path, decks: list[Deck]) -> Collection:
    return open_collection(data, decks, now(), settings=with_settings(new_per_day=NOTES))


def study(collection: Collection, count: int, rating: Rating = Rating.GOOD) -> list[int]:
    """Answer ``count`` cards in Rapport now; return their card ids."""
    session = collection.session(None, now())
    done = []
    for _ in range(count):
        moment = answer_time()
        card = session.next_card(moment)
        assert card is not None
        session.answer(card, rating, moment, SECOND)
        done.append(collection.require_id(card))
    return done


@pytest.fixture
def phone(tmp_path: Path) -> Iterator[AnkiCollection]:
    (tmp_path / "phone").mkdir()
    col = AnkiCollection(str(tmp_path / "phone" / "collection.anki2"))
    try:
        yield col
    finally:
        col.close()


def phone_sync(col: AnkiCollection, server: SyncServer) -> None:
    auth = col.sync_login(USER, PASSWORD, server.endpoint)
    out = col.sync_collection(auth, False)
    if out.required in (SyncOutput.FULL_DOWNLOAD, SyncOutput.FULL_SYNC):
        col.close_for_full_sync()
        col.full_upload_or_download(auth=auth, server_usn=out.server_media_usn, upload=False)
        col.reopen(after_full_sync=True)
    else:
        assert out.required in (SyncOutput.NO_CHANGES, SyncOutput.NORMAL_SYNC), out.required


def phone_answer(col: AnkiCollection, card_id: int, rating: Any) -> None:
    card = col.get_card(card_id)  # type: ignore[arg-type]
    card.start_timer()
    states = col._backend.get_scheduling_states(card.id)
    sched = scheduler(col)
    sched.answer_card(sched.build_answer(card=card, states=states, rating=rating))


def anki_card(col: AnkiCollection, deck_id: str, note_id: str, ordinal: int = 0) -> Any:
    db = col.db
    assert db is not None
    [nid] = db.list("SELECT id FROM notes WHERE guid = ?", note_guid(deck_id, note_id))
    return next(c for c in col.get_note(nid).cards() if c.ord == ordinal)


def phone_log(col: AnkiCollection, card_id: int) -> list[tuple[int, int]]:
    db = col.db
    assert db is not None
    return [
        (int(r), int(e))
        for r, e in db.all("SELECT id, ease FROM revlog WHERE cid = ? ORDER BY id", card_id)
    ]


def rapport_log(collection: Collection, card_id: int) -> list[tuple[int, int]]:
    return [(revlog_id(r.time), r.rating) for r in collection.store.reviews_of(card_id)]


def same_memory(collection: Collection, card_id: int, anki: Any) -> None:
    state = collection.store.card_state(card_id)
    memory = anki.memory_state
    assert memory is not None and state.stability is not None and state.difficulty is not None
    assert state.stability == pytest.approx(memory.stability, rel=1e-3)
    assert state.difficulty == pytest.approx(memory.difficulty, rel=1e-3)


def test_rapport_and_the_phone_share_one_schedule(
    sync_server: SyncServer, phone: AnkiCollection, tmp_path: Path
) -> None:
    decks = [basic_deck("a", NOTES)]
    data = tmp_path / "data"
    collection = rapport(data, decks)
    try:
        studied = study(collection, 5)
        login(data, sync_server.endpoint, USER, PASSWORD)
        assert load_key(data, USER)
        key_file = data / "sync" / "hkey"
        assert key_file.stat().st_mode & 0o777 == 0o600
        assert PASSWORD not in "".join(p.read_text() for p in (data / "sync").glob("*.json"))
        first = sync(collection, data)
        assert first.full == "upload" and first.reviews_out == 5 and first.notes == NOTES
        assert status_line(data).startswith("Synced")

        # The phone downloads Rapport's cards with their due dates and memory states.
        phone_sync(phone, sync_server)
        assert phone.card_count() == NOTES
        for card_id in studied:
            key = collection.store.card_identity(card_id)
            assert key is not None
            anki = anki_card(phone, key.deck_id, key.note_id, key.ordinal)
            same_memory(collection, card_id, anki)
            state = collection.store.card_state(card_id)
            assert state.due is not None
            assert anki.due == int(state.due.timestamp())  # (learning: due at a moment)
            assert phone_log(phone, anki.id) == rapport_log(collection, card_id)

        # The phone answers 10 new cards and syncs; Rapport takes them.
        db = phone.db
        assert db is not None
        new = db.list("SELECT id FROM cards WHERE queue = 0 ORDER BY due LIMIT 10")
        for card_id in new:
            phone_answer(phone, card_id, CardAnswer.GOOD)
        phone_sync(phone, sync_server)
        before = collection.stats(now()).reviews_total
        second = sync(collection, data)
        assert second.reviews_in == 10 and second.replayed == 10
        assert collection.stats(now()).reviews_total == before + 10
        by_guid = {note_guid("a", f"n{i}"): f"n{i}" for i in range(NOTES)}
        for anki_id in new:
            anki = phone.get_card(anki_id)
            note_id = by_guid[anki.note().guid]
            found = collection.card_id(CardKey("a", note_id, anki.ord))
            assert found is not None
            same_memory(collection, found, anki)
            assert rapport_log(collection, found) == phone_log(phone, anki_id)

        # Both answer the same card between syncs: both end with both answers.
        card_id = studied[0]
        key = collection.store.card_identity(card_id)
        assert key is not None
        session = collection.session_for([CardKey(key.deck_id, key.note_id, key.ordinal)], now())
        card = session.next_card(now())
        assert card is not None
        session.answer(card, Rating.GOOD, now(), SECOND)
        anki = anki_card(phone, key.deck_id, key.note_id, key.ordinal)
        phone_answer(phone, anki.id, CardAnswer.HARD)
        phone_sync(phone, sync_server)
        sync(collection, data)
        phone_sync(phone, sync_server)
        history = rapport_log(collection, card_id)
        assert history == phone_log(phone, anki.id)
        assert [r for _, r in history[-2:]] == [Rating.GOOD, Rating.HARD]
        same_memory(collection, card_id, phone.get_card(anki.id))
        third = sync(collection, data)  # nothing more to do
        assert third.reviews_in == third.reviews_out == 0

        # Rapport's settings become Anki's deck options, so the phone schedules alike.
        parameters = tuple(round(p * 1.01, 4) for p in DEFAULT_PARAMETERS)
        collection.save_settings(
            replace(collection.settings, desired_retention=0.85, parameters=parameters)
        )
        sync(collection, data)
        phone_sync(phone, sync_server)
        options = phone.decks.config_dict_for_deck_id(anki.did)
        assert options["desiredRetention"] == pytest.approx(0.85)
        assert options["fsrsParams6"] == pytest.approx(list(parameters))
    finally:
        collection.close(now())


def test_two_rapport_folders_converge(sync_server: SyncServer, tmp_path: Path) -> None:
    decks = [basic_deck("a", NOTES)]
    desk, laptop = tmp_path / "desk", tmp_path / "laptop"
    # With fuzz, as a trainee studies: the due dates converge too (the replay's fuzz is
    # seeded by the log, so every computer draws the same).
    fuzzed = with_settings(new_per_day=NOTES, fuzz=True)
    first = open_collection(desk, decks, now(), settings=fuzzed)
    second = open_collection(laptop, decks, now(), settings=fuzzed)
    try:
        study(first, 4)
        for data in (desk, laptop):
            login(data, sync_server.endpoint, USER, PASSWORD)
        assert sync(first, desk).full == "upload"
        assert sync(second, laptop).full == "download"
        study(second, 6, Rating.HARD)  # the laptop studies its own
        study(first, 3, Rating.EASY)  # and the desk goes on
        # Suspend one card at the desk, flag another on the laptop.
        [one, two] = first.store.card_table()[20:22]
        first.store.set_suspended(one.id, True)
        second.store.set_flag(two.id, 3)
        sync(second, laptop)
        sync(first, desk)
        sync(second, laptop)
        for left, right in ((first.store, second.store),):
            rows = {(r.deck_id, r.note_id, r.ordinal): r for r in left.card_table()}
            other = {(r.deck_id, r.note_id, r.ordinal): r for r in right.card_table()}
            assert rows.keys() == other.keys()
            for key, row in rows.items():
                mine, theirs = row.state, other[key].state
                # (Anki keeps an answer's moment to the millisecond, and moves it a
                # few on when another card's answer has that millisecond: BUMP_MS)
                assert mine.phase == theirs.phase, key
                assert (mine.due is None) == (theirs.due is None), key
                if mine.due is not None and theirs.due is not None:
                    assert abs(mine.due - theirs.due) <= BUMP, key
                assert mine.stability == pytest.approx(theirs.stability), key
                assert row.suspended == other[key].suspended, key
                assert left.flag(row.id) == right.flag(other[key].id), key
                ours = left.reviews_of(row.id)
                others = right.reviews_of(other[key].id)
                assert [r.rating for r in ours] == [r.rating for r in others], key
                assert all(
                    abs(a.time - b.time) <= BUMP for a, b in zip(ours, others, strict=True)
                ), key
        assert first.store.review_count() == second.store.review_count() == 4 + 6 + 3
        assert second.store.is_suspended(
            second.card_id(CardKey(one.deck_id, one.note_id, one.ordinal)) or 0
        )
    finally:
        first.close(now())
        second.close(now())


def test_a_full_sync_asks_which_side_wins(
    sync_server: SyncServer, phone: AnkiCollection, tmp_path: Path
) -> None:
    decks = [basic_deck("a", NOTES)]
    data = tmp_path / "data"
    collection = rapport(data, decks)
    try:
        study(collection, 3)
        login(data, sync_server.endpoint, USER, PASSWORD)
        sync(collection, data)
        phone_sync(phone, sync_server)
        # Rapport's Anki copy changes its schema (as a note type edit in Anki does):
        # the server's and the copy's can no longer be merged.
        mirror = AnkiCollection(str(data / "sync" / "collection.anki2"))
        mirror.mod_schema(check=False)
        mirror.close()
        asked: list[str] = []

        def cancel() -> None:
            asked.append("asked")

        with pytest.raises(SyncError, match="full sync"):
            sync(collection, data, choose_full=cancel)
        assert asked == ["asked"]
        assert status_line(data).startswith("Sync failed: Anki needs a full sync")
        study(collection, 2)  # (nothing is lost meanwhile)
        report = sync(collection, data, choose_full=lambda: "upload")
        assert report.full == "upload" and report.reviews_out == 2
        phone_sync(phone, sync_server)  # the phone must download the uploaded copy
        db = phone.db
        assert db is not None
        assert db.scalar("SELECT count() FROM revlog") == collection.store.review_count() == 5
    finally:
        collection.close(now())


def test_a_note_edited_on_the_phone_becomes_the_trainees_edit(
    sync_server: SyncServer, phone: AnkiCollection, tmp_path: Path
) -> None:
    from rapport.content.editing.authoring import Authoring

    decks = [basic_deck("a", NOTES)]
    data = tmp_path / "data"
    collection = rapport(data, decks)
    authoring = Authoring(data)
    authoring.apply(decks)

    def reload() -> None:
        collection.replace_decks(authoring.apply(decks)[0])

    try:
        login(data, sync_server.endpoint, USER, PASSWORD)
        sync(collection, data, authoring=authoring, reload=reload)
        phone_sync(phone, sync_server)
        anki = anki_card(phone, "a", "n3")
        note = anki.note()
        note["Front"] = "Edited on the phone?"
        phone.update_note(note)
        phone_sync(phone, sync_server)

        report = sync(collection, data, authoring=authoring, reload=reload)
        assert report.edits_in == 1
        [edited] = [n for n in collection.decks[0].notes if n.id == "n3"]
        assert edited.front == "Edited on the phone?"  # type: ignore[attr-defined]
        assert authoring.has_local_change("a", "n3")  # (a shipped deck: a local change)
        # Nothing flips back: the next syncs leave the edit on both sides.
        again = sync(collection, data, authoring=authoring, reload=reload)
        assert again.edits_in == 0
        phone_sync(phone, sync_server)
        assert phone.get_note(note.id)["Front"] == "Edited on the phone?"
        # An unedited note is never touched.
        other = anki_card(phone, "a", "n4").note()
        assert other["Front"] == next(n for n in decks[0].notes if n.id == "n4").front  # type: ignore[attr-defined]
    finally:
        collection.close(now())
