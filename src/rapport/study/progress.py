"""The supervisor's progress report and the trainee's class file, built without Qt.

:func:`build_progress` gathers, for one trainee and one period, what the report shows: per
deck and concept, mastery and true retention (from :meth:`Collection.stats
<rapport.study.Collection.stats>`, the very figures of the Statistics view), time studied
over the period, calibration and confident errors (:mod:`rapport.study.calibration`).
:func:`progress_html` writes it as HTML that Qt's text engine prints to PDF
(:mod:`rapport.ui.pdf`); :func:`class_file` writes the compact per-trainee file a course
leader aggregates (:mod:`rapport.study.classes`, format in docs/class-report.md).

The report names the trainee as they enter it, and holds nothing else about them.
"""

from __future__ import annotations

import html
import re
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from rapport.content.notes.kinds import pick_key
from rapport.errors import RapportError
from rapport.store import LoggedAnswer
from rapport.study.calibration import (
    Calibration,
    ConfidentError,
    Misconception,
    calibration_of,
    confident_errors,
    is_right,
    key_of,
    misconceptions,
)
from rapport.study.certainty import CBM_THRESHOLDS, Certainty
from rapport.study.timetext import format_duration

if TYPE_CHECKING:
    from rapport.study import Collection
    from rapport.study.stats import Stats

CLASS_FORMAT = "rapport-class-file"
CLASS_VERSION = 1
PSEUDONYM_PREF = "report.pseudonym"
PERIODS = {"7d": 7, "30d": 30, "90d": 90, "365d": 365, "all": None}


class ReportError(RapportError):
    """A report that cannot be made as asked (the message says why)."""


PeriodError = ReportError  # (a period is one of the ways to ask wrongly)


def parse_period(text: str) -> int | None:
    """Days of a period given as ``7d``, ``30d``, ``90d``, ``365d``, any ``<N>d``, or
    ``all`` (``None``)."""
    value = text.strip().lower()
    if value == "all":
        return None
    match = re.fullmatch(r"(\d{1,4})d", value)
    if match is None or int(match.group(1)) < 1:
        raise PeriodError(
            f"The period {text!r} is not one Rapport knows: give a number of days such as "
            "7d, 30d or 90d, or all."
        )
    return int(match.group(1))


@dataclass(frozen=True, slots=True)
class DeckProgress:
    deck_id: str
    name: str
    cards: int
    answers: int  # over the period
    seconds: float  # time studied over the period
    calibration: Calibration


@dataclass(frozen=True, slots=True)
class ConceptProgress:
    concept: str
    cards: int
    studied: int
    mastery: float  # as the Statistics view shows it (rapport.study.stats)
    answers: int  # over the period
    share_right: float | None  # over the period
    calibration: Calibration


@dataclass(frozen=True, slots=True)
class ProgressReport:
    name: str
    generated: datetime
    period_days: int | None
    period_start: datetime | None
    retention_7d: float | None
    retention_30d: float | None
    answers: int
    seconds: float
    decks: tuple[DeckProgress, ...]
    concepts: tuple[ConceptProgress, ...]
    calibration: Calibration
    confident_errors: tuple[ConfidentError, ...]
    misconceptions: tuple[Misconception, ...]

    @property
    def period_text(self) -> str:
        if self.period_days is None:
            return "all answers so far"
        return f"the last {self.period_days} days"


def period_start(collection: Collection, now: datetime, days: int | None) -> datetime | None:
    """The start of the study day ``days - 1`` days before today (``None``: no start)."""
    if days is None:
        return None
    start, _ = collection.study_day(now)
    return start - timedelta(days=days - 1)


def build_progress(
    collection: Collection,
    now: datetime,
    *,
    name: str = "",
    period_days: int | None = 30,
    stats: Stats | None = None,
) -> ProgressReport:
    """Everything the progress report shows, for the period ending ``now``."""
    stats = stats or collection.stats(now)
    start = period_start(collection, now, period_days)
    answers = collection.store.logged_answers(start)
    lookup = collection.card
    # Time studied: the statistics' own per-bucket query over the period.
    if start is None:
        seconds = sum(a.duration_ms for a in answers) / 1000
    else:
        seconds = collection.store.reviews_per_bucket([start])[0][2]
    by_deck: dict[str, list[LoggedAnswer]] = {}
    by_concept: dict[str, list[LoggedAnswer]] = {}
    for answer in answers:
        by_deck.setdefault(answer.deck_id, []).append(answer)
        by_concept.setdefault(answer.concept, []).append(answer)
    decks = tuple(
        DeckProgress(
            d.deck_id,
            d.name,
            d.total,
            len(by_deck.get(d.deck_id, ())),
            sum(a.duration_ms for a in by_deck.get(d.deck_id, ())) / 1000,
            calibration_of(d.name, by_deck.get(d.deck_id, ()), lookup),
        )
        for d in stats.decks
    )
    concepts = []
    for recall in stats.concepts:
        mine = by_concept.get(recall.concept, [])
        right = sum(is_right(a, lookup(key_of(a))) for a in mine)
        concepts.append(
            ConceptProgress(
                recall.concept,
                recall.cards,
                recall.studied,
                recall.mastery,
                len(mine),
                right / len(mine) if mine else None,
                calibration_of(recall.concept, mine, lookup),
            )
        )
    return ProgressReport(
        name=name.strip(),
        generated=now,
        period_days=period_days,
        period_start=start,
        retention_7d=stats.retention_7d,
        retention_30d=stats.retention_30d,
        answers=len(answers),
        seconds=seconds,
        decks=decks,
        concepts=tuple(concepts),
        calibration=calibration_of("All decks", answers, lookup),
        confident_errors=tuple(confident_errors(answers, lookup)),
        misconceptions=tuple(misconceptions(answers, lookup, limit=10)),
    )


# -- HTML (printed to PDF by rapport.ui.pdf, saved as is by the class report) ------------

STYLE = """
body { font-family: 'DejaVu Sans', sans-serif; font-size: 10pt; color: #1d2433; }
h1 { font-size: 18pt; color: #24476b; margin-bottom: 2pt; }
h2 { font-size: 13pt; color: #24476b; margin-top: 14pt; border-bottom: 1px solid #9db4cc; }
p.meta { color: #555555; }
table.data { border-collapse: collapse; margin-top: 4pt; }
table.data th { background-color: #e4ecf5; text-align: left; padding: 3px 6px;
                white-space: nowrap; }
table.data td { padding: 3px 6px; border-bottom: 1px solid #dddddd; }
td.num { text-align: right; white-space: nowrap; }
td.name { white-space: nowrap; }
p.note { color: #555555; font-size: 9pt; }
"""

BAR_COLOUR = "#3d7ab8"
LOW_COLOUR = "#c0504d"
TRACK_COLOUR = "#e8eef5"


def esc(text: object) -> str:
    return html.escape(str(text), quote=True)


def pct(value: float | None) -> str:
    return "–" if value is None else f"{value:.0%}"


def bar(share: float | None, width: int = 160, colour: str = BAR_COLOUR) -> str:
    """A horizontal bar of ``share`` (0-1) as a table, which both browsers and Qt's text
    engine draw; its number stands beside it in the table (the text alternative)."""
    if share is None:
        return ""
    filled = max(0, min(width, round(share * width)))
    cells = f'<td width="{filled}" bgcolor="{colour}" height="10"></td>' if filled else ""
    if filled < width:
        cells += f'<td width="{width - filled}" bgcolor="{TRACK_COLOUR}" height="10"></td>'
    return (
        f'<table cellspacing="0" cellpadding="0" width="{width}" style="border: none">'
        f"<tr>{cells}</tr></table>"
    )


def calibration_table(calibration: Calibration) -> str:
    """The calibration chart: per certainty level, the share right as a bar with the count
    behind it and the band in which that level pays best."""
    rows = []
    for point in calibration.points:
        low, high = CBM_THRESHOLDS[point.certainty]
        band = f"{low:.0%}–{high:.0%}"
        share = point.share_right
        inside = share is not None and (share >= low or point.certainty == Certainty.LOW)
        colour = BAR_COLOUR if inside else LOW_COLOUR
        rows.append(
            f"<tr><td>{point.certainty.label}</td><td>{bar(share, colour=colour)}</td>"
            f'<td class="num">{pct(share)}</td><td class="num">{point.answers}</td>'
            f"<td>{band}</td></tr>"
        )
    return (
        '<table class="data"><tr><th>Certainty</th><th>Share right</th><th></th>'
        "<th>Answers</th><th>Pays best at</th></tr>" + "".join(rows) + "</table>"
        f'<p class="note">{esc(calibration.describe())}</p>'
    )


def _errors_table(errors: Sequence[ConfidentError]) -> str:
    if not errors:
        return "<p>No confident errors in this period.</p>"
    rows = "".join(
        f"<tr><td>{esc(e.question)}</td><td>{esc(e.given) or '–'}</td>"
        f"<td>{esc(e.rationale)}</td></tr>"
        for e in errors
    )
    return (
        f'<table class="data"><tr><th>Card</th><th>Answer given</th><th>Why</th></tr>{rows}</table>'
    )


def progress_html(report: ProgressReport) -> str:
    """The progress report as one HTML page (what the PDF prints)."""
    who = esc(report.name) if report.name else "(no name given)"
    parts = [
        f"<html><head><meta charset='utf-8'><style>{STYLE}</style></head><body>",
        "<h1>Rapport progress report</h1>",
        f"<p class='meta'>Trainee: <b>{who}</b><br>Period: {esc(report.period_text)}"
        + (f" (from {report.period_start:%d %B %Y})" if report.period_start is not None else "")
        + f"<br>Made on {report.generated:%d %B %Y}</p>",
        "<h2>Summary</h2>",
        '<table class="data">',
        f"<tr><td>Answers in the period</td><td class='num'>{report.answers}</td></tr>",
        f"<tr><td>Time studied in the period</td>"
        f"<td class='num'>{format_duration(report.seconds)}</td></tr>",
        f"<tr><td>True retention, last 7 days</td>"
        f"<td class='num'>{pct(report.retention_7d)}</td></tr>",
        f"<tr><td>True retention, last 30 days</td>"
        f"<td class='num'>{pct(report.retention_30d)}</td></tr>",
        f"<tr><td>Confident errors</td><td class='num'>{len(report.confident_errors)}</td></tr>",
        "</table>",
        "<p class='note'>True retention: share of reviews of mature cards (interval of 21 "
        "days or more) not answered Again. Mastery: share of a concept's cards (new ones "
        "count against it) whose chance of recall 30 days from now is at least the desired "
        "retention (FSRS), as Statistics show it.</p>",
        "<h2>Decks</h2>",
        '<table class="data"><tr><th>Deck</th><th>Cards</th><th>Answers</th>'
        "<th>Time studied</th></tr>",
        *(
            f"<tr><td>{esc(d.name)}</td><td class='num'>{d.cards}</td>"
            f"<td class='num'>{d.answers}</td>"
            f"<td class='num'>{format_duration(d.seconds)}</td></tr>"
            for d in report.decks
        ),
        "</table>",
        "<h2>Concepts</h2>",
        '<table class="data"><tr><th>Concept</th><th>Mastery</th><th></th><th>Studied</th>'
        "<th>Answers</th><th>Right</th></tr>",
        *(
            f"<tr><td class='name'>{esc(c.concept)}</td><td>{bar(c.mastery, 100)}</td>"
            f"<td class='num'>{pct(c.mastery)}</td><td class='num'>{c.studied}/{c.cards}</td>"
            f"<td class='num'>{c.answers}</td><td class='num'>{pct(c.share_right)}</td></tr>"
            for c in report.concepts
        ),
        "</table>",
        "<h2>Calibration</h2>",
        "<p>How sure the trainee said they were before seeing the answer, against how often "
        "they were right (certainty-based marking).</p>",
        calibration_table(report.calibration),
    ]
    for deck in report.decks:
        if deck.calibration.answers and len(report.decks) > 1:
            parts += [f"<h3>{esc(deck.name)}</h3>", calibration_table(deck.calibration)]
    stated = [c for c in report.concepts if c.calibration.answers]
    if stated:
        parts += [
            "<h3>Per concept</h3>",
            '<table class="data"><tr><th>Concept</th><th>Low</th><th>Mid</th><th>High</th></tr>',
            *(
                f"<tr><td class='name'>{esc(c.concept)}</td>"
                + "".join(
                    f"<td class='num'>{pct(p.share_right)} of {p.answers}</td>"
                    for p in c.calibration.points
                )
                + "</tr>"
                for c in stated
            ),
            "</table>",
            "<p class='note'>Share right of the answers stated at each certainty, and how "
            "many.</p>",
        ]
    parts += [
        "<h2>Confident errors</h2>",
        "<p>Answered wrong at high certainty: the misconceptions to work on first.</p>",
        _errors_table(report.confident_errors),
    ]
    if report.misconceptions:
        parts += [
            "<h2>Wrong answers given most often</h2>",
            '<table class="data"><tr><th>Card</th><th>Answer given</th><th>Times</th>'
            "<th>Why it is wrong</th></tr>",
            *(
                f"<tr><td>{esc(m.question)}</td><td>{esc(m.given)}</td>"
                f"<td class='num'>{m.count}</td><td>{esc(m.rationale)}</td></tr>"
                for m in report.misconceptions
            ),
            "</table>",
        ]
    parts.append("</body></html>")
    return "\n".join(parts)


# -- the trainee's class file ------------------------------------------------------------


def pseudonym(collection: Collection) -> str:
    """The trainee's pseudonym for class files: made at random once, then kept."""
    kept = collection.get_pref(PSEUDONYM_PREF)
    if kept:
        return kept
    if collection.read_only:
        raise PeriodError(
            "Your pseudonym is made the first time a class file is written, and the app has "
            "your data folder open now: close the app and run this again, or give --name."
        )
    made = f"trainee-{secrets.token_hex(3)}"
    collection.set_pref(PSEUDONYM_PREF, made)
    return made


def class_file(
    collection: Collection,
    now: datetime,
    *,
    name: str | None = None,
    period_days: int | None = None,
    stats: Stats | None = None,
) -> dict[str, Any]:
    """The compact class file of this trainee (format: docs/class-report.md): the first
    answer to each note in the period (what item analysis needs), concept mastery and
    calibration. ``name``: the trainee's own name instead of the pseudonym."""
    stats = stats or collection.stats(now)
    start = period_start(collection, now, period_days)
    answers = collection.store.logged_answers(start)
    lookup = collection.card
    items: dict[tuple[str, str], dict[str, Any]] = {}
    for answer in answers:
        card = lookup(key_of(answer))
        if card is None:
            continue
        right = is_right(answer, card)
        item = items.get((answer.deck_id, answer.note_id))
        if item is None:
            item = items[answer.deck_id, answer.note_id] = {
                "deck": answer.deck_id,
                "note": answer.note_id,
                "concept": answer.concept,
                "kind": str(card.kind),
                # (the key's text, so a course leader without the deck can still see picks
                # of a distractor against it)
                "key": key.text if (key := pick_key(card.note)) is not None else None,
                "first": {
                    "right": right,
                    "picked": answer.picked,
                    "certainty": answer.certainty,
                },
                "answers": 0,
                "right": 0,
            }
        item["answers"] += 1
        item["right"] += int(right)
    used = {deck for deck, _ in items}
    calibration = calibration_of("All", answers, lookup)
    return {
        "format": CLASS_FORMAT,
        "version": CLASS_VERSION,
        "trainee": name.strip() if name else pseudonym(collection),
        "made": now.date().isoformat(),
        "period_days": period_days,
        "decks": [
            {"id": d.id, "name": d.name, "version": d.version, "cards": d.digest}
            for d in collection.decks
            if d.id in used
        ],
        "concepts": [
            {
                "concept": c.concept,
                "cards": c.cards,
                "studied": c.studied,
                "mastery": c.mastery,
            }
            for c in stats.concepts
        ],
        "calibration": [
            {"certainty": int(p.certainty), "answers": p.answers, "right": p.right}
            for p in calibration.points
        ],
        "items": list(items.values()),
    }


__all__ = [
    "CLASS_FORMAT",
    "CLASS_VERSION",
    "ConceptProgress",
    "DeckProgress",
    "ProgressReport",
    "build_progress",
    "class_file",
    "parse_period",
    "progress_html",
    "pseudonym",
]
