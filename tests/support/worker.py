"""A worker function for the background-job tests (a module-level function, so that a
spawned process can import it)."""

from __future__ import annotations

import os
from collections.abc import Callable


def report_pid(word: str, progress: Callable[[str], None] | None = None) -> tuple[str, int]:
    """Say a stage, then return ``word`` and this process's id."""
    if progress is not None:
        progress(f"working on {word}")
    return word, os.getpid()


def fail(progress: Callable[[str], None] | None = None) -> None:
    raise ValueError("no such thing")
