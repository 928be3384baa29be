"""Every moment lies inside its own study day, across daylight-saving changes too."""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from rapport.study.days import study_date, today_bounds

# Each zone with the UTC moments of its 2026 clock changes (spring forward, fall back).
ZONES = {
    "Europe/London": ("2026-03-29T01:00", "2026-10-25T01:00"),
    "America/New_York": ("2026-03-08T07:00", "2026-11-01T06:00"),
    "Australia/Lord_Howe": ("2026-10-03T15:30", "2026-04-04T15:00"),  # half-hour shifts
}


@pytest.fixture
def system_zone() -> Iterator[None]:
    """Lets a test set the system time zone (TZ); restores it afterwards."""
    before = os.environ.get("TZ")
    yield
    if before is None:
        os.environ.pop("TZ", None)
    else:
        os.environ["TZ"] = before
    time.tzset()


def moments_around(change: str) -> Iterator[datetime]:
    """Every 10 minutes from 6 hours before a clock change to 6 hours after."""
    centre = datetime.fromisoformat(change).replace(tzinfo=UTC)
    for step in range(-36, 37):
        yield centre + timedelta(minutes=10 * step)


@pytest.mark.parametrize("zone", sorted(ZONES))
@pytest.mark.parametrize("system", [True, False], ids=["system-zone", "zoneinfo"])
def test_now_is_inside_its_own_study_day(zone: str, system: bool, system_zone: None) -> None:
    if system:
        os.environ["TZ"] = zone
        time.tzset()
    tz = None if system else ZoneInfo(zone)
    for change in ZONES[zone]:
        for now in moments_around(change):
            for hour in range(6):
                start, end = today_bounds(now, hour, tz)
                assert start <= now < end, (zone, now, hour, start, end)
                assert study_date(start, hour, tz) == study_date(now, hour, tz)
                assert study_date(start - timedelta(seconds=1), hour, tz) < study_date(
                    now, hour, tz
                )


def test_the_day_after_a_skipped_start_hour_begins_when_the_clocks_jump(
    system_zone: None,
) -> None:
    # London, day start 1am, 29 March 2026: 1am never happens (the clocks go to 2am BST).
    os.environ["TZ"] = "Europe/London"
    time.tzset()
    now = datetime(2026, 3, 29, 0, 30, tzinfo=UTC)
    start, end = today_bounds(now, 1, None)
    assert start == datetime(2026, 3, 28, 1, 0, tzinfo=UTC)
    assert end == datetime(2026, 3, 29, 1, 0, tzinfo=UTC)
