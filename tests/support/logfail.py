"""Fail a test that logs an unexpected error, as qutebrowser's ``logfail`` does.

Rapport logs what goes wrong (``log.error``, ``log.exception``) for the trainee's log
file; a test in which that happens without the test expecting it has found a bug the UI
may have hidden. The autouse fixture ``logfail`` (tests/conftest.py) installs
:class:`LogFail` on the ``rapport`` logger for each test; a test that provokes an error
on purpose says so with ``logfail.allow("words of the message")`` or the marker
``@pytest.mark.logs_errors``.
"""

from __future__ import annotations

import logging
import re


class LogFail(logging.Handler):
    """Keeps the error records no test allowed."""

    def __init__(self) -> None:
        super().__init__(level=logging.ERROR)
        self.records: list[logging.LogRecord] = []
        self._allowed: list[re.Pattern[str]] = []

    def allow(self, pattern: str) -> None:
        """Errors whose message matches ``pattern`` (a regular expression) are expected."""
        self._allowed.append(re.compile(pattern))

    def emit(self, record: logging.LogRecord) -> None:
        message = record.getMessage()
        if not any(p.search(message) for p in self._allowed):
            self.records.append(record)

    def unexpected(self) -> list[str]:
        """The unexpected errors, as lines to show."""
        return [f"{r.levelname} {r.name}: {r.getMessage()}" for r in self.records]
