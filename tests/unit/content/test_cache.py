"""The deck cache answers only while nothing the decks were built from has changed."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pytest

from rapport.content import Deck, Note, load_decks
from rapport.content import cache as cache_module
from rapport.content.cache import CACHE_NAME, DeckCacheError, load_decks_cached
from tests.unit.content.conftest import GOOD_NOTES, HEADER

WriteDeck = Callable[..., Path]


def bump(path: Path) -> None:
    """Give ``path`` a new modification time, as an editor saving it would."""
    st = path.stat()
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns + 1_000_000_000))


@pytest.fixture
def count_loads(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    calls: list[int] = []

    def counting(files: list[Path]):  # type: ignore[no-untyped-def]
        calls.append(1)
        return load_decks(files)

    monkeypatch.setattr(cache_module, "load_decks", counting)
    return calls


def test_second_load_comes_from_the_cache_and_equals_a_fresh_load(
    write_deck: WriteDeck, tmp_path: Path, count_loads: list[int]
) -> None:
    deck = write_deck(GOOD_NOTES)
    cache_dir = tmp_path / "cache"
    first = load_decks_cached([deck.parent], cache_dir)
    second = load_decks_cached([deck.parent], cache_dir)
    assert count_loads == [1]
    assert (cache_dir / CACHE_NAME).is_file()
    assert second == first == load_decks([deck.parent])
    with pytest.raises(TypeError):
        second.decks[0].summaries[4] = "changed"  # type: ignore[index]


def test_edited_deck_file_is_loaded_again(
    write_deck: WriteDeck, tmp_path: Path, count_loads: list[int]
) -> None:
    deck = write_deck(GOOD_NOTES)
    load_decks_cached([deck], tmp_path / "cache")
    deck.write_text(deck.read_text().replace("and a bond.", "and the bond."))
    bump(deck)
    again = load_decks_cached([deck], tmp_path / "cache")
    assert count_loads == [1, 1]
    assert again.decks[0].notes[0].back == "Goals, tasks\nand the bond."  # type: ignore[union-attr]


def test_new_file_beside_the_decks_or_changed_essay_invalidates(
    write_deck: WriteDeck, tmp_path: Path, count_loads: list[int]
) -> None:
    deck = write_deck(GOOD_NOTES)
    load_decks_cached([deck.parent], tmp_path / "cache")
    essay = deck.parent / "the-relationship-in-therapy.txt"
    bump(essay)
    load_decks_cached([deck.parent], tmp_path / "cache")
    (deck.parent / "notes.txt").write_text("a new file beside the decks")
    load_decks_cached([deck.parent], tmp_path / "cache")
    assert count_loads == [1, 1, 1]


def test_deck_errors_survive_the_cache(write_deck: WriteDeck, tmp_path: Path) -> None:
    bad = write_deck("[[notes]]\nid = 'x'\n")
    first = load_decks_cached([bad], tmp_path / "cache")
    second = load_decks_cached([bad], tmp_path / "cache")
    assert second.problems == first.problems and second.errors[0].path == bad
    assert str(second.errors[0]) == str(first.errors[0])


@pytest.mark.parametrize("content", [b"", b"not a pickle", b"\x80\x05K\x01."])
def test_damaged_cache_is_rebuilt(
    write_deck: WriteDeck, tmp_path: Path, content: bytes, count_loads: list[int]
) -> None:
    deck = write_deck(GOOD_NOTES)
    cache_dir = tmp_path / "cache"
    cache_dir.mkdir()
    (cache_dir / CACHE_NAME).write_bytes(content)
    result = load_decks_cached([deck], cache_dir)
    assert result.decks and count_loads == [1]
    load_decks_cached([deck], cache_dir)
    assert count_loads == [1]


def test_unwritable_cache_folder_still_loads(write_deck: WriteDeck, tmp_path: Path) -> None:
    deck = write_deck(GOOD_NOTES)
    blocker = tmp_path / "file-not-folder"
    blocker.write_text("")
    assert load_decks_cached([deck], blocker / "cache").decks
    assert not list(tmp_path.glob("file-not-folder*/.decks-*"))


@pytest.fixture
def count_unpickled(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The ids of the cached decks whose notes were unpickled, in order."""
    done: list[str] = []
    original = cache_module._Notes.__call__

    def counting(self: cache_module._Notes) -> tuple[Note, ...]:
        done.append(self.deck_id)
        return original(self)

    monkeypatch.setattr(cache_module._Notes, "__call__", counting)
    return done


def two_decks(write_deck: WriteDeck) -> tuple[Path, Path]:
    """Decks "mini" and "other" (the same notes) in one folder."""
    first = write_deck(GOOD_NOTES)
    second = write_deck(HEADER.replace('id = "mini"', 'id = "other"') + GOOD_NOTES, header=False)
    return first, second


def test_cached_notes_are_unpickled_per_deck_on_first_use(
    write_deck: WriteDeck, tmp_path: Path, count_unpickled: list[str]
) -> None:
    folder = two_decks(write_deck)[0].parent
    fresh = load_decks([folder])
    load_decks_cached([folder], tmp_path / "cache")
    cached = load_decks_cached([folder], tmp_path / "cache")
    assert [d.id for d in cached.decks] == ["mini", "other"]
    assert [d.digest for d in cached.decks] == [d.digest for d in fresh.decks]
    assert cached.decks[1].name == "Mini deck" and count_unpickled == []
    assert cached.decks[1].cards() == fresh.decks[1].cards()
    assert count_unpickled == ["other"]
    assert cached == fresh and count_unpickled == ["other", "mini"]


def damage(cache: Path, old: bytes, new: bytes) -> None:
    """Change text inside the pickled notes of the cache without unsettling the pickle."""
    content = cache.read_bytes()
    assert len(old) == len(new) and content.count(old) == 2  # once per deck
    cache.write_bytes(content.replace(old, new, 1))


def cached_with_damaged_notes(
    write_deck: WriteDeck, tmp_path: Path
) -> tuple[Path, Path, tuple[Deck, ...]]:
    """Two decks cached, the notes of the first damaged in the cache, and loaded again:
    the first deck file, the cache file and the decks (their notes not yet read)."""
    first, _ = two_decks(write_deck)
    cache = tmp_path / "cache" / CACHE_NAME
    load_decks_cached([first.parent], cache.parent)
    damage(cache, b"and a bond.", b"and a BOND.")
    return first, cache, load_decks_cached([first.parent], cache.parent).decks


def test_damaged_notes_are_read_from_the_file_again(
    write_deck: WriteDeck, tmp_path: Path, count_loads: list[int]
) -> None:
    first, cache, decks = cached_with_damaged_notes(write_deck, tmp_path)
    assert count_loads == [1] and cache.is_file()  # the damage is inside one deck's notes
    assert decks[0].notes[0].back == "Goals, tasks\nand a bond."  # type: ignore[union-attr]
    assert decks == load_decks([first.parent]).decks
    assert not cache.exists()  # deleted, to be rebuilt at the next start
    load_decks_cached([first.parent], cache.parent)
    assert count_loads == [1, 1] and cache.is_file()


def test_damaged_notes_of_a_file_changed_since_are_an_error(
    write_deck: WriteDeck, tmp_path: Path
) -> None:
    first, _, decks = cached_with_damaged_notes(write_deck, tmp_path)
    first.write_text(first.read_text().replace('id = "alliance-term"', 'id = "alliance-word"'))
    with pytest.raises(DeckCacheError, match="'mini' was damaged"):
        decks[0].notes  # noqa: B018
    assert decks[1].notes == load_decks([first.parent]).decks[1].notes
