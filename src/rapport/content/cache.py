"""A cache of validated decks, so that starting the app does not parse every deck file.

Parsing and validating TOML is the largest part of start-up with a big collection. The
result of :func:`~rapport.content.loader.load_decks` is pickled into the user's data
folder, keyed by everything it was derived from: Rapport's version, the size and
modification time of every deck file, of the other files in each deck folder (the essays
beside them) and of the shipped resources. Any change there, or a cache that cannot be
read, means the decks are loaded from their files again; the cache is never the source of
truth. It is written to a temporary name and renamed, so a crash leaves no half file.

The notes of each deck are pickled on their own, with a checksum, inside the cache, and
unpickled only when the deck's notes are first used (start-up shows one deck). A deck
whose notes then fail their checksum or cannot be unpickled is read from its file again
(the cache file is deleted, to be rebuilt at the next start); if the file no longer gives
the same cards, :class:`DeckCacheError` says so rather than show other cards.
"""

from __future__ import annotations

import logging
import os
import pickle
from collections.abc import Iterable, Mapping
from pathlib import Path
from types import MappingProxyType
from typing import Any

from rapport import __version__
from rapport.content.loader import DeckSet, discover, load_decks
from rapport.content.model import Change, Deck, Essay, Note
from rapport.errors import RapportError
from rapport.paths import resources_dir

log = logging.getLogger(__name__)

CACHE_NAME = "decks.pickle"
_FORMAT = 4


class DeckCacheError(RapportError):
    """The cached notes of a deck were damaged and its file no longer has those cards."""


def _frozen(mapping: dict[Any, Any]) -> Mapping[Any, Any]:
    return MappingProxyType(mapping)


class _Notes:
    """The pickled notes of one cached deck, unpickled when the deck first needs them."""

    __slots__ = ("blob", "checksum", "cache", "deck_id", "path", "digest")

    def __init__(
        self, blob: bytes, checksum: int, cache: Path, deck_id: str, path: Path, digest: str
    ) -> None:
        self.blob = blob
        self.checksum = checksum
        self.cache = cache
        self.deck_id = deck_id
        self.path = path
        self.digest = digest

    def __call__(self) -> tuple[Note, ...]:
        from zlib import crc32

        try:
            if crc32(self.blob) == self.checksum:
                notes = pickle.loads(self.blob)
                if isinstance(notes, tuple):
                    return notes
        except Exception:  # damaged notes are read from the deck file instead
            log.warning("deck cache: damaged notes of one deck, read from its file", exc_info=True)
        return self._reload()

    def _reload(self) -> tuple[Note, ...]:
        from rapport.content.loader import load_deck

        self.cache.unlink(missing_ok=True)  # rebuilt at the next start
        deck = load_deck(self.path)  # raises DeckError if the file went bad since
        if deck.id != self.deck_id or deck.digest != self.digest:
            raise DeckCacheError(
                f"The saved copy of deck '{self.deck_id}' was damaged, and {self.path} "
                "has changed since Rapport started. Restart Rapport to use the deck as "
                "the file has it now."
            )
        return deck.notes


def _deferred_deck(
    cache: Path,
    deck_id: str,
    name: str,
    description: str,
    path: Path,
    sources: tuple[Essay, ...],
    summaries: Mapping[tuple[str, int], str],
    blob: bytes,
    checksum: int,
    digest: str,
    source_label: str,
    version: int,
    changelog: tuple[Change, ...],
) -> Deck:
    notes = _Notes(blob, checksum, cache, deck_id, path, digest)
    return Deck.with_deferred_notes(
        deck_id,
        name,
        description,
        path,
        sources,
        summaries,
        notes,
        digest,
        source_label,
        version,
        changelog,
    )


# Stands for the cache file's own path, which is given when it is read (it may have moved).
_THIS_FILE = "this-file"


class _Pickler(pickle.Pickler):
    def __init__(self, file: Any) -> None:
        super().__init__(file, protocol=pickle.HIGHEST_PROTOCOL)
        self._here = Path(_THIS_FILE)

    def persistent_id(self, obj: Any) -> Any:
        return _THIS_FILE if obj is self._here else None

    def reducer_override(self, obj: Any) -> Any:
        if isinstance(obj, MappingProxyType):
            return (_frozen, (dict(obj),))
        if isinstance(obj, Deck):
            from zlib import crc32

            blob = pickle.dumps(obj.notes, protocol=pickle.HIGHEST_PROTOCOL)
            return (
                _deferred_deck,
                (
                    self._here,
                    obj.id,
                    obj.name,
                    obj.description,
                    obj.path,
                    obj.sources,
                    obj.summaries,
                    blob,
                    crc32(blob),
                    obj.digest,
                    obj.source_label,
                    obj.version,
                    obj.changelog,
                ),
            )
        return NotImplemented


class _Unpickler(pickle.Unpickler):
    def __init__(self, file: Any, cache: Path) -> None:
        super().__init__(file)
        self._cache = cache

    def persistent_load(self, pid: Any) -> Any:
        if pid == _THIS_FILE:
            return self._cache
        raise pickle.UnpicklingError(f"unknown persistent id {pid!r}")


def _fingerprint(files: list[Path]) -> tuple[object, ...]:
    """What the loaded decks depend on, as cheap file metadata."""
    watched: set[Path] = set(files)
    for folder in {f.parent for f in files} | {resources_dir()}:
        try:
            watched.update(p for p in folder.iterdir() if p.is_file())
        except OSError:
            continue
    stats: list[tuple[str, int, int]] = []
    for path in sorted(watched):
        try:
            st = path.stat()
        except OSError:
            stats.append((str(path), -1, -1))
            continue
        stats.append((str(path), st.st_size, st.st_mtime_ns))
    return (_FORMAT, __version__, tuple(stats))


def load_decks_cached(paths: Iterable[Path], cache_dir: Path) -> DeckSet:
    """The same as :func:`load_decks`, answered from ``cache_dir`` when nothing changed."""
    files = discover(paths)
    key = _fingerprint(files)
    cache = cache_dir / CACHE_NAME
    try:
        with cache.open("rb") as f:
            stored_key, result = _Unpickler(f, cache).load()
        if stored_key == key and isinstance(result, DeckSet):
            return result
    except FileNotFoundError:
        pass  # the first start, or the cache was removed: built below
    except Exception:  # any unreadable cache is simply rebuilt
        log.warning("deck cache %s unreadable; rebuilt from the deck files", cache, exc_info=True)
    result = load_decks(files)
    for error in result.errors:
        log.warning("deck problems: %s", error)
    _write(cache, key, result)
    return result


def _write(cache: Path, key: tuple[object, ...], result: DeckSet) -> None:
    import tempfile

    try:
        cache.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=".decks-", dir=cache.parent)
    except OSError as error:
        log.warning("deck cache not written: %s", error)
        return  # no cache this time; the decks are loaded all the same
    try:
        with os.fdopen(fd, "wb") as f:
            _Pickler(f).dump((key, result))
        os.replace(tmp, cache)
    except Exception:  # a cache that cannot be written is skipped
        log.warning("deck cache %s not written", cache, exc_info=True)
        Path(tmp).unlink(missing_ok=True)
