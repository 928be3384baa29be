"""The tests' own habits: helpers come from tests/support (never from a conftest file),
and a test that logs an unexpected error fails (tests/support/logfail.py)."""

from __future__ import annotations

import logging
import re
from pathlib import Path

from tests.support.collection import REPO_ROOT
from tests.support.logfail import LogFail

TESTS = REPO_ROOT / "tests"


def test_no_test_imports_from_a_conftest_file() -> None:
    found = [
        f"{path.relative_to(REPO_ROOT)}: {line.strip()}"
        for path in TESTS.rglob("*.py")
        for line in path.read_text(encoding="utf-8").splitlines()
        if re.match(r"\s*from\s+(\.|tests\.)\S*conftest\s+import", line)
    ]
    assert found == []


def test_logfail_keeps_unexpected_errors_and_lets_allowed_ones_pass() -> None:
    handler = LogFail()
    handler.allow("expected trouble")
    log = logging.getLogger("test-habits")  # (outside "rapport": the fixture's own stays quiet)
    log.addHandler(handler)
    try:
        log.error("expected trouble in %s", Path("x"))
        log.warning("only a warning")
        log.error("something broke")
    finally:
        log.removeHandler(handler)
    assert handler.unexpected() == ["ERROR test-habits: something broke"]


def test_the_logfail_fixture_is_on_for_every_test(logfail: LogFail) -> None:
    logfail.allow("on purpose")
    logging.getLogger("rapport.test-habits").error("logged on purpose")
    assert logfail.records == []
    assert logfail in logging.getLogger("rapport").handlers
