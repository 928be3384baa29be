"""``rapport report``: the supervisor's PDF, read back with pdftotext, carries the name
given and the figures ``rapport stats --json`` prints; a page is rendered to PNG."""

from __future__ import annotations

import json
import random
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from rapport.cli import main
from rapport.content import discover, load_decks
from rapport.paths import decks_dir
from rapport.study import Collection
from tests.support.classroom import study_with_certainty
from tests.support.report_pages import page_png, pdf_text

pytestmark = pytest.mark.slow


def test_report_pdf_matches_the_statistics(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data_dir = tmp_path / "data"
    now = datetime.now(UTC)
    start = now - timedelta(days=60)
    col = Collection.open(data_dir, load_decks(discover([decks_dir()])).decks, start)
    try:
        study_with_certainty(col, start, now - timedelta(hours=1), random.Random(5))
    finally:
        col.close(now)
    data = str(data_dir)
    assert main(["stats", "--json", "--data-dir", data]) == 0
    stats = json.loads(capsys.readouterr().out)
    pdf = tmp_path / "report.pdf"
    assert main(["report", "-o", str(pdf), "--name", "Sam Example", "--data-dir", data]) == 0
    flat = pdf_text(pdf)
    assert "Rapport progress report" in flat and "Trainee: Sam Example" in flat
    retention = stats["retention"]["30d"]
    assert retention is not None
    assert f"True retention, last 30 days {retention:.0%}" in flat
    for concept in stats["concepts"][:3]:
        assert concept["concept"] in flat
    assert "Calibration" in flat and "Confident errors" in flat and "Pays best at" in flat
    assert page_png(pdf, tmp_path / "page.png").stat().st_size > 10_000

    # The class file: a pseudonym, kept.
    mine = tmp_path / "me.json"
    assert main(["report", "--json", "-o", str(mine), "--data-dir", data]) == 0
    first = json.loads(mine.read_text(encoding="utf-8"))
    assert first["trainee"].startswith("trainee-")
    assert main(["report", "--json", "-o", str(mine), "--data-dir", data]) == 0
    assert json.loads(mine.read_text(encoding="utf-8"))["trainee"] == first["trainee"]
    capsys.readouterr()
    assert main(["report", "-o", str(pdf), "--period", "fortnight", "--data-dir", data]) == 1
    assert "fortnight" in capsys.readouterr().err
    assert main(["report", "-o", str(tmp_path / "no" / "r.pdf"), "--data-dir", data]) == 1
    assert str(tmp_path / "no" / "r.pdf") in capsys.readouterr().err
