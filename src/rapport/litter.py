"""Every temporary name Rapport writes in the data folder, and their removal.

A write that must be all or nothing goes to a temporary file renamed into place; a kill
between the two leaves the temporary file. Each such name is listed here, with the folder
it is written in, and :func:`remove_litter` deletes them at the next start (the store
calls it while it holds the data folder's lock, so no other Rapport is mid-write):

* deck files (``decks``, ``my-decks``), the deck cache, the file of local changes and the
  record of Anki exports: a hidden ``.NAME.<random>.part`` beside the file;
* a restore: ``collection.sqlite3.restoring`` (the expanded backup, unused until its
  journal exists), its SQLite journal ``collection.sqlite3.restoring-journal`` (which a
  later restore must never meet as a hot journal) and ``restore.journal.partial``;
* a restore in place (into the open collection): ``collection.sqlite3.staged`` (the
  expanded backup, read and then deleted) and its SQLite journal;
* the clean-close record's ``collection.sqlite3.closed.partial``;
* in ``backups``: a killed backup's ``collection-*.partial`` and the journals a killed
  check of one leaves.

Beside a file Rapport exports (an Anki package, a spreadsheet, a quiz, a report) the
same hidden ``.NAME.<random>.part`` is written, outside the data folder: the next write of
that file removes what a killed one left (:func:`remove_stale_parts`), sparing a part that
another writer still holds locked (:func:`lock_fd`).

Nothing here imports Qt or SQLite.
"""

from __future__ import annotations

import logging
import os
import re
import sys
from collections.abc import Callable
from pathlib import Path

log = logging.getLogger(__name__)

_HIDDEN_PART = re.compile(r"^\..+\.part$")
# (folder inside the data folder, names in it that only a killed write leaves)
LITTER: tuple[tuple[str, re.Pattern[str]], ...] = (
    (
        ".",
        re.compile(
            r"^(\..+\.part"
            r"|collection\.sqlite3\.(restoring|staged)(-journal|-wal|-shm)?"
            r"|restore\.journal\.partial"
            r"|collection\.sqlite3\.closed\.partial)$"
        ),
    ),
    ("decks", _HIDDEN_PART),
    ("my-decks", _HIDDEN_PART),
    ("backups", re.compile(r"^collection-.*\.(partial|sqlite3-wal|sqlite3-shm|sqlite3-journal)$")),
)


def remove_in(folder: Path, pattern: re.Pattern[str]) -> list[Path]:
    """Delete the files of ``folder`` whose names ``pattern`` matches; the deleted paths."""
    removed: list[Path] = []
    try:
        paths = [p for p in folder.iterdir() if pattern.match(p.name)]
    except OSError:
        return removed
    for path in paths:
        try:
            if path.is_file() or path.is_symlink():
                path.unlink()
                removed.append(path)
        except OSError:
            continue
    return removed


def remove_litter(data_dir: Path) -> list[Path]:
    """Delete every temporary file a killed write left in ``data_dir`` (see the module
    doc); the deleted paths. The caller holds the data folder's lock."""
    removed: list[Path] = []
    for folder, pattern in LITTER:
        removed += remove_in(Path(data_dir) / folder, pattern)
    if removed:
        log.info("removed %d unfinished file(s): %s", len(removed), ", ".join(map(str, removed)))
    return removed


if sys.platform == "win32":
    import msvcrt

    def lock_fd(fd: int) -> None:
        """Lock the open file ``fd`` for this process, or raise ``OSError`` at once if
        another holds it; the operating system releases it when the process ends."""
        msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)

else:
    import fcntl

    def lock_fd(fd: int) -> None:
        """Lock the open file ``fd`` for this process, or raise ``OSError`` at once if
        another holds it; the operating system releases it when the process ends."""
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)


def part_name(path: Path, token: str) -> Path:
    """The hidden temporary file a write of ``path`` goes to before it is renamed."""
    return path.with_name(f".{path.name}.{token}.part")


class WriteRefused(Exception):
    """A file that could not be written; the words name it (or its folder) and why."""


def write_whole(
    path: Path,
    data: bytes,
    *,
    mode: int = 0o666,
    check: Callable[[Path], object] | None = None,
) -> None:
    """Write ``data`` to ``path`` whole or not at all: into a hidden part beside it
    (:func:`part_name`) created with ``mode`` less the umask (0o666: the mode any file the
    trainee saves gets), flushed to disk, then renamed over ``path``. ``check(part)`` may
    refuse the new content before the rename: what it raises goes through and ``path`` is
    untouched. Raises :class:`WriteRefused`; the part never stays behind (a killed write
    leaves it as litter, see above). The one home of this write for small files."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        part = part_name(path, os.urandom(6).hex())
        fd = os.open(part, os.O_WRONLY | os.O_CREAT | os.O_EXCL, mode)
    except OSError as exc:
        raise WriteRefused(f"Cannot write into {path.parent}: {exc.strerror or exc}.") from exc
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        if check is not None:
            check(part)
        os.replace(part, path)
    except BaseException as exc:
        part.unlink(missing_ok=True)
        if isinstance(exc, OSError):
            raise WriteRefused(f"Cannot write {path}: {exc.strerror or exc}.") from exc
        raise


def remove_stale_parts(path: Path) -> list[Path]:
    """Delete the temporary files beside ``path`` that killed writes of it left (named by
    :func:`part_name`); one another writer holds locked while it writes is kept. The
    deleted paths."""
    stale = re.compile(rf"^\.{re.escape(path.name)}\.[0-9a-f]+\.part$")
    removed: list[Path] = []
    try:
        parts = [p for p in path.parent.iterdir() if stale.match(p.name)]
    except OSError:
        return removed
    for part in parts:
        try:
            fd = os.open(part, os.O_RDONLY)
        except OSError:
            continue
        try:
            lock_fd(fd)  # nobody writes it: the writer that made it was killed
            part.unlink()
            removed.append(part)
        except OSError:
            continue  # being written now, or not ours to delete
        finally:
            os.close(fd)
    if removed:
        log.info("removed %d unfinished file(s): %s", len(removed), ", ".join(map(str, removed)))
    return removed
