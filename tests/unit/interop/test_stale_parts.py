"""The hidden ``.NAME.<random>.part`` a killed export left beside its file goes with the
next write of that file; one that another process is writing now (locked) stays."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import IO

from rapport.interop.anki.package import write_atomically
from rapport.litter import part_name, remove_stale_parts


def test_the_next_write_removes_a_killed_writes_part_only(tmp_path: Path) -> None:
    out = tmp_path / "report.pdf"
    left = part_name(out, "0a1b2c3d")
    left.write_bytes(b"%PDF half")
    other = part_name(tmp_path / "notes.csv", "0a1b2c3d")  # another file's: not this one's
    other.write_text("a,b")

    def whole(f: IO[bytes]) -> None:
        f.write(b"%PDF whole")

    write_atomically(out, whole)
    assert out.read_bytes() == b"%PDF whole"
    assert not left.exists() and other.exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == [".notes.csv.0a1b2c3d.part", "report.pdf"]


def test_a_part_another_process_is_writing_stays(tmp_path: Path) -> None:
    out = tmp_path / "report.pdf"
    busy = part_name(out, "feedf00d")
    writer = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import os, sys; from rapport.litter import lock_fd;"
            "fd = os.open(sys.argv[1], os.O_WRONLY | os.O_CREAT, 0o666); lock_fd(fd);"
            "print('writing', flush=True); sys.stdin.read()",
            str(busy),
        ],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert writer.stdout is not None and writer.stdout.readline().strip() == "writing"
        assert remove_stale_parts(out) == []
        assert busy.exists()
    finally:
        writer.communicate("")  # its input ends: it stops, and its lock goes with it
    assert remove_stale_parts(out) == [busy]
    assert not busy.exists()
