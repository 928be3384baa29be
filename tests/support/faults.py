"""The harness of the strace fault-injection tests (tests/integration/test_fault_*.py): a
command run as a child of this checkout, a traced dry run that lists its system calls, the
same command killed (SIGKILL by strace) at its n-th call of one kind, and the points spread
across a list of writes where the tests kill it."""

from __future__ import annotations

import shutil
import signal
import subprocess
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TypeVar

from tests.support.collection import REPO_ROOT

T = TypeVar("T")

TIMEOUT_S = 300.0


def strace_path() -> str:
    """The strace binary; a machine without it fails the test (it is a declared need)."""
    found = shutil.which("strace")
    assert found, "strace is needed (apt-get install strace; .ci/sysdeps installs it)"
    return found


def run(
    args: Sequence[str],
    *,
    stdin: str | None = None,
    cwd: Path = REPO_ROOT,
    env: Mapping[str, str] | None = None,
    timeout: float = TIMEOUT_S,
) -> subprocess.CompletedProcess[str]:
    """``args`` run to its end (or ``timeout``), output captured as text, never raising on
    a failing exit: the tests read the outcome."""
    return subprocess.run(
        list(args), cwd=cwd, env=env, input=stdin, capture_output=True, text=True,
        timeout=timeout, check=False,
    )  # fmt: skip


def traced(
    calls: str, command: Sequence[str], *, paths: bool = True, timeout: float = TIMEOUT_S
) -> subprocess.CompletedProcess[str]:
    """A dry run of ``command`` under strace, tracing ``calls`` (e.g. ``"pwrite64,rename"``)
    to its stderr, each file descriptor with its path when ``paths``."""
    shown = ["-y"] if paths else []
    return run([strace_path(), "-f", "-qq", *shown, "-e", f"trace={calls}", *command],
               timeout=timeout)  # fmt: skip


def injected(
    call: str,
    when: int,
    command: Sequence[str],
    *,
    fault: str = "signal=SIGKILL",
    cwd: Path = REPO_ROOT,
    env: Mapping[str, str] | None = None,
    timeout: float = TIMEOUT_S,
) -> subprocess.CompletedProcess[str]:
    """``command`` run with ``fault`` injected at its ``when``-th (1-based) ``call``; by
    default killed there. It may end first if it makes fewer such calls."""
    inject = ["-e", f"inject={call}:when={when}:{fault}"]
    return run([strace_path(), "-f", "-qq", "-o", "/dev/null", *inject, *command],
               cwd=cwd, env=env, timeout=timeout)  # fmt: skip


def killed(done: subprocess.CompletedProcess[str]) -> bool:
    """Whether the run was killed by SIGKILL (strace passes the child's death on)."""
    return (
        done.returncode in (-signal.SIGKILL, 128 + signal.SIGKILL)
        or "killed by SIGKILL" in done.stderr
    )


def kill_at(
    call: str,
    when: int,
    command: Sequence[str],
    *,
    cwd: Path = REPO_ROOT,
    env: Mapping[str, str] | None = None,
    timeout: float = TIMEOUT_S,
) -> subprocess.CompletedProcess[str]:
    """``command`` killed at its ``when``-th ``call``; fails the test if it was not."""
    done = injected(call, when, command, cwd=cwd, env=env, timeout=timeout)
    assert killed(done), (call, when, done.returncode, done.stderr[-1000:])
    return done


def spread(calls: list[T], points: int) -> list[T]:
    """About ``points`` of ``calls`` evenly apart, the first and the last included, each
    once, in order."""
    step = max(1, len(calls) // points)
    return list(dict.fromkeys(calls[::step] + calls[-1:]))
