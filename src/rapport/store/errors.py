"""The errors of the store: each names the file involved and says what the trainee can do."""

from __future__ import annotations

from pathlib import Path

from rapport.errors import RapportError
from rapport.store.checks import describe


class DatabaseError(RapportError):
    """The progress database cannot be opened (damaged, not a database, or too new).

    ``path`` is the database file, left untouched; ``newest_backup`` is the most recent
    backup that ``rapport restore`` would bring back, or ``None`` when there is none.
    """

    def __init__(self, path: Path, reason: str, newest_backup: Path | None) -> None:
        self.path = path
        self.reason = reason
        self.newest_backup = newest_backup
        if newest_backup is not None:
            offer = (
                f"The newest backup is {newest_backup}; run `rapport restore` to bring it "
                "back (the current file is kept aside, not deleted)."
            )
        else:
            offer = "There is no backup to restore; the file has been left as it is."
        super().__init__(f"Rapport cannot open its progress file {path}: {reason}. {offer}")


class WriteError(RapportError):
    """An answer or a change could not be saved; nothing of it was written."""

    def __init__(self, path: Path, reason: str) -> None:
        self.path = path
        self.reason = reason
        super().__init__(
            f"Rapport could not save to {path}: {reason}. Nothing was half-written; "
            "free some disk space or check the folder's permissions, then try again."
        )


class AlreadyRunning(RapportError):
    """Another Rapport is already using this data folder."""

    def __init__(self, lock_path: Path, pid: int | None) -> None:
        self.lock_path = lock_path
        self.pid = pid
        who = f"process {pid}" if pid is not None else "another process"
        super().__init__(
            f"Rapport is already running with this data folder ({who} holds {lock_path}). "
            "Switch to that window, or close it first, so that only one writes your progress."
        )


class BackupError(RapportError):
    """A backup could not be listed, made or restored."""


class FolderError(RapportError):
    """The data folder cannot be written (full disk, read-only folder or permissions)."""

    def __init__(self, folder: Path, reason: str) -> None:
        self.folder = folder
        self.reason = reason
        if "full" in reason:
            advice = "Free some space on that disk, then try again."
        else:
            advice = (
                "Make the folder writable for your user (or choose another with "
                "--data-dir), then try again."
            )
        super().__init__(f"Rapport cannot write to its data folder {folder}: {reason}. {advice}")

    @classmethod
    def from_error(cls, folder: Path, exc: BaseException) -> FolderError:
        return cls(folder, describe(exc))
