"""The real app in a real X server: Home shows, fits a 1024x768 screen, and a session is
studied by keyboard alone.

Starts Xvfb, runs ``rapport --data-dir D`` as a trainee would, types with xdotool
(t and Enter to study the essay deck, Space to show the answer, 3 for Good), and reads the
progress back with ``rapport stats --json`` (which works while the app runs). Each step
waits for what it does (the window mapped, its title, the answer saved), never for a fixed
time. Skipped where Xvfb or xdotool is missing; ``make test`` installs both on Debian.
"""

from __future__ import annotations

import json
import shutil
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.screen import xvfb
from tests.support.waiting import wait_for_title, wait_for_window, wait_until, xdotool

pytestmark = pytest.mark.skipif(
    not (shutil.which("Xvfb") and shutil.which("xdotool")), reason="needs Xvfb and xdotool"
)
RAPPORT = [sys.executable, "-m", "rapport"]
SCREEN = (1024, 768)  # narrower than the window's first size (1080x760)


@pytest.fixture
def display() -> Iterator[dict[str, str]]:
    with xvfb(f"{SCREEN[0]}x{SCREEN[1]}") as env:
        yield env


def reviews(data_dir: Path) -> int:
    done = subprocess.run(
        [*RAPPORT, "stats", "--json", "--data-dir", str(data_dir)],
        capture_output=True,
        text=True,
        check=True,
    )
    return int(json.loads(done.stdout)["reviews_total"])


def geometry(env: dict[str, str], window: str) -> dict[str, int]:
    shell = xdotool(env, "getwindowgeometry", "--shell", window)
    return {k: int(v) for k, v in (line.split("=") for line in shell.splitlines())}


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
        window = wait_for_window(display, "^Rapport")
        # The whole window is on the small screen (no window manager to move it).
        place = geometry(display, window)
        assert place["X"] >= 0 and place["Y"] >= 0, place
        assert place["X"] + place["WIDTH"] <= SCREEN[0], place
        assert place["Y"] + place["HEIGHT"] <= SCREEN[1], place
        assert place["WIDTH"] == SCREEN[0] and place["HEIGHT"] == 760, place  # fitted, not shrunk
        # Home's deck list has the keyboard focus from the start (it is set before the
        # window is mapped); the X input focus is given here, as a desktop would.
        xdotool(display, "windowfocus", "--sync", window)

        def key(name: str) -> None:
            xdotool(display, "key", name)  # to the focused window, as typed

        key("t")  # the essay deck, by the deck list's type-ahead ("The Relationship...")
        key("Return")  # study it
        wait_for_title(display, window, "Reviewing The Relationship")
        for answered in range(1, 4):
            key("space")  # show the answer
            key("3")  # Good
            wait_until(
                lambda n=answered: reviews(data_dir) == n,  # type: ignore[misc]
                f"answer {answered} saved",
                alive=app,
            )
        assert app.poll() is None, app.stdout.read() if app.stdout else ""
    finally:
        app.send_signal(signal.SIGKILL)
        app.wait(timeout=10)
    # Killed mid-session: every answer given is still there.
    assert reviews(data_dir) == 3
