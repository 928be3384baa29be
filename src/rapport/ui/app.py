"""Starting the Qt application: theme, the collection, the main window, the event loop.

Startup is kept light so the first card comes quickly: views beyond Home and the reviewer
are built when first opened (QtCharts loads with the statistics view, not here), and Home
asks the core for counts, not for every card row. Core errors met on the way in (a damaged
database, a second instance, a bad deck file) are shown as dialogs; the collection is
closed however the loop ends.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtWidgets import QApplication

if TYPE_CHECKING:
    from rapport.content.loader import DeckSet
    from rapport.study import Collection
    from rapport.ui.main_window import MainWindow


def utc_now() -> datetime:
    """The clock of the app: the only place it is read."""
    return datetime.now(UTC)


def open_collection(
    data_dir: Path, decks: DeckSet, clock: Callable[[], datetime] = utc_now
) -> Collection | None:
    """Open the collection, showing core errors as dialogs; None if the app cannot go on.

    A damaged database offers to restore the newest backup (the damaged file is kept
    aside by the store) and then tries again.
    """
    from rapport.errors import RapportError
    from rapport.store import AlreadyRunning, DatabaseError, restore_backup
    from rapport.study import Collection
    from rapport.ui import dialogs

    for _attempt in range(2):
        try:
            return Collection.open(data_dir, decks.decks, clock())
        except AlreadyRunning as error:
            dialogs.show_error(None, "Rapport is already running", str(error))
            return None
        except DatabaseError as error:
            if not dialogs.ask_restore(None, str(error), error.newest_backup is not None):
                return None
            try:
                restore_backup(data_dir, error.newest_backup, clock())
            except RapportError as restore_error:
                dialogs.show_error(None, "The backup could not be restored", str(restore_error))
                return None
        except RapportError as error:
            dialogs.show_error(None, "Rapport cannot start", str(error))
            return None
    return None


def build_window(
    collection: Collection,
    decks: DeckSet,
    clock: Callable[[], datetime] = utc_now,
    deck_dirs: Sequence[Path] | None = None,
) -> MainWindow:
    """The main window over an open collection, themed from its preferences."""
    from rapport.ui.main_window import MainWindow

    window = MainWindow(collection, decks.errors, clock, deck_dirs=deck_dirs)
    window.apply_preferences()
    return window


def run_app(data_dir: Path) -> int:
    """Open the main window and run the event loop until it closes."""
    app = QApplication.instance() or QApplication(sys.argv)
    assert isinstance(app, QApplication)
    app.setApplicationName("Rapport")
    app.setDesktopFileName("rapport")

    from rapport.content.cache import load_decks_cached
    from rapport.paths import deck_folders, decks_dir
    from rapport.ui import dialogs
    from rapport.ui.theme import apply_theme

    apply_theme(app)
    deck_dirs = [decks_dir()]
    try:
        data_dir.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        dialogs.show_error(None, "Rapport cannot start", f"Cannot create {data_dir}: {error}")
        return 1
    # Validated decks come from a cache in the data folder while the files are unchanged.
    decks = load_decks_cached(deck_folders(data_dir, deck_dirs), data_dir)
    collection = open_collection(data_dir, decks)
    if collection is None:
        return 1
    try:
        window = build_window(collection, decks, deck_dirs=deck_dirs)
        dialogs.install_excepthook(lambda: window)
        window.show()
        if decks.errors and not decks.decks:
            window.check_decks()
        return app.exec()
    finally:
        dialogs.uninstall_excepthook()
        close_collection(collection)


def close_collection(collection: Collection) -> None:
    """Close the collection; a failed closing backup is shown, not raised."""
    from rapport.errors import RapportError
    from rapport.ui import dialogs

    try:
        collection.close(utc_now())
    except RapportError as error:
        dialogs.show_error(None, "The closing backup failed", str(error))
