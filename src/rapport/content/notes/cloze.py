"""Anki's cloze syntax: ``{{c1::text}}`` and ``{{c1::text::hint}}``.

One card per deletion number; the active number is hidden on the question side, every
other deletion shows its text.
"""

from __future__ import annotations

import re
from collections.abc import Callable

# Text and hint may not contain "}}" or "::" (Anki reads the first "::" after the text as
# the start of the hint), which keeps the pattern simple and unambiguous.
DELETION = re.compile(r"\{\{c(\d+)::(.*?)(?:::(.*?))?\}\}", re.DOTALL)
_OPENING = re.compile(r"\{\{")


def cloze_numbers(text: str) -> tuple[int, ...]:
    """The distinct deletion numbers in ``text``, ascending."""
    return tuple(sorted({int(m.group(1)) for m in DELETION.finditer(text)}))


def cloze_problems(text: str) -> list[str]:
    """Why ``text`` is not a well-formed cloze, one message per problem (empty if it is)."""
    problems: list[str] = []
    matches = list(DELETION.finditer(text))
    if not matches:
        problems.append("has no numbered cloze deletion such as {{c1::text}}")
    for m in matches:
        number, body = int(m.group(1)), m.group(2)
        if number == 0:
            problems.append(f"cloze {m.group(0)!r} is numbered 0; numbers start at c1")
        if not body.strip():
            problems.append(f"cloze {m.group(0)!r} deletes no text")
        if "{{" in body:
            problems.append(f"cloze {m.group(0)!r} is nested or not closed")
    rest = DELETION.sub("", text)
    for m in _OPENING.finditer(rest):
        snippet = rest[m.start() : m.start() + 24]
        problems.append(f"malformed or unnumbered cloze near {snippet!r}")
    if "}}" in rest and not _OPENING.search(rest):
        problems.append("stray '}}' without a matching '{{c1::'")
    return problems


def render_cloze(
    text: str,
    active: int,
    *,
    revealed: bool,
    hidden: Callable[[str | None], str] = lambda hint: f"[{hint}]" if hint else "[...]",
    shown: Callable[[str], str] = lambda body: body,
    plain: Callable[[str], str] = lambda s: s,
) -> str:
    """Render one card of a cloze note.

    ``hidden(hint)`` renders the active deletion on the question side, ``shown(text)`` on
    the answer side; ``plain`` transforms all other text (for example HTML escaping), and
    inactive deletions show their text through ``plain`` as well.
    """
    out: list[str] = []
    pos = 0
    for m in DELETION.finditer(text):
        out.append(plain(text[pos : m.start()]))
        number, body, hint = int(m.group(1)), m.group(2), m.group(3)
        if number != active:
            out.append(plain(body))
        elif revealed:
            out.append(shown(body))
        else:
            out.append(hidden(hint))
        pos = m.end()
    out.append(plain(text[pos:]))
    return "".join(out)
