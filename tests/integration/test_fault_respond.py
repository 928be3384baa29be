"""A respond answer killed at each step of its write (before BEGIN, the card's UPDATE, the
log's INSERT carrying the response, COMMIT, or just after) is in the log whole, with its
response, or not at all; the earlier answers keep theirs."""

from __future__ import annotations

import signal
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from rapport.content import load_deck
from rapport.store import DB_NAME
from tests.support.collection import REPO_ROOT, T0, open_collection
from tests.support.decks import write_respond_deck

pytestmark = pytest.mark.slow

BEFORE = 2

CHILD = f"""
import os, signal, sys
from datetime import timedelta
from pathlib import Path
from rapport.content import load_deck
from tests.support.collection import T0, open_collection, with_settings
from rapport.study import Rating

data_dir, deck_path, step = Path(sys.argv[1]), Path(sys.argv[2]), sys.argv[3]
col = open_collection(data_dir, [load_deck(deck_path)], settings=with_settings(new_per_day=9))
session = col.session(None, T0)

def answer(i):
    now = T0 + timedelta(seconds=10 * i)
    session.answer(session.next_card(now), Rating.GOOD, now, timedelta(seconds=30),
                   f"response {{i}}: it sounds hard")

for i in range({BEFORE}):
    answer(i)
    print(i + 1, flush=True)

def trace(sql):
    if sql.lstrip().upper().startswith(step):
        os.kill(os.getpid(), signal.SIGKILL)

if step != "AFTER":
    col.store._conn.set_trace_callback(trace)
answer({BEFORE})
os.kill(os.getpid(), signal.SIGKILL)
"""


@pytest.mark.parametrize("step", ["BEGIN", "UPDATE", "INSERT", "COMMIT", "AFTER"])
def test_a_respond_answer_killed_at_each_step_is_whole_or_absent(tmp_path: Path, step: str) -> None:
    data_dir = tmp_path / "data"
    deck_path = write_respond_deck(tmp_path / "decks")
    done = subprocess.run(
        [sys.executable, "-c", CHILD, str(data_dir), str(deck_path), step],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == -signal.SIGKILL, done.stderr
    assert done.stdout.split() == [str(i) for i in range(1, BEFORE + 1)]

    conn = sqlite3.connect(data_dir / DB_NAME)
    assert [r[0] for r in conn.execute("PRAGMA integrity_check")] == ["ok"]
    conn.close()

    col = open_collection(data_dir, [load_deck(deck_path)])
    try:
        logged = [e for row in col.store.card_table() for e in col.store.reviews_of(row.id)]
        expected = BEFORE + 1 if step == "AFTER" else BEFORE
        assert sorted(e.response or "" for e in logged) == [
            f"response {i}: it sounds hard" for i in range(expected)
        ]
        assert all(
            row.reviews == len(col.store.reviews_of(row.id)) for row in col.store.card_table()
        )
    finally:
        col.close(T0)
