"""The real app in a real X server: Home shows, and a session is studied by keyboard alone.

Starts Xvfb, runs ``rapport --data-dir D`` as a trainee would, types with xdotool
(Enter to study, Space to show the answer, 3 for Good), and reads the progress back with
``rapport stats --json`` (which works while the app runs). Skipped where Xvfb or xdotool
is missing; ``make test`` installs both on Debian.
"""

from __future__ import annotations

import json
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.screen import xvfb

pytestmark = pytest.mark.skipif(
    not (shutil.which("Xvfb") and shutil.which("xdotool")), reason="needs Xvfb and xdotool"
)
RAPPORT = [sys.executable, "-m", "rapport"]


@pytest.fixture
def display() -> Iterator[dict[str, str]]:
    with xvfb("1280x800") as env:
        yield env


def reviews(data_dir: Path) -> int:
    done = subprocess.run(
        [*RAPPORT, "stats", "--json", "--data-dir", str(data_dir)],
        capture_output=True,
        text=True,
        check=True,
    )
    return int(json.loads(done.stdout)["reviews_total"])


def wait_for(condition, timeout: float = 15) -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.2)


@pytest.mark.slow
def test_home_shows_and_a_session_is_studied_by_keyboard(
    display: dict[str, str], tmp_path: Path
) -> None:
    data_dir = tmp_path / "data"
    app = subprocess.Popen(
        [*RAPPORT, "--data-dir", str(data_dir)],
        env=display,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        found = subprocess.run(
            ["xdotool", "search", "--sync", "--onlyvisible", "--name", "^Rapport"],
            env=display,
            capture_output=True,
            text=True,
            timeout=30,
        )
        assert found.returncode == 0 and found.stdout.strip(), "no Rapport window"
        time.sleep(0.5)  # let Home take the keyboard focus

        def key(name: str) -> None:
            subprocess.run(["xdotool", "key", name], env=display, check=True)
            time.sleep(0.3)

        key("t")  # the essay deck, by the deck list's type-ahead ("The Relationship...")
        key("Return")  # study it
        for answered in range(1, 4):
            key("space")  # show the answer
            key("3")  # Good
            wait_for(lambda n=answered: reviews(data_dir) == n)
        assert app.poll() is None, app.stdout.read() if app.stdout else ""
    finally:
        app.send_signal(signal.SIGKILL)
        app.wait(timeout=10)
    # Killed mid-session: every answer given is still there.
    assert reviews(data_dir) == 3
