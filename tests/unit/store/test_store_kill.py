"""Killing the process mid-session loses no committed answer and never corrupts the file.

A child process studies through the public API and prints the number of answers after
each ``answer()`` returns; the parent SIGKILLs it at a chosen point, then reopens.
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
from tests.unit.study.test_log_summary import RECOUNT, SUMMARY

CHILD = """
import sys
from datetime import timedelta
from pathlib import Path
from tests.support.collection import T0, basic_deck, open_collection, with_settings
from rapport.study import Rating

col = open_collection(Path(sys.argv[1]), [basic_deck("a", 400)],
                      settings=with_settings(new_per_day=400))
session = col.session(None, T0)
given = 0
while True:
    now = T0 + timedelta(seconds=given)
    card = session.next_card(now)
    rating = (Rating.AGAIN, Rating.GOOD, Rating.EASY, Rating.HARD)[given % 4]
    session.answer(card, rating, now, timedelta(seconds=2))
    given += 1
    print(given, flush=True)
"""


@pytest.mark.parametrize("kill_after", [1, 17, 80])
def test_sigkill_after_n_answers_keeps_every_committed_answer(
    data_dir: Path, kill_after: int
) -> None:
    child = subprocess.Popen(
        [sys.executable, "-c", CHILD, str(data_dir)],
        cwd=REPO_ROOT,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert child.stdout is not None
    printed = 0
    try:
        for line in child.stdout:
            printed = int(line)
            if printed >= kill_after:
                child.send_signal(signal.SIGKILL)
                break
    finally:
        child.kill()
        # Read on through the same buffered file: lines it read ahead before the kill are
        # in its buffer, which communicate() would skip.
        rest = child.stdout.read()
        child.wait(timeout=30)
    for line in rest.split():
        printed = int(line)  # answers confirmed before the kill landed
    assert child.returncode == -signal.SIGKILL
    assert printed >= kill_after

    # The file passes SQLite's full check, even before Rapport opens it.
    conn = sqlite3.connect(data_dir / DB_NAME)
    assert [r[0] for r in conn.execute("PRAGMA integrity_check")] == ["ok"]
    # The log's summary per hour (schema v9) was written with each answer or not at all.
    assert conn.execute(SUMMARY).fetchall() == conn.execute(RECOUNT).fetchall()
    conn.close()

    col = open_collection(data_dir, [basic_deck("a", 400)])
    try:
        logged = col.store.review_count()
        # Every answer the child confirmed is there; at most one more was committed
        # between its commit and its print.
        assert printed <= logged <= printed + 1
        # No half-written answer: each card's state is the one its last answer left.
        for row in col.store.card_table():
            history = col.store.reviews_of(row.id)
            if history:
                assert row.state == history[-1].after
            else:
                assert row.reviews == 0 and row.state.phase == 0
        session = col.session(None, T0)
        assert session.next_card(T0) is not None  # studying goes on
    finally:
        col.close(T0)
