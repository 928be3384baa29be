"""Anki's search language: a tokenizer and a recursive-descent parser into a syntax tree.

The tree is plain values (named tuples); :mod:`rapport.store.search` compiles it into
parameterised SQL. The grammar, as Anki's ``rslib/src/search/parser.rs`` reads it::

    query    := or_expr
    or_expr  := and_expr ( "or" and_expr )*
    and_expr := unary ( ["and"] unary )*        two terms side by side: both
    unary    := "-" unary | "(" or_expr ")" | term
    term     := word | "quoted words" | key:value | key:"quoted value"

``or`` and ``and`` are keywords in any case; ``-`` before a term or a group negates it.
In a word or value ``*`` matches any text (also none) and ``_`` one character; a
backslash makes the next character literal (``\\*``, ``\\_``, ``\\"``, ``\\\\``, ``\\(``).
A plain word matches anywhere in a card's text (every field, the rationales, the
accepted answers and the trainee's own edits), ignoring case.

Keys: ``deck:`` (a deck and its ``::`` children; wildcards), ``tag:`` (a tag and its
``::`` children; ``tag:none``), ``concept:``, ``kind:``, ``flag:N`` (0-4), ``is:new|learn|
review|due|suspended|buried|marked|leech``, ``prop:ivl|due|reps|lapses|stability|
difficulty|retrievability`` (also Anki's ``s``, ``d``, ``r``) with ``= != < > <= >=``,
``rated:N[:ease]``, ``introduced:N``, ``added:N``, ``edited:N`` (the last N days, today
being 1), ``card:N`` (the Nth card of a note), ``nid:`` and ``cid:`` (comma-separated),
``picked:`` and ``typed:`` (text in an option picked, or in what was typed, in any answer
of the card: the misconceptions of :mod:`rapport.study.calibration`).

A query that does not parse raises :class:`SearchError`, naming the position.
"""

from __future__ import annotations

from typing import NamedTuple

from rapport.content.notes.kinds import registered
from rapport.errors import RapportError


class SearchError(RapportError):
    """A search that does not parse: the message names the position (from 1)."""

    def __init__(self, message: str, position: int, query: str) -> None:
        super().__init__(f"Search error at character {position + 1}: {message}")
        self.position = position
        self.query = query


# -- the syntax tree (named tuples: cheap, comparable, printable) -------------------------

ANY = "\x00*"  # a wildcard part of a pattern: any text
ONE = "\x00_"  # one character

Pattern = tuple[str, ...]  # literal pieces and the ANY / ONE markers, casefolded


class Text(NamedTuple):
    """Text anywhere in the card (``pattern`` is matched as a substring)."""

    pattern: Pattern


class Field(NamedTuple):
    """``key:pattern`` for deck, tag and concept (whole name; deck and tag also match
    their ``::`` children); ``pattern`` is ``()`` for ``tag:none``; picked and typed
    match within an answer's picked option or typed text."""

    key: str
    pattern: Pattern


class Value(NamedTuple):
    """``key:value`` with an exact value: kind, flag, is, card."""

    key: str
    value: str | int


class Prop(NamedTuple):
    """``prop:name OP number``."""

    name: str
    op: str
    number: float


class Days(NamedTuple):
    """``rated:N[:ease]``, ``introduced:N``, ``added:N``, ``edited:N``: the last N days."""

    key: str
    days: int
    ease: int | None = None


class Ids(NamedTuple):
    """``nid:`` (note ids, text) or ``cid:`` (card ids)."""

    key: str
    ids: tuple[str, ...] | tuple[int, ...]


class Not(NamedTuple):
    node: Node


class And(NamedTuple):
    nodes: tuple[Node, ...]


class Or(NamedTuple):
    nodes: tuple[Node, ...]


class Everything(NamedTuple):
    """The empty query: every card."""


Node = Text | Field | Value | Prop | Days | Ids | Not | And | Or | Everything

IS_STATES = ("new", "learn", "review", "due", "suspended", "buried", "marked", "leech")
PROPS = {
    "ivl": "ivl",
    "due": "due",
    "reps": "reps",
    "lapses": "lapses",
    "stability": "stability",
    "s": "stability",
    "difficulty": "difficulty",
    "d": "difficulty",
    "retrievability": "retrievability",
    "r": "retrievability",
}
PROP_OPS = ("<=", ">=", "!=", "=", "<", ">")
FLAG_NAMES = {"red": 1, "orange": 2, "green": 3, "blue": 4, "none": 0}
MAX_DAYS = 36_500


# -- tokens -----------------------------------------------------------------------------


class Token(NamedTuple):
    kind: str  # "(", ")", "-", "or", "and", "term"
    text: str  # for a term: its text with the quotes removed, escapes kept
    position: int


def tokenize(query: str) -> list[Token]:
    """The tokens of ``query``. A quote may open anywhere in a term (``"deck:a b"``,
    ``deck:"a b"``) and runs to the next unescaped quote."""
    tokens: list[Token] = []
    i, n = 0, len(query)
    while i < n:
        char = query[i]
        if char.isspace():
            i += 1
            continue
        if char in "()":
            tokens.append(Token(char, char, i))
            i += 1
            continue
        if char == "-" and i + 1 < n and not query[i + 1].isspace():
            tokens.append(Token("-", char, i))
            i += 1
            continue
        if char == "-":
            raise SearchError("'-' must come right before what it negates", i, query)
        start, text = i, []
        while i < n:
            char = query[i]
            if char == "\\":
                if i + 1 == n:
                    raise SearchError("a backslash at the end escapes nothing", i, query)
                text.append(query[i : i + 2])
                i += 2
            elif char == '"':
                close = _closing_quote(query, i)
                if close < 0:
                    raise SearchError("this quote is never closed", i, query)
                text.append(query[i + 1 : close])
                i = close + 1
            elif char.isspace() or char in "()":
                break
            else:
                text.append(char)
                i += 1
        word = "".join(text)
        quoted = '"' in query[start:i]
        if not quoted and word.casefold() in ("or", "and"):
            tokens.append(Token(word.casefold(), word, start))
        else:
            tokens.append(Token("term", word, start))
    return tokens


def _closing_quote(query: str, opening: int) -> int:
    i = opening + 1
    while i < len(query):
        if query[i] == "\\":
            i += 2
        elif query[i] == '"':
            return i
        else:
            i += 1
    return -1


# -- the parser ------------------------------------------------------------------------


class _Parser:
    def __init__(self, query: str) -> None:
        self.query = query
        self.tokens = tokenize(query)
        self.at = 0

    def error(self, message: str, position: int | None = None) -> SearchError:
        if position is None:
            position = (
                self.tokens[self.at].position if self.at < len(self.tokens) else len(self.query)
            )
        return SearchError(message, position, self.query)

    def peek(self) -> Token | None:
        return self.tokens[self.at] if self.at < len(self.tokens) else None

    def parse(self) -> Node:
        if not self.tokens:
            return Everything()
        node = self.or_expr()
        token = self.peek()
        if token is not None:
            raise self.error("this ')' closes no '('" if token.kind == ")" else "unexpected")
        return node

    def or_expr(self) -> Node:
        nodes = [self.and_expr()]
        while (token := self.peek()) is not None and token.kind == "or":
            self.at += 1
            nodes.append(self.and_expr(after=token))
        return nodes[0] if len(nodes) == 1 else Or(tuple(nodes))

    def and_expr(self, after: Token | None = None) -> Node:
        nodes = [self.unary(after)]
        while (token := self.peek()) is not None and token.kind not in ("or", ")"):
            if token.kind == "and":
                self.at += 1
                nodes.append(self.unary(token))
            else:
                nodes.append(self.unary())
        return nodes[0] if len(nodes) == 1 else And(tuple(nodes))

    def unary(self, after: Token | None = None) -> Node:
        token = self.peek()
        if token is None or token.kind in ("or", "and", ")"):
            if after is not None:
                word = after.kind if after.kind in ("or", "and") else f"'{after.text}'"
                raise self.error(f"'{word}' needs a search term after it", after.position)
            if token is not None and token.kind == ")":
                raise self.error("this ')' closes no '('")
            raise self.error(
                f"'{token.text}' needs a search term before it" if token else "missing a term"
            )
        self.at += 1
        if token.kind == "-":
            return Not(self.unary(token))
        if token.kind == "(":
            if (inner := self.peek()) is not None and inner.kind == ")":
                raise self.error("empty parentheses", token.position)
            node = self.or_expr()
            closing = self.peek()
            if closing is None or closing.kind != ")":
                raise self.error("this '(' is never closed", token.position)
            self.at += 1
            return node
        return _term(token, self.query)


def parse(query: str) -> Node:
    """The syntax tree of an Anki search; raises :class:`SearchError`."""
    return _Parser(query).parse()


# -- terms -----------------------------------------------------------------------------


def pattern(raw: str) -> Pattern:
    """The pattern of a word as typed (escapes kept): ``*`` any text, ``_`` one
    character, a backslash makes the next character literal; casefolded, runs of white
    space as one space."""
    parts: list[str] = []
    literal: list[str] = []

    def flush() -> None:
        if literal:
            parts.append(" ".join("".join(literal).casefold().split()) or " ")
            literal.clear()

    i = 0
    while i < len(raw):
        char = raw[i]
        if char == "\\" and i + 1 < len(raw):
            literal.append(raw[i + 1])
            i += 2
            continue
        if char in "*_":
            flush()
            marker = ANY if char == "*" else ONE
            if not (marker == ANY and parts and parts[-1] == ANY):
                parts.append(marker)
        else:
            literal.append(char)
        i += 1
    flush()
    return tuple(parts)


def _unescaped(raw: str) -> str:
    out, i = [], 0
    while i < len(raw):
        if raw[i] == "\\" and i + 1 < len(raw):
            out.append(raw[i + 1])
            i += 2
        else:
            out.append(raw[i])
            i += 1
    return "".join(out)


def _key_of(raw: str) -> tuple[str, str] | None:
    """``(key, value)`` if ``raw`` is ``key:value`` with an unescaped colon."""
    i = 0
    while i < len(raw):
        if raw[i] == "\\":
            i += 2
            continue
        if raw[i] == ":":
            key = raw[:i]
            return (key.casefold(), raw[i + 1 :]) if key.isalpha() else None
        i += 1
    return None


def _term(token: Token, query: str) -> Node:
    raw, at = token.text, token.position
    keyed = _key_of(raw)
    if keyed is None:
        if not raw:
            raise SearchError('empty quotes ""', at, query)
        return Text(pattern(raw))
    key, value = keyed
    value_at = at + len(key) + 1

    def fail(message: str) -> SearchError:
        return SearchError(message, value_at, query)

    plain = _unescaped(value).strip().casefold()
    if key in ("deck", "tag", "concept"):
        if not plain:
            raise fail(f"'{key}:' needs a name after it")
        if key == "tag" and plain == "none":
            return Field("tag", ())
        if key == "concept":  # concepts are slugs: "active listening" is active-listening
            value = "-".join(value.split())
        return Field(key, pattern(value))
    if key in ("picked", "typed"):
        if not plain:
            raise fail(f"'{key}:' needs the text of an answer after it")
        return Field(key, pattern(value))
    if key == "kind":
        kinds = list(registered())
        if plain not in kinds:
            raise fail(f"unknown kind '{plain}' (one of {', '.join(kinds)})")
        return Value("kind", plain)
    if key == "flag":
        flag = FLAG_NAMES.get(plain) if not plain.isdigit() else int(plain)
        if flag is None or not 0 <= flag <= 4:
            raise fail("a flag is 0 (none) to 4: 1 red, 2 orange, 3 green, 4 blue")
        return Value("flag", flag)
    if key == "is":
        if plain not in IS_STATES:
            raise fail(f"unknown state 'is:{plain}' (one of {', '.join(IS_STATES)})")
        return Value("is", plain)
    if key == "card":
        if not plain.isdigit() or int(plain) < 1:
            raise fail("'card:' takes the number of a card of its note, from 1")
        return Value("card", int(plain))
    if key == "prop":
        return _prop(plain, value_at, query)
    if key in ("rated", "introduced", "added", "edited"):
        days, _, ease = plain.partition(":")
        if not days.isdigit() or not 1 <= int(days) <= MAX_DAYS:
            raise fail(f"'{key}:' takes a number of days from 1 (today) to {MAX_DAYS}")
        if key != "rated" and ease:
            raise fail(f"'{key}:' takes only a number of days")
        if ease and (not ease.isdigit() or not 1 <= int(ease) <= 4):
            raise fail("the answer of 'rated:N:ease' is 1 (Again) to 4 (Easy)")
        return Days(key, int(days), int(ease) if ease else None)
    if key in ("nid", "cid"):
        ids = tuple(part.strip() for part in plain.split(","))
        if not ids or not all(ids):
            raise fail(f"'{key}:' takes ids separated by commas")
        if key == "cid":
            if not all(i.isdigit() for i in ids):
                raise fail("'cid:' takes card numbers separated by commas")
            return Ids("cid", tuple(int(i) for i in ids))
        return Ids("nid", ids)
    raise SearchError(
        f"unknown search key '{key}:' (write {key}\\:... to search for the text)", at, query
    )


def _prop(text: str, at: int, query: str) -> Prop:
    name_end = 0
    while name_end < len(text) and text[name_end].isalpha():
        name_end += 1
    name = text[:name_end]
    if name not in PROPS:
        raise SearchError(
            f"unknown property 'prop:{name}' (one of ivl, due, reps, lapses, stability, "
            "difficulty, retrievability)",
            at,
            query,
        )
    rest = text[name_end:]
    op = next((o for o in PROP_OPS if rest.startswith(o)), None)
    if op is None:
        raise SearchError(f"'prop:{name}' needs a comparison: = != < > <= >=", at + name_end, query)
    number = rest[len(op) :]
    try:
        value = float(number)
    except ValueError:
        raise SearchError(
            f"'prop:{name}{op}' needs a number, not '{number}'", at + name_end + len(op), query
        ) from None
    if value != value or value in (float("inf"), float("-inf")):
        raise SearchError("the number must be finite", at + name_end + len(op), query)
    return Prop(PROPS[name], op, value)


def normalize(text: str) -> str:
    """A card's searchable text as patterns match it: casefolded, one space between words."""
    return " ".join(text.casefold().split())
