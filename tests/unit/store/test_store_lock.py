"""One writer per data folder; read-only snapshots still work while the app runs."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from rapport.store import AlreadyRunning, DataLock, WriteError
from rapport.study import Collection, Rating
from tests.support.collection import SECOND, T0, OpenCollection, basic_deck


def test_a_second_writer_is_refused_with_the_holders_pid(
    open_col: OpenCollection, data_dir: Path
) -> None:
    first = open_col([basic_deck("a", 1)])
    with pytest.raises(AlreadyRunning) as info:
        Collection.open(data_dir, [basic_deck("a", 1)], T0)
    assert info.value.pid == os.getpid()
    assert str(data_dir / "rapport.lock") in str(info.value)
    first.close(T0)
    Collection.open(data_dir, [basic_deck("a", 1)], T0).close(T0)


def test_the_lock_dies_with_its_process(data_dir: Path) -> None:
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys; from pathlib import Path; from rapport.store import DataLock;"
            "DataLock(Path(sys.argv[1])).acquire(); print('held', flush=True); sys.stdin.read()",
            str(data_dir),
        ],  # (holds the lock until the test kills it, or ends its input)
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
        with pytest.raises(AlreadyRunning) as info:
            DataLock(data_dir).acquire()
        assert info.value.pid == holder.pid
    finally:
        holder.send_signal(signal.SIGKILL)
        holder.communicate()
    with DataLock(data_dir) as lock:
        assert lock.held


def test_read_only_snapshot_works_while_the_app_runs(
    open_col: OpenCollection, data_dir: Path
) -> None:
    app = open_col([basic_deck("a", 3)])
    session = app.session(None, T0)
    card = session.next_card(T0)
    assert card is not None
    session.answer(card, Rating.EASY, T0, SECOND)
    snapshot = Collection.open(data_dir, [basic_deck("a", 4)], T0, lock=False)
    try:
        assert snapshot.read_only
        assert snapshot.stats(T0).reviews_total == 1  # sees committed answers
        assert snapshot.deck_counts(T0)[0].total == 4  # the new note, in memory only
        with pytest.raises(WriteError, match="read-only"):
            snapshot.session(None, T0).answer(card, Rating.GOOD, T0, SECOND)
        with pytest.raises(WriteError):
            snapshot.set_pref("theme", "dark")
    finally:
        snapshot.close(T0)
    # The app is unaffected and the snapshot wrote nothing.
    assert app.deck_counts(T0)[0].total == 3
    assert app.store.review_count() == 1


def test_snapshot_of_a_missing_collection_is_empty(tmp_path: Path) -> None:
    col = Collection.open(tmp_path / "nothing", [basic_deck("a", 2)], T0, lock=False)
    assert col.stats(T0).reviews_total == 0
    col.close(T0)
    assert not (tmp_path / "nothing" / "collection.sqlite3").exists()
