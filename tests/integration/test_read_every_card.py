"""Every card of the shipped decks can be read to its last line by keyboard alone in a
real X server at 800x600: question, answer and passage, paged with PgDn.

Runs ``read_every_card.py`` in Xvfb (a screen of 800x600) and checks each card's line.
The screenshots (one per answer, one per passage) are kept in the test's temporary
folder, printed in the output (``pytest -rP`` shows it on success too).
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.collection import REPO_ROOT
from tests.support.screen import xvfb

pytestmark = pytest.mark.skipif(not shutil.which("Xvfb"), reason="needs Xvfb")


@pytest.fixture
def small_screen() -> Iterator[dict[str, str]]:
    with xvfb("800x600") as env:
        yield env


@pytest.mark.slow
def test_every_shipped_card_reads_to_its_last_line_at_800x600(
    small_screen: dict[str, str], tmp_path: Path
) -> None:
    shots = tmp_path / "screenshots"
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "tests.integration.read_every_card",
            str(tmp_path / "data"),
            str(shots),
        ],
        cwd=REPO_ROOT,
        env=small_screen,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    rows = [json.loads(line) for line in done.stdout.splitlines() if line.startswith("{")]
    print(f"screenshots of {len(rows)} cards: {shots}")
    assert len(rows) >= 100
    for row in rows:
        assert row["window"] == [800, 600], row
        assert row["revealed"] and row["question_end"] and row["at_end"], row
        assert row["passage_end"] in (True, None), row
        assert row["view_height"] >= 200, row  # several lines of card, not a slit
        assert (shots / row["shot"]).is_file()
    # Long cards really needed paging: the check is not vacuous.
    assert any(row["pages"] >= 1 for row in rows)
    assert sum(row["passage_end"] is True for row in rows) >= 50
