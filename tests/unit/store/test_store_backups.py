"""Backups: when they are made, how they are thinned, restoring, and damaged databases."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from rapport.store import (
    DB_NAME,
    AlreadyRunning,
    Backup,
    BackupError,
    DatabaseError,
    backups_to_keep,
    list_backups,
    restore_backup,
    thin_backups,
)
from rapport.study import Collection, Rating
from tests.support.collection import SECOND, T0, OpenCollection, basic_deck, expanded


def answer_one(col: Collection, now: datetime) -> None:
    session = col.session(None, now)
    card = session.next_card(now)
    assert card is not None
    session.answer(card, Rating.EASY, now, SECOND)


def review_count(path: Path) -> int:
    conn = sqlite3.connect(expanded(path) if path.name.endswith(".zst") else path)
    try:
        return int(conn.execute("SELECT COUNT(*) FROM revlog").fetchone()[0])
    finally:
        conn.close()


def test_backups_at_most_every_30_minutes_of_use_and_on_close(
    open_col: OpenCollection, data_dir: Path
) -> None:
    col = open_col([basic_deck("a", 10)])
    answer_one(col, T0)  # no backup yet: the first answer makes one (in the background)
    col.wait_for_backup()
    assert [b.time for b in list_backups(data_dir)] == [T0]
    answer_one(col, T0 + timedelta(minutes=29))
    col.wait_for_backup()
    assert len(list_backups(data_dir)) == 1
    answer_one(col, T0 + timedelta(minutes=30))
    col.wait_for_backup()
    assert len(list_backups(data_dir)) == 2
    close_time = T0 + timedelta(minutes=31)
    answer_one(col, close_time)
    col.close(close_time)
    backups = list_backups(data_dir)
    assert [b.time for b in backups] == [
        close_time,
        T0 + timedelta(minutes=30),
        T0,
    ]
    assert review_count(backups[0].path) == 4 and review_count(backups[2].path) == 1
    # Closing again, or closing an unchanged collection, adds nothing.
    col.close(close_time + SECOND)
    unchanged = open_col([basic_deck("a", 10)], close_time + timedelta(hours=1))
    unchanged.close(close_time + timedelta(hours=1))
    assert len(list_backups(data_dir)) == 3


def numbered(times: list[datetime]) -> list[Backup]:
    """Backups made at ``times`` (oldest first), newest first as list_backups gives them."""
    made = [Backup(Path(f"b{n}"), t, n) for n, t in enumerate(times, 1)]
    return made[::-1]


def test_retention_keeps_recent_daily_weekly_monthly() -> None:
    now = datetime(2026, 6, 30, 12, tzinfo=UTC)
    # One backup every 6 hours for 400 days.
    times = [now - timedelta(hours=6 * i) for i in range(400 * 4)][::-1]
    backups = numbered(times)
    kept_paths = backups_to_keep(backups)
    keep = sorted((b.time for b in backups if b.path in kept_paths), reverse=True)
    assert keep[:10] == [b.time for b in backups[:10]]  # the ten most recent
    days = {t.date() for t in keep if now - t < timedelta(days=7)}
    assert len(days) == 7 or len(days) == 8  # one per day (the ten recent span two days)
    weeks = {t.isocalendar()[:2] for t in keep if now - t < timedelta(weeks=4)}
    assert len(weeks) >= 4
    months = {(t.year, t.month) for t in keep}
    assert len(months) in (12, 13)
    assert min(keep) > now - timedelta(days=31 * 12)
    # Bounded: 10 recent + 7 days + 4 weeks + 12 months at most.
    assert len(keep) <= 10 + 7 + 4 + 12
    # Each kept older backup is the newest of its period.
    for t in keep:
        if now - t >= timedelta(weeks=4):
            same_month = [x for x in times if (x.year, x.month) == (t.year, t.month)]
            assert t == max(same_month)


def test_thinning_deletes_files_the_policy_drops(tmp_path: Path) -> None:
    folder = tmp_path / "backups"
    folder.mkdir()
    now = datetime(2026, 6, 30, 12, tzinfo=UTC)
    for i in range(30):
        stamp = (now - timedelta(minutes=30 * i)).strftime("%Y%m%d-%H%M%S")
        (folder / f"collection-{stamp}-{30 - i}.sqlite3.zst").write_bytes(b"x")
    (folder / "notes.txt").write_text("not a backup")
    removed = thin_backups(tmp_path)
    left = list_backups(tmp_path)
    assert len(left) + len(removed) == 30
    assert {b.path for b in left} == backups_to_keep(left)
    assert len(left) == 11  # ten recent, plus yesterday's newest
    assert (folder / "notes.txt").exists()


def test_backup_names_are_read_as_utc_times_and_impossible_ones_ignored(tmp_path: Path) -> None:
    folder = tmp_path / "backups"
    folder.mkdir()
    for stamp in ("20260302-120000", "20251231-235959", "20261301-000000", "20260230-120000"):
        (folder / f"collection-{stamp}.sqlite3").write_bytes(b"x")
    assert [b.time for b in list_backups(tmp_path)] == [
        datetime(2026, 3, 2, 12, tzinfo=UTC),
        datetime(2025, 12, 31, 23, 59, 59, tzinfo=UTC),
    ]


def make_history(open_col: OpenCollection, data_dir: Path, answers: int) -> Path:
    """A collection with ``answers`` answers and a backup holding all of them."""
    col = open_col([basic_deck("a", 20)])
    for i in range(answers):
        answer_one(col, T0 + i * SECOND)
    col.close(T0 + timedelta(minutes=1))
    newest = list_backups(data_dir)[0].path
    assert review_count(newest) == answers
    return data_dir / DB_NAME


DAMAGES: dict[str, Callable[[bytes], bytes]] = {
    "garbage": lambda data: b"this is not a database at all" * 100,
    "truncated": lambda data: data[: len(data) // 2],
    "header only": lambda data: data[:100],
    "zeroed pages": lambda data: data[:4096] + b"\0" * (len(data) - 4096),
    "empty": lambda data: b"",
}


@pytest.mark.parametrize("damage", sorted(DAMAGES))
def test_damaged_database_gives_a_clear_error_and_restores_from_backup(
    open_col: OpenCollection, data_dir: Path, damage: str
) -> None:
    path = make_history(open_col, data_dir, 3)
    damaged = DAMAGES[damage](path.read_bytes())
    path.write_bytes(damaged)
    newest = list_backups(data_dir)[0].path

    with pytest.raises(DatabaseError) as info:
        Collection.open(data_dir, [basic_deck("a", 20)], T0 + timedelta(hours=1))
    error = info.value
    assert error.path == path and error.newest_backup == newest
    assert str(path) in str(error) and str(newest) in str(error)
    assert "rapport restore" in str(error)
    assert path.read_bytes() == damaged  # never overwritten

    restored = restore_backup(data_dir, None, T0 + timedelta(hours=1))
    assert restored.backup == newest
    assert restored.kept_aside is not None
    assert restored.kept_aside.name == f"{DB_NAME}.damaged-20260302-130000"
    assert restored.kept_aside.read_bytes() == damaged
    col = open_col([basic_deck("a", 20)], T0 + timedelta(hours=1))
    assert col.store.review_count() == 3
    assert col.store.integrity_check() == ["ok"]


def test_restore_a_chosen_backup_keeps_the_current_file_aside(
    open_col: OpenCollection, data_dir: Path
) -> None:
    col = open_col([basic_deck("a", 20)])
    answer_one(col, T0)  # backup 1 (1 answer)
    col.wait_for_backup()
    answer_one(col, T0 + timedelta(minutes=40))  # backup 2 (2 answers)
    col.wait_for_backup()
    answer_one(col, T0 + timedelta(minutes=41))
    with pytest.raises(AlreadyRunning):
        restore_backup(data_dir, None, T0)  # not while the app has the folder
    col.close(T0 + timedelta(minutes=42))  # backup 3 (3 answers)
    oldest = list_backups(data_dir)[-1].path
    restored = restore_backup(data_dir, oldest, T0 + timedelta(hours=2))
    assert restored.kept_aside is not None
    assert restored.kept_aside.name.startswith(f"{DB_NAME}.before-restore-")
    assert review_count(restored.kept_aside) == 3
    assert review_count(data_dir / DB_NAME) == 1


def test_restore_without_backups_or_from_a_bad_backup_is_refused(
    tmp_path: Path, data_dir: Path, open_col: OpenCollection
) -> None:
    with pytest.raises(BackupError, match="no backups"):
        restore_backup(data_dir, None, T0)
    make_history(open_col, data_dir, 1)
    bad = tmp_path / "bad.sqlite3"
    bad.write_bytes(b"nonsense" * 100)
    before = (data_dir / DB_NAME).read_bytes()
    with pytest.raises(BackupError, match="cannot be restored"):
        restore_backup(data_dir, bad, T0)
    assert (data_dir / DB_NAME).read_bytes() == before


def test_a_foreign_sqlite_file_is_not_taken_for_ours(data_dir: Path) -> None:
    data_dir.mkdir(parents=True)
    conn = sqlite3.connect(data_dir / DB_NAME)
    conn.execute("CREATE TABLE photos (x)")
    conn.commit()
    conn.close()
    with pytest.raises(DatabaseError, match="not a Rapport progress file") as info:
        Collection.open(data_dir, [], T0)
    assert info.value.newest_backup is None
    assert "no backup" in str(info.value)
