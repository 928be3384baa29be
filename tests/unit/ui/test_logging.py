"""The log: a rotating file in the user log folder, with unexpected errors and their
tracebacks, named in Help > About and by ``rapport --version``."""

from __future__ import annotations

import logging
import os
import subprocess
import sys
from pathlib import Path

import pytest

from rapport import cli
from rapport.logs import LOG_NAME, log_dir, log_file, open_log_file, start_logging
from rapport.ui import dialogs


def test_log_folder_is_the_platforms_user_log_folder(tmp_path: Path) -> None:
    assert log_dir().is_relative_to(Path(str(tmp_path).split("/pytest-")[0]))  # isolated
    assert log_file().name == LOG_NAME and log_file().parent == log_dir()


# The app started as ``rapport --data-dir DIR`` starts it, in a process of its own; a
# timer raises an unexpected exception in a slot, then closes the crash dialog and quits.
APP = """
import sys
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication
from rapport import cli

app = QApplication(sys.argv)

def boom():
    raise RuntimeError("injected failure in a slot")

def close_dialog_then_quit():
    dialog = QApplication.activeModalWidget()
    if dialog is None:
        QTimer.singleShot(50, close_dialog_then_quit)
        return
    print("dialog:", dialog.windowTitle(), flush=True)
    dialog.close()
    QTimer.singleShot(100, app.quit)

QTimer.singleShot(300, boom)
QTimer.singleShot(350, close_dialog_then_quit)
sys.exit(cli.main(["--data-dir", sys.argv[1]]))
"""


def test_starting_the_app_with_a_fresh_data_folder_logs_and_an_unexpected_error_lands_in_it(
    tmp_path: Path,
) -> None:
    data_dir = tmp_path / "fresh"
    state = tmp_path / "state"
    env = {**os.environ, "XDG_STATE_HOME": str(state), "QT_QPA_PLATFORM": "offscreen"}
    done = subprocess.run(
        [sys.executable, "-c", APP, str(data_dir)],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert "dialog: Rapport hit an unexpected error" in done.stdout

    log = state / "rapport" / "log" / LOG_NAME  # platformdirs' user log folder on Linux
    assert log.is_file()
    text = log.read_text(encoding="utf-8")
    assert "start-up: window shown" in text
    assert "ERROR rapport.ui.crash: unexpected error" in text
    assert "Traceback (most recent call last):" in text
    assert ", in boom" in text  # the frame that raised
    assert "RuntimeError: injected failure in a slot" in text


def test_records_before_the_file_opens_are_kept(caplog: pytest.LogCaptureFixture) -> None:
    start_logging(deferred=True)
    logging.getLogger("rapport.test").info("said before the window was up")
    assert not log_file().exists()
    assert open_log_file() == log_file()
    assert "said before the window was up" in log_file().read_text(encoding="utf-8")


def test_about_and_version_name_the_log_file(capsys: pytest.CaptureFixture[str]) -> None:
    assert str(log_file()) in dialogs.about_text()
    with pytest.raises(SystemExit):
        cli.main(["--version"])
    assert f"log file: {log_file()}" in capsys.readouterr().out
