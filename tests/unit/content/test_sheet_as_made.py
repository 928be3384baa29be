"""Spreadsheets as Excel and Google Sheets save them import: a byte-order mark, CRLF line
ends, quoted fields with line breaks, a plain header row (``Front,Back,Tags``), header
lines a spreadsheet quoted or padded with separators; ``--header`` forces the first row
on or off; ``--excel`` writes a BOM and CRLF that Rapport reads back."""

from __future__ import annotations

from pathlib import Path

import pytest

from rapport.cli import main
from rapport.content import load_deck
from rapport.interop.spreadsheet import read_sheet


def write(path: Path, text: str, *, excel: bool = True) -> Path:
    data = text.replace("\n", "\r\n") if excel else text
    path.write_bytes((b"\xef\xbb\xbf" if excel else b"") + data.encode("utf-8"))
    return path


def test_excel_csv_with_bom_crlf_header_row_and_line_breaks(tmp_path: Path) -> None:
    sheet = write(
        tmp_path / "week3.csv",
        'Front,Back,Tags\n"What is congruence?","Being genuine:\nfeelings and words agree.",'
        "week3 rogers\nWhat is empathy?,Sensing the client's world.,week3\n",
    )
    result = read_sheet(sheet)
    assert result.problems == []
    (deck,) = result.decks
    assert [n["front"] for n in deck.notes] == ["What is congruence?", "What is empathy?"]
    assert deck.notes[0]["back"] == "Being genuine:\nfeelings and words agree."
    assert deck.notes[0]["tags"] == ["week3", "rogers"]
    assert deck.lines == [2, 4]  # lines of the file, the header row being line 1


def test_google_sheets_tsv_header_row_without_bom(tmp_path: Path) -> None:
    sheet = write(
        tmp_path / "w.tsv",
        "Text\tExtra\n{{c1::Congruence}} is being genuine.\tRogers 1957\n",
        excel=False,
    )
    result = read_sheet(sheet)
    assert result.problems == [] and result.decks[0].notes[0]["kind"] == "cloze"
    assert result.decks[0].notes[0]["extra"] == "Rogers 1957"


def test_header_lines_excel_quoted_or_padded(tmp_path: Path) -> None:
    sheet = write(
        tmp_path / "quoted.csv",
        '#separator:comma,,\n#html:false,,\n"#columns:Front,Back,Tags"\n'
        "#deck:Week 3,,\nWhat is congruence?,Being genuine.,week3\n",
    )
    result = read_sheet(sheet)
    assert result.problems == []
    assert result.columns == ["front", "back", "tags"]
    (deck,) = result.decks
    assert deck.name == "Week 3" and deck.notes[0]["tags"] == ["week3"]


@pytest.mark.parametrize(
    ("choice", "notes"), [("auto", 1), ("yes", 1), ("no", 2)], ids=["auto", "yes", "no"]
)
def test_header_forced_on_or_off(tmp_path: Path, choice: str, notes: int) -> None:
    sheet = write(tmp_path / "s.csv", "front,back\nWhat is empathy?,Sensing.\n")
    data = tmp_path / "data"
    assert main(["import", str(sheet), "--header", choice, "--data-dir", str(data)]) == 0
    deck = load_deck(data / "my-decks" / "s.toml")
    assert len(deck.notes) == notes
    if choice == "no":
        assert "front" in deck.notes[0].concept or deck.notes[0].id == "front"


def test_a_first_row_of_notes_is_not_taken_for_a_header(tmp_path: Path) -> None:
    sheet = write(tmp_path / "s.csv", "Congruence,Being genuine.\nEmpathy,Sensing.\n")
    assert len(read_sheet(sheet).decks[0].notes) == 2


def test_excel_export_reads_back(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from tests.support.decks import write_deck
    from tests.unit.content.test_sheet_identity import OWN

    write_deck(tmp_path / "own", OWN, "week-3.toml")
    out = tmp_path / "w.csv"
    assert main(["export", str(tmp_path / "own"), "--excel", "-o", str(out)]) == 0
    assert "for Excel" in capsys.readouterr().out
    raw = out.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf") and raw.count(b"\r\n") == raw.count(b"\n")
    back = read_sheet(out)
    assert back.problems == [] and back.decks[0].id == "week-3"
    assert "\r" not in back.decks[0].notes[0]["back"]
