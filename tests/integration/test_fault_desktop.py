"""``rapport install-desktop`` killed (SIGKILL by strace) at each of its renames and
flushes: every file it had placed is whole or absent, the launcher never shows without
its icons, and running it again finishes the job and leaves no temporary file behind."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from rapport.desktop import APP_ID, planned_files
from tests.support.faults import injected, killed, run

pytestmark = pytest.mark.slow
COMMAND = [sys.executable, "-m", "rapport", "install-desktop"]


def install(
    data_home: Path, inject: tuple[str, int] | None = None
) -> subprocess.CompletedProcess[str]:
    """``rapport install-desktop`` into ``data_home``; killed at ``inject`` (a call and
    its 1-based count) if given."""
    env = {"XDG_DATA_HOME": str(data_home), "PATH": "/usr/bin:/bin", "HOME": str(data_home)}
    if inject is None:
        return run(COMMAND, env=env, timeout=120)
    return injected(*inject, COMMAND, env=env, timeout=120)


@pytest.mark.parametrize("syscall", ["rename", "fsync"])
def test_install_desktop_killed_at_any_step(tmp_path: Path, syscall: str) -> None:
    killed_at = []
    for when in range(1, 12):
        data_home = tmp_path / f"{syscall}{when}"
        done = install(data_home, (syscall, when))
        expected = planned_files(data_home, [sys.executable, "-m", "rapport"])
        present = [p for p in expected if p.target.exists()]
        for placed in present:
            if placed.target.suffix != ".desktop":  # its Exec names this Python
                assert placed.target.read_bytes() == placed.content, placed.target
        entry = data_home / "applications" / f"{APP_ID}.desktop"
        if entry.exists():  # the launcher only once its icons and metainfo are there
            assert len(present) == len(expected)
        if not killed(done):
            assert done.returncode == 0, done.stderr
            assert len(present) == len(expected)
            break
        killed_at.append(when)
        again = install(data_home)
        assert again.returncode == 0, again.stderr
        assert all(p.target.exists() for p in expected)
        assert not list(data_home.rglob("*.part")), "a killed run's temporary file was left"
    else:
        raise AssertionError("install-desktop never ran to its end")
    assert len(killed_at) >= len(expected), killed_at  # killed at every file's step
