"""The one test clock: a moment the test moves by hand, which the UI calls for ``now``."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

# 10:00 UTC on a Monday: well inside a study day whatever the day-start hour.
START = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)


class Clock:
    """A clock the test moves by hand; the UI calls it for ``now``."""

    def __init__(self, start: datetime = START) -> None:
        self.now = start

    def __call__(self) -> datetime:
        return self.now

    def advance(self, delta: timedelta) -> None:
        self.now += delta
