"""Decks changed on disk while the app runs (``rapport add`` in a terminal, an edit in a
text editor, a synced folder): Qt's file watcher sees the deck folders and files, and the
window reloads the decks and says so in its status bar.

Watchers fire for the app's own writes too, and several times for one save (a file
written through a temporary file and renamed): changes are gathered for a moment, then
compared with what the app last read (each file's size and modification time), so only
a real change from outside is reported, once.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

from PySide6.QtCore import QFileSystemWatcher, QObject, QTimer, Signal

Snapshot = dict[Path, tuple[int, int]]


def snapshot(folders: Sequence[Path]) -> Snapshot:
    """Each deck file in ``folders``: its (size, modification time in ns)."""
    found: Snapshot = {}
    for folder in folders:
        if not folder.is_dir():
            continue
        for path in folder.glob("*.toml"):
            try:
                stat = path.stat()
            except OSError:
                continue
            found[path] = (stat.st_size, stat.st_mtime_ns)
    return found


def changed_files(before: Snapshot, after: Snapshot) -> list[Path]:
    """The deck files added, removed or rewritten between two snapshots."""
    return sorted(p for p in before.keys() | after.keys() if before.get(p) != after.get(p))


class DeckWatcher(QObject):
    """Watches the deck folders; :attr:`changed` gives the files changed from outside."""

    changed = Signal(list)

    DELAY_MS = 300

    def __init__(self, folders: Callable[[], Sequence[Path]], parent: QObject | None = None):
        super().__init__(parent)
        self._folders = folders
        self._known: Snapshot = {}
        self._watcher = QFileSystemWatcher(self)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(self.DELAY_MS)
        self._timer.timeout.connect(self._check)
        self._watcher.directoryChanged.connect(lambda _p: self._timer.start())
        self._watcher.fileChanged.connect(lambda _p: self._timer.start())
        self.rescan()

    def rescan(self) -> None:
        """Take what is on disk now as read (after the app read or wrote the decks)."""
        folders = [f for f in self._folders() if f.is_dir()]
        # a folder not made yet (the first `rapport add` makes it): its parent is watched
        parents = [f.parent for f in self._folders() if not f.is_dir() and f.parent.is_dir()]
        self._known = snapshot(folders)
        watched = set(self._watcher.directories()) | set(self._watcher.files())
        wanted = {str(f) for f in [*folders, *parents]} | {str(p) for p in self._known}
        if wanted - watched:
            self._watcher.addPaths(sorted(wanted - watched))
        if watched - wanted:
            self._watcher.removePaths(sorted(watched - wanted))

    def _check(self) -> None:
        folders = [f for f in self._folders() if f.is_dir()]
        files = changed_files(self._known, snapshot(folders))
        if files:
            self.changed.emit(files)
        else:
            self.rescan()  # a folder made or removed: watch what is there now
