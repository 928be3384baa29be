"""A class of 30 simulated trainees (known abilities, one miskeyed note) gives a class
report that flags the miskeyed note; the PDF is read back with pdftotext and its first
page rendered to PNG (pdftoppm) into the test's folder. Another deck version is refused."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from rapport.cli import main
from rapport.study.classes import analyse, read_class_files
from tests.support.classroom import CLASS_SIZE, MISKEYED, class_deck, write_class
from tests.support.report_pages import page_png, pdf_text

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def class_files(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    return write_class(tmp_path_factory.mktemp("class"))


def test_the_miskeyed_note_and_only_it_is_flagged(class_files: list[Path]) -> None:
    deck = class_deck()
    report = analyse(
        read_class_files(class_files, [deck]), {(c.deck_id, c.note.id): c for c in deck.cards()}
    )
    assert len(report.trainees) == CLASS_SIZE
    assert [i.note_id for i in report.flagged] == [MISKEYED]
    (item,) = report.flagged
    assert any(f.startswith("miskeyed?") for f in item.flags)
    # Every well-keyed note discriminates: the stronger group does better.
    for other in report.items[1:]:
        assert other.point_biserial is not None and other.point_biserial > 0
        assert other.discrimination is not None and other.discrimination > 0
    assert report.calibration.answers == CLASS_SIZE * len(deck.notes)
    assert {s.concept for s in report.spreads} == {"alliance", "empathy", "boundaries"}


def test_class_report_pdf_and_html(
    class_files: list[Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = str(tmp_path / "leader")
    pdf = tmp_path / "class.pdf"
    assert main(["class-report", *map(str, class_files), "-o", str(pdf), "--data-dir", data]) == 0
    assert "30 trainees, 1 notes flagged" in capsys.readouterr().out
    assert pdf.read_bytes().startswith(b"%PDF")
    flat = pdf_text(pdf)
    assert "Rapport class report" in flat and "30 trainees" in flat
    assert MISKEYED in flat and "miskeyed? the stronger group picked" in flat
    assert "Calibration of the class" in flat and "Item analysis" in flat
    assert page_png(pdf, tmp_path / "page.png").stat().st_size > 10_000
    html = tmp_path / "class.html"
    assert main(["class-report", *map(str, class_files), "-o", str(html), "--data-dir", data]) == 0
    page = html.read_text(encoding="utf-8")
    assert page.startswith("<html>") and MISKEYED in page and "miskeyed?" in page


def test_a_file_of_another_deck_version_is_refused(
    class_files: list[Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    other = tmp_path / "other-version.json"
    content = json.loads(class_files[3].read_text(encoding="utf-8"))
    content["decks"][0]["version"] += 1
    other.write_text(json.dumps(content), encoding="utf-8")
    out = tmp_path / "class.pdf"
    files = [*map(str, class_files[:5]), str(other)]
    assert main(["class-report", *files, "-o", str(out), "--data-dir", str(tmp_path)]) == 1
    error = capsys.readouterr().err
    assert str(other) in error and "another version of the deck 'Class deck'" in error
    assert not out.exists()
    broken = tmp_path / "broken.json"
    broken.write_text("{", encoding="utf-8")
    assert main(["class-report", str(broken), "-o", str(out), "--data-dir", str(tmp_path)]) == 1
    assert str(broken) in capsys.readouterr().err
