"""Characters that look like the ones a deck file needs but are not: curly quotes pasted
from a word processor, dashes for hyphens, non-breaking and invisible spaces.

The loader names them in its problems (``“ (left double quotation mark, U+201C) where a
straight " is meant``) so that an author sees at once why a line that looks right is not.
"""

from __future__ import annotations

import unicodedata

# look-alike -> what it stands for ('' for invisible characters that stand for nothing)
LOOKALIKES: dict[str, str] = {
    "\u2018": "'",
    "\u2019": "'",
    "\u201a": "'",
    "\u201b": "'",
    "\u2032": "'",
    "\u201c": '"',
    "\u201d": '"',
    "\u201e": '"',
    "\u201f": '"',
    "\u2033": '"',
    "\u00ab": '"',
    "\u00bb": '"',
    "\u2010": "-",
    "\u2011": "-",
    "\u2012": "-",
    "\u2013": "-",
    "\u2014": "-",
    "\u2212": "-",
    "\u00a0": " ",
    "\u2007": " ",
    "\u202f": " ",
    "\u2009": " ",
    "\u200b": "",
    "\u200c": "",
    "\u200d": "",
    "\u2060": "",
    "\ufeff": "",
    "\u2026": "...",
}
_TABLE = str.maketrans(LOOKALIKES)


def describe(char: str) -> str:
    """``“ (left double quotation mark, U+201C) where a straight " is meant``."""
    name = unicodedata.name(char, "unnamed character").lower()
    meant = LOOKALIKES.get(char)
    shown = char if char.isprintable() and not char.isspace() else ""
    what = f"{shown} ({name}, U+{ord(char):04X})".strip()
    if meant is None:
        return what
    if meant == "":
        return f"an invisible {name} (U+{ord(char):04X})"
    plain = {"'": "a straight '", '"': 'a straight "', "-": "a hyphen -", " ": "a space"}
    return f"{what} where {plain.get(meant, repr(meant))} is meant"


def found_in(text: str) -> list[str]:
    """A description of each distinct look-alike character in ``text``, in order."""
    seen: list[str] = []
    for char in text:
        if char in LOOKALIKES and char not in seen:
            seen.append(char)
    return [describe(c) for c in seen]


def hint(text: str) -> str:
    """`` (it has “ (...) where a straight " is meant)`` or '' when ``text`` has none."""
    found = found_in(text)
    return f" (it has {'; '.join(found)})" if found else ""


def plain(text: str) -> str:
    """``text`` with every look-alike replaced by what it stands for."""
    return text.translate(_TABLE)
