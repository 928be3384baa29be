"""Issue 20, spreadsheet paths: an import never replaces a deck unasked (items 2), an
export never writes over its input (4), formula cells are guarded both ways (7), and the
limits hold while reading, in linear time (8)."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest

from rapport.cli import main
from rapport.content import load_deck
from rapport.content.editing.authoring import Authoring
from rapport.interop import spreadsheet
from rapport.interop.spreadsheet import SheetError, read_sheet

# (read from the module in each test, so that each fails on its own where they are not)
MAX_SHEET_BYTES = getattr(spreadsheet, "MAX_SHEET_BYTES", 16 * 1024 * 1024)
MAX_SHEET_COLUMNS = getattr(spreadsheet, "MAX_SHEET_COLUMNS", 64)
MAX_SHEET_ROWS = getattr(spreadsheet, "MAX_SHEET_ROWS", 50_000)


def guard_formula(cell: str) -> str:
    return str(spreadsheet.guard_formula(cell))  # type: ignore[attr-defined,unused-ignore]


def unguard_formula(cell: str) -> str:
    return str(spreadsheet.unguard_formula(cell))  # type: ignore[attr-defined,unused-ignore]


def _own_deck_with_an_editor_note(data: Path) -> Path:
    authoring = Authoring(data)
    path = authoring.new_deck("Week 2", [])
    deck = load_deck(path)
    authoring.save_note(deck, {"id": "mine", "kind": "basic", "concept": "week-2",
                               "front": "Written in the editor", "back": "Keep me"})  # fmt: skip
    return path


def test_an_import_naming_an_own_deck_is_refused_without_a_choice(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = tmp_path / "data"
    path = _own_deck_with_an_editor_note(data)
    before = path.read_bytes()
    sheet = tmp_path / "week 2.csv"  # the file's stem makes the deck "week 2": the same id
    sheet.write_text("Front one,Back one\n", encoding="utf-8")
    assert main(["import", str(sheet), "--data-dir", str(data)]) == 1
    err = capsys.readouterr().err
    assert "You already have 'Week 2'" in err and "--replace or --add" in err
    assert path.read_bytes() == before
    assert main(["import", str(sheet), "--data-dir", str(data), "--preview"]) == 0
    assert path.read_bytes() == before and not (data / "removed-decks").exists()
    # --add keeps the editor's note and adds the row
    assert main(["import", str(sheet), "--data-dir", str(data), "--add"]) == 0
    assert [n.id for n in load_deck(path).notes] == ["mine", "front"]
    # --replace keeps the replaced file in removed-decks, as Delete deck does
    assert main(["import", str(sheet), "--data-dir", str(data), "--replace"]) == 0
    out = capsys.readouterr().out
    assert [n.id for n in load_deck(path).notes] == ["front"]
    (kept,) = (data / "removed-decks").iterdir()
    assert kept.name.startswith("week-2.") and f"kept as {kept}" in out
    assert [n.id for n in load_deck(kept).notes] == ["mine", "front"]


def test_at_a_terminal_the_import_asks(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    data = tmp_path / "data"
    path = _own_deck_with_an_editor_note(data)
    sheet = tmp_path / "Week 2.csv"
    sheet.write_text("Front one,Back one\n", encoding="utf-8")
    answers = iter(["", "a"])
    monkeypatch.setattr("sys.stdin.isatty", lambda: True)
    monkeypatch.setattr("builtins.input", lambda prompt: next(answers))
    assert main(["import", str(sheet), "--data-dir", str(data)]) == 1  # Enter: cancel
    assert [n.id for n in load_deck(path).notes] == ["mine"]
    assert main(["import", str(sheet), "--data-dir", str(data)]) == 0  # a: add
    assert [n.id for n in load_deck(path).notes] == ["mine", "front"]


def test_a_sheet_deck_named_like_a_shipped_deck_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from rapport.cli import _known_decks

    data = tmp_path / "data"
    shipped = next(d for d in _known_decks(data))
    sheet = tmp_path / "x.csv"
    sheet.write_text("Front one,Back one\n", encoding="utf-8")
    args = ["import", str(sheet), "--data-dir", str(data), "--deck-name", shipped.name]
    assert main(args) == 1
    assert "is not yours" in capsys.readouterr().err
    assert not (data / "my-decks").exists()


def test_import_output_is_never_its_input(tmp_path: Path) -> None:
    sheet = tmp_path / "x.csv"
    sheet.write_text("Front one,Back one\n", encoding="utf-8")
    assert main(["import", str(sheet), "-o", str(sheet)]) == 2
    assert main(["import", str(sheet), "-o", str(tmp_path / "x.txt")]) == 2
    assert sheet.read_text(encoding="utf-8") == "Front one,Back one\n"


@pytest.mark.parametrize("name", ["mini.toml", "mini.apkg", "other.toml"])
def test_export_csv_never_writes_over_a_deck(
    tmp_path: Path, name: str, capsys: pytest.CaptureFixture[str]
) -> None:
    data = tmp_path / "data"
    deck = _own_deck_with_an_editor_note(data)
    target = deck if name == "mini.toml" else tmp_path / name
    if name == "other.toml":
        target.write_text("keep = true\n", encoding="utf-8")
    before = target.read_bytes() if target.exists() else None
    assert main(["export", "--csv", str(deck), "-o", str(target)]) == 1
    assert "not exported" in capsys.readouterr().err
    assert (target.read_bytes() if target.exists() else None) == before


def test_formula_cells_are_guarded_and_the_round_trip_is_byte_stable(tmp_path: Path) -> None:
    hostile = ["=HYPERLINK(\"http://x\",\"y\")", "+cmd|' /C calc'!A0", "-2+3", "@SUM(A1)",
               "\tTab first", "'=already quoted", "plain", "''+two"]  # fmt: skip
    for cell in hostile:
        assert unguard_formula(guard_formula(cell)) == cell
        assert guard_formula(cell)[:1] not in ("=", "+", "-", "@", "\t")
    rows = [[f"n-{i}", "basic", "Hostile", cell, f"back {i}"] for i, cell in enumerate(hostile)]
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    header = "#separator:comma\n#html:false\n#guid column:1\n#notetype column:2\n#deck column:3\n"
    source = tmp_path / "hostile.csv"
    source.write_text(header + out.getvalue(), encoding="utf-8")
    # a hand-made file with formulas: imported as text (guarded on the way out)
    data = tmp_path / "data"
    assert main(["import", str(source), "--data-dir", str(data)]) == 0
    deck_file = data / "my-decks" / "hostile.toml"
    fronts = [n.front for n in load_deck(deck_file).notes]  # type: ignore[attr-defined]
    assert fronts == [unguard_formula(c) for c in hostile]
    back = tmp_path / "back.csv"
    assert main(["export", "--csv", str(deck_file), "-o", str(back)]) == 0
    text = back.read_text(encoding="utf-8")
    for line in csv.reader(io.StringIO(text)):
        if line and not line[0].startswith("#"):
            assert all(c[:1] not in ("=", "+", "-", "@", "\t", "\r") for c in line), line
    assert "'=HYPERLINK" in text and "'+cmd" in text
    again = tmp_path / "again.csv"
    assert main(["import", str(back), "--data-dir", str(data), "--replace"]) == 0
    assert main(["export", "--csv", str(deck_file), "-o", str(again)]) == 0
    assert again.read_bytes() == back.read_bytes()
    assert [n.front for n in load_deck(deck_file).notes] == fronts  # type: ignore[attr-defined]


def test_limits_are_enforced_while_reading(tmp_path: Path) -> None:
    big = tmp_path / "big.csv"
    with open(big, "w", encoding="utf-8") as out:
        out.write("#guid column:1\n")
        out.writelines(f"n{i},Front,Back\n" for i in range(MAX_SHEET_ROWS + 1))
        out.write("x" * 1000)  # (never reached)
    with pytest.raises(SheetError, match=f"more than {MAX_SHEET_ROWS} rows"):
        read_sheet(big)
    huge = tmp_path / "huge.csv"
    with open(huge, "wb") as out:
        out.truncate(MAX_SHEET_BYTES + 1)
    with pytest.raises(SheetError, match="larger than 16 MiB"):
        read_sheet(huge)
    wide = tmp_path / "wide.csv"
    wide.write_text(",".join(["x"] * (MAX_SHEET_COLUMNS + 1)) + "\n", encoding="utf-8")
    with pytest.raises(SheetError, match=f"more than the {MAX_SHEET_COLUMNS}"):
        read_sheet(wide)


def test_map_is_bounded(tmp_path: Path) -> None:
    sheet = tmp_path / "x.csv"
    sheet.write_text("Front one,Back one\n", encoding="utf-8")
    for column in (str(MAX_SHEET_COLUMNS + 1), "300000000"):  # (the first: no allocation)
        result = read_sheet(sheet, mapping={"extra": column})
        (problem,) = result.problems
        assert problem == (
            f"--map extra={column}: no column {column} "
            f"(a spreadsheet has {MAX_SHEET_COLUMNS} at most)"
        )


def test_ids_made_from_text_are_unique_in_linear_time(tmp_path: Path) -> None:
    """20,000 rows with the same first words: each gets its own id, without rescanning
    (timed against ids given: tests/benchmarks/bench_sheet.py)."""
    sheet = tmp_path / "same.csv"
    sheet.write_text("".join(f"Same words,Back {i}\n" for i in range(20_000)), encoding="utf-8")
    result = read_sheet(sheet)
    (deck,) = result.decks
    ids = [n["id"] for n in deck.notes]
    assert len(set(ids)) == 20_000 and ids[:3] == ["words", "words-2", "words-3"]


def test_a_control_character_is_refused_by_the_note_check(tmp_path: Path) -> None:
    """What the deck file's own check refuses is refused row by row (found by the
    property-based test: U+0080 passed the note check and failed the file's)."""
    sheet = tmp_path / "x.csv"
    sheet.write_text("Front,\x80Back\nFine,Back\n", encoding="utf-8")
    result = read_sheet(sheet)
    assert len(result.problems) == 1 and "control character U+0080" in result.problems[0]
