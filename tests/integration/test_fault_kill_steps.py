"""SIGKILL at every step of an answer loses no answer already given and corrupts nothing.

A child process answers ``BEFORE`` cards, then starts one more answer and kills itself
with SIGKILL at a chosen SQL statement of it (before BEGIN, before the card's UPDATE,
before the log's INSERT, before COMMIT) or just after ``answer()`` returned. The parent
then checks the file and reopens the collection: every earlier answer is in the log, the
interrupted one is there whole or not at all, and each card's state is the one its last
logged answer left.
"""

from __future__ import annotations

import signal
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from rapport.store import DB_NAME
from tests.support.collection import REPO_ROOT, T0, basic_deck, open_collection

BEFORE = 6

CHILD = f"""
import os, signal, sys
from datetime import timedelta
from pathlib import Path
from tests.support.collection import T0, basic_deck, open_collection, with_settings
from rapport.study import Rating

data_dir, step = Path(sys.argv[1]), sys.argv[2]
col = open_collection(data_dir, [basic_deck("a", 50)], settings=with_settings(new_per_day=50))
session = col.session(None, T0)

def answer(i):
    now = T0 + timedelta(seconds=10 * i)
    session.answer(session.next_card(now), (Rating.GOOD, Rating.AGAIN)[i % 2], now,
                   timedelta(seconds=3))

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
def test_sigkill_at_each_step_of_an_answer(tmp_path: Path, step: str) -> None:
    data_dir = tmp_path / "data"
    done = subprocess.run(
        [sys.executable, "-c", CHILD, str(data_dir), step],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == -signal.SIGKILL, done.stderr
    assert done.stdout.split() == [str(i) for i in range(1, BEFORE + 1)]

    conn = sqlite3.connect(data_dir / DB_NAME)
    assert [r[0] for r in conn.execute("PRAGMA integrity_check")] == ["ok"]
    conn.close()

    col = open_collection(data_dir, [basic_deck("a", 50)])
    try:
        logged = col.store.review_count()
        # The interrupted answer is all there only when the kill came after its COMMIT.
        assert logged == (BEFORE + 1 if step == "AFTER" else BEFORE)
        for row in col.store.card_table():
            history = col.store.reviews_of(row.id)
            if history:
                assert row.state == history[-1].after
            else:
                assert row.reviews == 0
        session = col.session(None, T0)
        assert session.next_card(T0) is not None
    finally:
        col.close(T0)
