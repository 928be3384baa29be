"""File > Restore backup's core: a backup restored into the open collection as one
operation and one undo step (rapport.study.restoring); undo and redo give exactly the
rows before and after."""

from __future__ import annotations

import sqlite3
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from rapport.content import CardKey
from rapport.litter import remove_litter
from rapport.store import DB_NAME, BackupError, list_backups
from rapport.store.images import PROGRESS_TABLES
from rapport.study import Collection, Rating
from rapport.study.restoring import RESTORE_STEP, backups_of, restore_backup
from tests.support.collection import (
    SECOND,
    T0,
    OpenCollection,
    basic_deck,
    expanded,
    with_settings,
)
from tests.unit.store.test_store_migrations import write_v1

Dump = dict[str, list[tuple[Any, ...]]]
TABLES = (*PROGRESS_TABLES, "revlog_hours")


def dump_conn(conn: sqlite3.Connection) -> Dump:
    """Every progress table's rows (and the log's hourly summary), sorted."""
    return {t: sorted(conn.execute(f"SELECT * FROM {t}").fetchall(), key=repr) for t in TABLES}


def dump(col: Collection) -> Dump:
    return dump_conn(col.store._conn)


def answer(col: Collection, count: int, rating: Rating = Rating.GOOD) -> None:
    session = col.session(None, T0)
    now = T0
    for _ in range(count):
        card = session.next_card(now)
        assert card is not None
        session.answer(card, rating, now, 3 * SECOND)
        now += timedelta(minutes=1)


def made_backup(col: Collection) -> Path:
    path = col.backup(T0)
    col.wait_for_backup()
    return path


def test_restore_is_one_step_and_undo_redo_give_the_rows_exactly(
    open_col: OpenCollection, data_dir: Path
) -> None:
    col = open_col([basic_deck("a", 4)], settings=with_settings(new_per_day=10))
    answer(col, 1)
    backup = made_backup(col)
    in_backup = dump_conn(sqlite3.connect(expanded(backup)))
    # Today: more answers, a flag, other settings, and a deck the backup lacks.
    answer(col, 2, Rating.AGAIN)
    col.save_settings(with_settings(new_per_day=3))
    col.replace_decks([basic_deck("a", 4), basic_deck("b", 2)])
    card_b = col.card(CardKey("b", "n0", 0))
    assert card_b is not None
    today = dump(col)
    commits = col.store.commits

    changes = restore_backup(col, backup, T0)

    assert col.store.commits == commits + 1  # one transaction
    assert changes.name == RESTORE_STEP and changes.everything
    assert col.ops.undo_name == RESTORE_STEP
    restored = dump(col)
    for table in ("revlog", "note_tags", "settings", "presets", "deck_presets", "revlog_hours"):
        assert restored[table] == in_backup[table], table
    assert col.settings.new_per_day == 10  # (the backup's, read again)
    # Deck b, loaded now but not in the backup, is there, new; deck a as in the backup.
    rows = {r.card.key: r for r in col.card_rows(T0)}
    assert rows[CardKey("b", "n0", 0)].state == "new"
    assert sum(r.reviews for r in rows.values()) == 1
    assert col.store.integrity_check() == ["ok"]

    col.ops.undo()
    assert dump(col) == today
    assert col.settings.new_per_day == 3
    assert sum(r.reviews for r in col.card_rows(T0)) == 3
    col.ops.redo()
    assert dump(col) == restored
    assert col.settings.new_per_day == 10
    col.ops.undo()
    assert dump(col) == today
    # Studying goes on with the rows put back (the card ids matched again).
    answer(col, 1)
    assert col.store.review_count() == 4
    assert not list(data_dir.glob(f"{DB_NAME}.staged*"))


def test_an_older_schema_backup_comes_back_at_the_current_schema(
    open_col: OpenCollection, data_dir: Path
) -> None:
    col = open_col([basic_deck("a", 2)])
    answer(col, 2)
    old = data_dir / "backups" / "collection-20260301-120000.sqlite3"
    write_v1(old)  # (a backup of version 1: uncompressed, as older Rapports made them)
    listed = {b.backup.path: b for b in backups_of(data_dir)}
    assert listed[old].size == old.stat().st_size and listed[old].backup.number == 0

    restore_backup(col, old, T0)

    rows = {r.card.key: r for r in col.card_rows(T0)}
    studied = rows[CardKey("a", "n0", 0)]
    assert (studied.reviews, studied.state, studied.interval_days) == (2, "review", 30.0)
    assert rows[CardKey("a", "n1", 0)].state == "new"
    assert col.settings.new_per_day == 5
    assert col.store.review_count() == 2
    assert col.store.integrity_check() == ["ok"]
    col.ops.undo()
    assert col.store.review_count() == 2 and col.settings.new_per_day != 5


@pytest.mark.parametrize("kind", ["garbage", "foreign", "truncated"])
def test_a_damaged_or_foreign_backup_is_refused_and_nothing_changes(
    open_col: OpenCollection, data_dir: Path, kind: str
) -> None:
    col = open_col([basic_deck("a", 3)])
    answer(col, 1)
    good = made_backup(col)
    answer(col, 1)
    before = dump(col)
    name = good.name.replace(good.name.split("-")[-1], "999.sqlite3.zst")
    bad = good.with_name(name)
    if kind == "garbage":
        bad.write_bytes(b"not a backup at all" * 100)
    elif kind == "foreign":
        bad = bad.with_name(bad.name.removesuffix(".zst"))
        other = sqlite3.connect(bad)
        other.execute("CREATE TABLE recipes (id INTEGER PRIMARY KEY, name TEXT)")
        other.commit()
        other.close()
    else:
        bad.write_bytes(good.read_bytes()[: good.stat().st_size // 2])
    assert bad in {b.path for b in list_backups(data_dir)}

    with pytest.raises(BackupError) as caught:
        restore_backup(col, bad, T0)

    assert str(bad) in str(caught.value)
    assert dump(col) == before
    assert col.ops.undo_name != RESTORE_STEP
    assert not list(data_dir.glob(f"{DB_NAME}.staged*"))


def test_a_killed_restores_copy_is_litter(data_dir: Path) -> None:
    data_dir.mkdir(parents=True)
    for name in (f"{DB_NAME}.staged", f"{DB_NAME}.staged-journal"):
        (data_dir / name).write_bytes(b"x")
    assert len(remove_litter(data_dir)) == 2
    assert not list(data_dir.iterdir())
