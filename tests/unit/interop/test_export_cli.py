"""``rapport export``: what it prints and its exit codes."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

from rapport.cli import main
from rapport.content import load_deck
from tests.support.packages import WriteDeck


def test_export_succeeds(
    write_deck: WriteDeck, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    deck = write_deck()
    loaded = load_deck(deck)
    notes, cards = len(loaded.notes), len(loaded.cards())
    out = tmp_path / "mini.apkg"
    assert main(["export", str(deck), "-o", str(out)]) == 0
    assert capsys.readouterr().out == f"exported 1 deck ({notes} notes, {cards} cards) to {out}\n"
    assert zipfile.is_zipfile(out)


def test_export_of_a_folder(
    write_deck: WriteDeck, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    deck = write_deck()
    out = tmp_path / "all.apkg"
    assert main(["export", str(deck.parent), "--output", str(out)]) == 0
    assert "exported 1 deck" in capsys.readouterr().out


def test_deck_with_problems_is_reported_and_nothing_written(
    write_deck: WriteDeck, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    good = write_deck()
    bad = write_deck(
        '[[notes]]\nid = "one"\nkind = "basic"\nconcept = "c"\n'
        'source = { paragraph = 5, anchor = "no such words" }\nfront = "f"\n'
    )
    out = tmp_path / "mini.apkg"
    assert main(["export", str(good), str(bad), "-o", str(out)]) == 1
    err = capsys.readouterr().err.splitlines()
    assert err == [
        f"{bad}:14: one: source.anchor: 'no such words' is not in paragraph 5 of the essay"
        " (nor anywhere else in it)",
        f"{bad}:10: one: back: missing field",
        "not exported: 1 deck file with problems (fix them, then export again)",
    ]
    assert not out.exists()


def test_unwritable_destination_fails_with_a_message(
    write_deck: WriteDeck, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "no-such-folder" / "mini.apkg"
    assert main(["export", str(write_deck()), "-o", str(out)]) == 1
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err == (f"Could not export to {out}: the folder {out.parent} does not exist.\n")


def test_empty_folder_fails(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["export", str(tmp_path), "-o", str(tmp_path / "x.apkg")]) == 1
    assert "no deck files found" in capsys.readouterr().err
    assert not (tmp_path / "x.apkg").exists()


def test_output_is_required(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as caught:
        main(["export"])
    assert caught.value.code == 2
    assert "-o/--output" in capsys.readouterr().err


def test_default_is_the_shipped_decks(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "shipped.apkg"
    assert main(["export", "-o", str(out)]) == 0
    assert capsys.readouterr().out.startswith("exported ")
    assert zipfile.is_zipfile(out)


def test_a_folder_export_skips_a_broken_draft_with_its_message(
    write_deck: WriteDeck, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    good = write_deck()
    folder = good.parent
    draft = folder / "draft.toml"
    draft.write_text('id = "draft"\nname = "Draft"\n\n[[notes]]\nid = "x"\nkind = "basic"\n')
    out = tmp_path / "folder.apkg"
    assert main(["export", str(folder), "-o", str(out), "--data-dir", str(tmp_path / "d")]) == 0
    captured = capsys.readouterr()
    assert f"skipped {draft}: it has problems (listed above)" in captured.err
    assert f"{draft}:" in captured.err  # its own message, by line
    assert "exported 1 deck" in captured.out and out.is_file()
