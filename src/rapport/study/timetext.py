"""Times in words, for every view and command: the one interval formatter (as Anki labels
its answer buttons: ``<1m``, ``10m``, ``3h``, ``3d``, ``1.2mo``, ``1.5y``; a month is 30
days and a year 365, as in Anki), study durations and due times.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta, tzinfo


def _trim(value: float) -> str:
    text = f"{value:.1f}"
    return text[:-2] if text.endswith(".0") else text


def format_interval(interval: timedelta) -> str:
    """An interval as Anki labels answer buttons: ``<1m``, ``10m``, ``3h``, ``3d``, ``1.2mo``."""
    seconds = interval.total_seconds()
    if seconds < 60:
        return "<1m"
    if seconds < 3600:
        return f"{round(seconds / 60)}m"
    if seconds < 86400:
        return f"{_trim(seconds / 3600)}h"
    days = seconds / 86400
    if days < 30:
        return f"{round(days)}d"
    if days < 365:
        return f"{_trim(days / 30)}mo"
    return f"{_trim(days / 365)}y"


def format_duration(seconds: float) -> str:
    """A study time in words: ``45 seconds``, ``12 minutes``, ``1 h 5 min``."""
    seconds = max(0, round(seconds))
    if seconds < 60:
        return f"{seconds} second{'s' * (seconds != 1)}"
    minutes = round(seconds / 60)
    if minutes < 60:
        return f"{minutes} minute{'s' * (minutes != 1)}"
    return f"{minutes // 60} h {minutes % 60} min"


def format_ago(ago: timedelta) -> str:
    """How long ago, for a person: ``just now``, ``2 minutes ago``, ``1 hour ago``,
    ``3 days ago`` (the largest whole unit)."""
    seconds = max(0, int(ago.total_seconds()))
    for size, unit in ((86_400, "day"), (3600, "hour"), (60, "minute")):
        if seconds >= size:
            count = seconds // size
            return f"{count} {unit}{'s' * (count != 1)} ago"
    return "just now"


def format_due(when: datetime, now: datetime, tz: tzinfo | None = None) -> str:
    """When the next card is due, for a person: ``now``, ``in 8 minutes``, ``in 3 hours``,
    ``tomorrow at 09:12``, ``on Friday at 09:12`` or ``on 3 March at 09:12`` (local time).
    """
    delta = when - now
    seconds = delta.total_seconds()
    if seconds <= 30:
        return "now"
    if seconds < 3600:
        minutes = max(1, round(seconds / 60))
        return f"in {minutes} minute{'s' * (minutes != 1)}"
    local_when = when.astimezone(tz)
    local_now = now.astimezone(tz)
    clock = local_when.strftime("%H:%M")
    days = (local_when.date() - local_now.date()).days
    if days == 0:
        if seconds < 6 * 3600:
            hours = round(seconds / 3600)
            return f"in {hours} hour{'s' * (hours != 1)}"
        return f"today at {clock}"
    if days == 1:
        return f"tomorrow at {clock}"
    if days < 7:
        return f"on {local_when.strftime('%A')} at {clock}"
    return f"on {local_when.day} {local_when.strftime('%B %Y')} at {clock}"


# Learning steps as the trainee types them in Settings and deck options.
_STEP = re.compile(r"^(\d+(?:\.\d+)?)\s*(s|m|h|d)$")
_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


def format_steps(steps: tuple[timedelta, ...]) -> str:
    """Learning steps as the trainee types them: ``1m 10m``."""
    out = []
    for step in steps:
        seconds = int(step.total_seconds())
        for unit in ("d", "h", "m"):
            if seconds and seconds % _UNITS[unit] == 0:
                out.append(f"{seconds // _UNITS[unit]}{unit}")
                break
        else:
            out.append(f"{seconds}s")
    return " ".join(out)


def parse_steps(text: str) -> tuple[timedelta, ...]:
    """``1m 10m 1h`` as timedeltas; raises ValueError naming the step it cannot read."""
    steps = []
    for part in text.replace(",", " ").split():
        m = _STEP.match(part.strip().lower())
        if m is None:
            raise ValueError(f"cannot read the step {part!r}; write steps like 1m 10m 1h 1d")
        value = float(m.group(1)) * _UNITS[m.group(2)]
        if value <= 0:
            raise ValueError(f"the step {part!r} must be longer than zero")
        steps.append(timedelta(seconds=value))
    return tuple(steps)
