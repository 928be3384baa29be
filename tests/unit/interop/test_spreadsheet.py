"""Spreadsheets in Anki's text format: 300 notes import in one command, export back byte
for byte apart from the header, and every bad row is named by its line."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest

from rapport.cli import main
from rapport.content import load_deck
from rapport.content.notes.kinds import registered
from rapport.interop.spreadsheet import read_sheet

HEADER = (
    "#separator:comma\n#html:false\n"
    "#columns:id,kind,deck,field 1,field 2,field 3,field 4,field 5,field 6,field 7,field 8,"
    "field 9,concept,source,extension,scenario,allow,extra,tags\n"
    "#guid column:1\n#notetype column:2\n#deck column:3\n#tags column:19\n"
)


def row(i: int) -> list[str]:
    kind = ("basic", "reversed", "cloze", "typed", "choice")[i % 5]
    fields = {
        "basic": [f'What is point {i}, "quoted"?', f"Answer {i}, with a comma."],
        "reversed": [f"Term {i}", f"The definition of term {i}\non two lines."],
        "cloze": [f"Skill {i} is {{{{c1::attending}}}} and {{{{c2::reflecting::verb}}}}."],
        "typed": [f"Type the word for {i}", f"word {i}", f"wd {i}; word-{i}"],
        "choice": [
            f"Which response fits moment {i}?",
            f"Reflect the feeling {i}",
            "It names the emotion.",
            f"Give advice {i}",
            "Too early.",
            f"Change topic {i}",
            "Avoids the client.",
            f"Ask why {i}",
            "Can feel blaming.",
        ],
    }[kind]
    fields += [""] * (9 - len(fields))
    extra = f"Remark {i}" if i % 7 == 0 else ""
    tags = "skills week-3" if i % 3 == 0 else "skills"
    return [f"note-{i}", kind, "Counselling skills", *fields, f"concept-{i % 12}", "", "",
            "", "", extra, tags]  # fmt: skip


def sheet(rows: list[list[str]]) -> str:
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    return HEADER + out.getvalue()


def body(text: str) -> str:
    return "\n".join(line for line in text.split("\n") if not line.startswith("#"))


def test_300_notes_import_in_one_command_and_round_trip(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = tmp_path / "skills.csv"
    source.write_text(sheet([row(i) for i in range(300)]), encoding="utf-8")
    data = tmp_path / "data"
    assert main(["import", str(source), "--data-dir", str(data)]) == 0
    out = capsys.readouterr().out
    deck_file = data / "my-decks" / "counselling-skills.toml"
    assert f"imported 'Counselling skills' (300 notes, 420 cards) from {source}" in out
    deck = load_deck(deck_file)
    assert [n.id for n in deck.notes] == [f"note-{i}" for i in range(300)]
    back = tmp_path / "back.csv"
    assert main(["export", "--csv", "-o", str(back), str(deck_file)]) == 0
    assert body(back.read_text(encoding="utf-8")) == body(source.read_text(encoding="utf-8"))
    # and again: importing the export over the deck changes nothing
    assert main(["import", str(back), "--data-dir", str(data), "--replace"]) == 0
    assert "updated 'Counselling skills'" in capsys.readouterr().out
    assert load_deck(deck_file).notes == deck.notes


def test_every_bad_row_is_named_by_its_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    rows = [row(i) for i in range(10)]
    rows[2][3] = ""  # a cloze without text
    rows[4][10:12] = ["", ""]  # a choice with one distractor too few
    rows[5][1] = "flashcard"  # an unknown note type
    rows[6][0] = "note-1"  # a second note-1
    source = tmp_path / "bad.csv"
    source.write_text(sheet(rows), encoding="utf-8")
    data = tmp_path / "data"
    assert main(["import", str(source), "--data-dir", str(data)]) == 1
    err = capsys.readouterr().err.splitlines()
    # seven header lines; row 0 is on line 8, row 1 (a definition over two lines) on 9-10
    assert err[:-1] == [
        f"{source}:11: text: is empty",
        f"{source}:13: distractors: has 2; a choice needs at least 3",
        f"{source}:14: kind: unknown note type 'flashcard' (expected {', '.join(registered())})",
        f"{source}:15: id: 'note-1' is the id of the note on line 9 too",
    ]
    assert err[-1].startswith("not imported: 4 problems")
    assert not (data / "my-decks").exists()


def test_columns_are_mapped_by_option_and_previewed(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = tmp_path / "sheet.tsv"
    source.write_text(
        "Empathy\tskills\tUnderstanding the client's world as if it were one's own.\n"
        "Genuineness\tskills\tBeing oneself in the relationship.\n",
        encoding="utf-8",
    )
    out_file = tmp_path / "handout.toml"
    args = ["import", str(source), "--kind", "reversed", "--map", "tags=2"]
    args += ["--deck-name", "Core conditions", "--label", "Course notes, week 2"]
    assert main([*args, "--preview", "-o", str(out_file)]) == 0
    out = capsys.readouterr().out
    assert "columns: 1=field 1, 2=tags, 3=field 2" in out
    assert "line 1: reversed 'empathy'" in out and not out_file.exists()
    assert main([*args, "-o", str(out_file)]) == 0
    deck = load_deck(out_file)
    assert deck.name == "Core conditions" and len(deck.cards()) == 4
    assert deck.source_label_of(deck.notes[0]) == "Course notes, week 2"


def test_anki_headers_give_notetype_deck_and_tags(tmp_path: Path) -> None:
    source = tmp_path / "anki.txt"
    source.write_text(
        "#separator:Semicolon\n#notetype:Cloze\n#deck:Week 4\n#tags:imported\n"
        "The {{c1::alliance}} has three parts.;\n",
        encoding="utf-8",
    )
    result = read_sheet(source)
    assert result.problems == []
    (deck,) = result.decks
    assert (deck.name, deck.id) == ("Week 4", "week-4")
    assert deck.notes[0]["kind"] == "cloze" and deck.notes[0]["tags"] == ["imported"]
    assert deck.notes[0]["id"] == "alliance-parts"  # a few words of meaning


def test_a_spreadsheet_given_to_add_names_the_import_command(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = tmp_path / "cards.csv"
    source.write_text("q,a\n", encoding="utf-8")
    assert main(["add", str(source), "--data-dir", str(tmp_path / "data")]) == 1
    assert f"import it with `rapport import {source}`" in capsys.readouterr().err
