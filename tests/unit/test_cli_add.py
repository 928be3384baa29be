"""``rapport add``: a handed-out deck joins the trainee's decks, which every command sees."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from rapport.cli import main
from tests.support.handout import HANDOUT, write_handout


@pytest.fixture
def handout(tmp_path: Path) -> Path:
    return write_handout(tmp_path / "handout")


def test_add_then_check_stats_and_export_see_it(
    handout: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = str(tmp_path / "data")
    assert main(["add", str(handout), "--data-dir", data]) == 0
    assert "added 'Course week 1' (1 note, 1 card)" in capsys.readouterr().out
    assert main(["check", "--data-dir", data]) == 0
    assert "2 valid" in capsys.readouterr().out
    assert main(["stats", "--json", "--data-dir", data]) == 0
    ids = [d["id"] for d in json.loads(capsys.readouterr().out)["decks"]]
    assert "course-week-1" in ids
    assert main(["export", "-o", str(tmp_path / "all.apkg"), "--data-dir", data]) == 0
    assert "exported 2 decks" in capsys.readouterr().out
    assert main(["add", str(handout), "--data-dir", data]) == 0
    assert "updated 'Course week 1'" in capsys.readouterr().out


def test_a_deck_with_problems_is_refused(
    handout: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    handout.write_text(HANDOUT.replace('back = "Goals, tasks and a bond."\n', ""))
    assert main(["add", str(handout), "--data-dir", str(tmp_path / "data")]) == 1
    err = capsys.readouterr().err
    assert f"{handout}: components: back: missing field" in err
    assert "not added" in err
    assert not (tmp_path / "data" / "decks").exists()
