"""Study days: Anki's day starts at a set hour of local time (4am by default), not midnight.

A review at 1am belongs to the day before, as the trainee would expect. ``tz`` is the
local time zone; ``None`` means the system's, resolved for each moment (so daylight-saving
changes are followed).
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta, tzinfo


def require_aware(now: datetime) -> datetime:
    """``now`` in UTC; naive datetimes are refused because they would be ambiguous."""
    if now.tzinfo is None or now.tzinfo.utcoffset(now) is None:
        raise ValueError("now must be a timezone-aware datetime")
    return now.astimezone(UTC)


def study_date(now: datetime, day_start_hour: int, tz: tzinfo | None) -> date:
    """The study day ``now`` belongs to (a local date)."""
    local = now.astimezone(tz)
    if local.hour < day_start_hour:
        return local.date() - timedelta(days=1)
    return local.date()


def day_start(day: date, day_start_hour: int, tz: tzinfo | None) -> datetime:
    """The UTC moment the study day ``day`` begins: the first moment :func:`study_date`
    puts in ``day``, so every moment lies inside its own study day.

    A start hour that the clocks skip (a daylight-saving gap) begins the day when the
    clocks jump past it; one they repeat begins it at its first occurrence.
    """
    naive = datetime.combine(day, time(day_start_hour))
    candidates = sorted(_to_utc(naive.replace(fold=fold), tz) for fold in (0, 1))
    early, late = candidates
    if study_date(early, day_start_hour, tz) >= day:
        return early
    # In a gap: the day begins somewhere between the two readings of the skipped hour.
    # Find the first second of it (study days only move forward with time).
    low, high = 0, int((late - early).total_seconds())
    while low < high:
        middle = (low + high) // 2
        if study_date(early + timedelta(seconds=middle), day_start_hour, tz) >= day:
            high = middle
        else:
            low = middle + 1
    return early + timedelta(seconds=low)


def _to_utc(naive: datetime, tz: tzinfo | None) -> datetime:
    if tz is None:
        return naive.astimezone(UTC)  # a naive datetime is read as system local time
    return naive.replace(tzinfo=tz).astimezone(UTC)


def today_bounds(
    now: datetime, day_start_hour: int, tz: tzinfo | None
) -> tuple[datetime, datetime]:
    """The UTC start of today's study day and of tomorrow's."""
    today = study_date(now, day_start_hour, tz)
    return (
        day_start(today, day_start_hour, tz),
        day_start(today + timedelta(days=1), day_start_hour, tz),
    )
