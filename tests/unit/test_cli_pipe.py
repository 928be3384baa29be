"""A reader that stops early (``rapport stats --json | head``) ends the command quietly."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from rapport.cli import PIPE_CLOSED


def test_closed_pipe_ends_quietly(tmp_path: Path) -> None:
    # The read end is closed before Rapport has started, so its first write finds no reader.
    process = subprocess.Popen(
        [sys.executable, "-m", "rapport", "stats", "--json", "--data-dir", str(tmp_path)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert process.stdout is not None and process.stderr is not None
    process.stdout.close()
    stderr = process.stderr.read().decode()
    assert process.wait(timeout=60) == PIPE_CLOSED
    assert "Traceback" not in stderr and "BrokenPipeError" not in stderr
    assert stderr == ""
