"""File > Restore backup's core (rapport.study.restoring), and its undo, killed (SIGKILL by
strace) at several of their writes: the expanded copy, the write-ahead log and its flush.
The progress found afterwards is today's or the backup's, every row of it, nothing in
between; the expanded copy a kill leaves is litter, gone at the next opening."""

from __future__ import annotations

import re
import shutil
import signal
import sqlite3
import subprocess
import sys
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from rapport.store import DB_NAME, list_backups
from rapport.store.images import PROGRESS_TABLES
from rapport.study import Rating
from tests.support.collection import REPO_ROOT, SECOND, T0, basic_deck, open_collection
from tests.support.collection import with_settings as settings_with

pytestmark = pytest.mark.slow

DECK = 60
BACKED_UP, TODAY = 15, 45  # answers in the backup, and today
STAGED = DB_NAME + ".staged"

# mode "restore": restore the newest backup; "undo": restore it, then undo the restore
CHILD = f"""
import sys
from pathlib import Path
from rapport.store import list_backups
from rapport.study.restoring import restore_backup
from tests.support.collection import T0, basic_deck, open_collection

data_dir, mode = Path(sys.argv[1]), sys.argv[2]
col = open_collection(data_dir, [basic_deck("a", {DECK})], settings=None)
(backup,) = list_backups(data_dir)  # (made after {BACKED_UP} answers)
backup = backup.path
restore_backup(col, backup, T0)
if mode == "undo":
    print("UNDO", flush=True)
    col.ops.undo()
col.close(T0)
"""

Dump = dict[str, list[tuple[Any, ...]]]


def strace() -> str:
    found = shutil.which("strace")
    assert found, "strace is needed (apt-get install strace; .ci/sysdeps installs it)"
    return found


def run(args: list[str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        args, cwd=REPO_ROOT, capture_output=True, text=True, timeout=300, check=False
    )


def dump(data_dir: Path) -> Dump:
    """Every progress row and the log's hourly summary (the log recovered as the app
    would), sorted."""
    conn = sqlite3.connect(data_dir / DB_NAME)
    try:
        return {
            t: sorted(conn.execute(f"SELECT * FROM {t}").fetchall(), key=repr)
            for t in (*PROGRESS_TABLES, "revlog_hours")
        }
    finally:
        conn.close()


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A data folder: a backup made after 15 answers, and 45 answers today with other
    settings."""
    data_dir = tmp_path_factory.mktemp("restore-template") / "data"
    decks = [basic_deck("a", DECK)]
    col = open_collection(data_dir, decks, settings=settings_with(new_per_day=DECK))
    session = col.session(None, T0)
    kept = None
    for i in range(TODAY):
        if i == BACKED_UP:
            kept = col.backup(T0)
            col.wait_for_backup()
        now = T0 + i * SECOND
        card = session.next_card(now)
        assert card is not None
        session.answer(card, Rating.GOOD if i % 3 else Rating.AGAIN, now, SECOND)
    col.save_settings(settings_with(new_per_day=DECK - 1))
    col.close(T0 + timedelta(minutes=1))
    for backup in list_backups(data_dir):  # (the schedule's and the closing one go)
        if backup.path != kept:
            backup.path.unlink()
    return data_dir


def copy(template: Path, where: Path) -> Path:
    shutil.copytree(template, where)
    return where


def counted_writes(data_dir: Path, mode: str) -> dict[str, list[tuple[str, int]]]:
    """A traced dry run: per file of interest (the expanded copy, the log), the calls
    (name, 1-based count among calls of that name) that write it."""
    done = run(
        [
            strace(),
            "-f",
            "-qq",
            "-y",
            "-e",
            "trace=write,pwrite64,fdatasync",
            sys.executable,
            "-c",
            CHILD,
            str(data_dir),
            mode,
        ]
    )
    assert done.returncode == 0, done.stderr[-2000:]
    found: dict[str, list[tuple[str, int]]] = {"staged": [], "wal": [], "undo": []}
    count = {"write": 0, "pwrite64": 0, "fdatasync": 0}
    undoing = False
    for line in done.stderr.splitlines():
        call = re.search(r"\b(write|pwrite64|fdatasync)\((\d+)<([^>]*)>", line)
        if call is None:
            continue
        name, fd, path = call.groups()
        count[name] += 1
        if name == "write" and fd == "1" and "UNDO" in line:
            undoing = True
        if path.endswith(STAGED):
            found["staged"].append((name, count[name]))
        elif path.endswith(DB_NAME + "-wal") and name != "write":
            found["undo" if undoing else "wal"].append((name, count[name]))
    return found


def spread(calls: list[tuple[str, int]], points: int) -> list[tuple[str, int]]:
    step = max(1, len(calls) // points)
    return list(dict.fromkeys(calls[::step] + calls[-1:]))


@pytest.mark.parametrize("mode", ["restore", "undo"])
def test_a_restore_or_its_undo_killed_at_any_write_leaves_one_whole_progress(
    template: Path, tmp_path: Path, mode: str
) -> None:
    today = dump(template)
    dry = copy(template, tmp_path / "dry" / "data")
    writes = counted_writes(dry, mode)
    if mode == "restore":
        assert writes["staged"] and len(writes["wal"]) > 5, writes
        points = spread(writes["staged"], 3) + spread(writes["wal"], 6)
        after = dump(dry)
    else:
        assert len(writes["undo"]) > 5, writes
        points = spread(writes["undo"], 6)
        restored = copy(template, tmp_path / "restored" / "data")
        assert run([sys.executable, "-c", CHILD, str(restored), "restore"]).returncode == 0
        after = dump(restored)
        assert dump(dry) == today  # (undone: today's rows exactly)
    assert after != today and len(after["revlog"]) == BACKED_UP
    outcomes: list[str] = []
    for call, when in points:
        data_dir = copy(template, tmp_path / f"{call}{when}" / "data")
        done = run(
            [
                strace(),
                "-f",
                "-qq",
                "-o",
                "/dev/null",
                "-e",
                f"inject={call}:when={when}:signal=SIGKILL",
                sys.executable,
                "-c",
                CHILD,
                str(data_dir),
                mode,
            ]
        )
        killed = done.returncode == -signal.SIGKILL or "killed by SIGKILL" in done.stderr
        assert killed, (call, when, done.returncode, done.stderr[-1000:])
        found = dump(data_dir)
        assert found in (today, after), (call, when)
        outcomes.append("today" if found == today else "restored")
        # Opened again: the expanded copy a kill left is gone, the rows are as found.
        col = open_collection(data_dir, [basic_deck("a", DECK)], settings=None)
        col.close(T0)
        assert not list(data_dir.glob(STAGED + "*"))
        assert dump(data_dir) == found
    print(f"{mode}: killed at {points}: {outcomes}")
    # Kills before the commit found one side, kills after it the other.
    assert len(set(outcomes)) == 2, outcomes
