"""``rapport install-desktop`` killed (SIGKILL by strace) at each of its renames and
flushes: every file it had placed is whole or absent, the launcher never shows without
its icons, and running it again finishes the job and leaves no temporary file behind."""

from __future__ import annotations

import shutil
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from rapport.desktop import APP_ID, planned_files

pytestmark = pytest.mark.slow
ROOT = Path(__file__).resolve().parents[2]
COMMAND = [sys.executable, "-m", "rapport", "install-desktop"]


def install(data_home: Path, traced: list[str]) -> subprocess.CompletedProcess[str]:
    env = {"XDG_DATA_HOME": str(data_home), "PATH": "/usr/bin:/bin", "HOME": str(data_home)}
    return subprocess.run(
        [*traced, *COMMAND], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )


@pytest.mark.parametrize("syscall", ["rename", "fsync"])
def test_install_desktop_killed_at_any_step(tmp_path: Path, syscall: str) -> None:
    strace = shutil.which("strace")
    assert strace, "strace is needed (apt-get install strace; .ci/sysdeps installs it)"
    killed_at = []
    for when in range(1, 12):
        data_home = tmp_path / f"{syscall}{when}"
        done = install(
            data_home,
            [strace, "-f", "-qq", "-o", "/dev/null", "-e",
             f"inject={syscall}:when={when}:signal=SIGKILL"],
        )  # fmt: skip
        killed = done.returncode in (-signal.SIGKILL, 128 + signal.SIGKILL)
        expected = planned_files(data_home, [sys.executable, "-m", "rapport"])
        present = [p for p in expected if p.target.exists()]
        for placed in present:
            if placed.target.suffix != ".desktop":  # its Exec names this Python
                assert placed.target.read_bytes() == placed.content, placed.target
        entry = data_home / "applications" / f"{APP_ID}.desktop"
        if entry.exists():  # the launcher only once its icons and metainfo are there
            assert len(present) == len(expected)
        if not killed:
            assert done.returncode == 0, done.stderr
            assert len(present) == len(expected)
            break
        killed_at.append(when)
        again = install(data_home, [])
        assert again.returncode == 0, again.stderr
        assert all(p.target.exists() for p in expected)
        assert not list(data_home.rglob("*.part")), "a killed run's temporary file was left"
    else:
        raise AssertionError("install-desktop never ran to its end")
    assert len(killed_at) >= len(expected), killed_at  # killed at every file's step
