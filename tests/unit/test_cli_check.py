"""``rapport check``: one line per problem, a summary, and the exit code."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from rapport import __version__
from rapport.cli import main
from rapport.paths import decks_dir, resources_dir

ESSAY = "the-relationship-in-therapy.txt"


def test_shipped_decks_pass(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check"]) == 0
    out = capsys.readouterr().out
    shipped = len(list(decks_dir().glob("*.toml")))
    assert f"{shipped} valid" in out and "0 with problems" in out


def test_bad_deck_fails_with_one_line_per_problem(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / ESSAY).write_bytes((resources_dir() / ESSAY).read_bytes())
    bad = tmp_path / "bad.toml"
    bad.write_text(
        f'id = "bad"\nname = "Bad"\nessay = "{ESSAY}"\n[paragraphs]\n5 = "s"\n'
        '[[notes]]\nid = "one"\nkind = "basic"\nconcept = "c"\n'
        'source = { paragraph = 5, anchor = "no such words" }\nfront = "f"\n'
    )
    assert main(["check", str(tmp_path), "--data-dir", str(tmp_path / "data")]) == 1
    lines = capsys.readouterr().out.splitlines()
    assert lines[:-1] == [
        f"{bad}:10: one: source.anchor: 'no such words' is not in paragraph 5 of the essay"
        " (nor anywhere else in it)",
        f"{bad}:6: one: back: missing field",
    ]
    assert lines[-1].endswith("1 with problems (2 problems), 0 item-writing warnings")


def test_no_deck_files_is_an_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", str(tmp_path)]) == 1
    assert "no deck files found" in capsys.readouterr().err


def test_version_and_help(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as done:
        main(["--version"])
    assert done.value.code == 0
    assert capsys.readouterr().out.splitlines()[0] == f"rapport {__version__}"
    with pytest.raises(SystemExit):
        main(["--help"])
    assert "check" in capsys.readouterr().out


def test_essay_is_shipped_byte_for_byte() -> None:
    shared = Path(__file__).resolve().parents[3] / "shared" / "essay" / ESSAY
    if not shared.exists():
        pytest.skip("no shared/ folder beside this checkout")
    ours = (resources_dir() / ESSAY).read_bytes()
    assert hashlib.sha256(ours).digest() == hashlib.sha256(shared.read_bytes()).digest()


def test_data_dir_before_or_after_the_subcommand() -> None:
    from rapport.cli import build_parser

    parser = build_parser()
    assert parser.parse_args(["--data-dir", "A", "stats"]).data_dir == Path("A")
    assert parser.parse_args(["stats", "--data-dir", "B"]).data_dir == Path("B")
    assert parser.parse_args(["stats"]).data_dir is None
    assert parser.parse_args([]).data_dir is None
