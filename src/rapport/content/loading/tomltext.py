"""Reading a deck file's TOML as an author needs it read: line numbers for every table and
key, and syntax errors in plain words, each with its line, without one error hiding the
rest.

:func:`parse` reads the text with :mod:`tomllib`; on a syntax error it names the line in
plain words (and any look-alike character on it), blanks the statement -- or the whole
``[[notes]]`` table -- that holds it, and reads the text again, so that the rest of the
file is still checked. A note blanked that way keeps its place (the notes after it keep
their numbers) and carries :data:`UNREADABLE` so that the loader skips it.
"""

from __future__ import annotations

import re
from typing import Any, NamedTuple

from rapport.content.loading import lookalikes

UNREADABLE = "rapport-unreadable-note"  # the key a blanked [[notes]] table carries
MAX_SYNTAX_ERRORS = 30

# Patterns as text, compiled (and cached) by re when a deck file is first read, not at
# a start that reads the deck cache.
# (tolerant: a header missing its closing brackets still starts a table)
_ARRAY_HEADER = r"^\s*\[\[\s*([^\[\]#]*?)\s*\]{0,2}\s*(?:#.*)?$"
_TABLE_HEADER = r"^\s*\[\s*([^\[\]#=]*?)\s*\]?\s*(?:#.*)?$"
_KEY = r"""^\s*([A-Za-z0-9_-]+|"[^"\n]*"|'[^'\n]*')\s*(?:\.|=)"""
_POSITION = r"\s*\((?:at line (\d+), column (\d+)|at end of document)\)\s*$"

Table = tuple[str, int]  # ("notes", 0) is the first [[notes]]; ("", 0) is the top level


class Layout(NamedTuple):
    """Where a deck file's tables and keys are: 1-based line numbers."""

    tables: dict[Table, int]
    keys: dict[tuple[Table, str], int]
    statements: tuple[int, ...]  # lines where a header or a key = value starts
    headers: tuple[tuple[int, Table], ...]
    unclosed: int  # the line of a multi-line string never closed (0: none)

    def line(self, table: Table, key: str | None = None) -> int:
        """The line of ``key`` in ``table`` (or of the table), 0 if unknown."""
        if key is not None:
            found = self.keys.get((table, key.split(".")[0].split("[")[0]))
            if found:
                return found
        return self.tables.get(table, 0)


def layout(text: str) -> Layout:
    """Scan ``text`` for its table headers and keys (a light scan, not a parser)."""
    tables: dict[Table, int] = {("", 0): 1}
    keys: dict[tuple[Table, str], int] = {}
    statements: list[int] = []
    headers: list[tuple[int, Table]] = []
    counts: dict[str, int] = {}
    array_header, table_header, key_start = map(re.compile, (_ARRAY_HEADER, _TABLE_HEADER, _KEY))
    current: Table = ("", 0)
    open_quote = ""
    open_line = 0
    for number, line in enumerate(text.split("\n"), start=1):
        if open_quote:
            if line.count(open_quote) % 2 == 1:
                open_quote = ""
            continue
        array = array_header.match(line)
        table = None if array else table_header.match(line)
        key = None if array or table else key_start.match(line)
        if array:
            name = array.group(1)
            current = (name, counts.get(name, 0))
            counts[name] = current[1] + 1
        elif table:
            current = (table.group(1), 0)
        if array or table:
            tables.setdefault(current, number)
            headers.append((number, current))
            statements.append(number)
        elif key:
            keys.setdefault((current, key.group(1).strip("\"'")), number)
            statements.append(number)
        for quote in ('"""', "'''"):
            if line.count(quote) % 2 == 1:
                open_quote, open_line = quote, number
                break
    return Layout(tables, keys, tuple(statements), tuple(headers), open_line if open_quote else 0)


class SyntaxProblem(NamedTuple):
    """A TOML syntax error, in plain words, at a line."""

    line: int
    message: str
    table: Table


_PLAIN: tuple[tuple[str, str], ...] = (
    (
        "Invalid value",
        'the value after "=" is not valid: text goes in straight double quotes "...", '
        "a list in [ ], true and false in lower case",
    ),
    (
        "Expected '=' after a key",
        'a key must be followed by "=" and its value, as in front = "..."',
    ),
    (
        "Invalid statement",
        "this line is neither key = value nor a [table] header "
        '(text must be in straight quotes "...")',
    ),
    ("Illegal character '\\n'", "a text is not closed: its closing quote is missing on this line"),
    ("Unterminated string", "a text is not closed: its closing quote is missing"),
    (
        "Cannot overwrite a value",
        "this key is given twice in one table (each note starts with its own [[notes]] line)",
    ),
    ("Cannot declare", "this table is declared twice"),
    ("Unclosed array", 'a list opened with "[" here is never closed with "]"'),
    ("Unclosed inline table", 'a table opened with "{" here is never closed with "}"'),
    (
        "Expected newline or end of document after a statement",
        "something follows the value on this line (put one key = value per line; "
        'write a quote inside text as \\")',
    ),
    (
        "Unescaped '\\' in a string",
        "a backslash in text must be doubled (\\\\) or use single quotes",
    ),
    ("Expected ']]' at the end", 'a [[notes]] header is not closed with "]]"'),
    ("Expected ']' at the end", 'a [table] header is not closed with "]"'),
    (
        "Invalid initial character for a key part",
        "a key must start with a letter, a digit, _ or -",
    ),
)


def plain_words(message: str) -> str:
    """A tomllib error message (without its position) in an author's words."""
    for start, words in _PLAIN:
        if message.startswith(start):
            return words
    return message[:1].lower() + message[1:]


# Two values side by side with no comma: "a" "b", } {, ] [, 1 "b".
_NO_COMMA = r"""(["'\]}0-9])\s+(["'\[{])"""


def _fix_hint(message: str, lines: list[str], line: int) -> str:
    """What to change, where the error's usual cause can be seen on its line: a missing
    comma between two values of a list; a ``[notes]`` header where every note needs its
    own ``[[notes]]``."""
    text = lines[line - 1] if 0 < line <= len(lines) else ""
    if message.startswith(("Unclosed array", "Unclosed inline table")):
        statement = text.partition("=")[2]
        if re.search(_NO_COMMA, statement):
            return (
                "; two values on this line have no comma between them: separate the "
                'items with commas, as in tags = ["week3", "rogers"]'
            )
    if message.startswith("Cannot declare") and text.strip() == "[notes]":
        return (
            "; each note starts with [[notes]] (two brackets on each side): [notes] "
            "declares one table named notes, so the second is refused"
        )
    return ""


def parse(text: str) -> tuple[dict[str, Any], list[SyntaxProblem]]:
    """Parse deck TOML; return the data and every syntax error found (see module doc).

    With syntax errors the data is what the rest of the file holds, for checking only.
    """
    import tomllib

    lines = text.split("\n")
    problems: list[SyntaxProblem] = []
    while True:
        try:
            return tomllib.loads("\n".join(lines)), problems
        except tomllib.TOMLDecodeError as exc:
            problem, replace = _locate(str(exc), lines, layout("\n".join(lines)))
            problems.append(problem)
            before = list(lines)
            for number, new in replace.items():
                lines[number - 1] = new
            if len(problems) >= MAX_SYNTAX_ERRORS or lines == before:
                return {}, problems


def _locate(error: str, lines: list[str], shape: Layout) -> tuple[SyntaxProblem, dict[int, str]]:
    """The problem, and the lines (1-based) to replace so that parsing can go on: the
    statement that holds the error, or the whole note, which keeps its place with a marker."""
    position = re.search(_POSITION, error)
    message = error[: position.start()] if position else error
    line = int(position.group(1)) if position and position.group(1) else 0
    if not line:  # "at end of document": an unclosed multi-line text, or the last statement
        line = shape.unclosed or (shape.statements[-1] if shape.statements else len(lines))
    starts = [s for s in shape.statements if s <= line]
    if message.startswith("Unclosed") and starts:
        line = starts[-1]  # where the list or table was opened
    words = plain_words(message) + _fix_hint(message, lines, line)
    if shape.unclosed and line == shape.unclosed:
        words = 'a text opened with """ on this line is never closed'
    line = max(1, min(line, len(lines)))
    text = lines[line - 1]
    found = lookalikes.found_in(text)
    if found:
        words += "; this line has " + "; ".join(found)
    header_line, table = next(
        ((h, t) for h, t in reversed(shape.headers) if h <= line), (0, ("", 0))
    )
    after = [h for h, _ in shape.headers if h > line]
    block_end = (after[0] - 1) if after else len(lines)
    blank = dict.fromkeys(range(line, block_end + 1), "")
    if header_line == line:  # a broken header: a note keeps its place, unread
        if table[0] != "notes":
            return SyntaxProblem(line, words, table), blank
        marker = {line + 1: f"{UNREADABLE} = true"} if line < block_end else {}
        return SyntaxProblem(line, words, table), {**blank, line: "[[notes]]", **marker}
    if table[0] == "notes" and header_line and header_line < line:
        note = dict.fromkeys(range(header_line + 1, block_end + 1), "")
        note[header_line + 1] = f"{UNREADABLE} = true"
        return SyntaxProblem(line, words, table), note
    later = [s for s in shape.statements if s > line]
    end = min(later[0] - 1 if later else len(lines), block_end)
    return SyntaxProblem(line, words, table), dict.fromkeys(range(line, max(end, line) + 1), "")
