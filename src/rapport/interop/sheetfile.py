"""A spreadsheet export as a file: the text of :func:`rapport.interop.spreadsheet.sheet_text`
written atomically, tab-separated for ``.tsv``/``.txt`` names, and for Excel (``excel``)
with a UTF-8 byte-order mark and Windows line ends (CRLF), without which Excel on Windows
reads UTF-8 as the local code page and shows accents as mojibake.

The command line (``rapport export --csv [--excel]``) and File > Export both call
:func:`export_sheet`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from rapport.content.notes.model import Deck
from rapport.interop.spreadsheet import SHEET_SUFFIXES, sheet_text

TAB_SUFFIXES = (".tsv", ".txt", ".tab")


@dataclass(frozen=True, slots=True)
class SheetResult:
    path: Path
    decks: int
    notes: int


def excel_text(text: str) -> str:
    """``text`` as Excel on Windows reads it: a byte-order mark first, CRLF line ends (also
    inside quoted fields, as Excel itself writes them)."""
    return "\ufeff" + text.replace("\r\n", "\n").replace("\n", "\r\n")


def export_sheet(decks: Sequence[Deck], output: Path, *, excel: bool = False) -> SheetResult:
    """Write ``decks`` as one spreadsheet, atomically; raises ExportError (nothing
    written) for a name that is not a spreadsheet's or a folder that cannot take it."""

    from rapport.interop.anki.package import check_target, write_atomically

    check_target(output, decks, SHEET_SUFFIXES, "a spreadsheet")
    separator = "\t" if output.suffix.lower() in TAB_SUFFIXES else ","
    text = sheet_text(decks, separator=separator)
    data = (excel_text(text) if excel else text).encode("utf-8")

    def write(out: IO[bytes]) -> None:
        out.write(data)

    write_atomically(output, write)
    return SheetResult(output, len(decks), sum(len(d.notes) for d in decks))
