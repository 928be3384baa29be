"""A cache of validated decks, so that starting the app does not parse every deck file.

Parsing and validating TOML is the largest part of start-up with a big collection. Each
deck file's result (its :class:`Deck`, or the :class:`DeckError` listing its problems) is
pickled into the user's data folder on its own, with what it was derived from: the deck
file and the source texts it read (and, for a deck using a shipped text, the absence of a
file of that name beside it; for a deck with problems, the files in its folder). A file is
the same when its size, modification time, change time and inode are; when any of them
differ (a copy, a checkout, an edit with its time restored as ``cp -p`` or ``rsync`` do)
its content is hashed and compared, so the cache is keyed on content, not on times. Only
the decks whose files changed are parsed again: editing one deck re-reads that deck alone.
Rapport's version and a change of cache format discard every entry; a cache that cannot
be read is rebuilt. The cache is never the source of truth. It is written to a temporary
name and renamed, so a crash leaves no half file.

The notes of each deck are pickled on their own, with a checksum, inside the cache, and
unpickled only when the deck's notes are first used (start-up shows one deck). A deck
whose notes then fail their checksum or cannot be unpickled is read from its file again
(the cache file is deleted, to be rebuilt at the next start); if the file no longer gives
the same cards, :class:`DeckCacheError` says so rather than show other cards.
"""

from __future__ import annotations

import io
import logging
import os
import pickle
import stat
from collections.abc import Iterable, Mapping
from pathlib import Path
from types import MappingProxyType
from typing import Any
from zlib import crc32

from rapport import __version__
from rapport.content.loading.files import MAX_DECK_BYTES, read_limited
from rapport.content.loading.loader import (
    DeckError,
    DeckSet,
    assemble,
    discover,
    load_deck,
    load_one,
)
from rapport.content.notes.model import Change, Deck, Essay, Note
from rapport.errors import RapportError
from rapport.paths import resources_dir

log = logging.getLogger(__name__)

CACHE_NAME = "decks.pickle"
_FORMAT = 6  # 6: the pickled classes moved (issue 19's package layout)


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
        try:
            if crc32(self.blob) == self.checksum:
                notes = pickle.loads(self.blob)
                if isinstance(notes, tuple):
                    return notes
        except Exception:  # damaged notes are read from the deck file instead
            log.warning("deck cache: damaged notes of one deck, read from its file", exc_info=True)
        return self._reload()

    def _reload(self) -> tuple[Note, ...]:
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


# What a file was when a deck was read from it: its path and (size, mtime, ctime, inode)
# with a digest of its content, or None for both if it was not there.
_Signature = tuple[int, int, int, int]
_FileDep = tuple[str, _Signature | None, str | None]
# A folder's regular files, for a deck with problems (which may be about a missing file).
_FolderDep = tuple[str, tuple[tuple[str, _Signature], ...]]
_Entry = tuple[tuple[_FileDep, ...], tuple[_FolderDep, ...], bytes]


def _signature(path: Path) -> _Signature | None:
    try:
        st = path.stat()
    except OSError:
        return None
    if not stat.S_ISREG(st.st_mode):
        return (-1, st.st_mtime_ns, st.st_ctime_ns, st.st_ino)  # never a match for content
    return (st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino)


def _digest(path: Path) -> str | None:
    """A digest of a regular file's content (None if it cannot be read as one)."""
    import hashlib

    try:
        data = read_limited(path, MAX_DECK_BYTES, "deck file")
    except OSError:
        return None
    return hashlib.blake2b(data, digest_size=16).hexdigest()


def _file_dep(path: Path) -> _FileDep:
    signature = _signature(path)
    if signature is None or signature[0] < 0:
        return (str(path), signature, None)
    return (str(path), signature, _digest(path))


def _folder_dep(folder: Path) -> _FolderDep:
    found: list[tuple[str, _Signature]] = []
    try:
        names = sorted(p.name for p in folder.iterdir())
    except OSError:
        names = []
    for name in names:
        signature = _signature(folder / name)
        if signature is not None and signature[0] >= 0:  # regular files only
            found.append((name, signature))
    return (str(folder), tuple(found))


def _dependencies(path: Path, deck: Deck | DeckError) -> tuple[list[Path], list[Path]]:
    """The files (besides the deck file) and folders that ``deck`` was derived from."""
    if isinstance(deck, DeckError):
        return [], [path.parent, resources_dir()]
    shipped = resources_dir()
    others: list[Path] = []
    for source in deck.sources:
        others.append(source.path)
        try:
            name = source.path.relative_to(shipped)
        except ValueError:
            continue
        others.append(path.parent / name)  # one put beside the deck would be used instead
    return others, []


def _fresh(files: tuple[_FileDep, ...], folders: tuple[_FolderDep, ...]) -> bool | None:
    """True if nothing changed, None if only times did (same content), False if changed."""
    same: bool | None = True
    for name, signature, digest in files:
        path = Path(name)
        now = _signature(path)
        if now == signature:
            continue
        if now is None or signature is None or now[0] != signature[0] or now[0] < 0:
            return False
        if _digest(path) != digest:
            return False
        same = None  # the same content under new times: keep, and record the new times
    for folder, listing in folders:
        if _folder_dep(Path(folder))[1] != listing:
            return False
    return same


def _read_entries(cache: Path) -> dict[str, _Entry]:
    try:
        with cache.open("rb") as f:
            stored = pickle.load(f)
    except FileNotFoundError:
        return {}  # the first start, or the cache was removed
    except Exception:  # any unreadable cache is simply rebuilt
        log.warning("deck cache %s unreadable; rebuilt from the deck files", cache, exc_info=True)
        return {}
    if (
        isinstance(stored, tuple)
        and len(stored) == 3
        and stored[:2] == (_FORMAT, __version__)
        and isinstance(stored[2], dict)
    ):
        return stored[2]
    return {}


def _unpickle(blob: bytes, cache: Path) -> Deck | DeckError | None:
    try:
        value = _Unpickler(io.BytesIO(blob), cache).load()
    except Exception:  # a damaged entry: that deck is read from its file
        log.warning("deck cache %s: one entry unreadable", cache, exc_info=True)
        return None
    return value if isinstance(value, Deck | DeckError) else None


def _pickled(value: Deck | DeckError) -> bytes:
    buffer = io.BytesIO()
    _Pickler(buffer).dump(value)
    return buffer.getvalue()


def load_decks_cached(paths: Iterable[Path], cache_dir: Path) -> DeckSet:
    """The same as :func:`load_decks`, answered from ``cache_dir`` for every deck whose
    files have not changed; only changed decks are parsed again."""
    files = discover(paths)
    cache = cache_dir / CACHE_NAME
    stored = _read_entries(cache)
    entries: dict[str, _Entry] = {}
    loaded: list[tuple[Path, Deck | DeckError]] = []
    essays: dict[Path, Essay] = {}
    changed = set(stored) != {str(p) for p in files}
    for path in files:
        entry = stored.get(str(path))
        value: Deck | DeckError | None = None
        if entry is not None:
            deck_files, folders, blob = entry
            fresh = _fresh(deck_files, folders)
            if fresh is not False:
                value = _unpickle(blob, cache)
            if value is not None and fresh is None:
                deck_files = tuple(_file_dep(Path(name)) for name, _, _ in deck_files)
                entry = (deck_files, folders, blob)
                changed = True
        if value is None or entry is None:
            deck_dep = _file_dep(path)  # before reading: an edit meanwhile shows next time
            value = load_one(path, essays)
            if isinstance(value, DeckError):
                log.warning("deck problems: %s", value)
            others, folders_read = _dependencies(path, value)
            entry = (
                (deck_dep, *map(_file_dep, others)),
                tuple(map(_folder_dep, folders_read)),
                _pickled(value),
            )
            changed = True
        entries[str(path)] = entry
        loaded.append((path, value))
    if changed:
        _write(cache, entries)
    return assemble(loaded)


def _write(cache: Path, entries: dict[str, _Entry]) -> None:
    import tempfile

    try:
        cache.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{cache.name}.", suffix=".part", dir=cache.parent)
    except OSError as error:
        log.warning("deck cache not written: %s", error)
        return  # no cache this time; the decks are loaded all the same
    try:
        with os.fdopen(fd, "wb") as f:
            pickle.dump((_FORMAT, __version__, entries), f, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, cache)
    except Exception:  # a cache that cannot be written is skipped
        log.warning("deck cache %s not written", cache, exc_info=True)
        Path(tmp).unlink(missing_ok=True)
