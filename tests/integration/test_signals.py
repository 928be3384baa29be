"""Issue 20 item 12: SIGTERM, SIGHUP and SIGINT close the real app as File > Quit does
(collection closed cleanly, log written, lock released), and a warning reaches the log
file at once, before the window is up."""

from __future__ import annotations

import logging
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from rapport.logs import LOG_NAME, log_file, start_logging
from rapport.store import DB_NAME
from rapport.store.lock import LOCK_NAME
from tests.support.collection import REPO_ROOT
from tests.support.waiting import wait_until

pytestmark = pytest.mark.slow


@pytest.mark.parametrize("number", [signal.SIGTERM, signal.SIGHUP, signal.SIGINT])
def test_a_signal_closes_the_real_app_as_quit_does(tmp_path: Path, number: int) -> None:
    data = tmp_path / "data"
    state = tmp_path / "state"
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "XDG_STATE_HOME": str(state)}
    app = subprocess.Popen(
        [sys.executable, "-m", "rapport", "--data-dir", str(data)],
        cwd=REPO_ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    lock = data / LOCK_NAME
    try:
        # the collection is open (its lock holds the pid): well inside the 3 s during
        # which the log's INFO records wait in memory
        wait_until(
            lambda: lock.exists() and lock.read_text().strip() == str(app.pid),
            "the app to hold the data folder's lock",
            alive=app,
        )
        app.send_signal(number)
        out, err = app.communicate(timeout=60)
    finally:
        if app.poll() is None:
            app.kill()
    assert app.returncode == 0, err
    assert lock.read_text() == ""  # released by the app, not merely by its death
    assert (data / f"{DB_NAME}.closed").exists()  # the clean-close record
    assert not (data / f"{DB_NAME}-wal").exists()
    text = (state / "rapport" / "log" / LOG_NAME).read_text(encoding="utf-8")
    assert "INFO rapport.ui.app: start-up: Rapport" in text  # held INFO, written at exit
    name = signal.Signals(number).name
    assert f"signal {name}: closing as File > Quit does" in text


def test_a_warning_reaches_the_log_file_at_once() -> None:
    start_logging(deferred=True)
    logging.getLogger("rapport.test").info("held")
    assert not log_file().exists()
    logging.getLogger("rapport.test").warning("said before the window was up")
    text = log_file().read_text(encoding="utf-8")
    assert "held" in text and "said before the window was up" in text
    logging.getLogger("rapport.test").info("after")
    assert "after" in log_file().read_text(encoding="utf-8")
