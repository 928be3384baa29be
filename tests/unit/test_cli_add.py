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
    assert f"{handout}:6: components: back: missing field" in err
    assert "not added" in err
    assert not (tmp_path / "data" / "decks").exists()


def test_a_revision_shows_what_it_changes_before_replacing(
    handout: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = str(tmp_path / "data")
    assert main(["add", str(handout), "--data-dir", data]) == 0
    capsys.readouterr()
    revised = HANDOUT.replace('name = "Course week 1"', 'name = "Course week 1"\nversion = 2')
    revised = revised.replace("Goals, tasks and a bond.", "Goals, tasks and a bond (Bordin).")
    revised += (
        '\n[[changelog]]\nversion = 2\nchanges = "Credited Bordin."\n'
        '\n[[notes]]\nid = "bond"\nkind = "basic"\nconcept = "alliance-definition"\n'
        'extension = true\nfront = "Who first described the alliance this way?"\n'
        'back = "Edward Bordin."\n'
    )
    handout.write_text(revised)
    assert main(["add", str(handout), "--yes", "--data-dir", data]) == 0
    out = capsys.readouterr().out.splitlines()
    copy = tmp_path / "data" / "decks" / "course-week-1.toml"
    assert out == [
        f"{handout} is a revision of your copy of 'Course week 1':",
        "  changelog, version 2:",
        "    Credited Bordin.",
        "  version ? -> 2",
        "  added: bond",
        "  reworded: components (back)",
        f"updated 'Course week 1' (2 notes, 2 cards) in {copy}; "
        "the cards you studied keep their progress",
    ]


def test_a_revision_at_a_terminal_is_added_only_when_confirmed(
    handout: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    data = str(tmp_path / "data")
    assert main(["add", str(handout), "--data-dir", data]) == 0
    handout.write_text(HANDOUT.replace("Goals, tasks and a bond.", "Goals, tasks, bond."))
    monkeypatch.setattr("sys.stdin.isatty", lambda: True)
    monkeypatch.setattr("builtins.input", lambda _prompt: "n")
    assert main(["add", str(handout), "--data-dir", data]) == 1
    copy = tmp_path / "data" / "decks" / "course-week-1.toml"
    assert "Goals, tasks and a bond." in copy.read_text()
    monkeypatch.setattr("builtins.input", lambda _prompt: "y")
    assert main(["add", str(handout), "--data-dir", data]) == 0
    assert "Goals, tasks, bond." in copy.read_text()


def test_a_revision_is_not_added_when_n_is_piped_in(handout: Path, tmp_path: Path) -> None:
    """`echo n | rapport add deck.toml`: the copy stays; `--yes` replaces it."""
    import subprocess
    import sys

    data = str(tmp_path / "data")
    assert main(["add", str(handout), "--data-dir", data]) == 0
    handout.write_text(HANDOUT.replace("Goals, tasks and a bond.", "Goals, tasks, bond."))
    command = [sys.executable, "-m", "rapport", "add", str(handout), "--data-dir", data]
    for piped in ("n\n", ""):
        run = subprocess.run(command, input=piped, capture_output=True, text=True, check=False)
        assert run.returncode == 1, run.stdout + run.stderr
        assert "your copy is unchanged" in run.stdout
    copy = tmp_path / "data" / "decks" / "course-week-1.toml"
    assert "Goals, tasks and a bond." in copy.read_text()
    run = subprocess.run(command, input="y\n", capture_output=True, text=True, check=False)
    assert run.returncode == 0 and "Goals, tasks, bond." in copy.read_text()
