"""Schema versions: a v1 database migrates forward with its data; newer ones are refused."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime
from pathlib import Path

import pytest

from rapport.content import CardKey
from rapport.store import DB_NAME, MIGRATIONS, SCHEMA_VERSION, DatabaseError, checks, list_backups
from rapport.store import schema as schema_module
from rapport.store.records import to_us
from tests.support.collection import T0, OpenCollection, basic_deck, expanded

DAY_US = 86_400 * 1_000_000


def write_v1(path: Path) -> None:
    """A database as version 1 of Rapport wrote it, with a card studied twice."""
    path.parent.mkdir(parents=True, exist_ok=True)
    conn = sqlite3.connect(path, isolation_level=None)
    MIGRATIONS[0](conn)
    conn.execute("PRAGMA user_version = 1")
    t = to_us(T0)
    conn.execute(
        "INSERT INTO cards (id, deck_id, note_id, ordinal, position, state, stability, "
        "difficulty, due_us, last_review_us) VALUES (7, 'a', 'n0', 0, 0, 2, 30.0, 5.0, ?, ?)",
        (t + 30 * DAY_US, t),
    )
    for i, (before, after) in enumerate([(0, 1), (1, 2)]):
        conn.execute(
            "INSERT INTO revlog (card_id, time_us, rating, duration_ms, state_before, "
            "state_after) VALUES (7, ?, 3, 4000, ?, ?)",
            (t - (2 - i) * DAY_US, before, after),
        )
    conn.executemany(
        "INSERT INTO settings (key, value) VALUES (?, ?)",
        [("new_per_day", "5"), ("fuzz", "false"), ("pref.theme", '"dark"')],
    )
    conn.close()


def test_v1_data_migrates_to_the_current_schema(open_col: OpenCollection, data_dir: Path) -> None:
    write_v1(data_dir / DB_NAME)
    col = open_col([basic_deck("a", 2)], settings=None)
    assert schema_module.user_version(col.store._conn) == SCHEMA_VERSION
    # Scheduling state and history kept; the settings kept; UI preferences moved.
    assert col.settings.new_per_day == 5 and col.settings.fuzz is False
    assert col.get_pref("theme") == '"dark"'
    assert col.store.settings().keys() == {"new_per_day", "fuzz"}
    rows = {r.card.key: r for r in col.card_rows(T0)}
    studied = rows[CardKey("a", "n0", 0)]
    assert (studied.reviews, studied.state, studied.interval_days) == (2, "review", 30.0)
    assert rows[CardKey("a", "n1", 0)].state == "new"
    # The v2 indexes exist; the v1 one is gone.
    indexes = {
        r[0] for r in col.store._conn.execute("SELECT name FROM sqlite_master WHERE type='index'")
    }
    assert {"cards_queue", "cards_new", "revlog_time"} <= indexes and "cards_due" not in indexes
    # A backup of the old version was taken before migrating.
    (backup,) = list_backups(data_dir)
    old = sqlite3.connect(expanded(backup.path))
    assert old.execute("PRAGMA user_version").fetchone()[0] == 1
    old.close()
    assert col.store.integrity_check() == ["ok"]


def test_a_failed_migration_changes_nothing(
    data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write_v1(data_dir / DB_NAME)

    def broken(conn: sqlite3.Connection) -> None:
        conn.execute("CREATE TABLE half_done (x)")
        raise sqlite3.OperationalError("disk I/O error")

    monkeypatch.setattr(schema_module, "MIGRATIONS", (MIGRATIONS[0], broken))
    conn = sqlite3.connect(data_dir / DB_NAME, isolation_level=None)
    with pytest.raises(sqlite3.OperationalError):
        schema_module.migrate(conn, 2)
    assert schema_module.user_version(conn) == 1
    tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    assert "half_done" not in tables
    conn.close()


def test_a_newer_schema_is_refused_and_left_alone(open_col: OpenCollection, data_dir: Path) -> None:
    col = open_col([basic_deck("a", 1)])
    col.close(T0)
    path = data_dir / DB_NAME
    conn = sqlite3.connect(path)
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    conn.commit()
    conn.close()
    content = path.read_bytes()
    with pytest.raises(DatabaseError) as info:
        open_col([basic_deck("a", 1)])
    assert "newer version of Rapport" in str(info.value) and str(path) in str(info.value)
    assert path.read_bytes() == content


def test_the_current_schema_digest_is_what_the_migrations_build() -> None:
    digest = checks.schema_digest(checks.expected_schema(SCHEMA_VERSION))
    assert digest == checks.CURRENT_SCHEMA_DIGEST, (
        f"the migrations changed the schema: set CURRENT_SCHEMA_DIGEST = {digest!r}"
    )


def test_a_current_database_is_checked_by_its_digest_without_building_the_schema(
    open_col: OpenCollection, data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    open_col([basic_deck("a", 1)]).close(T0)

    def build(version: int) -> dict[str, tuple[str, str | None]]:
        raise AssertionError(f"schema {version} built at opening")

    monkeypatch.setattr(checks, "expected_schema", build)
    open_col([basic_deck("a", 1)]).close(T0)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ("ALTER TABLE cards ADD COLUMN their_own TEXT", "its cards differs"),
        ("DROP TRIGGER revlog_hours_add", "tables are missing: revlog_hours_add"),
        ("CREATE INDEX their_own ON revlog(rating)", None),
    ],
)
def test_a_current_database_whose_schema_was_changed_is_compared_object_by_object(
    open_col: OpenCollection, data_dir: Path, change: str, message: str | None
) -> None:
    open_col([basic_deck("a", 1)]).close(T0)
    path = data_dir / DB_NAME
    conn = sqlite3.connect(path)
    conn.execute(change)
    conn.commit()
    conn.close()
    if message is None:  # an object of its own beside ours: the digest differs, ours all match
        open_col([basic_deck("a", 1)]).close(T0)
        return
    content = path.read_bytes()
    with pytest.raises(DatabaseError, match=message) as info:
        open_col([basic_deck("a", 1)])
    assert str(path) in str(info.value)
    assert path.read_bytes() == content


def test_a_v2_database_gains_the_sync_record(open_col: OpenCollection, data_dir: Path) -> None:
    write_v1(data_dir / DB_NAME)
    conn = sqlite3.connect(data_dir / DB_NAME, isolation_level=None)
    schema_module.migrate(conn, 2)
    conn.close()
    deck = basic_deck("a", 2)
    col = open_col([deck], settings=None)
    assert schema_module.user_version(col.store._conn) == SCHEMA_VERSION == 11
    assert col.store.synced_digests() == {"a": deck.digest}
    assert col.card(CardKey("a", "n1", 0)) is not None


def test_a_file_without_its_sync_record_is_damaged(
    open_col: OpenCollection, data_dir: Path
) -> None:
    open_col([basic_deck("a", 1)]).close(T0)
    conn = sqlite3.connect(data_dir / DB_NAME)
    conn.execute("DROP TABLE synced_decks")
    conn.commit()
    conn.close()
    with pytest.raises(DatabaseError, match="tables are missing"):
        open_col([basic_deck("a", 1)])


def test_a_v5_database_gains_review_and_lapse_counts_from_its_log(
    open_col: OpenCollection, data_dir: Path
) -> None:
    write_v1(data_dir / DB_NAME)
    conn = sqlite3.connect(data_dir / DB_NAME, isolation_level=None)
    # A lapse: Again while in review (counted), and Again while learning (not a lapse).
    conn.executemany(
        "INSERT INTO revlog (card_id, time_us, rating, duration_ms, state_before, "
        "state_after) VALUES (7, ?, 1, 4000, ?, ?)",
        [(to_us(T0), 2, 3), (to_us(T0) + 1, 3, 3)],
    )
    schema_module.migrate(conn, 5)
    conn.close()
    col = open_col([basic_deck("a", 2)], settings=None)
    rows = {r.card.key: r for r in col.card_rows(T0)}
    assert (rows[CardKey("a", "n0", 0)].reviews, rows[CardKey("a", "n0", 0)].lapses) == (4, 1)
    assert (rows[CardKey("a", "n1", 0)].reviews, rows[CardKey("a", "n1", 0)].lapses) == (0, 0)
    assert col.store.review_count() == 4


def test_v10_dates_old_cards_by_their_first_answer_and_rewrites_the_text(
    open_col: OpenCollection, data_dir: Path
) -> None:
    write_v1(data_dir / DB_NAME)
    conn = sqlite3.connect(data_dir / DB_NAME, isolation_level=None)
    schema_module.migrate(conn, 7)
    conn.execute(
        "INSERT INTO cards (id, deck_id, note_id, ordinal, position) VALUES (8, 'a', 'n1', 0, 1)"
    )
    conn.execute("INSERT INTO deck_text VALUES ('a', 'Deck a', 'old stamp')")
    schema_module.migrate(conn, 10)
    added = dict(conn.execute("SELECT id, added_us FROM cards").fetchall())
    assert (
        added[7] == to_us(T0) - 2 * DAY_US and added[8] > 1_700_000_000 * 1_000_000
    )  # the upgrade's
    assert conn.execute("SELECT COUNT(*) FROM deck_text").fetchone()[0] == 0
    conn.close()
    col = open_col([basic_deck("a", 2)], settings=None)
    col.refresh_text()
    assert col.browse_count(col.search_query("tag:none n1", datetime.now(UTC))) == 1
