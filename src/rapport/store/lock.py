"""The single-writer lock: one Rapport at a time writes a data folder.

The lock is an advisory ``flock`` on ``data_dir/rapport.lock``. The operating system
releases it when the process ends, however it ends, so a crash never leaves a stale lock.
The file holds the pid of the holder, to name it in the error the second instance shows.
"""

from __future__ import annotations

import os
from pathlib import Path
from types import TracebackType

from rapport.litter import lock_fd
from rapport.store.errors import AlreadyRunning, FolderError

LOCK_NAME = "rapport.lock"


class DataLock:
    """An exclusive, non-blocking lock on a data folder."""

    def __init__(self, data_dir: Path) -> None:
        self.path = data_dir / LOCK_NAME
        self._fd: int | None = None

    @property
    def held(self) -> bool:
        return self._fd is not None

    def acquire(self) -> None:
        """Take the lock or raise :class:`AlreadyRunning` naming the holder (or
        :class:`FolderError` when the folder cannot be written: full disk, read-only)."""
        if self._fd is not None:
            return
        folder = self.path.parent
        try:
            folder.mkdir(parents=True, exist_ok=True)
            fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        except OSError as exc:
            raise FolderError.from_error(folder, exc) from exc
        try:
            lock_fd(fd)
        except OSError:
            os.close(fd)
            raise AlreadyRunning(self.path, self._holder()) from None
        try:
            os.ftruncate(fd, 0)
            os.write(fd, f"{os.getpid()}\n".encode())
        except OSError as exc:
            os.close(fd)
            raise FolderError.from_error(folder, exc) from exc
        self._fd = fd

    def release(self) -> None:
        """Give the lock up (the file stays; an unlocked file means nobody holds it)."""
        if self._fd is None:
            return
        fd, self._fd = self._fd, None
        try:
            os.ftruncate(fd, 0)
        except OSError:
            pass  # clearing the pid is a courtesy; closing is what releases the lock
        os.close(fd)

    def _holder(self) -> int | None:
        try:
            return int(self.path.read_text().strip())
        except (OSError, ValueError):
            return None

    def __enter__(self) -> DataLock:
        self.acquire()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.release()
