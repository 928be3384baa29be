"""The class report: a course leader's view of the class files of many trainees.

Each trainee writes a class file (``rapport report --json``, see
:func:`rapport.study.progress.class_file` and docs/class-report.md); no server is
involved. :func:`read_class_files` reads them and refuses any of another deck version;
:func:`analyse` aggregates them:

* **concept mastery spread**: per concept, the trainees' mastery (as each one's Statistics
  view shows it): lowest, quartiles, median, highest.
* **item analysis** per note, on each trainee's *first* answer to it (later answers come
  after feedback): the share right (difficulty), the point-biserial correlation between
  being right on it and the trainee's score on the other notes (discrimination), the share
  right in the upper and the lower 27% of the class by total score (D = upper - lower), the
  options picked. A note is flagged **miskeyed** when a distractor was picked more than
  the key by the upper group, **negative discrimination** when the point-biserial or D is
  below zero, and **ambiguous** when the upper group splits between the key and one
  distractor (the distractor picked by at least half as many as the key, by two or more).
* **class calibration**: the trainees' certainty against their share right, summed.
"""

from __future__ import annotations

import json
import math
import statistics
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from rapport.content import Card, Deck
from rapport.content.notes.kinds import pick_key, pick_options, question_of
from rapport.errors import RapportError
from rapport.study.calibration import Calibration, CalibrationPoint
from rapport.study.certainty import Certainty
from rapport.study.progress import (
    CLASS_FORMAT,
    CLASS_VERSION,
    STYLE,
    bar,
    calibration_table,
    esc,
    pct,
)

UPPER_LOWER = 0.27  # share of the class in each of the upper and lower groups
MIN_ANSWERS = 5  # trainees below which a note is listed but not flagged


class ClassFileError(RapportError):
    """A class file that cannot be used, named with the reason."""


@dataclass(frozen=True, slots=True)
class TraineeFile:
    path: Path
    trainee: str
    decks: Mapping[str, tuple[int, str, str]]  # id -> (version, card digest, name)
    concepts: Mapping[str, float | None]  # concept -> mastery
    calibration: tuple[tuple[int, int], ...]  # (answers, right) per certainty 1-3
    items: Mapping[tuple[str, str], tuple[bool, str | None]]  # first answer: right, picked
    keys: Mapping[tuple[str, str], str]  # the key of each choice note


def _require(condition: bool, path: Path, what: str) -> None:
    if not condition:
        raise ClassFileError(f"{path} is not a Rapport class file Rapport can read: {what}.")


def read_class_file(path: Path) -> TraineeFile:
    """One trainee's class file, checked."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except OSError as error:
        raise ClassFileError(f"Cannot read {path}: {error.strerror or error}.") from error
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise ClassFileError(f"{path} is not a Rapport class file (not JSON: {error}).") from error
    _require(isinstance(data, dict) and data.get("format") == CLASS_FORMAT, path, "no format")
    version = data.get("version")
    if version != CLASS_VERSION:
        raise ClassFileError(
            f"{path} is a class file of version {version}; this Rapport reads version "
            f"{CLASS_VERSION}. Ask the trainee to write it again with this Rapport."
        )
    try:
        decks = {
            str(d["id"]): (int(d["version"]), str(d["cards"]), str(d["name"]))
            for d in data["decks"]
        }
        concepts = {
            str(c["concept"]): None if c["mastery"] is None else float(c["mastery"])
            for c in data["concepts"]
        }
        calibration = tuple(
            (int(p["answers"]), int(p["right"]))
            for p in sorted(data["calibration"], key=lambda p: int(p["certainty"]))
        )
        items = {
            (str(i["deck"]), str(i["note"])): (
                bool(i["first"]["right"]),
                None if i["first"]["picked"] is None else str(i["first"]["picked"]),
            )
            for i in data["items"]
        }
        keys = {
            (str(i["deck"]), str(i["note"])): str(i["key"])
            for i in data["items"]
            if i.get("key") is not None
        }
        trainee = str(data["trainee"])
    except (KeyError, TypeError, ValueError) as error:
        raise ClassFileError(
            f"{path} is not a Rapport class file Rapport can read: {error!r} is missing or wrong."
        ) from error
    _require(len(calibration) == 3, path, "calibration needs three levels")
    return TraineeFile(path, trainee, decks, concepts, calibration, items, keys)


def read_class_files(paths: Sequence[Path], decks: Sequence[Deck] = ()) -> list[TraineeFile]:
    """Read every file; refuse one of another deck version than the course leader's own
    deck (``decks``) or, for a deck the leader does not have, the first file's."""
    if not paths:
        raise ClassFileError("Give the class files to aggregate (rapport report --json).")
    files = [read_class_file(p) for p in paths]
    reference: dict[str, tuple[int, str, str, str]] = {
        d.id: (d.version, d.digest, d.name, "your copy of the deck") for d in decks
    }
    for f in files:
        for deck_id, (version, digest, name) in f.decks.items():
            ref = reference.setdefault(deck_id, (version, digest, name, str(f.path)))
            if (ref[0], ref[1]) != (version, digest):
                raise ClassFileError(
                    f"{f.path} was made with another version of the deck {name!r} "
                    f"(version {version}) than {ref[3]} (version {ref[0]}"
                    + (", other cards" if ref[0] == version else "")
                    + "): class reports compare one version only. Ask the trainee to "
                    "update the deck and write the file again, or leave it out."
                )
    return files


@dataclass(frozen=True, slots=True)
class Spread:
    concept: str
    trainees: int
    lowest: float
    lower_quartile: float
    median: float
    upper_quartile: float
    highest: float


@dataclass(frozen=True, slots=True)
class ItemAnalysis:
    deck_id: str
    note_id: str
    question: str
    concept: str
    answered: int
    share_right: float
    point_biserial: float | None
    upper_right: float | None
    lower_right: float | None
    picks: tuple[tuple[str, int, bool], ...]  # option, times picked, is the key
    upper_picks: tuple[tuple[str, int, bool], ...]
    flags: tuple[str, ...]
    rationales: Mapping[str, str] = field(default_factory=dict)

    @property
    def discrimination(self) -> float | None:
        """Upper minus lower group's share right."""
        if self.upper_right is None or self.lower_right is None:
            return None
        return self.upper_right - self.lower_right


@dataclass(frozen=True, slots=True)
class ClassReport:
    trainees: tuple[str, ...]
    spreads: tuple[Spread, ...]
    items: tuple[ItemAnalysis, ...]
    calibration: Calibration

    @property
    def flagged(self) -> tuple[ItemAnalysis, ...]:
        return tuple(i for i in self.items if i.flags)


def _quartiles(values: Sequence[float]) -> tuple[float, float, float]:
    if len(values) == 1:
        return values[0], values[0], values[0]
    q1, q2, q3 = statistics.quantiles(values, n=4, method="inclusive")
    return q1, q2, q3


def _point_biserial(right: Sequence[bool], rest: Sequence[float]) -> float | None:
    """Pearson's correlation of a 0/1 item with the rest score; ``None`` if either is
    constant."""
    n = len(right)
    if n < 2:
        return None
    xs = [float(r) for r in right]
    mx, my = sum(xs) / n, sum(rest) / n
    sx = math.sqrt(sum((x - mx) ** 2 for x in xs))
    sy = math.sqrt(sum((y - my) ** 2 for y in rest))
    if sx == 0 or sy == 0:
        return None
    return sum((x - mx) * (y - my) for x, y in zip(xs, rest, strict=True)) / (sx * sy)


def analyse(files: Sequence[TraineeFile], lookup: Mapping[tuple[str, str], Card]) -> ClassReport:
    """Aggregate the class (see the module's definitions). ``lookup``: the leader's cards
    by (deck, note), for question texts, keys and rationales (a note missing is listed by
    its id)."""
    # Each trainee's score: share right over the notes they answered.
    totals = {f.path: (sum(r for r, _ in f.items.values()), len(f.items)) for f in files if f.items}
    ranked = sorted(totals, key=lambda p: totals[p][0] / totals[p][1])
    size = max(1, round(UPPER_LOWER * len(ranked))) if ranked else 0
    lower, upper = set(ranked[:size]), set(ranked[-size:]) if size else set()
    notes = sorted({key for f in files for key in f.items})
    items = []
    for deck_id, note_id in notes:
        card = lookup.get((deck_id, note_id))
        note = card.note if card is not None else None
        pick = pick_options(note)
        right_option = pick_key(note)
        key_text = (
            right_option.text
            if right_option is not None
            else next((f.keys[k] for f in files if (k := (deck_id, note_id)) in f.keys), None)
        )
        rights: list[bool] = []
        rest: list[float] = []
        picks: Counter[str] = Counter()
        upper_picks: Counter[str] = Counter()
        upper_right: list[bool] = []
        lower_right: list[bool] = []
        for f in files:
            first = f.items.get((deck_id, note_id))
            if first is None:
                continue
            right, picked = first
            score, count = totals[f.path]
            rights.append(right)
            rest.append((score - right) / (count - 1) if count > 1 else 0.0)
            if picked is not None:
                picks[picked] += 1
                if f.path in upper:
                    upper_picks[picked] += 1
            if f.path in upper:
                upper_right.append(right)
            if f.path in lower:
                lower_right.append(right)
        r_pb = _point_biserial(rights, rest)
        up = sum(upper_right) / len(upper_right) if upper_right else None
        low = sum(lower_right) / len(lower_right) if lower_right else None
        flags: list[str] = []
        if len(rights) >= MIN_ANSWERS:
            key_upper = upper_picks.get(key_text, 0) if key_text is not None else 0
            wrong_upper = [(n, o) for o, n in upper_picks.items() if o != key_text]
            top = max(wrong_upper, default=(0, ""))
            if key_text is not None and top[0] > key_upper:
                flags.append(f"miskeyed? the stronger group picked {top[1]!r} more than the key")
            elif key_text is not None and top[0] >= 2 and 2 * top[0] >= key_upper:
                flags.append(f"ambiguous? the stronger group split between the key and {top[1]!r}")
            if (r_pb is not None and r_pb < 0) or (up is not None and low is not None and up < low):
                flags.append("negative discrimination")
        options = [o.text for o in pick] if pick is not None else []
        if key_text is not None and key_text not in options:
            options.insert(0, key_text)
        ordered = options + [o for o in picks if o not in options]
        rationales = {o.text: o.why for o in pick} if pick is not None else {}
        items.append(
            ItemAnalysis(
                deck_id=deck_id,
                note_id=note_id,
                question=question_of(card) if card is not None else note_id,
                concept=note.concept if note is not None else "",
                answered=len(rights),
                share_right=sum(rights) / len(rights),
                point_biserial=r_pb,
                upper_right=up,
                lower_right=low,
                picks=tuple((o, picks.get(o, 0), o == key_text) for o in ordered),
                upper_picks=tuple((o, upper_picks.get(o, 0), o == key_text) for o in ordered),
                flags=tuple(flags),
                rationales=rationales,
            )
        )
    spreads = []
    concepts = sorted({c for f in files for c in f.concepts})
    for concept in concepts:
        values = sorted(m for f in files if (m := f.concepts.get(concept)) is not None)
        if not values:
            continue
        q1, q2, q3 = _quartiles(values)
        spreads.append(Spread(concept, len(values), values[0], q1, q2, q3, values[-1]))
    sums = [
        CalibrationPoint(
            c,
            sum(f.calibration[int(c) - 1][0] for f in files),
            sum(f.calibration[int(c) - 1][1] for f in files),
        )
        for c in Certainty
    ]
    calibration = Calibration("The class", (sums[0], sums[1], sums[2]))
    items.sort(key=lambda i: (not i.flags, i.deck_id, i.note_id))
    return ClassReport(tuple(f.trainee for f in files), tuple(spreads), tuple(items), calibration)


def _num(value: float | None) -> str:
    return "–" if value is None else f"{value:+.2f}"


def _item_html(item: ItemAnalysis) -> str:
    rows = []
    for option, count, is_key in item.picks:
        upper = next(n for o, n, _ in item.upper_picks if o == option)
        share = count / item.answered if item.answered else None
        why = item.rationales.get(option, "")
        rows.append(
            f"<tr><td>{'✓ ' if is_key else ''}{esc(option)}</td>"
            f"<td>{bar(share, width=100)}</td><td class='num'>{count}</td>"
            f"<td class='num'>{upper}</td><td>{esc(why)}</td></tr>"
        )
    flags = "".join(f"<li><b>{esc(f)}</b></li>" for f in item.flags)
    table = (
        '<table class="data"><tr><th>Option</th><th>Picked</th><th>All</th><th>Upper 27%</th>'
        f"<th>Rationale</th></tr>{''.join(rows)}</table>"
        if rows
        else ""
    )
    return (
        f"<h3>{esc(item.note_id)}: {esc(item.question)}</h3>"
        + (f"<ul>{flags}</ul>" if flags else "")
        + f"<p>Answered by {item.answered}; right {pct(item.share_right)}; upper group "
        f"{pct(item.upper_right)}, lower group {pct(item.lower_right)} (D "
        f"{_num(item.discrimination)}); point-biserial {_num(item.point_biserial)}.</p>" + table
    )


def class_html(report: ClassReport) -> str:
    """The class report as one HTML page (saved as .html, or printed to PDF)."""
    parts = [
        f"<html><head><meta charset='utf-8'><title>Rapport class report</title>"
        f"<style>{STYLE}</style></head><body>",
        "<h1>Rapport class report</h1>",
        f"<p class='meta'>{len(report.trainees)} trainees · "
        f"{len(report.items)} notes answered · {len(report.flagged)} flagged</p>",
        "<h2>Notes to check</h2>",
    ]
    if report.flagged:
        parts.append(
            '<table class="data"><tr><th>Note</th><th>Right</th><th>D</th>'
            "<th>Point-biserial</th><th>Why</th></tr>"
            + "".join(
                f"<tr><td>{esc(i.note_id)}</td><td class='num'>{pct(i.share_right)}</td>"
                f"<td class='num'>{_num(i.discrimination)}</td>"
                f"<td class='num'>{_num(i.point_biserial)}</td>"
                f"<td>{esc('; '.join(i.flags))}</td></tr>"
                for i in report.flagged
            )
            + "</table>"
        )
    else:
        parts.append("<p>No note looks miskeyed, ambiguous or negatively discriminating.</p>")
    parts += [
        "<h2>Concept mastery across the class</h2>",
        '<table class="data"><tr><th>Concept</th><th>Median</th><th></th><th>Lowest</th>'
        "<th>Quartiles</th><th>Highest</th><th>Trainees</th></tr>",
        *(
            f"<tr><td class='name'>{esc(s.concept)}</td><td>{bar(s.median, 120)}</td>"
            f"<td class='num'>{pct(s.median)}</td><td class='num'>{pct(s.lowest)}</td>"
            f"<td class='num'>{pct(s.lower_quartile)}–{pct(s.upper_quartile)}</td>"
            f"<td class='num'>{pct(s.highest)}</td><td class='num'>{s.trainees}</td></tr>"
            for s in report.spreads
        ),
        "</table>",
        "<h2>Calibration of the class</h2>",
        calibration_table(report.calibration),
        "<h2>Item analysis</h2>",
        "<p class='note'>On each trainee's first answer. Upper and lower: the 27% of the "
        "class with the highest and lowest scores. D: upper minus lower share right.</p>",
        *(_item_html(i) for i in report.items),
        "</body></html>",
    ]
    return "\n".join(parts)
