"""The log's summary per hour (``revlog_hours``, schema v9) equals a full recount of the
log after answers, undos, an import, an undo step of it and its redo, and a restored
backup; and statistics read from it equal statistics read from the log itself."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from rapport.content import Deck
from rapport.store import DB_NAME, CardState, ReviewRecord
from rapport.store import database as store_database
from rapport.store import stats as store_stats
from rapport.store.backups import make_backup
from rapport.store.restore import restore_backup
from rapport.study import Collection, Rating
from tests.support.collection import (
    SECOND,
    T0,
    OpenCollection,
    basic,
    basic_deck,
    make_deck,
    with_settings,
)

# What the triggers keep, counted again from the log (kinds as the statistics count them).
RECOUNT = """
    SELECT r.time_us / 3600000000,
           CASE r.state_before WHEN 2 THEN (CASE WHEN r.due_before_us
                - r.last_review_before_us >= 21 * 86400000000 THEN 2 ELSE 1 END)
           WHEN 3 THEN 3 ELSE 0 END AS kind, r.rating, COUNT(*), SUM(r.duration_ms)
    FROM revlog r GROUP BY 1, 2, 3 ORDER BY 1, 2, 3
"""
SUMMARY = "SELECT * FROM revlog_hours ORDER BY hour, kind, rating"


def summary_and_recount(data_dir: Path) -> tuple[list[tuple[object, ...]], ...]:
    conn = sqlite3.connect(data_dir / DB_NAME)
    try:
        return conn.execute(SUMMARY).fetchall(), conn.execute(RECOUNT).fetchall()
    finally:
        conn.close()


def assert_summary_right(data_dir: Path) -> int:
    summary, recount = summary_and_recount(data_dir)
    assert summary == recount
    return sum(int(row[3]) for row in summary)  # type: ignore[call-overload]


def import_history(col: Collection, deck: Deck, start: datetime) -> None:
    """What an Anki import writes: past answers of a deck's cards in one undoable step."""
    ids = [col.require_id(card) for card in deck.cards()]
    scheduler = col.scheduler_for(deck.id)

    def write() -> None:
        for n, card_id in enumerate(ids):
            state = CardState()
            for k, rating in enumerate((Rating.GOOD, Rating.AGAIN, Rating.GOOD, Rating.EASY)):
                when = start + timedelta(days=3 * k, hours=n, minutes=7)
                after = scheduler.review(card_id, state, rating, when)
                col.store.record_review(
                    ReviewRecord(card_id, when, int(rating), timedelta(seconds=4 + k), state, after)
                )
                state = after

    from rapport.store.images import Scope

    col.ops.perform("Import Anki package", Scope(tuple(ids)), write, now=T0)


def test_summary_follows_answers_undos_imports_and_a_restore(
    open_col: OpenCollection, data_dir: Path
) -> None:
    decks = [basic_deck("a", 6), basic_deck("b", 4)]
    col = open_col(decks, settings=with_settings(new_per_day=20))
    assert assert_summary_right(data_dir) == 0
    session = col.session(None, T0)
    now = T0
    for rating in (Rating.GOOD, Rating.AGAIN, Rating.EASY, Rating.HARD, Rating.GOOD):
        card = session.next_card(now)
        assert card is not None
        session.answer(card, rating, now, 3 * SECOND)
        now += timedelta(minutes=25)  # across hours
    assert assert_summary_right(data_dir) == 5
    assert session.undo() is not None and session.undo() is not None
    assert assert_summary_right(data_dir) == 3

    import_history(col, decks[1], T0 - timedelta(days=200))
    assert assert_summary_right(data_dir) == 3 + 4 * 4
    col.ops.undo()
    assert assert_summary_right(data_dir) == 3
    col.ops.redo()
    assert assert_summary_right(data_dir) == 3 + 4 * 4

    backup = make_backup(data_dir / DB_NAME, data_dir, now)
    card = session.next_card(now)
    assert card is not None
    session.answer(card, Rating.GOOD, now, 2 * SECOND)  # after the backup: lost by the restore
    assert assert_summary_right(data_dir) == 3 + 16 + 1
    col.close(now)
    restore_backup(data_dir, backup, now + timedelta(hours=1))
    assert assert_summary_right(data_dir) == 3 + 16

    # The restored file keeps the summary up to date (its triggers were rebuilt).
    col = open_col(decks, now)
    session = col.session(None, now)
    card = session.next_card(now)
    assert card is not None
    session.answer(card, Rating.AGAIN, now, 2 * SECOND)
    assert assert_summary_right(data_dir) == 3 + 16 + 1


def test_the_migration_fills_the_summary_from_the_log(tmp_path: Path) -> None:
    from rapport.store.schema import MIGRATIONS, migrate

    conn = sqlite3.connect(tmp_path / "db", isolation_level=None)
    migrate(conn, len(MIGRATIONS) - 1)
    conn.execute(
        "INSERT INTO cards (id, deck_id, note_id, ordinal, position) VALUES (1, 'd', 'n', 0, 0)"
    )
    for hour, state, rating in ((5, 0, 3), (5, 0, 3), (5, 2, 1), (9, 3, 4)):
        conn.execute(
            "INSERT INTO revlog (card_id, time_us, rating, duration_ms, state_before, "
            "due_before_us, last_review_before_us, state_after) VALUES (1, ?, ?, 1500, ?, ?, 0, 2)",
            (hour * 3_600_000_000 + 17, rating, state, 30 * 86_400_000_000),
        )
    migrate(conn)
    assert (
        conn.execute(SUMMARY).fetchall()
        == conn.execute(RECOUNT).fetchall()
        == [
            (5, 0, 3, 2, 3000),
            (5, 2, 1, 1, 1500),
            (9, 3, 4, 1, 1500),
        ]
    )
    conn.close()


@pytest.mark.parametrize("tz_name", ["UTC", "half-hour"])
def test_statistics_from_the_summary_equal_those_from_the_log(
    open_col: OpenCollection, monkeypatch: pytest.MonkeyPatch, tz_name: str
) -> None:
    from datetime import timezone

    tz = UTC if tz_name == "UTC" else timezone(timedelta(hours=5, minutes=30))
    decks = [basic_deck("a", 8), basic_deck("b", 5)]
    col = open_col(decks, settings=with_settings(new_per_day=50), tz=tz)
    import_history(col, decks[0], T0 - timedelta(days=120))
    session = col.session(None, T0)
    now = T0
    for k in range(10):
        card = session.next_card(now)
        assert card is not None
        session.answer(card, (Rating.AGAIN, Rating.GOOD, Rating.EASY)[k % 3], now, (k + 1) * SECOND)
        now += timedelta(minutes=41)
    later = now + timedelta(days=40)
    read = [col.stats(later).to_json()]
    monkeypatch.setattr(store_stats, "_whole_hours", lambda *_: False)
    read.append(col.stats(later).to_json())
    assert read[0] == read[1]
    assert read[0]["reviews_total"] == 10 + 8 * 4


def test_statistics_never_wait_for_browse_text(
    open_col: OpenCollection, data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A deck edited since Browse's text was stored: the statistics take its concepts from
    the deck as loaded, write no text, and (read-only, as ``rapport stats`` while the app
    runs) read the file in place instead of a copy in memory."""
    old = make_deck("d", [basic("n0", concept="alliance"), basic("n1", concept="alliance")])
    col = open_col([old, basic_deck("e", 2)])
    col.refresh_text()
    card = col.session(None, T0).next_card(T0)
    assert card is not None
    col.session(None, T0).answer(card, Rating.GOOD, T0, 3 * SECOND)
    new = make_deck("d", [basic("n0", concept="rupture"), basic("n1", concept="alliance")])
    col.replace_decks([new, basic_deck("e", 2)])
    stamps = col.store.text_stamps()
    stale = col.stats(T0 + timedelta(hours=1)).to_json()
    assert col.store.text_stamps() == stamps  # nothing written
    col.refresh_text()
    assert col.stats(T0 + timedelta(hours=1)).to_json() == stale
    assert {c["concept"] for c in stale["concepts"]} >= {"rupture", "alliance"}
    col.close(T0)

    # Read-only with the text behind the decks again: in place, no copy.
    col = open_col([old, basic_deck("e", 2)])
    assert col.refresh_text() == 1  # the old deck's text stored again
    col.close(T0)
    monkeypatch.setattr(
        store_database.Store,
        "snapshot_of",
        classmethod(lambda *_: pytest.fail("a copy in memory was made")),
    )
    reader = Collection.open(data_dir, [new, basic_deck("e", 2)], T0, lock=False)
    try:
        assert reader.read_only
        assert reader.stats(T0 + timedelta(hours=1)).to_json() == stale
    finally:
        reader.close(T0)
