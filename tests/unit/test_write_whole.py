"""rapport.litter.write_whole: the one write of a small file, whole or not at all."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from rapport.content.editing.deckfile import DeckWriteError, write_text
from rapport.content.loading.loader import DeckError
from rapport.litter import WriteRefused, write_whole


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_a_file_gets_the_umask_mode_or_the_one_asked_and_no_part_stays(tmp_path: Path) -> None:
    previous = os.umask(0o022)
    try:
        write_whole(tmp_path / "a.txt", b"one")
        write_whole(tmp_path / "secret", b"two", mode=0o600)
    finally:
        os.umask(previous)
    assert (tmp_path / "a.txt").read_bytes() == b"one" and _mode(tmp_path / "a.txt") == 0o644
    assert _mode(tmp_path / "secret") == 0o600
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.txt", "secret"]


def test_a_refused_check_leaves_the_old_file_and_no_part(tmp_path: Path) -> None:
    target = tmp_path / "a.txt"
    target.write_bytes(b"old")

    def refuse(part: Path) -> None:
        assert part.read_bytes() == b"new" and part.parent == tmp_path
        raise ValueError("not this")

    with pytest.raises(ValueError, match="not this"):
        write_whole(target, b"new", check=refuse)
    assert target.read_bytes() == b"old" and list(tmp_path.iterdir()) == [target]


def test_a_folder_that_cannot_be_made_is_named(tmp_path: Path) -> None:
    (tmp_path / "file").write_text("x")
    with pytest.raises(WriteRefused, match=r"Cannot write into .*file"):
        write_whole(tmp_path / "file" / "a.txt", b"x")


def test_an_edited_deck_file_keeps_the_mode_of_a_saved_file(tmp_path: Path) -> None:
    """A deck written again (an edit, an import's update, an undo) was made private
    (0600, mkstemp's mode) while an added deck got 0644: both now get the umask's."""
    path = tmp_path / "deck.toml"
    previous = os.umask(0o022)
    try:
        write_text(path, "not a deck, no check")
    finally:
        os.umask(previous)
    assert _mode(path) == 0o644
    with pytest.raises(DeckError):
        write_text(path, "still not a deck", check=True)
    assert path.read_text() == "not a deck, no check" and list(tmp_path.iterdir()) == [path]
    with pytest.raises(DeckWriteError, match="Cannot write into"):
        write_text(path / "below" / "deck.toml", "x")
