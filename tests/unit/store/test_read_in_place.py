"""A read-only command (``rapport stats``) after a clean close reads the file in place
without checking it in full, also the second time: the empty write-ahead log its own
read-only connection leaves beside the file is no sign of an unclean close."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from rapport.store import DB_NAME
from rapport.store import database as store_database
from rapport.study import Collection
from tests.support.collection import T0, basic_deck


def test_read_only_opens_after_a_clean_close_skip_the_full_check(
    data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    decks = [basic_deck("a", 3)]
    Collection.open(data_dir, decks, T0).close(T0)
    wal = data_dir / (DB_NAME + "-wal")
    assert not wal.exists()
    monkeypatch.setattr(
        store_database, "full_check", lambda *_: pytest.fail("checked in full after a clean close")
    )
    for _ in range(2):
        reader = Collection.open(data_dir, decks, T0, lock=False)
        assert reader.read_only
        assert reader.stats(T0).reviews_total == 0
        reader.close(T0)
    assert not wal.exists() or wal.stat().st_size == 0


def test_a_log_with_frames_beside_the_file_is_no_clean_close(
    data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    decks = [basic_deck("a", 3)]
    Collection.open(data_dir, decks, T0).close(T0)
    (data_dir / (DB_NAME + "-wal")).write_bytes(b"\0" * 32)  # (not a valid log: ignored)
    checked: list[bool] = []
    real = store_database.full_check  # type: ignore[attr-defined]

    def counted(conn: sqlite3.Connection) -> list[str]:
        checked.append(True)
        return real(conn)

    monkeypatch.setattr(store_database, "full_check", counted)
    reader = Collection.open(data_dir, decks, T0, lock=False)
    reader.close(T0)
    assert checked
