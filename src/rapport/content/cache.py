"""A cache of validated decks, so that starting the app does not parse every deck file.

Parsing and validating TOML is the largest part of start-up with a big collection. The
result of :func:`~rapport.content.loader.load_decks` is pickled into the user's data
folder, keyed by everything it was derived from: Rapport's version, the size and
modification time of every deck file, of the other files in each deck folder (the essays
beside them) and of the shipped resources. Any change there, or a cache that cannot be
read, means the decks are loaded from their files again; the cache is never the source of
truth. It is written to a temporary name and renamed, so a crash leaves no half file.
"""

from __future__ import annotations

import os
import pickle
import tempfile
from collections.abc import Iterable, Mapping
from pathlib import Path
from types import MappingProxyType
from typing import Any

from rapport import __version__
from rapport.content.loader import DeckSet, discover, load_decks
from rapport.paths import resources_dir

CACHE_NAME = "decks.pickle"
_FORMAT = 1


def _frozen(mapping: dict[Any, Any]) -> Mapping[Any, Any]:
    return MappingProxyType(mapping)


class _Pickler(pickle.Pickler):
    def reducer_override(self, obj: Any) -> Any:
        if isinstance(obj, MappingProxyType):
            return (_frozen, (dict(obj),))
        return NotImplemented


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
            stored_key, result = pickle.load(f)
        if stored_key == key and isinstance(result, DeckSet):
            return result
    except Exception:  # noqa: BLE001 - any unreadable cache is simply rebuilt
        pass
    result = load_decks(files)
    _write(cache, key, result)
    return result


def _write(cache: Path, key: tuple[object, ...], result: DeckSet) -> None:
    try:
        cache.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=".decks-", dir=cache.parent)
    except OSError:
        return  # no cache this time; the decks are loaded all the same
    try:
        with os.fdopen(fd, "wb") as f:
            _Pickler(f, protocol=pickle.HIGHEST_PROTOCOL).dump((key, result))
        os.replace(tmp, cache)
    except Exception:  # noqa: BLE001 - a cache that cannot be written is skipped
        Path(tmp).unlink(missing_ok=True)
