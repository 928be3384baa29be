"""The deck cache answers only while nothing the decks were built from has changed."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pytest

from rapport.content import Deck, Essay, Note, load_decks
from rapport.content.loading import cache as cache_module
from rapport.content.loading import loader
from rapport.content.loading.cache import CACHE_NAME, DeckCacheError, load_decks_cached
from tests.support.decks import GOOD_NOTES
from tests.support.decks import MINI_HEADER as HEADER

WriteDeck = Callable[..., Path]


def bump(path: Path) -> None:
    """Give ``path`` a new modification time, as an editor saving it would."""
    st = path.stat()
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns + 1_000_000_000))


@pytest.fixture
def count_loads(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The names of the deck files parsed (cache misses), in order."""
    calls: list[str] = []
    original = loader.load_deck

    def counting(path: Path, *, essays: dict[Path, Essay] | None = None) -> Deck:
        calls.append(path.name)
        return original(path, essays=essays)

    monkeypatch.setattr(loader, "load_deck", counting)
    monkeypatch.setattr(cache_module, "load_deck", counting)  # a damaged entry's reload
    return calls


def test_second_load_comes_from_the_cache_and_equals_a_fresh_load(
    write_deck: WriteDeck, tmp_path: Path, count_loads: list[str]
) -> None:
    deck = write_deck(GOOD_NOTES)
    cache_dir = tmp_path / "cache"
    first = load_decks_cached([deck.parent], cache_dir)
    second = load_decks_cached([deck.parent], cache_dir)
    assert count_loads == [deck.name]
    assert (cache_dir / CACHE_NAME).is_file()
    assert second == first == load_decks([deck.parent])
    with pytest.raises(TypeError):
        second.decks[0].summaries[4] = "changed"  # type: ignore[index]


def test_edited_deck_file_is_loaded_again(
    write_deck: WriteDeck, tmp_path: Path, count_loads: list[str]
) -> None:
    deck = write_deck(GOOD_NOTES)
    load_decks_cached([deck], tmp_path / "cache")
    deck.write_text(deck.read_text().replace("and a bond.", "and the bond."))
    bump(deck)
    again = load_decks_cached([deck], tmp_path / "cache")
    assert count_loads == [deck.name, deck.name]
    assert again.decks[0].notes[0].back == "Goals, tasks\nand the bond."  # type: ignore[attr-defined]


def test_same_size_edit_with_its_time_restored_is_loaded_again(
    write_deck: WriteDeck, tmp_path: Path, count_loads: list[str]
) -> None:
    # As `cp -p`, rsync and unzip leave a file: new content, same size, the old times.
    deck = write_deck(GOOD_NOTES)
    load_decks_cached([deck], tmp_path / "cache")
    before = deck.stat()
    text = deck.read_text()
    deck.write_text(text.replace("and a bond.", "and a BOND."))
    os.utime(deck, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert deck.stat().st_size == before.st_size
    assert deck.stat().st_mtime_ns == before.st_mtime_ns
    again = load_decks_cached([deck], tmp_path / "cache")
    assert count_loads == [deck.name, deck.name]
    assert again.decks[0].notes[0].back == "Goals, tasks\nand a BOND."  # type: ignore[attr-defined]


def test_a_changed_essay_reloads_its_deck_but_new_times_alone_do_not(
    write_deck: WriteDeck, tmp_path: Path, count_loads: list[str]
) -> None:
    deck = write_deck(GOOD_NOTES)
    essay = deck.parent / "the-relationship-in-therapy.txt"
    load_decks_cached([deck.parent], tmp_path / "cache")
    bump(essay)  # touched, the same content: keyed on content, nothing to parse
    (deck.parent / "notes.txt").write_text("a new file beside the decks")  # not a deck's
    load_decks_cached([deck.parent], tmp_path / "cache")
    assert count_loads == [deck.name]
    essay.write_text(essay.read_text().replace("Norcross", "NORCROSS"))
    result = load_decks_cached([deck.parent], tmp_path / "cache")
    assert count_loads == [deck.name, deck.name]
    assert result.problems  # its anchors are no longer in the essay


def test_a_file_put_beside_in_place_of_the_shipped_one_is_used(
    write_deck: WriteDeck, tmp_path: Path, count_loads: list[str]
) -> None:
    deck = write_deck(GOOD_NOTES)
    essay = deck.parent / "the-relationship-in-therapy.txt"
    text = essay.read_text()
    essay.unlink()  # the deck uses the essay Rapport ships
    first = load_decks_cached([deck], tmp_path / "cache")
    assert first.decks[0].sources[0].path.parent != deck.parent
    essay.write_text(text)
    second = load_decks_cached([deck], tmp_path / "cache")
    assert count_loads == [deck.name, deck.name]
    assert second.decks[0].sources[0].path == essay


def test_editing_one_deck_parses_that_deck_alone(
    write_deck: WriteDeck, tmp_path: Path, count_loads: list[str]
) -> None:
    first, second = two_decks(write_deck)
    load_decks_cached([first.parent], tmp_path / "cache")
    assert count_loads == [first.name, second.name]
    second.write_text(second.read_text().replace("and a bond.", "and the bond."))
    result = load_decks_cached([first.parent], tmp_path / "cache")
    assert count_loads == [first.name, second.name, second.name]
    assert load_decks_cached([first.parent], tmp_path / "cache") == result
    assert count_loads == [first.name, second.name, second.name]
    assert result == load_decks([first.parent])


def test_a_deck_with_problems_is_read_again_when_its_folder_changes(
    write_deck: WriteDeck, tmp_path: Path, count_loads: list[str]
) -> None:
    deck = write_deck(GOOD_NOTES)
    deck.write_text(deck.read_text().replace('"the-relationship-in-therapy.txt"', '"later.txt"'))
    assert load_decks_cached([deck], tmp_path / "cache").errors
    assert load_decks_cached([deck], tmp_path / "cache").errors
    assert count_loads == [deck.name]
    essay = deck.parent / "the-relationship-in-therapy.txt"
    (deck.parent / "later.txt").write_text(essay.read_text())
    assert not load_decks_cached([deck], tmp_path / "cache").errors
    assert count_loads == [deck.name, deck.name]


def test_a_duplicate_deck_id_is_found_among_cached_decks(
    write_deck: WriteDeck, tmp_path: Path
) -> None:
    first = write_deck(GOOD_NOTES)
    load_decks_cached([first.parent], tmp_path / "cache")
    second = write_deck(GOOD_NOTES)  # the same id, "mini"
    result = load_decks_cached([first.parent], tmp_path / "cache")
    assert [d.path for d in result.decks] == [first]
    assert [e.path for e in result.errors] == [second]
    assert "deck id 'mini' is used by" in str(result.errors[0])


def test_deck_errors_survive_the_cache(write_deck: WriteDeck, tmp_path: Path) -> None:
    bad = write_deck("[[notes]]\nid = 'x'\n")
    first = load_decks_cached([bad], tmp_path / "cache")
    second = load_decks_cached([bad], tmp_path / "cache")
    assert second.problems == first.problems and second.errors[0].path == bad
    assert str(second.errors[0]) == str(first.errors[0])


@pytest.mark.parametrize("content", [b"", b"not a pickle", b"\x80\x05K\x01."])
def test_damaged_cache_is_rebuilt(
    write_deck: WriteDeck, tmp_path: Path, content: bytes, count_loads: list[str]
) -> None:
    deck = write_deck(GOOD_NOTES)
    cache_dir = tmp_path / "cache"
    cache_dir.mkdir()
    (cache_dir / CACHE_NAME).write_bytes(content)
    result = load_decks_cached([deck], cache_dir)
    assert result.decks and count_loads == [deck.name]
    load_decks_cached([deck], cache_dir)
    assert count_loads == [deck.name]


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
    write_deck: WriteDeck, tmp_path: Path, count_loads: list[str]
) -> None:
    first, cache, decks = cached_with_damaged_notes(write_deck, tmp_path)
    both = ["deck0.toml", "deck1.toml"]
    assert count_loads == both and cache.is_file()  # the damage is inside one deck's notes
    assert decks[0].notes[0].back == "Goals, tasks\nand a bond."  # type: ignore[attr-defined]
    assert count_loads == [*both, "deck0.toml"]  # that deck alone, from its file
    assert not cache.exists()  # deleted, to be rebuilt at the next start
    load_decks_cached([first.parent], cache.parent)
    assert count_loads == [*both, "deck0.toml", *both] and cache.is_file()
    assert decks == load_decks([first.parent]).decks


def test_damaged_notes_of_a_file_changed_since_are_an_error(
    write_deck: WriteDeck, tmp_path: Path
) -> None:
    first, _, decks = cached_with_damaged_notes(write_deck, tmp_path)
    first.write_text(first.read_text().replace('id = "alliance-term"', 'id = "alliance-word"'))
    with pytest.raises(DeckCacheError, match="'mini' was damaged"):
        decks[0].notes  # noqa: B018
    assert decks[1].notes == load_decks([first.parent]).decks[1].notes
