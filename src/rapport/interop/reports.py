"""Report files (the progress report, the class file and the class report) written whole
or not at all, as every export is (:func:`rapport.interop.anki.package.write_atomically`)."""

from __future__ import annotations

from pathlib import Path
from typing import IO

from rapport.interop.anki.package import write_atomically


def save_report(path: Path, data: bytes) -> None:
    """Write a report file whole or not at all (an ``ExportError`` naming the file)."""

    def write(out: IO[bytes]) -> None:
        out.write(data)

    write_atomically(path, write)
