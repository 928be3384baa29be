"""Benchmark: ``export_decks`` against bare genanki writing the same notes, in the same run.

For 1,000, 10,000 and 50,000 synthetic notes (every kind in turn) it times

* Rapport's export: ``export_decks`` from ``Deck`` values to a finished ``.apkg``
  (field rendering, escaping, tags, GUIDs, progress, the atomic write), and
* the baseline: bare genanki building notes of the same note types with the same field
  values and tags (rendered inside the timing, as any genanki user must make the fields
  from their own data) and a GUID each (which every genanki user computes: by default a
  hash of the fields), and writing them as ``Package.write_to_file`` does but into a
  compressed zip (deflate level 1, as Rapport writes; ``write_to_file`` stores it
  uncompressed, which is faster and four times the size),

and reports their ratio (target: at most 1.3) and the cost per note (which should stay
roughly constant from 1,000 to 50,000 notes). Each figure is the median of several runs
(with min and max), the two alternating.

Run it as a script to print a table; :func:`measure` returns the figures for
``tests/benchmarks/run.py`` to aggregate.
"""

from __future__ import annotations

import gc
import itertools
import sqlite3
import sys
import tempfile
import time
import zipfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from types import MappingProxyType
from typing import Any

import genanki
from common import Figure, Row, table

from rapport.content.notes.model import (
    BasicNote,
    ChoiceNote,
    ClozeNote,
    Deck,
    Essay,
    Note,
    Option,
    ReversedNote,
    Source,
    TypedNote,
)
from rapport.interop.anki import export_decks
from rapport.interop.anki.fields import note_fields
from rapport.interop.anki.identity import anki_deck_id, anki_deck_name, note_tags
from rapport.interop.anki.models import load_stylesheet, note_types

SIZES = (1_000, 10_000, 50_000)
TARGET_RATIO = 1.3
NOW = datetime(2025, 1, 1, tzinfo=UTC)
ESSAY = Essay.from_text(Path("synthetic.txt"), "Title\n\nThe alliance & the bond <matter>.")


@dataclass(frozen=True, slots=True)
class ExportFigures:
    """One row of the benchmark: timings (median, min, max of the runs) for one note count."""

    notes: int
    export: Figure
    genanki: Figure

    @property
    def ratio(self) -> float:
        return self.export.median / self.genanki.median

    @property
    def microseconds_per_note(self) -> float:
        return self.export.median / self.notes * 1e6


def _note(i: int) -> Note:
    common: dict[str, Any] = {
        "id": f"note-{i}",
        "concept": f"concept-{i % 40}",
        "tags": ("research::alliance",) if i % 3 else (),
        "source": Source(2, "The alliance"),
        "extension": False,
        "html": i % 10 == 0,
        "extra": "A remark & a <caveat>." if i % 4 == 0 else "",
    }
    words = f"Question {i}: how does the alliance (a<b & c>d) shape outcome number {i}?"
    kind = i % 5
    if kind == 0:
        return BasicNote(**common, front=words, back=f"Answer {i}:\nthe bond, goals and tasks.")
    if kind == 1:
        return ReversedNote(**common, front=f"Term {i}", back=f"Definition {i} of the alliance.")
    if kind == 2:
        text = (
            f"Agreement on {{{{c1::goals {i}}}}}, {{{{c2::tasks::what}}}} and a {{{{c3::bond}}}}."
        )
        return ClozeNote(**common, text=text)
    if kind == 3:
        options = (
            Option(f"Right {i}", "Because the essay says so.", True),
            *(Option(f"Wrong {i}-{k}", f"Rationale {k} & why.", False) for k in range(3)),
        )
        return ChoiceNote(**common, question=words, options=options, scenario=i % 2 == 0)
    return TypedNote(**common, prompt=words, answer=f"answer {i}", accept=(f"ans {i}",))


def synthetic_deck(count: int) -> Deck:
    """A valid deck of ``count`` notes, every kind in turn, some with HTML and remarks."""
    return Deck(
        id="synthetic",
        name="Synthetic",
        description="Benchmark deck",
        path=Path("synthetic.toml"),
        sources=(ESSAY,),
        summaries=MappingProxyType({("essay", 2): "Summary."}),
        notes=tuple(_note(i) for i in range(count)),
    )


def _interleaved(
    first: Callable[[], None], second: Callable[[], None], repeat: int
) -> tuple[Figure, Figure]:
    """Times of two runs, alternated so that drift in load hits both alike."""
    samples: list[list[float]] = [[], []]
    for _ in range(repeat):
        for index, run in enumerate((first, second)):
            gc.collect()
            start = time.perf_counter()
            run()
            samples[index].append(time.perf_counter() - start)
    return Figure.of(samples[0]), Figure.of(samples[1])


def _write_compressed(package: genanki.Package, path: Path) -> None:
    """``Package.write_to_file`` (no media), into a zip compressed as Rapport's is."""
    db = path.with_suffix(".anki2")
    db.unlink(missing_ok=True)
    conn = sqlite3.connect(db)
    package.write_to_db(
        conn.cursor(), NOW.timestamp(), itertools.count(int(NOW.timestamp() * 1000))
    )
    conn.commit()
    conn.close()
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=1) as out:
        out.write(db, "collection.anki2")
        out.writestr("media", "{}")


def measure(sizes: Sequence[int] = SIZES, repeat: int = 5) -> list[ExportFigures]:
    """Time Rapport's export and bare genanki for each note count in ``sizes``."""
    css = load_stylesheet()
    figures: list[ExportFigures] = []
    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(scratch)
        for size in sizes:
            deck = synthetic_deck(size)
            models = note_types(css)

            def rapport_export(deck: Deck = deck) -> None:
                export_decks([deck], folder / "rapport.apkg", now=NOW, stylesheet=css)

            def bare_genanki(deck: Deck = deck, models: Any = models) -> None:
                anki_deck = genanki.Deck(anki_deck_id("synthetic"), anki_deck_name("Synthetic"))
                for note in deck.notes:
                    # Every genanki user pays for a GUID (by default a hash of the fields).
                    guid = genanki.guid_for("rapport", "synthetic", note.id)
                    anki_deck.add_note(
                        genanki.Note(
                            model=models[note.kind],
                            fields=note_fields(deck, note),
                            tags=note_tags(note),
                            guid=guid,
                        )
                    )
                _write_compressed(genanki.Package(anki_deck), folder / "genanki.apkg")

            times = repeat if size <= 10_000 else max(3, repeat // 2)
            baseline, ours = _interleaved(bare_genanki, rapport_export, times)
            figures.append(ExportFigures(size, ours, baseline))
    return figures


def run() -> list[Row]:
    """The figures as rows of the shared benchmark table."""
    return [
        Row(
            f"export {f.notes:,} notes",
            f.export,
            f.genanki,
            "s",
            TARGET_RATIO,
            f"vs bare genanki; {f.microseconds_per_note:.1f} us/note",
        )
        for f in measure()
    ]


def main() -> int:
    rows = run()
    print("Anki export: rapport.export_decks vs bare genanki (median of runs, min-max)")
    print(table(rows))
    return 0 if all(r.ok for r in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
