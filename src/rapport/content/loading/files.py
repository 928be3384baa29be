"""What a deck file may be and reach: sizes, file types, folders and characters.

A deck file comes from whoever hands it out, so reading one must never hang, exhaust
memory or show a file it has no business with. These rules hold for every deck, whatever
its kinds of note (they are stated for authors in ``decks/README.md``):

* a deck file is a regular file of at most :data:`MAX_DECK_BYTES`, with at most
  :data:`MAX_NOTES` notes (arrays or tables nested too deeply to read are refused too);
* its source text (the essay) is a regular file of at most :data:`MAX_SOURCE_BYTES`,
  named relative to the deck's own folder and found there (a subfolder is fine) or among
  the texts Rapport ships; no absolute path, no ``..``, and no link leading elsewhere;
* no text in it holds a control character other than tab and line break (U+001F, for
  one, is the field separator of Anki's notes and would break every exported package).

Device files, FIFOs and folders are refused without being read: opening one never waits.
"""

from __future__ import annotations

import os
import re
import stat
from collections.abc import Iterator
from pathlib import Path, PurePath, PurePosixPath, PureWindowsPath
from typing import Any

from rapport.paths import resources_dir

MAX_DECK_BYTES = 16 * 1024 * 1024
MAX_SOURCE_BYTES = 4 * 1024 * 1024
MAX_NOTES = 50_000

_FILE_TYPES = {
    stat.S_IFDIR: "a folder",
    stat.S_IFIFO: "a named pipe (FIFO)",
    stat.S_IFCHR: "a device",
    stat.S_IFBLK: "a device",
    stat.S_IFSOCK: "a socket",
}


class FileRefused(OSError):
    """A file that Rapport will not read as a deck or source text, and why."""


def _size(count: int) -> str:
    if count >= 1024 * 1024:
        return f"{count / (1024 * 1024):.1f} MiB"
    return f"{count / 1024:.0f} KiB" if count >= 1024 else f"{count} bytes"


def read_limited(path: Path, limit: int, what: str) -> bytes:
    """The bytes of ``path``, a regular file of at most ``limit`` bytes.

    Raises :class:`FileRefused` (an ``OSError``) for anything else, without waiting on a
    FIFO or reading a device; other ``OSError``\\ s (missing file, no permission) pass on.
    """
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0)
    fd = os.open(path, flags | getattr(os, "O_CLOEXEC", 0) | getattr(os, "O_BINARY", 0))
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            kind = _FILE_TYPES.get(stat.S_IFMT(st.st_mode), "not a regular file")
            raise FileRefused(f"{path} is {kind}; a {what} must be a regular file")
        if st.st_size > limit:
            raise FileRefused(_too_big(path, st.st_size, limit, what))
        chunks: list[bytes] = []
        total = 0
        while total <= limit:
            chunk = os.read(fd, min(1 << 20, limit + 1 - total))
            if not chunk:
                break
            chunks.append(chunk)
            total += len(chunk)
        if total > limit:  # it grew while being read
            raise FileRefused(_too_big(path, total, limit, what))
        return b"".join(chunks)
    finally:
        os.close(fd)


def _too_big(path: Path, size: int, limit: int, what: str) -> str:
    hint = " (split a larger deck into several files)" if what == "deck file" else ""
    return f"{path} is {_size(size)}; a {what} may be at most {_size(limit)}{hint}"


def source_path(name: str, deck_path: Path) -> Path:
    """The file a deck's ``essay = name`` means: in the deck's folder, else shipped.

    Raises :class:`FileRefused` when ``name`` is absolute, climbs out with ``..``, or
    leads (through a link) outside the folder it was found in.
    """
    if any(p.is_absolute() or p.drive for p in (PurePosixPath(name), PureWindowsPath(name))):
        raise FileRefused(
            f"{name} is an absolute path; name a file in the deck's folder "
            f"({deck_path.parent}) or one Rapport ships"
        )
    relative = PurePath(name)
    if ".." in relative.parts or ".." in PureWindowsPath(name).parts:
        raise FileRefused(
            f"{name} leads out of the deck's folder; the source text must be in the "
            f"deck's folder ({deck_path.parent}) or one Rapport ships"
        )
    beside = deck_path.parent / relative
    for folder, candidate in ((deck_path.parent, beside), (resources_dir(), None)):
        if candidate is None:
            candidate = folder / relative
        if not os.path.lexists(candidate):
            continue
        try:
            inside = candidate.resolve().is_relative_to(folder.resolve())
        except (OSError, RuntimeError):  # a loop of links
            inside = False
        if not inside:
            raise FileRefused(
                f"{candidate} is a link to a file outside {folder}; the source text must "
                "be in the deck's folder or one Rapport ships"
            )
        return candidate
    return beside  # missing: reading it says so, naming the place it was looked for


# Every C0 control but tab, line feed and carriage return; DEL; every C1 control.
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def control_message(text: str) -> str | None:
    """What is wrong with ``text`` if it holds a control character (None if nothing)."""
    found = _CONTROL.search(text)
    if found is None:
        return None
    code = ord(found.group())
    what = " (Anki's field separator)" if code == 0x1F else ""
    return (
        f"holds the control character U+{code:04X}{what} at character {found.start() + 1}; "
        "deck text may hold only printable characters, tabs and line breaks"
    )


def _note_label(notes: Any, index: int) -> str:
    note = notes[index] if isinstance(notes, list) else None
    if isinstance(note, dict) and isinstance(note.get("id"), str) and note["id"].strip():
        return str(note["id"])
    return f"#{index + 1}"


# How a control character can get into a TOML string: an escape (TOML refuses C0 controls
# and DEL written as they are), or a C1 control written as it is (UTF-8 C2 80 to C2 9F).
_ESCAPE = re.compile(rb"\\[bfuU]")
_C1 = re.compile(rb"\xc2[\x80-\x9f]")


# Where a problem is: the note (its id, or #N) and field, and the TOML table holding it
# (("notes", N - 1) for the N-th note, ("", 0) for the top level), for its line number.
Place = tuple[str, str, tuple[str, int]]


def structure_problems(
    data: dict[str, Any], raw: bytes
) -> Iterator[tuple[str, str, str, tuple[str, int]]]:
    """(note, field, message, table) for everything in deck file ``raw``, parsed as
    ``data``, that breaks the rules above on its own: too many notes, control characters."""
    notes = data.get("notes")
    if isinstance(notes, list) and len(notes) > MAX_NOTES:
        yield (
            "deck",
            "notes",
            f"the deck has {len(notes):,} notes; a deck file may have at most {MAX_NOTES:,} "
            "(split it into several files)",
            ("", 0),
        )
    # Two quick looks at the bytes settle the usual case; a walk of every string the next.
    if _ESCAPE.search(raw) is None and _C1.search(raw) is None or not _holds_control(data):
        return
    # Only now find where, with a stack rather than recursion (no depth can overflow it).
    stack: list[tuple[tuple[str | int, ...], object]] = [((), data)]
    while stack:
        where, value = stack.pop()
        if isinstance(value, str):
            message = control_message(value)
            if message:
                note, field, table = _place(data, where)
                yield note, field, message, table
        elif isinstance(value, dict):
            for key in value:
                message = control_message(key)
                if message:
                    note, field, table = _place(data, (*where, key))
                    yield note, field, "the key " + message, table
            stack.extend(((*where, k), v) for k, v in reversed(value.items()))
        elif isinstance(value, list):
            stack.extend(((*where, i), v) for i, v in reversed(list(enumerate(value))))


def _holds_control(data: dict[str, Any]) -> bool:
    """Whether any key or string in ``data`` holds a control character."""
    search = _CONTROL.search
    stack: list[object] = [data]
    while stack:
        value = stack.pop()
        if type(value) is str:
            if search(value):
                return True
        elif type(value) is dict:
            if any(search(key) for key in value):
                return True
            stack.extend(value.values())
        elif type(value) is list:
            stack.extend(value)
    return False


def _place(data: dict[str, Any], where: tuple[str | int, ...]) -> Place:
    """The note and field names of a place in the parsed file, and its table."""
    rest = where
    note = "deck"
    table: tuple[str, int] = ("", 0)
    if len(where) >= 2 and where[0] == "notes" and isinstance(where[1], int):
        note = _note_label(data.get("notes"), where[1])
        table = ("notes", where[1])
        rest = where[2:]
    field = ""
    for part in rest:
        if isinstance(part, int):
            field += f"[{part + 1}]"
        else:
            field += f".{part}" if field else str(part)
    return note, field or "-", table
