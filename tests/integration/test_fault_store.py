"""Real faults on the data path (issue 11), injected into a real process with strace and
into real file systems with unshare: a restore killed by SIGKILL at every rename and
every flush, a commit whose flush fails with EIO and then a SIGKILL, and the command line
on a full disk and on a read-only folder."""

from __future__ import annotations

import shutil
import signal
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from rapport.store import DB_NAME, list_backups
from tests.support.collection import REPO_ROOT, T0, basic_deck, open_collection
from tests.support.faults import injected, killed, run, traced

pytestmark = pytest.mark.slow

DECK_SIZE = 100
# A child that answers ANSWERS cards (a backup after BACKED_UP of them, at a clean close),
# then is killed: the last answers are only in the write-ahead log beside the database.
BACKED_UP, ANSWERS = 25, 65
CRASH = f"""
import os, signal, sys
from datetime import timedelta
from pathlib import Path
from tests.support.collection import T0, SECOND, basic_deck, open_collection, with_settings
from rapport.study import Rating

data_dir = Path(sys.argv[1])
settings = with_settings(new_per_day={DECK_SIZE})
decks = [basic_deck("a", {DECK_SIZE})]
col = open_collection(data_dir, decks, settings=settings)
session = col.session(None, T0)
for i in range({ANSWERS}):
    if i == {BACKED_UP}:
        col.close(T0 + i * SECOND)
        col = open_collection(data_dir, decks, T0 + i * SECOND, settings=settings)
        session = col.session(None, T0 + i * SECOND)
    now = T0 + i * SECOND
    session.answer(session.next_card(now), Rating.GOOD, now, SECOND)
os.kill(os.getpid(), signal.SIGKILL)
"""

# A child that answers one card and reports whether the answer was saved or refused,
# then is killed (no clean close).
ANSWER_ONE = """
import os, signal, sys
from pathlib import Path
from tests.support.collection import T0, SECOND, basic_deck, open_collection
from rapport.study import Rating, WriteError

col = open_collection(Path(sys.argv[1]), [basic_deck("a", 20)], settings=None)
session = col.session(None, T0)
card = session.next_card(T0)
print("ANSWER", flush=True)
try:
    session.answer(card, Rating.GOOD, T0, SECOND)
    print("saved", flush=True)
except WriteError as exc:
    print("refused:", exc, flush=True)
os.kill(os.getpid(), signal.SIGKILL)
"""


def reviews(path: Path) -> int:
    conn = sqlite3.connect(path)
    try:
        return int(conn.execute("SELECT COUNT(*) FROM revlog").fetchone()[0])
    finally:
        conn.close()


def opened_count(data_dir: Path) -> int:
    col = open_collection(data_dir, [basic_deck("a", DECK_SIZE)], settings=None)
    try:
        assert col.store.integrity_check() == ["ok"]
        return col.store.review_count()
    finally:
        col.close(T0)


@pytest.fixture(scope="module")
def crashed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    data_dir = tmp_path_factory.mktemp("crashed") / "data"
    done = run([sys.executable, "-c", CRASH, str(data_dir)], timeout=120)
    assert done.returncode == -signal.SIGKILL, done.stderr
    assert (data_dir / (DB_NAME + "-wal")).stat().st_size > 0
    return data_dir


RESTORE = [sys.executable, "-m", "rapport", "--data-dir"]


@pytest.mark.parametrize("syscall", ["rename", "fsync"])
def test_a_restore_killed_at_any_step_is_finished_or_undone(
    crashed: Path, tmp_path: Path, syscall: str
) -> None:
    """`rapport restore` killed (SIGKILL by strace) at its 1st, 2nd, ... rename or flush:
    the next open finds either everything as before (65 answers) or the restore finished
    (the backup's 25, with the 65 kept aside), never an empty or half-restored file."""
    outcomes = []
    for when in range(1, 30):
        data_dir = tmp_path / f"{syscall}{when}" / "data"
        shutil.copytree(crashed, data_dir)
        done = injected(syscall, when, [*RESTORE, str(data_dir), "restore"], timeout=120)
        count = opened_count(data_dir)
        if count == ANSWERS:
            outcomes.append("undone")
        else:
            assert count == BACKED_UP, (when, count, done.stderr[-500:])
            (aside,) = data_dir.glob(f"{DB_NAME}.before-restore-*[0-9]")
            assert reviews(aside) == ANSWERS  # its write-ahead log went aside with it
            outcomes.append("finished")
        shutil.rmtree(data_dir.parent)
        if not killed(done):
            assert done.returncode == 0, done.stderr
            break
    else:
        raise AssertionError("the restore never ran to its end")
    print(f"{syscall}: {outcomes}")
    assert "finished" in outcomes and len(outcomes) >= 2, outcomes


def fdatasync_calls(data_dir: Path) -> tuple[int, int]:
    """How many fdatasync calls the one-answer child makes before its answer and during
    it (a dry run, traced, on a copy)."""
    copy = data_dir.parent / "count"
    shutil.copytree(data_dir, copy)
    done = traced(
        "fdatasync,write", [sys.executable, "-c", ANSWER_ONE, str(copy)], paths=False, timeout=120
    )
    lines = done.stderr.splitlines()
    start = next(i for i, line in enumerate(lines) if "ANSWER" in line)
    end = next(i for i, line in enumerate(lines) if "saved" in line)
    before = sum("fdatasync(" in line for line in lines[:start])
    during = sum("fdatasync(" in line for line in lines[start:end])
    shutil.rmtree(copy)
    return before, during


def test_an_answer_refused_when_the_disk_fails_its_flush_stays_refused_after_a_crash(
    tmp_path: Path,
) -> None:
    """The commit's fdatasync fails with EIO: the answer is refused. After a SIGKILL the
    reopened database must not hold it (its pages were already in the log)."""
    data_dir = tmp_path / "data"
    col = open_collection(data_dir, [basic_deck("a", 20)])
    col.close(T0)
    before, during = fdatasync_calls(data_dir)
    assert during >= 1
    commit = before + during  # the last flush of the answer is its commit's
    done = injected(
        "fdatasync", commit, [sys.executable, "-c", ANSWER_ONE, str(data_dir)],
        fault="error=EIO", timeout=120,
    )  # fmt: skip
    assert "refused:" in done.stdout and "input/output error" in done.stdout, done.stdout
    col = open_collection(data_dir, [basic_deck("a", 20)], settings=None)
    try:
        assert col.store.review_count() == 0  # refused, and still refused
        assert col.store.integrity_check() == ["ok"]
    finally:
        col.close(T0)


def unshared(script: str) -> subprocess.CompletedProcess[str]:
    """Run a shell script as root of its own user and mount namespace (to mount a small
    tmpfs or a read-only bind mount without touching the machine's)."""
    return run(["unshare", "-rm", "sh", "-ec", script], timeout=180)


def test_the_command_line_on_a_full_disk_and_a_read_only_folder_says_so_in_one_line(
    tmp_path: Path,
) -> None:
    data_dir = tmp_path / "data"
    col = open_collection(data_dir, [basic_deck("a", 20)])
    col.close(T0)
    assert list_backups(data_dir)
    full, ro = tmp_path / "full", tmp_path / "ro"
    full.mkdir()
    ro.mkdir()
    rapport = f"cd {REPO_ROOT} && {sys.executable} -m rapport --data-dir"
    done = unshared(
        f"""
        mount -t tmpfs -o size=4m tmpfs {full}
        cp -r {data_dir} {full}/data
        : > {full}/data/rapport.lock
        dd if=/dev/zero of={full}/fill bs=4k 2>/dev/null || true
        echo "== restore on a full disk"
        ({rapport} {full}/data restore 2>&1; echo "rc=$?") || true
        echo "== stats on a full disk"
        ({rapport} {full}/data stats 2>&1 | tail -1; echo "rc=$?") || true
        cp -r {data_dir} {ro}/data
        mount --bind {ro}/data {ro}/data
        mount -o remount,bind,ro {ro}/data
        echo "== restore in a read-only folder"
        ({rapport} {ro}/data restore 2>&1; echo "rc=$?") || true
        echo "== stats in a read-only folder"
        ({rapport} {ro}/data stats 2>&1 | head -3; echo "rc=$?") || true
        """
    )
    assert done.returncode == 0, done.stderr
    out = done.stdout
    assert "Traceback" not in out, out
    sections = {
        part.split("\n", 1)[0].strip(): part.split("\n", 1)[1] for part in out.split("== ")[1:]
    }
    restore_full = sections["restore on a full disk"]
    assert f"data folder {full}/data" in restore_full and "disk is full" in restore_full
    assert restore_full.strip().endswith("rc=1") and len(restore_full.strip().splitlines()) == 2
    restore_ro = sections["restore in a read-only folder"]
    assert f"data folder {ro}/data" in restore_ro and "read-only" in restore_ro
    # Statistics only read: on a read-only folder they are shown, never blamed on the file.
    stats_ro = sections["stats in a read-only folder"]
    assert "restore" not in stats_ro and "cannot" not in stats_ro, stats_ro
