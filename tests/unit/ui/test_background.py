"""Background jobs: work that holds Python's lock (the Rust FSRS fit) runs in a worker
process, so the window's thread goes on; stages and the result come back on it."""

from __future__ import annotations

import os

from pytestqt.qtbot import QtBot

from rapport.study import Collection
from rapport.ui.background import BackgroundJob
from tests.support.worker import fail, report_pid


def test_a_process_job_reports_stages_and_its_result(qtbot: QtBot, collection: Collection) -> None:
    job = BackgroundJob(collection, lambda store, say: None, "test", (report_pid, ("x",)))
    stages: list[str] = []
    job.stage.connect(stages.append)
    with qtbot.waitSignal(job.finished, timeout=60_000):
        job.start()
        assert job.running
    assert stages == ["working on x"]
    assert isinstance(job.result, tuple)
    word, pid = job.result
    assert word == "x" and pid != os.getpid()  # another process did the work


def test_a_process_jobs_error_comes_back(qtbot: QtBot, collection: Collection) -> None:
    job = BackgroundJob(collection, lambda store, say: None, "test", (fail, ()))
    with qtbot.waitSignal(job.finished, timeout=60_000):
        job.start()
    assert isinstance(job.result, ValueError) and str(job.result) == "no such thing"
