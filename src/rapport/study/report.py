"""Plain-text renderings of statistics and backups for the ``rapport`` command line."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from rapport.store import Backup
from rapport.study.stats import Stats
from rapport.study.timetext import format_ago, format_duration


def _percent(value: float | None) -> str:
    return "-" if value is None else f"{value:.1%}"


def _table(head: Sequence[str], rows: Sequence[Sequence[str]], right_from: int = 1) -> list[str]:
    lines = [list(head), *map(list, rows)]
    widths = [max(len(line[i]) for line in lines) for i in range(len(head))]
    out = []
    for line in lines:
        cells = [
            cell.rjust(width) if i >= right_from else cell.ljust(width)
            for i, (cell, width) in enumerate(zip(line, widths, strict=True))
        ]
        out.append("  ".join(cells).rstrip())
    return out


def format_stats(stats: Stats) -> str:
    """The statistics as readable tables (what ``rapport stats`` prints)."""
    lines = _table(
        ("Deck", "New", "Learning", "Due", "Total"),
        [(d.name, str(d.new), str(d.learning), str(d.due), str(d.total)) for d in stats.decks],
    )
    lines += [
        "",
        f"Today: {stats.reviews_today} reviews in {format_duration(stats.time_today_seconds)}; "
        f"{stats.reviews_total} reviews in all.",
        "True retention (review answers not Again; mature: an interval of 21 days or more):",
        *_table(
            ("Span", "Young", "Reviews", "Mature", "Reviews", "All", "Reviews"),
            [
                (
                    row.span,
                    _percent(row.young.share),
                    str(row.young.reviews),
                    _percent(row.mature.share),
                    str(row.mature.reviews),
                    _percent(row.total.share),
                    str(row.total.reviews),
                )
                for row in stats.retention
            ],
        ),
        f"Streak: {stats.streak} days (longest {stats.longest_streak}); "
        f"{stats.days_studied} days studied.",
        "",
        "Due in the next 30 days (today includes overdue cards):",
    ]
    lines += (
        _table(("Date", "Due"), [(d.day.isoformat(), str(d.due)) for d in stats.forecast if d.due])
        if any(d.due for d in stats.forecast)
        else ["  nothing due"]
    )
    lines += [
        "",
        f"Recall by concept (recalled: studied cards with a predicted recall of at least "
        f"the desired retention now; mastered: all cards, {stats.mastery_horizon_days} "
        f"days from now):",
    ]
    lines += _table(
        ("Concept", "Cards", "Studied", "Recalled", "Share", "Mean recall", "Mastery"),
        [
            (
                c.concept,
                str(c.cards),
                str(c.studied),
                str(c.recalled),
                _percent(c.share_recalled),
                _percent(c.mean_retrievability),
                _percent(c.mastery),
            )
            for c in stats.concepts
        ],
    )
    return "\n".join(lines)


def format_backups(backups: Sequence[Backup], now: datetime) -> str:
    """One line per backup, newest first, with its age and size."""
    if not backups:
        return "no backups yet"
    rows = []
    for number, backup in enumerate(backups, 1):
        ago = format_ago(now - backup.time)
        size = backup.path.stat().st_size if backup.path.exists() else 0
        rows.append(
            (
                str(number),
                backup.time.strftime("%Y-%m-%d %H:%M:%S UTC"),
                ago,
                f"{size / 1024:.0f} KiB",
                backup.path.name,
            )
        )
    return "\n".join(_table(("#", "Made", "Age", "Size", "File"), rows, right_from=9))
