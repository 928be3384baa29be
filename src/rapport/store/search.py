"""The SQL of a parsed search (:mod:`rapport.search`): one parameterised WHERE condition
over the Browse join (``cards c``, ``card_text t``, ``deck_text d``).

Every value goes in as a parameter; a pattern's ``*`` and ``_`` become LIKE's ``%`` and
``_`` (its own ``%``, ``_`` and ``\\`` escaped). Deck names are matched in Python against
the few stored deck names (casefolded, which SQLite's LIKE does for ASCII only), the
rest in SQL. A negation counts a condition SQL cannot decide (a new card's interval) as
not met, so ``-prop:ivl>2`` includes new cards, as in Anki.
"""

from __future__ import annotations

import re
import sqlite3
from typing import NamedTuple

from rapport.search import (
    ANY,
    ONE,
    And,
    Days,
    Everything,
    Field,
    Ids,
    Node,
    Not,
    Or,
    Pattern,
    Prop,
    Text,
    Value,
)

DAY_US = 86_400 * 1_000_000


class SearchClock(NamedTuple):
    """What a search's days and properties are measured against (microseconds since the
    epoch): now, the start of today's study day and of tomorrow's, and FSRS's
    retrievability curve ``(1 + factor * days / stability) ** decay``."""

    now_us: int
    today_us: int
    tomorrow_us: int
    factor: float
    decay: float


class Compiled(NamedTuple):
    sql: str
    params: list[object]
    text: bool  # whether the condition reads card_text
    cards: bool  # whether it reads cards (or anything else beside card_text)


def like(pattern: Pattern, *, anywhere: bool) -> str:
    """A LIKE pattern (escape character ``\\``) for ``pattern``."""
    out = ["%"] if anywhere else []
    for part in pattern:
        if part == ANY:
            out.append("%")
        elif part == ONE:
            out.append("_")
        else:
            out.append(re.sub(r"([\\%_])", r"\\\1", part))
    if anywhere:
        out.append("%")
    return "".join(out)


def regex(pattern: Pattern) -> re.Pattern[str]:
    """A regular expression matching a whole (casefolded) name against ``pattern``."""
    body = "".join(
        ".*" if part == ANY else "." if part == ONE else re.escape(part) for part in pattern
    )
    return re.compile(body, re.DOTALL)


def _deck_ids(conn: sqlite3.Connection, pattern: Pattern) -> list[str]:
    """The decks whose name, or a parent's of it (``a`` of ``a::b``), matches."""
    match = regex(pattern)
    ids = []
    for deck_id, name in conn.execute("SELECT deck_id, name FROM deck_text"):
        parts = [" ".join(p.split()) for p in name.casefold().split("::")]
        if any(match.fullmatch("::".join(parts[:n])) for n in range(1, len(parts) + 1)):
            ids.append(deck_id)
    return ids


def _marks(count: int) -> str:
    return ",".join("?" * count)


_PROP_SQL = {
    "ivl": "CASE WHEN c.state != 0 AND c.last_review_us IS NOT NULL THEN "
    "CAST(round((c.due_us - c.last_review_us) / 86400000000.0) AS INTEGER) END",
    "reps": "c.reviews",
    "lapses": "c.lapses",
    "stability": "CASE WHEN c.state != 0 THEN c.stability END",
    "difficulty": "CASE WHEN c.state != 0 THEN (c.difficulty - 1) / 9.0 END",  # Anki's 0-1
}
_IS_SQL = {
    "new": "c.state = 0",
    "learn": "c.state IN (1, 3)",
    "review": "c.state IN (2, 3)",
    "suspended": "c.suspended = 1",
}
_STUDY_TAG = (
    "EXISTS (SELECT 1 FROM note_tags nt WHERE nt.deck_id = c.deck_id "
    "AND nt.note_id = c.note_id AND nt.tag LIKE ? ESCAPE '\\')"
)


def compile_search(conn: sqlite3.Connection, node: Node, clock: SearchClock) -> Compiled:
    """The WHERE condition of ``node`` and its parameters."""
    params: list[object] = []
    uses_text = False
    uses_cards = False

    def build(node: Node) -> str:
        nonlocal uses_text, uses_cards
        if (
            not isinstance(node, And | Or | Not | Everything | Text)
            and not (isinstance(node, Field) and node.key == "concept")
            and not (isinstance(node, Value) and node.key == "kind")
            and not (isinstance(node, Days) and node.key == "edited")
        ):
            uses_cards = True
        match node:
            case Everything():
                return "1"
            case And(nodes):
                return "(" + " AND ".join(build(n) for n in nodes) + ")"
            case Or(nodes):
                return "(" + " OR ".join(build(n) for n in nodes) + ")"
            case Not(inner):
                return f"NOT coalesce({build(inner)}, 0)"
            case Text(pattern):
                uses_text = True
                # (LIKE scans faster than instr; the text and the pattern are casefolded)
                params.append(like(pattern, anywhere=True))
                return "t.search LIKE ? ESCAPE '\\'"
            case Field("deck", pattern):
                ids = _deck_ids(conn, pattern)
                params.extend(ids)
                return f"c.deck_id IN ({_marks(len(ids))})" if ids else "0"
            case Field("tag", ()):
                return (
                    "NOT EXISTS (SELECT 1 FROM card_tags ct WHERE ct.card_id = c.id) "
                    "AND NOT EXISTS (SELECT 1 FROM note_tags nt WHERE nt.deck_id = c.deck_id "
                    "AND nt.note_id = c.note_id)"
                )
            case Field("tag", pattern):
                whole, children = like(pattern, anywhere=False), like(pattern, anywhere=False)
                children += "::%"
                params.extend((whole, children, whole))
                return (
                    "(EXISTS (SELECT 1 FROM card_tags ct WHERE ct.card_id = c.id AND "
                    "(ct.tag LIKE ? ESCAPE '\\' OR ct.tag LIKE ? ESCAPE '\\')) "
                    f"OR {_STUDY_TAG})"
                )
            case Field("picked" | "typed" as key, pattern):
                # An option picked, or a text typed, in any answer of the card (schema 9).
                column = "picked" if key == "picked" else "response"
                params.append(like(pattern, anywhere=True))
                return (
                    f"EXISTS (SELECT 1 FROM revlog r WHERE r.card_id = c.id "
                    f"AND r.{column} LIKE ? ESCAPE '\\')"
                )
            case Field(_, pattern):  # concept
                uses_text = True
                params.append(like(pattern, anywhere=False))
                return "t.concept LIKE ? ESCAPE '\\'"
            case Value("kind", kind):
                uses_text = True
                params.append(kind)
                return "t.kind = ?"
            case Value("flag", flag):
                params.append(flag)
                return "c.flag = ?"
            case Value("card", number):
                assert isinstance(number, int)
                params.append(number - 1)
                return "c.ordinal = ?"
            case Value("is", "due"):
                params.extend((clock.now_us, clock.now_us, clock.tomorrow_us))
                return (
                    "(c.suspended = 0 AND coalesce(c.buried_until_us, 0) <= ? AND "
                    "((c.state IN (1, 3) AND c.due_us <= ?) OR (c.state = 2 AND c.due_us < ?)))"
                )
            case Value("is", "buried"):
                params.append(clock.now_us)
                return "coalesce(c.buried_until_us, 0) > ?"
            case Value("is", "marked" | "leech" as tag):
                params.append(tag)
                return _STUDY_TAG
            case Value("is", state):
                assert isinstance(state, str)
                return _IS_SQL[state]
            case Prop(name, op, number):
                sql = f"({_prop(name, params, clock)}) {'<>' if op == '!=' else op} ?"
                params.append(number)
                return sql
            case Days(key, days, ease):
                params.append(clock.today_us - (days - 1) * DAY_US)
                if key == "added":
                    return "c.added_us >= ?"
                if key == "edited":
                    uses_text = True
                    return "t.edited_us >= ?"
                if key == "introduced":
                    return "(SELECT min(r.time_us) FROM revlog r WHERE r.card_id = c.id) >= ?"
                rating = ""
                if ease is not None:
                    params.append(ease)
                    rating = " AND r.rating = ?"
                return (
                    "EXISTS (SELECT 1 FROM revlog r WHERE r.card_id = c.id "
                    f"AND r.time_us >= ?{rating})"
                )
            case Ids("cid", ids):
                params.extend(ids)
                return f"c.id IN ({_marks(len(ids))})"
            case Ids(_, ids):
                params.extend(ids)
                return f"c.note_id IN ({_marks(len(ids))})"
        raise AssertionError(f"unknown search node {node!r}")

    sql = build(node)
    return Compiled(sql, params, uses_text, uses_cards)


def _prop(name: str, params: list[object], clock: SearchClock) -> str:
    if name == "due":
        params.append(clock.today_us)
        return "CASE WHEN c.state != 0 THEN floor((c.due_us - ?) / 86400000000.0) END"
    if name == "retrievability":
        params.extend((clock.factor, clock.now_us, clock.decay))
        return (
            "CASE WHEN c.state != 0 AND c.stability > 0 AND c.last_review_us IS NOT NULL "
            "THEN pow(1 + ? * max(0, (? - c.last_review_us) / 86400000000) / c.stability, ?) "
            "END"
        )
    return _PROP_SQL[name]
