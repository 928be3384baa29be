"""TOML messages that point at the fix, and item-writing warnings with their line."""

from __future__ import annotations

from pathlib import Path

import pytest

from rapport.cli import main

HEAD = 'id = "week-3"\nname = "Week 3"\n\n'
NOTE = '[[notes]]\nid = "{id}"\nkind = "basic"\nconcept = "c"\nfront = "F {id}"\nback = "B"\n\n'


def check(tmp_path: Path, text: str, capsys: pytest.CaptureFixture[str]) -> str:
    path = tmp_path / "week-3.toml"
    path.write_text(text, encoding="utf-8")
    main(["check", str(path), "--data-dir", str(tmp_path / "d")])
    return capsys.readouterr().out


def test_a_missing_comma_in_a_list_is_named(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    text = HEAD + NOTE.format(id="a").replace(
        'concept = "c"\n', 'concept = "c"\ntags = ["a" "b"]\n'
    )
    out = check(tmp_path, text, capsys)
    assert "week-3.toml:8:" in out
    assert "no comma between them" in out and 'tags = ["week3", "rogers"]' in out


def test_notes_in_single_brackets_point_at_double_brackets(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    text = HEAD + (NOTE.format(id="a") + NOTE.format(id="b")).replace("[[notes]]", "[notes]")
    out = check(tmp_path, text, capsys)
    assert "week-3.toml:11:" in out
    assert "each note starts with [[notes]] (two brackets on each side)" in out


def test_item_writing_warnings_carry_their_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    choice = (
        '[[notes]]\nid = "silence"\nkind = "choice"\nconcept = "c"\n'
        'question = "A client falls silent. What fits?"\n'
        'answer = { text = "Stay with the silence and let them set the pace", why = "W." }\n'
        "distractors = [\n"
        '  { text = "Advise", why = "No." },\n'
        '  { text = "Leave", why = "No." },\n'
        '  { text = "Talk", why = "No." },\n'
        "]\n"
    )
    out = check(tmp_path, HEAD + NOTE.format(id="a") + choice, capsys)
    assert "week-3.toml:16: silence: answer.text: warning (longest-answer)" in out
