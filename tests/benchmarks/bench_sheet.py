"""Spreadsheet import of 20,000 rows whose ids are made from the same first words (each
made unique: ``same-words``, ``same-words-2``...), against the same rows each with an id
column of its own. Target: at most 1.5x (ids made in linear time; issue 20 item 8 found
this quadratic: 44 s). Run as a script to print the figures.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from common import Row, repeat, table

from rapport.interop.spreadsheet import read_sheet

ROWS = 20_000


def run(repeats: int = 5) -> list[Row]:
    with tempfile.TemporaryDirectory() as tmp:
        same = Path(tmp) / "same.csv"
        same.write_text("".join(f"Same words,Back {i}\n" for i in range(ROWS)), encoding="utf-8")
        own = Path(tmp) / "own.csv"
        own.write_text(
            "#guid column:1\n" + "".join(f"n{i},Same words,Back {i}\n" for i in range(ROWS)),
            encoding="utf-8",
        )

        def ours() -> None:
            assert len(read_sheet(same).decks[0].notes) == ROWS

        def bare() -> None:
            assert len(read_sheet(own).decks[0].notes) == ROWS

        ours()
        baseline = repeat(bare, repeats)
        value = repeat(ours, repeats)
    return [Row(f"import {ROWS:,} rows, ids made", value, baseline, "s", 1.5, "vs ids given")]


if __name__ == "__main__":
    print(table(run()))
