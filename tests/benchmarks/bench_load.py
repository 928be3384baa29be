"""Loading and validating 10,000 notes, against bare ``tomllib`` parsing of the same files.

Target: at most 2x. Run as a script to print the figures.
"""

from __future__ import annotations

import tempfile
import tomllib
from pathlib import Path

from common import Row, repeat, table
from generate import write_collection

from rapport.content import load_decks

NOTES = 10_000


def run(repeats: int = 7) -> list[Row]:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        paths = write_collection(folder, 0, notes=NOTES)

        def bare() -> None:
            for p in paths:
                tomllib.loads(p.read_bytes().decode("utf-8"))

        def ours() -> None:
            result = load_decks([folder])
            assert not result.errors and sum(len(d.notes) for d in result.decks) == NOTES

        ours()  # warm the file cache and imports for both
        baseline = repeat(bare, repeats)
        value = repeat(ours, repeats)
    return [Row(f"load+validate {NOTES:,} notes", value, baseline, "s", 2.0, "vs tomllib")]


if __name__ == "__main__":
    print(table(run()))
