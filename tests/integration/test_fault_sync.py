"""A sync killed (SIGKILL by strace) at several of its writes, to Rapport's database and
to its Anki copy, loses nothing: Rapport has all of the phone's answers or none of them,
and the next sync completes with all of them, each once, on both sides."""

from __future__ import annotations

import re
import shutil
import sqlite3
import sys
from pathlib import Path

import pytest
from anki.collection import Collection as AnkiCollection
from anki.scheduler.v3 import CardAnswer

from rapport.store import DB_NAME
from tests.integration.test_sync import phone_answer, phone_sync
from tests.support.faults import injected, killed, run, spread, traced
from tests.support.syncserver import PASSWORD, USER, SyncServer, sync_server

__all__ = ["sync_server"]

pytestmark = pytest.mark.slow

ANSWERS = 10
MIRROR = "sync/collection.anki2"


def sync_command(data_dir: Path) -> list[str]:
    return [sys.executable, "-m", "rapport", "--data-dir", str(data_dir), "sync"]


def count(path: Path, sql: str) -> int:
    if not path.exists():
        return 0
    conn = sqlite3.connect(path)  # (recovers the write-ahead log as the app would)
    try:
        return int(conn.execute(sql).fetchone()[0])
    finally:
        conn.close()


def reviews(data_dir: Path) -> int:
    return count(data_dir / DB_NAME, "SELECT count(*) FROM revlog")


def mirror_reviews(data_dir: Path) -> tuple[int, int]:
    """The mirror's review log: entries, and distinct (card, id) pairs."""
    path = data_dir / MIRROR
    return (
        count(path, "SELECT count(*) FROM revlog"),
        count(path, "SELECT count(DISTINCT id) FROM revlog"),
    )


def writes(data_dir: Path) -> list[tuple[str, int]]:
    """The sync's ``pwrite64`` calls (1-based, as strace counts them) to Rapport's
    database log and to the Anki copy's, and its ``rename`` calls (a traced dry run)."""
    done = traced("pwrite64,rename", sync_command(data_dir))
    assert done.returncode == 0, done.stderr[-2000:]
    points: dict[str, list[int]] = {"rapport": [], "mirror": [], "rename": []}
    seen = {"pwrite64": 0, "rename": 0}
    for line in done.stderr.splitlines():
        found = re.search(r"\b(pwrite64|rename)\((\d+<([^>]*)>)?", line)
        if not found:
            continue
        call = found.group(1)
        seen[call] += 1
        path = found.group(3) or ""
        if call == "rename":
            points["rename"].append(seen[call])
        elif path.endswith(DB_NAME + "-wal"):
            points["rapport"].append(seen[call])
        elif path.endswith(("collection.anki2-wal", "collection.anki2")):
            points["mirror"].append(seen[call])
    chosen: list[tuple[str, int]] = []
    for name, found_points in points.items():
        if not found_points:
            continue
        call = "rename" if name == "rename" else "pwrite64"
        chosen += [(call, w) for w in spread(found_points, 3)]
    assert points["rapport"] and points["mirror"], points
    return sorted(set(chosen))


def test_a_sync_killed_at_any_write_loses_nothing(sync_server: SyncServer, tmp_path: Path) -> None:
    # Rapport uploads the shipped decks; the phone downloads them and answers 10 cards.
    template = tmp_path / "template"
    login = run(
        [
            *sync_command(template),
            "--endpoint",
            sync_server.endpoint,
            "--username",
            USER,
            "--password-stdin",
        ],
        stdin=f"{PASSWORD}\n",
    )
    assert login.returncode == 0, login.stderr[-2000:]
    assert "full upload" in login.stdout
    (tmp_path / "phone").mkdir()
    phone = AnkiCollection(str(tmp_path / "phone" / "collection.anki2"))
    try:
        phone_sync(phone, sync_server)
        db = phone.db
        assert db is not None
        for card_id in db.list(f"SELECT id FROM cards WHERE queue = 0 LIMIT {ANSWERS}"):
            phone_answer(phone, card_id, CardAnswer.GOOD)
        phone_sync(phone, sync_server)
    finally:
        phone.close()
    assert reviews(template) == 0

    dry = tmp_path / "dry"
    shutil.copytree(template, dry)
    points = writes(dry)
    assert reviews(dry) == ANSWERS
    outcomes: list[int | str] = []
    for call, when in points:
        data_dir = tmp_path / f"{call}{when}"
        shutil.copytree(template, data_dir)
        done = injected(call, when, sync_command(data_dir))
        was_killed = killed(done)
        found = reviews(data_dir)
        assert found in (0, ANSWERS), (call, when, found)
        if not was_killed:
            assert done.returncode == 0 and found == ANSWERS, done.stderr[-1000:]
        outcomes.append(found if was_killed else "done")
        # The next sync, not killed, completes: every answer once on both sides.
        again = run(sync_command(data_dir))
        assert again.returncode == 0, again.stderr[-2000:]
        assert reviews(data_dir) == ANSWERS, (call, when)
        entries, distinct = mirror_reviews(data_dir)
        assert entries == distinct == ANSWERS, (call, when, entries, distinct)
        shutil.rmtree(data_dir)
    print(f"killed at {points}: {outcomes}")
    assert 0 in outcomes  # at least one kill fell before Rapport's transaction committed
