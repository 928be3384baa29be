"""Anki's own sync server (``python -m anki.syncserver``) on a free loopback port, with
a fresh base folder and one user, for the sync tests; stopped at the end."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.support.waiting import wait_until

USER, PASSWORD = "user", "pass"


@dataclass(frozen=True)
class SyncServer:
    endpoint: str
    base: Path


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def accepts(port: int) -> bool:
    """Whether a server listens on the loopback ``port``."""
    try:
        socket.create_connection(("127.0.0.1", port), 0.2).close()
    except OSError:
        return False
    return True


@pytest.fixture
def sync_server(tmp_path: Path) -> Iterator[SyncServer]:
    port = free_port()
    base = tmp_path / "sync-base"
    env = dict(
        os.environ,
        SYNC_BASE=str(base),
        SYNC_USER1=f"{USER}:{PASSWORD}",
        SYNC_HOST="127.0.0.1",
        SYNC_PORT=str(port),
    )
    log = (tmp_path / "sync-server.log").open("wb")
    server = subprocess.Popen(
        [sys.executable, "-m", "anki.syncserver"], env=env, stdout=log, stderr=subprocess.STDOUT
    )
    try:
        wait_until(lambda: accepts(port), "the sync server to accept connections", 30, alive=server)
        yield SyncServer(f"http://127.0.0.1:{port}/", base)
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
        log.close()
