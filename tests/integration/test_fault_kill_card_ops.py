"""SIGKILL at several writes of Browse's card operations (Forget, Set due date,
Reposition) and of storing the cards' search text: each is found whole or not at all.

A child studies ten cards, then runs one operation on them and kills itself with SIGKILL
at a chosen SQL statement of it (its BEGIN, its first or fifth UPDATE or INSERT, its
COMMIT) or just after it returned. The parent checks the file and reopens: the ten cards
are all changed or none is.
"""

from __future__ import annotations

import signal
import sqlite3
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest

from rapport.store import DB_NAME
from rapport.store.records import Phase
from tests.support.collection import REPO_ROOT, T0, basic_deck, open_collection

pytestmark = pytest.mark.slow

CHILD = """
import os, signal, sys
from dataclasses import replace
from datetime import timedelta
from pathlib import Path
from tests.support.collection import T0, basic_deck, open_collection, with_settings
from rapport.study import Rating
from rapport.study import cardops

data_dir, op, step = Path(sys.argv[1]), sys.argv[2], sys.argv[3]
deck = basic_deck("a", 30)
col = open_collection(data_dir, [deck], settings=with_settings(new_per_day=30))
session = col.session(None, T0)
for i in range(10):
    now = T0 + timedelta(seconds=10 * i)
    session.answer(session.next_card(now), Rating.EASY, now, timedelta(seconds=3))
col.refresh_text()
ids = [col.card_id(card.key) for card in deck.cards()[:10]]
new_ids = [col.card_id(card.key) for card in deck.cards()[10:20]]
print("ready", flush=True)

kind, _, nth = step.partition("#")
seen = [0]
def trace(sql):
    if sql.lstrip().upper().startswith(kind):
        seen[0] += 1
        if seen[0] == int(nth or 1):
            os.kill(os.getpid(), signal.SIGKILL)

if step != "AFTER":
    col.store._conn.set_trace_callback(trace)
later = T0 + timedelta(minutes=5)
if op == "forget":
    cardops.forget(col, ids)
elif op == "set_due":
    cardops.set_due(col, ids, "5", later)
elif op == "reposition":
    cardops.reposition(col, new_ids, 100, shift=True)
else:  # the text: every note reworded and tagged
    notes = [replace(n, front=f"Reworded {n.id}", tags=("new-tag", "x::y")) for n in deck.notes]
    col.replace_decks([replace(deck, notes=tuple(notes))])
    col.refresh_text()
os.kill(os.getpid(), signal.SIGKILL)
"""

STEPS = ["BEGIN", "UPDATE#1", "UPDATE#5", "COMMIT", "AFTER"]
TEXT_STEPS = ["BEGIN", "DELETE#1", "INSERT#5", "INSERT#15", "COMMIT", "AFTER"]


def _run(data_dir: Path, op: str, step: str) -> None:
    done = subprocess.run(
        [sys.executable, "-c", CHILD, str(data_dir), op, step],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == -signal.SIGKILL, done.stderr
    assert done.stdout.split() == ["ready"]
    conn = sqlite3.connect(data_dir / DB_NAME)
    assert [r[0] for r in conn.execute("PRAGMA integrity_check")] == ["ok"]
    conn.close()


@pytest.mark.parametrize("op", ["forget", "set_due", "reposition"])
@pytest.mark.parametrize("step", STEPS)
def test_a_card_operation_killed_at_any_write_is_whole_or_absent(
    tmp_path: Path, op: str, step: str
) -> None:
    data_dir = tmp_path / "data"
    _run(data_dir, op, step)
    deck = basic_deck("a", 30)
    col = open_collection(data_dir, [deck])
    try:
        store = col.store
        if op == "reposition":
            ids = [col.require_id(card) for card in deck.cards()[10:20]]
            moved = [store.positions([i])[i][1] >= 100 for i in ids]
        else:
            ids = [col.require_id(card) for card in deck.cards()[:10]]
            states = [store.card_state(i) for i in ids]
            if op == "forget":
                moved = [s.phase == Phase.NEW for s in states]
            else:
                # Five study days on (the day starts at 04:00 UTC in these tests).
                due = datetime(2026, 3, 7, 4, tzinfo=UTC)
                assert T0.date().isoformat() == "2026-03-02"
                moved = [s.due == due for s in states]
        assert all(moved) or not any(moved), moved
        assert all(moved) == (step == "AFTER"), (step, moved)
    finally:
        col.close(T0)


@pytest.mark.parametrize("step", TEXT_STEPS)
def test_storing_the_search_text_killed_at_any_write_is_whole_or_absent(
    tmp_path: Path, step: str
) -> None:
    data_dir = tmp_path / "data"
    _run(data_dir, "text", step)
    conn = sqlite3.connect(data_dir / DB_NAME)
    texts = [row[0] for row in conn.execute("SELECT search FROM card_text")]
    tags = conn.execute("SELECT COUNT(*) FROM card_tags").fetchone()[0]
    conn.close()
    reworded = ["reworded" in text for text in texts]
    assert len(texts) == 30
    assert all(reworded) or not any(reworded)
    assert tags == (60 if all(reworded) else 0)
    assert all(reworded) == (step == "AFTER")
