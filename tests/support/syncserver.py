"""Anki's own sync server (``python -m anki.syncserver``) on a free loopback port, with
a fresh base folder and one user, for the sync tests; stopped at the end."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

USER, PASSWORD = "user", "pass"


@dataclass(frozen=True)
class SyncServer:
    endpoint: str
    base: Path


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


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
        deadline = time.monotonic() + 30
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), 0.2).close()
                break
            except OSError:
                assert server.poll() is None, "the sync server stopped"
                assert time.monotonic() < deadline, "the sync server did not start"
                time.sleep(0.1)
        yield SyncServer(f"http://127.0.0.1:{port}/", base)
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
        log.close()
