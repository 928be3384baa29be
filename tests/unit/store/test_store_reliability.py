"""Reliability, round 2 (issue 11): restores across a crash, damage quick_check misses,
folders that cannot be written, a wrong clock, foreign files and litter."""

from __future__ import annotations

import errno
import os
import random
import shutil
import sqlite3
import stat
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from rapport.errors import RapportError
from rapport.store import (
    DB_NAME,
    BackupError,
    DatabaseError,
    list_backups,
    newest_backup,
    restore_backup,
)
from rapport.study import Collection, Rating
from tests.support.collection import (
    SECOND,
    T0,
    OpenCollection,
    basic_deck,
    expanded,
    open_collection,
    with_settings,
)

DECKS = [basic_deck("a", 100)]
MANY = with_settings(new_per_day=100)


class Killed(BaseException):
    """Stands for SIGKILL at a chosen step (the real kill is in tests/integration)."""


def answer(col: Collection, count: int, start: datetime) -> None:
    session = col.session(None, start)
    for i in range(count):
        now = start + i * SECOND
        card = session.next_card(now)
        assert card is not None
        session.answer(card, Rating.GOOD, now, SECOND)


def settle(col: Collection) -> None:
    """Wait for a backup running in the background (older Rapports backed up in line)."""
    wait = getattr(col, "wait_for_backup", None)
    if wait is not None:
        wait()


def reviews(path: Path) -> int:
    conn = sqlite3.connect(expanded(path) if path.name.endswith(".zst") else path)
    try:
        return int(conn.execute("SELECT COUNT(*) FROM revlog").fetchone()[0])
    finally:
        conn.close()


def crash_image(data_dir: Path, answered: int, backed_up: int, tmp: Path) -> Path:
    """A data folder as a crash leaves it: ``backed_up`` answers in the backup, then
    ``answered`` in all, the last ones only in the write-ahead log beside the database."""
    source = tmp / "source"
    col = open_collection(source, DECKS, settings=MANY)
    answer(col, backed_up, T0)
    col.close(T0 + timedelta(minutes=1))
    col = open_collection(source, DECKS, T0 + timedelta(hours=1), settings=MANY)
    answer(col, answered - backed_up, T0 + timedelta(hours=1))
    data_dir.mkdir(parents=True)
    for name in (DB_NAME, DB_NAME + "-wal"):  # taken while the app still runs
        shutil.copyfile(source / name, data_dir / name)
    shutil.copytree(source / "backups", data_dir / "backups")
    col.close(T0 + timedelta(hours=2))
    assert (data_dir / (DB_NAME + "-wal")).stat().st_size > 0
    return data_dir / DB_NAME


def count_after_open(data_dir: Path) -> int:
    col = open_collection(data_dir, DECKS, T0 + timedelta(days=1))
    try:
        return col.store.review_count()
    finally:
        col.close(T0 + timedelta(days=1))


# -- 1. an interrupted restore, a lost database --------------------------------------------


def restore_steps(data_dir: Path, tmp: Path) -> int:
    """How many renames a complete restore makes (on a copy)."""
    copy = tmp / "count"
    shutil.copytree(data_dir, copy)
    calls = 0
    real = os.replace

    def counting(*args: Any) -> None:
        nonlocal calls
        calls += 1
        real(*args)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(os, "replace", counting)
        restore_backup(copy, None, T0 + timedelta(hours=3))
    return calls


def test_a_restore_killed_at_any_rename_is_finished_or_undone_never_half_done(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    template = tmp_path / "template"
    crash_image(template, answered=65, backed_up=25, tmp=tmp_path)
    steps = restore_steps(template, tmp_path)
    assert steps >= 4  # the log, the index, the file aside; the backup into place
    for kill_at in range(1, steps + 1):
        data_dir = tmp_path / f"kill{kill_at}"
        shutil.copytree(template, data_dir)
        calls = 0
        real = os.replace

        def dying(*args: Any, kill_at: int = kill_at, real: Any = real) -> None:
            nonlocal calls
            calls += 1
            if calls == kill_at:
                raise Killed
            real(*args)

        monkeypatch.setattr(os, "replace", dying)
        with pytest.raises(Killed):
            restore_backup(data_dir, None, T0 + timedelta(hours=3))
        monkeypatch.setattr(os, "replace", real)
        count = count_after_open(data_dir)
        if count == 65:  # undone: everything as before the restore
            continue
        assert count == 25, f"killed at rename {kill_at}: {count} answers"  # finished
        (aside,) = data_dir.glob(f"{DB_NAME}.before-restore-*[0-9]")
        assert reviews(aside) == 65  # with its write-ahead log beside it


def test_a_write_ahead_log_without_its_database_is_not_a_first_start(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    path = crash_image(data_dir, answered=30, backed_up=10, tmp=tmp_path)
    path.unlink()
    wal = data_dir / (DB_NAME + "-wal")
    logged = wal.read_bytes()
    with pytest.raises(DatabaseError, match="write-ahead log") as info:
        Collection.open(data_dir, DECKS, T0 + timedelta(days=1))
    assert info.value.newest_backup is not None
    assert wal.read_bytes() == logged and not path.exists()
    # Restoring moves the orphan log aside, never applies it to the restored file.
    restored = restore_backup(data_dir, None, T0 + timedelta(days=1))
    assert restored.kept_aside is not None and "orphan" in restored.kept_aside.name
    assert restored.kept_aside.read_bytes() == logged
    assert count_after_open(data_dir) == 10


def test_a_missing_database_beside_backups_or_a_kept_aside_file_is_not_a_first_start(
    open_col: OpenCollection, data_dir: Path
) -> None:
    col = open_col(DECKS)
    answer(col, 3, T0)
    col.close(T0 + timedelta(minutes=1))
    (data_dir / DB_NAME).unlink()
    with pytest.raises(DatabaseError, match="missing, but there are backups") as info:
        Collection.open(data_dir, DECKS, T0 + timedelta(days=1))
    assert info.value.newest_backup == newest_backup(data_dir)
    assert not (data_dir / DB_NAME).exists()
    shutil.rmtree(data_dir / "backups")
    (data_dir / f"{DB_NAME}.before-restore-20260302-120000").write_bytes(b"kept")
    with pytest.raises(DatabaseError, match="kept aside"):
        Collection.open(data_dir, DECKS, T0 + timedelta(days=1))


# -- 2. damage quick_check misses -------------------------------------------------------


def index_pages(path: Path, names: tuple[str, ...] | None = None) -> list[int]:
    """The page numbers (1-based) of the index b-tree pages of a closed database (of the
    indexes ``names``, or all)."""
    conn = sqlite3.connect(path)
    try:
        rows = conn.execute(
            "SELECT pageno FROM dbstat WHERE name IN "
            "(SELECT name FROM sqlite_master WHERE type = 'index')"
        ).fetchall()
        if names is not None:
            marks = ",".join("?" * len(names))
            rows = conn.execute(
                f"SELECT pageno FROM dbstat WHERE name IN ({marks})", names
            ).fetchall()
    finally:
        conn.close()
    return sorted(int(row[0]) for row in rows)


def quick_and_full(data: bytes, tmp: Path) -> tuple[list[str], list[str]]:
    probe = tmp / "probe.sqlite3"
    probe.write_bytes(data)
    conn = sqlite3.connect(probe)
    try:
        quick = [r[0] for r in conn.execute("PRAGMA quick_check")]
        full = [r[0] for r in conn.execute("PRAGMA integrity_check")]
    except sqlite3.DatabaseError as exc:
        quick = full = [str(exc)]
    finally:
        conn.close()
        probe.unlink()
    return quick, full


def damage_an_index(
    path: Path, tmp: Path, seed: int = 7, names: tuple[str, ...] | None = None
) -> list[str]:
    """Flip one bit in an index page so that ``quick_check`` passes and
    ``integrity_check`` does not (as a disk's bit rot would); return what the full check
    says. The file keeps its modification time, as after bit rot."""
    original = path.read_bytes()
    before = path.stat()
    page_size = int.from_bytes(original[16:18], "big")
    rng = random.Random(seed)
    pages = index_pages(path, names)
    for _ in range(5000):
        page = rng.choice(pages)
        offset = (page - 1) * page_size + rng.randrange(page_size)
        data = bytearray(original)
        data[offset] ^= 1 << rng.randrange(8)
        quick, full = quick_and_full(bytes(data), tmp)
        if quick == ["ok"] and full != ["ok"]:
            path.write_bytes(bytes(data))
            os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))
            return full
    raise AssertionError("no bit flip found that only integrity_check sees")


def studied(open_col: OpenCollection, data_dir: Path, count: int = 12) -> Path:
    col = open_col(DECKS)
    answer(col, count, T0)
    col.close(T0 + timedelta(minutes=1))
    return data_dir / DB_NAME


def test_index_damage_quick_check_misses_is_repaired_at_the_next_check_and_said(
    open_col: OpenCollection, data_dir: Path, tmp_path: Path
) -> None:
    path = studied(open_col, data_dir)
    found = damage_an_index(path, tmp_path)
    assert found != ["ok"]
    (data_dir / f"{DB_NAME}.closed").unlink(missing_ok=True)  # as after a crash: check due
    col = open_collection(data_dir, DECKS, T0 + timedelta(hours=1))
    assert col.notice is not None and "rebuilt" in col.notice and str(path) in col.notice
    assert col.store.integrity_check() == ["ok"]
    assert col.store.review_count() == 12
    col.close(T0 + timedelta(hours=1))


@pytest.mark.logs_errors  # (the error is the point of the test)
def test_damage_quick_check_misses_never_becomes_a_backup(
    open_col: OpenCollection, data_dir: Path, tmp_path: Path
) -> None:
    path = studied(open_col, data_dir)
    kept = {b.path for b in list_backups(data_dir)}
    # Bit rot after a clean close, in an index studying does not use: no check is due.
    damage_an_index(path, tmp_path, names=("revlog_time",))
    col = open_collection(data_dir, DECKS, T0 + timedelta(hours=1))
    col.save_settings(with_settings(new_per_day=7))  # a change: closing makes a backup
    with pytest.raises(DatabaseError, match="no backup was made"):
        col.close(T0 + timedelta(hours=2))
    assert {b.path for b in list_backups(data_dir)} == kept  # no damaged copy kept
    for backup in list_backups(data_dir):
        conn = sqlite3.connect(expanded(backup.path))
        assert [r[0] for r in conn.execute("PRAGMA integrity_check")] == ["ok"]
        conn.close()
    # The next start checks the file in full, and repairs it.
    col = open_collection(data_dir, DECKS, T0 + timedelta(hours=3), settings=None)
    assert col.notice is not None and col.store.integrity_check() == ["ok"]
    assert col.store.review_count() == 12 and col.settings.new_per_day == 7
    col.close(T0 + timedelta(hours=3))


def test_a_restore_refuses_a_backup_with_damage_quick_check_misses(
    open_col: OpenCollection, data_dir: Path, tmp_path: Path
) -> None:
    path = studied(open_col, data_dir)
    bad = tmp_path / "damaged-backup.sqlite3"
    shutil.copyfile(path, bad)
    damage_an_index(bad, tmp_path)
    before = path.read_bytes()
    with pytest.raises(BackupError, match="cannot be restored: the file is damaged"):
        restore_backup(data_dir, bad, T0 + timedelta(hours=1))
    assert path.read_bytes() == before
    assert not list(data_dir.glob(f"{DB_NAME}.*-*"))  # nothing moved aside


def test_damage_met_while_studying_is_a_clear_error_not_a_raw_one(
    open_col: OpenCollection, data_dir: Path
) -> None:
    path = studied(open_col, data_dir)
    conn = sqlite3.connect(path)
    (root,) = conn.execute("SELECT rootpage FROM sqlite_master WHERE name = 'cards'").fetchone()
    conn.close()
    before = path.stat()
    data = bytearray(path.read_bytes())
    page_size = int.from_bytes(data[16:18], "big")
    start = (root - 1) * page_size
    data[start : start + page_size] = b"\xff" * page_size  # bit rot: the cards are gone
    path.write_bytes(bytes(data))
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))
    with pytest.raises(RapportError) as info:
        col = open_collection(data_dir, DECKS, T0 + timedelta(hours=1))
        answer(col, 1, T0 + timedelta(hours=1))
    assert isinstance(info.value, DatabaseError) and "damaged" in str(info.value)
    assert str(path) in str(info.value) and "rapport restore" in str(info.value)


# -- 6. a folder that cannot be written -----------------------------------------------------


def failing(error: int, name: str) -> Callable[..., Any]:
    def fail(*args: Any, **kwargs: Any) -> Any:
        raise OSError(error, os.strerror(error), name)

    return fail


@pytest.mark.parametrize(
    ("call", "error", "reason"),
    [
        ("open", errno.EROFS, "read-only"),
        ("open", errno.EACCES, "read-only"),
        ("write", errno.ENOSPC, "the disk is full"),
    ],
)
def test_start_up_on_a_full_disk_or_read_only_folder_names_the_folder(
    data_dir: Path, monkeypatch: pytest.MonkeyPatch, call: str, error: int, reason: str
) -> None:
    data_dir.mkdir(parents=True)
    monkeypatch.setattr(f"rapport.store.lock.os.{call}", failing(error, "rapport.lock"))
    with pytest.raises(RapportError) as info:
        Collection.open(data_dir, DECKS, T0)
    text = str(info.value)
    assert f"data folder {data_dir}" in text and reason in text
    assert "restore" not in text  # the file is not to blame
    monkeypatch.undo()
    with pytest.raises(RapportError, match="disk is full"):
        monkeypatch.setattr("rapport.store.lock.os.write", failing(errno.ENOSPC, "rapport.lock"))
        restore_backup(data_dir, None, T0)


@pytest.mark.logs_errors  # (the error is the point of the test)
def test_a_backup_on_a_full_disk_is_refused_with_one_clear_line(
    open_col: OpenCollection, data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from rapport.store import backups

    col = open_col(DECKS)
    answer(col, 2, T0)
    settle(col)

    def full(*args: Any, **kwargs: Any) -> Any:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(backups, "_copy_checked", full)
    answer(col, 1, T0 + timedelta(hours=1))
    settle(col)
    assert col.backup_problem is not None and "disk is full" in str(col.backup_problem)
    with pytest.raises(RapportError, match="disk is full"):
        col.close(T0 + timedelta(hours=2))
    assert not [p for p in (data_dir / "backups").iterdir() if "partial" in p.name]


# -- 7. a wrong clock --------------------------------------------------------------------


def test_a_session_with_the_clock_a_year_ahead_does_not_stop_later_backups(
    open_col: OpenCollection, data_dir: Path
) -> None:
    ahead = T0 + timedelta(days=365)
    col = open_col(DECKS, ahead)
    answer(col, 2, ahead)
    col.close(ahead + timedelta(minutes=1))
    # The clock is right again: the later session's backups are made and are the newest.
    later = T0 + timedelta(hours=1)
    col = open_col(DECKS, later)
    answer(col, 1, later)
    settle(col)
    answer(col, 1, later + timedelta(minutes=31))
    settle(col)
    made_now = [b for b in list_backups(data_dir) if b.time < ahead]
    assert len(made_now) == 1  # the periodic backup, 30 minutes into the session
    assert newest_backup(data_dir) == made_now[0].path
    assert reviews(made_now[0].path) == 4
    answer(col, 1, later + timedelta(minutes=32))
    col.close(later + timedelta(hours=1))
    assert reviews(newest_backup(data_dir) or Path("none")) == 5


def test_a_close_with_the_clock_two_years_ahead_keeps_the_weekly_and_monthly_backups(
    open_col: OpenCollection, data_dir: Path
) -> None:
    col = open_col(DECKS)
    answer(col, 1, T0)
    col.close(T0)
    (made,) = list_backups(data_dir)
    data = made.path.read_bytes()
    # A year of daily backups (from an older Rapport: unnumbered names).
    for day in range(1, 366):
        stamp = (T0 - timedelta(days=day)).strftime("%Y%m%d-%H%M%S")
        (data_dir / "backups" / f"collection-{stamp}.sqlite3").write_bytes(data)
    col = open_col(DECKS, T0 + timedelta(hours=1))
    answer(col, 1, T0 + timedelta(hours=1))
    settle(col)
    answer(col, 1, T0 + timedelta(hours=1, minutes=1))  # a change for the closing backup
    col.close(T0 + timedelta(days=730))  # one close with the clock two years ahead
    kept = list_backups(data_dir)
    months = {(b.time.year, b.time.month) for b in kept if b.time <= T0}
    weeks = {b.time.isocalendar()[:2] for b in kept if T0 - b.time <= timedelta(weeks=5)}
    assert len(months) >= 11 and len(weeks) >= 3
    assert reviews(kept[0].path) == 3  # the newest data is in the newest backup


# -- 11. a foreign database -----------------------------------------------------------------


def test_a_foreign_database_with_our_table_names_is_refused_unchanged(data_dir: Path) -> None:
    data_dir.mkdir(parents=True)
    path = data_dir / DB_NAME
    conn = sqlite3.connect(path)
    for table in ("cards", "revlog", "settings", "prefs", "synced_decks"):
        conn.execute(f"CREATE TABLE {table} (their_own TEXT)")
    conn.execute("PRAGMA user_version = 3")
    conn.commit()
    conn.close()
    before = path.read_bytes()
    with pytest.raises(DatabaseError, match="not a Rapport progress file") as info:
        Collection.open(data_dir, DECKS, T0)
    assert str(path) in str(info.value)
    assert path.read_bytes() == before  # not switched to WAL, not touched
    assert not (data_dir / (DB_NAME + "-wal")).exists()


# -- 12. litter and file modes ------------------------------------------------------------------


def test_litter_of_killed_backups_and_restores_is_cleaned_at_the_next_start(
    open_col: OpenCollection, data_dir: Path
) -> None:
    col = open_col(DECKS)
    answer(col, 1, T0)
    col.close(T0)
    folder = data_dir / "backups"
    litter = [
        folder / "collection-20260302-120500-2.sqlite3.partial",
        folder / "collection-20260302-120500-2.sqlite3.zst.partial",
        folder / "collection-20260101-000000.sqlite3.partial",
        folder / "collection-20260101-000000.sqlite3-wal",
        folder / "collection-20260101-000000.sqlite3-shm",
        data_dir / f"{DB_NAME}.restoring",
    ]
    for path in litter:
        path.write_bytes(b"\0" * 4096)
    (folder / "my-notes.txt").write_text("not ours")
    col = open_col(DECKS, T0 + timedelta(hours=1))
    assert not [path for path in litter if path.exists()]
    assert (folder / "my-notes.txt").exists() and len(list_backups(data_dir)) == 1
    col.close(T0 + timedelta(hours=1))


def test_backups_and_the_database_get_normal_file_modes(
    open_col: OpenCollection, data_dir: Path
) -> None:
    previous = os.umask(0o022)
    try:
        col = open_col(DECKS)
        answer(col, 1, T0)
        col.close(T0)
    finally:
        os.umask(previous)
    for path in [data_dir / DB_NAME, *(b.path for b in list_backups(data_dir))]:
        assert stat.S_IMODE(path.stat().st_mode) == 0o644, path


def test_an_added_deck_gets_a_normal_mode_and_a_killed_add_leaves_nothing_hidden(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from rapport.content.editing.install import add_deck, remove_partial_files
    from rapport.paths import decks_dir

    source = next(iter(sorted(decks_dir().glob("*.toml"))))
    folder = tmp_path / "decks"
    previous = os.umask(0o022)
    try:
        deck, _replaced = add_deck(source, folder)
    finally:
        os.umask(previous)
    assert stat.S_IMODE(deck.path.stat().st_mode) == 0o644
    # Killed mid-write: the hidden partial file is removed at the next start.
    real = os.replace

    def killed(*args: Any) -> None:
        raise Killed

    real_unlink = Path.unlink
    monkeypatch.setattr(os, "replace", killed)
    monkeypatch.setattr(Path, "unlink", lambda *_a, **_k: None)  # (a killed process cleans nothing)
    with pytest.raises(Killed):
        add_deck(source, folder)
    monkeypatch.setattr(os, "replace", real)
    monkeypatch.setattr(Path, "unlink", real_unlink)
    assert [p.name for p in folder.glob(".*.part")]
    remove_partial_files(folder)
    assert not list(folder.glob(".*"))


# -- issue 16: backups off the answer path, compressed ----------------------------------


def test_a_backup_never_delays_an_answer(
    open_col: OpenCollection, data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The first answer with no backup yet starts one; the answer returns while it runs
    (here held back until the test lets it go)."""
    import threading
    import time

    from rapport.store import backups, connection

    release = threading.Event()
    real = backups.make_backup

    def slow(*args: Any, **kwargs: Any) -> Path:
        release.wait(timeout=10)
        return real(*args, **kwargs)

    monkeypatch.setattr(backups, "make_backup", slow)
    monkeypatch.setattr(connection, "make_backup", slow)
    col = open_col(DECKS)
    started = time.perf_counter()
    answer(col, 3, T0)
    took = time.perf_counter() - started
    assert took < 5 and not list_backups(data_dir)  # answered while the backup waits
    release.set()
    settle(col)
    assert len(list_backups(data_dir)) == 1


def test_each_backup_is_at_most_half_the_database(open_col: OpenCollection, data_dir: Path) -> None:
    col = open_col([basic_deck("big", 2000)])
    col.close(T0)
    conn = sqlite3.connect(data_dir / DB_NAME)
    rng = random.Random(3)
    ids = [row[0] for row in conn.execute("SELECT id FROM cards")]
    base = 1_772_452_800_000_000  # T0 in microseconds
    conn.executemany(
        "INSERT INTO revlog (card_id, time_us, rating, duration_ms, state_before, "
        "state_after, stability_after, difficulty_after, due_after_us, last_review_after_us) "
        "VALUES (?, ?, ?, ?, 2, 2, ?, ?, ?, ?)",
        [
            (
                rng.choice(ids),
                base - rng.randrange(10**13),
                rng.randint(1, 4),
                rng.randrange(1000, 30000),
                rng.uniform(1, 100),
                rng.uniform(1, 10),
                base + rng.randrange(10**13),
                base - rng.randrange(10**13),
            )
            for _ in range(20_000)
        ],
    )
    conn.commit()
    conn.close()
    col = open_col([basic_deck("big", 2000)], T0 + timedelta(hours=1))
    answer(col, 1, T0 + timedelta(hours=1))
    col.close(T0 + timedelta(hours=1))
    size = (data_dir / DB_NAME).stat().st_size
    assert size > 1_000_000
    for backup in list_backups(data_dir):
        assert backup.path.stat().st_size <= size / 2, (backup.path.stat().st_size, size)
