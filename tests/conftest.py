"""Every test writes Rapport's log into a folder of its own, never the user's."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from pathlib import Path

import pytest

from rapport.logs import stop_logging
from tests.support.logfail import LogFail


@pytest.fixture(autouse=True)
def _own_log_folder(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Path]:
    """platformdirs puts the user log folder under ``$XDG_STATE_HOME`` on Linux."""
    state = tmp_path_factory.mktemp("state")
    monkeypatch.setenv("XDG_STATE_HOME", str(state))
    yield state
    stop_logging()


@pytest.fixture(autouse=True)
def logfail(request: pytest.FixtureRequest) -> Iterator[LogFail]:
    """Fail the test if Rapport logs an error it did not expect (see tests.support.logfail)."""
    handler = LogFail()
    logger = logging.getLogger("rapport")
    logger.addHandler(handler)
    try:
        yield handler
    finally:
        logger.removeHandler(handler)
    if request.node.get_closest_marker("logs_errors") is None and handler.records:
        pytest.fail("unexpected errors logged:\n" + "\n".join(handler.unexpected()))
