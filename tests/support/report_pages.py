"""Write the first page of each report as a PNG (for the README):
``python -m tests.support.report_pages resources/screenshots`` (``make report-screenshots``);
:func:`page_png` and :func:`pdf_text` also serve the tests that read a report back.

The progress report is of a demo trainee who studied the shipped deck for 60 days in
certainty-based marking; the class report is of the simulated class of 30
(:mod:`tests.support.classroom`). Pages are rendered with pdftoppm (poppler-utils).
"""

from __future__ import annotations

import random
import subprocess
import sys
import tempfile
import unicodedata
from collections.abc import Sequence
from datetime import timedelta
from pathlib import Path

from rapport.content import load_decks
from rapport.paths import decks_dir
from rapport.study.classes import analyse, class_html, read_class_files
from rapport.study.progress import build_progress, progress_html
from rapport.ui.pdf import write_pdf
from tests.support.classroom import class_deck, study_with_certainty, write_class
from tests.support.collection import T0, open_collection

DPI = 70


def page_png(pdf: Path, out: Path, page: int = 1) -> Path:
    """Render one page of ``pdf`` to ``out`` (a .png) with pdftoppm."""
    stem = out.with_suffix("")
    subprocess.run(
        ["pdftoppm", "-png", "-r", str(DPI), "-f", str(page), "-l", str(page), "-singlefile",
         str(pdf), str(stem)],
        check=True,
    )  # fmt: skip
    return out


def pdf_text(pdf: Path) -> str:
    """The text of ``pdf`` (pdftotext), its white space folded to single spaces and its
    ligatures (fi) undone, for a test to find phrases in."""
    text = subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    return " ".join(unicodedata.normalize("NFKC", text).split())


def render(out_dir: Path) -> list[Path]:
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    with tempfile.TemporaryDirectory() as temporary:
        work = Path(temporary)
        random.seed(1)  # FSRS's fuzz draws from the global generator
        now = T0 + timedelta(days=60)
        collection = open_collection(work / "trainee", load_decks([decks_dir()]).decks, T0)
        try:
            study_with_certainty(collection, T0, now - timedelta(days=4), random.Random(11))
            report = build_progress(collection, now, name="Sam Example", period_days=30)
            pdf = write_pdf(progress_html(report), work / "progress.pdf", "Progress report")
        finally:
            collection.close(now)
        written.append(page_png(pdf, out_dir / "report-progress.png"))
        written.append(page_png(pdf, out_dir / "report-progress-calibration.png", page=2))
        deck = class_deck()
        files = read_class_files(write_class(work / "class"), [deck])
        cards = {(c.deck_id, c.note.id): c for c in deck.cards()}
        pdf = write_pdf(class_html(analyse(files, cards)), work / "class.pdf", "Class report")
        written.append(page_png(pdf, out_dir / "report-class.png"))
    return written


def main(argv: Sequence[str]) -> int:
    if len(argv) != 1:
        print("usage: python -m tests.support.report_pages OUTPUT_DIR", file=sys.stderr)
        return 2
    for path in render(Path(argv[0])):
        print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
