"""Reliability, round 3 (issue 20) on the store's side: a crafted or damaged restore
journal never moves the database (items 5 and 9), and every temporary name a killed
write leaves is removed at the next start (item 10)."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from rapport.store import DB_NAME, restore_backup
from rapport.store.backups import expand_backup, newest_backup
from rapport.store.restore import JOURNAL, _prepare
from tests.support.collection import T0, OpenCollection
from tests.unit.store.test_store_reliability import (
    count_after_open,
    crash_image,
    damage_an_index,
    reviews,
    studied,
)

STAGED = DB_NAME + ".restoring"


def _journal_case(tmp_path: Path, journal: bytes) -> Path:
    data_dir = tmp_path / "data"
    crash_image(data_dir, answered=65, backed_up=25, tmp=tmp_path)
    backup = newest_backup(data_dir)
    assert backup is not None
    expand_backup(backup, data_dir / STAGED)
    assert _prepare(data_dir / STAGED) is None  # as a restore leaves it before its journal
    (data_dir / JOURNAL).write_bytes(journal)
    return data_dir


@pytest.mark.parametrize(
    "journal",
    [
        json.dumps({"aside": STAGED}).encode(),  # item 5: the staged copy's own name
        json.dumps({"aside": DB_NAME + "-wal"}).encode(),
        json.dumps({"aside": DB_NAME + ".x/../../elsewhere"}).encode(),
        json.dumps({"aside": DB_NAME + ".damaged-20260302-120000\0"}).encode(),  # item 9: NUL
        b'{"aside": "collection.sqlite3.damaged\x00-2026"}',
        b"\x00\x00\x00",
        json.dumps(["aside", DB_NAME + ".before-restore-20260302-120000"]).encode(),
        json.dumps({"aside": 7}).encode(),
    ],
)
@pytest.mark.logs_errors  # (the error is the point of the test)
def test_a_journal_of_the_wrong_shape_moves_nothing_and_is_kept_aside(
    tmp_path: Path, journal: bytes
) -> None:
    data_dir = _journal_case(tmp_path, journal)
    assert count_after_open(data_dir) == 65  # every answer, the write-ahead log's too
    (kept,) = data_dir.glob(f"{JOURNAL}.damaged-*")
    assert kept.read_bytes() == journal
    assert not (data_dir / JOURNAL).exists() and not (data_dir / STAGED).exists()
    assert not list(data_dir.glob(f"{DB_NAME}.*-*[0-9]"))  # nothing kept aside as a db


def test_a_journal_naming_a_real_aside_still_finishes_the_restore(tmp_path: Path) -> None:
    name = DB_NAME + ".before-restore-20260302-150000"
    data_dir = _journal_case(tmp_path, json.dumps({"aside": name}).encode())
    assert count_after_open(data_dir) == 25
    assert reviews(data_dir / name) == 65


def test_a_restore_never_meets_an_old_staged_journal(tmp_path: Path) -> None:
    """Item 10: ``collection.sqlite3.restoring-journal`` left by a restore killed at its
    flush is litter: removed, never handed to SQLite as a hot journal."""
    data_dir = tmp_path / "data"
    crash_image(data_dir, answered=65, backed_up=25, tmp=tmp_path)
    stale = data_dir / (STAGED + "-journal")
    stale.write_bytes(b"\xd9\xd5\x05\xf9\x20\xa1\x63\xd7" + os.urandom(4088))
    restore_backup(data_dir, None, T0)
    assert not stale.exists()
    assert count_after_open(data_dir) == 25


KILL_AT_RENAME = """
import os, signal, sys
from pathlib import Path
real = os.replace
def dying(src, dst, *a, **k):
    if Path(str(dst)).name == sys.argv[2]:
        os.kill(os.getpid(), signal.SIGKILL)
    return real(src, dst, *a, **k)
os.replace = dying
"""


def _killed(code: str, data_dir: Path, name: str) -> None:
    script = KILL_AT_RENAME + textwrap.dedent(code)
    done = subprocess.run([sys.executable, "-c", script, str(data_dir), name], check=False)
    assert done.returncode == -signal.SIGKILL


def test_every_temporary_name_a_killed_write_leaves_is_removed_at_the_next_start(
    tmp_path: Path,
) -> None:
    data_dir = tmp_path / "data"
    saves = """
        from rapport.content.editing.authoring import Authoring
        from rapport.content import load_deck
        authoring = Authoring(Path(sys.argv[1]))
        path = authoring.own_dir / "week-2.toml"
        if not path.exists():
            path = authoring.new_deck("Week 2", [])
        authoring.save_note(load_deck(path), {"kind": "basic", "id": "n1", "concept": "c",
                                              "front": "Front", "back": "Back"})
    """
    _killed(saves, data_dir, "week-2.toml")  # the new deck's file
    local = """
        from rapport.content.editing.local import LocalChanges
        LocalChanges(Path(sys.argv[1])).set("d", "n", {"front": "a"}, {"front": "b"})
    """
    _killed(local, data_dir, "local-changes.json")
    cache = """
        from rapport.content.loading.cache import load_decks_cached
        from rapport.paths import deck_folders
        load_decks_cached(deck_folders(Path(sys.argv[1])), Path(sys.argv[1]))
    """
    _killed(cache, data_dir, "decks.pickle")
    left = sorted(p.name for p in data_dir.rglob(".*") if p.is_file())
    assert len(left) == 3, left
    for name in (DB_NAME + ".restoring-journal", "restore.journal.partial"):
        (data_dir / name).write_bytes(b"x")
    from rapport.litter import remove_litter

    removed = remove_litter(data_dir)
    assert sorted(p.name for p in removed if p.name.startswith(".")) == left
    assert not [p for p in data_dir.rglob("*") if p.is_file() and p.name.endswith("part")]
    assert not (data_dir / (DB_NAME + ".restoring-journal")).exists()


def test_litter_list_keeps_what_is_not_litter(tmp_path: Path) -> None:
    from rapport.litter import LITTER, remove_litter

    for folder, _pattern in LITTER:
        (tmp_path / folder).mkdir(exist_ok=True)
    keep = [tmp_path / "my-decks" / "week-2.toml", tmp_path / "decks" / "notes.part.toml",
            tmp_path / DB_NAME, tmp_path / "local-changes.json", tmp_path / "part",
            tmp_path / "backups" / "collection-20260101-000000.sqlite3.zst"]  # fmt: skip
    for path in keep:
        path.write_text("x")
    assert remove_litter(tmp_path) == []
    assert all(p.exists() for p in keep)


# -- item 11: read-only commands say what the app says ---------------------------------


def test_stats_on_a_missing_database_beside_backups_is_an_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from rapport.cli import main

    data_dir = tmp_path / "data"
    crash_image(data_dir, answered=65, backed_up=25, tmp=tmp_path)
    for name in (DB_NAME, DB_NAME + "-wal"):
        (data_dir / name).unlink()
    assert main(["stats", "--data-dir", str(data_dir)]) == 1
    err = capsys.readouterr().err
    assert "the file is missing, but there are backups of it" in err
    assert not (data_dir / DB_NAME).exists()


def test_stats_on_a_damaged_index_says_so_as_the_app_would(
    open_col: OpenCollection, data_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from rapport.cli import main

    path = studied(open_col, data_dir)
    damage_an_index(path, tmp_path)
    (data_dir / f"{DB_NAME}.closed").unlink(missing_ok=True)  # as after a crash: check due
    before = path.read_bytes()
    assert main(["stats", "--data-dir", str(data_dir)]) == 0
    captured = capsys.readouterr()
    assert "found damage in the indexes of your progress file" in captured.err
    assert path.read_bytes() == before  # read-only: the app repairs it at its next start
