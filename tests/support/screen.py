"""A real X display for the tests that drive Rapport in a real window."""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def xvfb(size: str) -> Iterator[dict[str, str]]:
    """Start Xvfb at ``size`` (e.g. ``"800x600"``); yield the environment that points Qt
    at it. ``-displayfd``: Xvfb picks a free display number and writes it when ready."""
    read, write = os.pipe()
    server = subprocess.Popen(
        ["Xvfb", "-displayfd", str(write), "-screen", "0", f"{size}x24", "-nolisten", "tcp"],
        pass_fds=(write,),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    os.close(write)
    try:
        with os.fdopen(read) as pipe:
            number = pipe.readline().strip()
        assert number, "Xvfb did not start"
        yield dict(os.environ, DISPLAY=f":{number}", QT_QPA_PLATFORM="xcb")
    finally:
        server.terminate()
        server.wait(timeout=10)
