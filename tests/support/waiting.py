"""Waiting on a real condition, with a deadline, in the tests that drive another process
(the app in Xvfb with xdotool, a server, a signal test), where pytest-qt's ``waitUntil``
cannot reach: never a fixed sleep that hopes the other side is done.

A Qt test waits with ``qtbot.waitUntil`` / ``qtbot.waitSignal`` instead.
"""

from __future__ import annotations

import subprocess
import time
from collections.abc import Callable, Mapping
from typing import TypeVar

T = TypeVar("T")

POLL_S = 0.05  # between two looks at the condition: it is the condition that ends the wait


def wait_until(
    condition: Callable[[], T | None],
    what: str,
    timeout: float = 60.0,
    *,
    alive: subprocess.Popen[str] | subprocess.Popen[bytes] | None = None,
) -> T:
    """Return ``condition()``'s first true value; fail naming ``what`` after ``timeout``
    seconds, or at once if the process ``alive`` has ended meanwhile."""
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        if alive is not None and alive.poll() is not None:
            raise AssertionError(f"{what}: the process ended first (code {alive.returncode})")
        if time.monotonic() > deadline:
            raise AssertionError(f"{what}: not within {timeout:g} s")
        time.sleep(POLL_S)


def xdotool(env: Mapping[str, str], *args: str, timeout: float = 30.0) -> str:
    """Run ``xdotool args`` on the display of ``env``; its output. xdotool's ``--sync``
    forms wait for what they name (a window mapped, a title, the input focus)."""
    done = subprocess.run(
        ["xdotool", *args], env=dict(env), capture_output=True, text=True, timeout=timeout
    )
    assert done.returncode == 0, f"xdotool {' '.join(args)}: {done.stderr or done.stdout}"
    return done.stdout.strip()


def wait_for_window(env: Mapping[str, str], title: str, timeout: float = 60.0) -> str:
    """The id of the first visible window whose title matches the regular expression
    ``title``, once there is one (``xdotool search --sync``)."""
    found = xdotool(env, "search", "--sync", "--onlyvisible", "--name", title, timeout=timeout)
    return found.splitlines()[0]


def wait_for_title(env: Mapping[str, str], window: str, part: str, timeout: float = 30.0) -> str:
    """``window``'s title once it contains ``part``."""

    def title() -> str | None:
        name = xdotool(env, "getwindowname", window)
        return name if part in name else None

    return wait_until(title, f"the window title to contain {part!r}", timeout)
