"""A real X display for the tests that drive Rapport in a real window."""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def xvfb(size: str) -> Iterator[dict[str, str]]:
    """Start Xvfb at ``size`` (e.g. ``"800x600"``); yield the environment that points Qt
    at it. ``-displayfd``: Xvfb picks a free display number and writes it when ready;
    ``RAPPORT_TEST_DISPLAY=N`` makes it display ``:N`` (one's own number on a machine whose
    displays are shared out)."""
    read, write = os.pipe()
    wanted = os.environ.get("RAPPORT_TEST_DISPLAY", "").lstrip(":")
    server = subprocess.Popen(
        [
            "Xvfb",
            *([f":{wanted}"] if wanted else []),
            "-displayfd",
            str(write),
            "-screen",
            "0",
            f"{size}x24",
            "-nolisten",
            "tcp",
        ],  # fmt: skip
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
