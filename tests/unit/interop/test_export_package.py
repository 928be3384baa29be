"""Writing the package: contents, progress, and failures that leave nothing behind."""

from __future__ import annotations

import errno
import os
import zipfile
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import IO

import pytest

from rapport.content import Deck
from rapport.errors import RapportError
from rapport.interop.anki import ExportError, export_decks
from rapport.interop.anki import package as package_module
from rapport.interop.anki.models import StylesheetError, load_stylesheet
from tests.support.packages import read_collection

NOW = datetime(2025, 1, 1, 12, 0, tzinfo=UTC)


def _leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.endswith(".part"))


def test_export_writes_a_complete_package(mini_deck: Deck, tmp_path: Path) -> None:
    out = tmp_path / "mini.apkg"
    result = export_decks([mini_deck], out, now=NOW)
    notes, cards = len(mini_deck.notes), len(mini_deck.cards())
    assert (result.path, result.decks, result.notes, result.cards) == (out, 1, notes, cards)
    assert result.withdrawn == 0
    with zipfile.ZipFile(out) as apkg:
        assert sorted(apkg.namelist()) == ["collection.anki2", "media"]
        assert apkg.read("media") == b"{}"
    conn = read_collection(out)
    try:
        assert conn.execute("SELECT count(*) FROM notes").fetchone() == (notes,)
        assert conn.execute("SELECT count(*) FROM cards").fetchone() == (cards,)
        mods = {mod for (mod,) in conn.execute("SELECT mod FROM notes")}
        assert mods == {int(NOW.timestamp())}
    finally:
        conn.close()
    assert _leftovers(tmp_path) == []


def test_export_replaces_an_earlier_file(mini_deck: Deck, tmp_path: Path) -> None:
    out = tmp_path / "mini.apkg"
    out.write_bytes(b"old")
    export_decks([mini_deck], out, now=NOW)
    assert zipfile.is_zipfile(out)


def test_the_same_export_twice_is_byte_identical(mini_deck: Deck, tmp_path: Path) -> None:
    first, second = tmp_path / "a.apkg", tmp_path / "b.apkg"
    export_decks([mini_deck], first, now=NOW)
    export_decks([mini_deck], second, now=NOW)
    with zipfile.ZipFile(first) as a, zipfile.ZipFile(second) as b:
        assert a.read("collection.anki2") == b.read("collection.anki2")


def test_progress_runs_from_zero_to_total(mini_deck: Deck, tmp_path: Path) -> None:
    calls: list[tuple[int, int]] = []
    decks = [mini_deck, replace(mini_deck, id="other")]
    export_decks(decks, tmp_path / "two.apkg", lambda d, t: calls.append((d, t)))
    total = 2 * len(mini_deck.notes)
    assert calls[0] == (0, total)
    assert calls[-1] == (total, total)
    done = [d for d, _ in calls]
    assert done == sorted(done)
    assert {t for _, t in calls} == {total}


def test_progress_is_throttled_for_large_exports(mini_deck: Deck, tmp_path: Path) -> None:
    big = replace(
        mini_deck,
        notes=tuple(replace(n, id=f"{n.id}-{i}") for i in range(200) for n in mini_deck.notes),
    )
    calls: list[tuple[int, int]] = []
    export_decks([big], tmp_path / "big.apkg", lambda d, t: calls.append((d, t)))
    total = len(big.notes)
    assert calls[0] == (0, total) and calls[-1] == (total, total)
    assert len(calls) <= package_module.PROGRESS_STEPS + 2


def _failing_zip(exc: BaseException) -> object:
    def write(out: IO[bytes], collection: bytes) -> None:
        out.write(collection[:4096])  # part of the file is on disk when it fails
        raise exc

    return write


def test_full_disk_mid_write_leaves_no_partial_file(
    mini_deck: Deck, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "mini.apkg"
    full = OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
    monkeypatch.setattr(package_module, "_write_zip", _failing_zip(full))
    with pytest.raises(ExportError) as caught:
        export_decks([mini_deck], out, now=NOW)
    assert str(caught.value) == (
        f"Could not export to {out}: the disk is full. Free some space or choose another folder."
    )
    assert isinstance(caught.value, RapportError)
    assert not out.exists()
    assert _leftovers(tmp_path) == []


def test_failure_mid_write_keeps_the_earlier_export(
    mini_deck: Deck, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "mini.apkg"
    export_decks([mini_deck], out, now=NOW)
    before = out.read_bytes()
    monkeypatch.setattr(package_module, "_write_zip", _failing_zip(KeyboardInterrupt()))
    with pytest.raises(KeyboardInterrupt):
        export_decks([mini_deck], out, now=NOW)
    assert out.read_bytes() == before
    assert _leftovers(tmp_path) == []


def test_unwritable_folder_gives_a_clear_message(
    mini_deck: Deck, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Simulated: the tests may run as root, who can write anywhere.
    def refuse(path: object, flags: int, mode: int = 0o777) -> int:
        raise PermissionError(errno.EACCES, os.strerror(errno.EACCES), str(path))

    monkeypatch.setattr(os, "open", refuse)
    out = tmp_path / "locked" / "mini.apkg"
    out.parent.mkdir()
    with pytest.raises(ExportError) as caught:
        export_decks([mini_deck], out)
    assert str(caught.value) == (
        f"Could not export to {out}: you do not have permission to write in the folder "
        f"{out.parent}."
    )
    assert list(out.parent.iterdir()) == []


@pytest.mark.skipif(os.geteuid() == 0, reason="root can write into read-only folders")
def test_read_only_folder_for_real(mini_deck: Deck, tmp_path: Path) -> None:
    folder = tmp_path / "locked"
    folder.mkdir()
    folder.chmod(0o500)
    try:
        with pytest.raises(ExportError, match="permission"):
            export_decks([mini_deck], folder / "mini.apkg")
    finally:
        folder.chmod(0o700)


@pytest.mark.parametrize(
    ("name", "reason"),
    [
        ("missing/mini.apkg", "the folder {folder} does not exist."),
        ("mini.txt", "an Anki package's name must end in .apkg."),
        ("folder.apkg", "that is a folder; name a file ending in .apkg."),
    ],
)
def test_bad_destinations(mini_deck: Deck, tmp_path: Path, name: str, reason: str) -> None:
    (tmp_path / "folder.apkg").mkdir()
    out = tmp_path / name
    with pytest.raises(ExportError) as caught:
        export_decks([mini_deck], out)
    assert str(caught.value) == f"Could not export to {out}: " + reason.format(folder=out.parent)


def test_parent_is_a_file(mini_deck: Deck, tmp_path: Path) -> None:
    (tmp_path / "file").write_text("x")
    with pytest.raises(ExportError, match="does not exist"):
        export_decks([mini_deck], tmp_path / "file" / "mini.apkg")


def test_no_decks_and_duplicate_decks_are_refused(mini_deck: Deck, tmp_path: Path) -> None:
    out = tmp_path / "x.apkg"
    with pytest.raises(ExportError, match="no decks to export"):
        export_decks([], out)
    with pytest.raises(ExportError, match="two decks have the id 'mini-export'"):
        export_decks([mini_deck, mini_deck], out)
    assert not out.exists()


def test_a_note_genanki_refuses_leaves_no_file(mini_deck: Deck, tmp_path: Path) -> None:
    # The loader never lets a tag with a space through; a hand-built Deck value might.
    bad = replace(mini_deck, notes=(replace(mini_deck.notes[0], tags=("two words",)),))
    out = tmp_path / "bad.apkg"
    with pytest.raises(ExportError) as caught:
        export_decks([bad], out)
    assert str(caught.value).startswith(
        f"Could not export to {out}: deck 'mini-export', note 'alliance-components': Tag"
    )
    assert not out.exists()
    assert _leftovers(tmp_path) == []


def test_missing_stylesheet_is_a_rapport_error(tmp_path: Path) -> None:
    with pytest.raises(StylesheetError, match="Cannot read the card stylesheet"):
        load_stylesheet(tmp_path)


def test_missing_stylesheet_stops_the_export(
    mini_deck: Deck, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("rapport.interop.anki.models.resources_dir", lambda: tmp_path / "gone")
    out = tmp_path / "mini.apkg"
    with pytest.raises(ExportError, match=f"Could not export to {out}: Cannot read the card"):
        export_decks([mini_deck], out)
    assert not out.exists()


def test_shipped_stylesheet_supports_night_mode() -> None:
    css = load_stylesheet()
    assert ".nightMode" in css and ".night_mode" in css
