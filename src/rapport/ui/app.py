"""Starting the Qt application: theme, the collection, the main window, the event loop.

Startup is kept light so the first card comes quickly: views beyond Home and the reviewer
are built when first opened (QtCharts loads with the statistics view, not here), and Home
asks the core for counts, not for every card row. Core errors met on the way in (a damaged
database, a second instance, a bad deck file) are shown as dialogs; the collection is
closed however the loop ends.

This module itself imports no Qt, so that :func:`load_start_path` can bring in the Qt-free
modules start-up needs before PySide6 is loaded (see there why).
"""

from __future__ import annotations

import contextlib
import gc
import logging
import sys
import time
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from rapport import __version__
from rapport.errors import RapportError
from rapport.logs import open_log_file

if TYPE_CHECKING:
    from PySide6.QtWidgets import QApplication

    from rapport.content.loading.loader import DeckSet
    from rapport.library import Library
    from rapport.study import Collection
    from rapport.ui.main_window import MainWindow


log = logging.getLogger(__name__)
LOG_FILE_AFTER_MS = 3000
_collector_paused = False
IDLE_WORK_MS = 3000  # after start-up, when idle work begins


def load_start_path() -> None:
    """Import the Qt-free modules that start-up uses, before PySide6 is imported, with
    Python's cyclic garbage collector paused until the window is up.

    Once loaded, PySide6 reads the source of every module imported after it (to honour
    its opt-in ``from __feature__ import ...``), about 0.1 ms a module; the core's forty
    modules are spared that when they come first. Start-up allocates a great deal and
    frees next to nothing, so the collector's passes over it (about 7 ms) find nothing:
    :func:`open_main_window` resumes it once the first event-loop pass begins.
    :func:`run_app` and the start-up benchmark both call this first.
    """
    global _collector_paused
    if gc.isenabled():
        gc.disable()
        _collector_paused = True
    import base64  # noqa: F401 - imported for the side effect described above
    import html  # noqa: F401
    import random  # noqa: F401

    import rapport.content.loading.cache
    import rapport.content.notes.html
    import rapport.library
    import rapport.litter
    import rapport.paths
    import rapport.study
    import rapport.study.certainty
    import rapport.study.decktree
    import rapport.study.rubric
    import rapport.study.timetext  # noqa: F401
    from rapport.content.notes.kinds import registered

    registered()  # every shipped kind's module


def resume_collector() -> None:
    """Turn the garbage collector paused by :func:`load_start_path` back on."""
    global _collector_paused
    if _collector_paused:
        _collector_paused = False
        gc.enable()


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
    from rapport.study import Collection

    for _attempt in range(2):
        try:
            return Collection.open(data_dir, decks.decks, clock())
        except RapportError as error:
            log.error("the collection in %s did not open: %s", data_dir, error)
            if not _restored_after(error, data_dir, clock):
                return None
    return None


def _restored_after(error: Exception, data_dir: Path, clock: Callable[[], datetime]) -> bool:
    """Show why the collection would not open. True if the trainee chose to restore the
    newest backup and it was restored, so that opening may be tried again."""
    from rapport.store import AlreadyRunning, DatabaseError, restore_backup
    from rapport.ui import dialogs

    if isinstance(error, AlreadyRunning):
        dialogs.show_error(None, "Rapport is already running", str(error))
        return False
    if isinstance(error, DatabaseError):
        if not dialogs.ask_restore(None, str(error), error.newest_backup is not None):
            return False
        try:
            restore_backup(data_dir, error.newest_backup, clock())
        except RapportError as restore_error:
            dialogs.show_error(None, "The backup could not be restored", str(restore_error))
            return False
        return True
    dialogs.show_error(None, "Rapport cannot start", str(error))
    return False


def build_window(
    collection: Collection,
    decks: DeckSet,
    clock: Callable[[], datetime] = utc_now,
    deck_dirs: Sequence[Path] | None = None,
    library: Library | None = None,
) -> MainWindow:
    """The main window over an open collection, themed from its preferences.

    The trainee's theme and font size are put in force before any widget exists, so the
    widgets are polished once, in their final look.
    """
    from PySide6.QtWidgets import QApplication

    from rapport.ui.main_window import MainWindow, preferred_look
    from rapport.ui.theme import apply_theme

    app = QApplication.instance()
    if isinstance(app, QApplication):
        apply_theme(app, *preferred_look(collection))
    return MainWindow(collection, decks.errors, clock, deck_dirs=deck_dirs, library=library)


def open_main_window(
    app: QApplication, data_dir: Path, deck_dirs: Sequence[Path]
) -> MainWindow | None:
    """Everything start-up does before the event loop, and the window shown.

    Reads the decks (from the cache while their files are unchanged), opens the
    collection and shows Home. ``None`` when Rapport cannot go on; the reason has then
    been shown in a dialog. The window's collection is open: close it with
    :func:`close_collection` when the loop ends.
    """
    from PySide6.QtCore import QTimer

    window: MainWindow | None = None
    try:
        window = _open_main_window(data_dir, deck_dirs)
    finally:
        if window is None:
            resume_collector()
            open_log_file()
        else:  # at the first pass of the event loop, with the window painted
            QTimer.singleShot(0, resume_collector)
            # The log file well after the first paint; records wait in memory till then
            # (an unexpected error opens it at once, and so does quitting).
            QTimer.singleShot(LOG_FILE_AFTER_MS, open_log_file)
            # Later, while the trainee reads: the text of decks edited since the last run.
            QTimer.singleShot(IDLE_WORK_MS, window.store_text_when_idle)
    return window


def _open_main_window(data_dir: Path, deck_dirs: Sequence[Path]) -> MainWindow | None:
    from rapport.library import load_library

    try:
        data_dir.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        from rapport.ui import dialogs

        dialogs.show_error(None, "Rapport cannot start", f"Cannot create {data_dir}: {error}")
        return None
    started = time.perf_counter()
    log.info("start-up: Rapport %s, data folder %s", __version__, data_dir)
    library = load_library(data_dir, deck_dirs)  # (the deck cache; local changes laid over)
    decks = library.deck_set
    log.info(
        "start-up: %d decks read (%d files with problems) after %.0f ms",
        len(decks.decks),
        len(decks.errors),
        (time.perf_counter() - started) * 1000,
    )
    for problem in decks.errors:
        log.warning("deck problems: %s", problem)
    collection = open_collection(data_dir, decks)
    if collection is None:
        log.warning("start-up: the collection did not open; Rapport stops")
        return None
    log.info("start-up: collection open after %.0f ms", (time.perf_counter() - started) * 1000)
    try:
        window = build_window(collection, decks, deck_dirs=deck_dirs, library=library)
        window.show()
    except BaseException:
        close_collection(collection)
        raise
    if collection.notice is not None:  # damage opening repaired: say so
        from rapport.ui import dialogs

        dialogs.show_info(window, "Your progress file was repaired", collection.notice)
    log.info("start-up: window shown after %.0f ms", (time.perf_counter() - started) * 1000)
    if decks.errors and not decks.decks:
        window.check_decks()
    return window


def run_app(data_dir: Path) -> int:
    """Open the main window and run the event loop until it closes."""
    load_start_path()
    from PySide6.QtWidgets import QApplication

    from rapport.desktop import APP_ID, APP_NAME, WM_INSTANCE

    # argv[0] names the WM_CLASS instance: "rapport" however it was started (python -m,
    # the bundle's launcher), so the desktop matches the window to the entry.
    app = QApplication.instance() or QApplication([WM_INSTANCE, *sys.argv[1:]])
    assert isinstance(app, QApplication)
    app.setApplicationName(APP_NAME)  # the WM_CLASS class, the entry's StartupWMClass
    app.setDesktopFileName(APP_ID)  # the entry's file name, Wayland's app id

    from rapport.ui.icons import app_icon

    app.setWindowIcon(app_icon())

    from rapport.paths import decks_dir
    from rapport.ui import crash

    stop_listening = quit_on_signals(app)
    try:
        window = open_main_window(app, data_dir, [decks_dir()])
        if window is None:
            return 1
        crash.install_excepthook(lambda: window)
        try:
            return app.exec()
        finally:
            crash.uninstall_excepthook()
            close_collection(window.collection)
            open_log_file()  # (if the app closed before the timer opened it)
    finally:
        stop_listening()


QUIT_SIGNALS = ("SIGTERM", "SIGHUP", "SIGINT")


def quit_on_signals(app: QApplication) -> Callable[[], None]:
    """Make SIGTERM (a desktop logout, ``kill``), SIGHUP (the terminal closed) and SIGINT
    (Ctrl+C) close the app as File > Quit does: every dialog and window closed, the
    event loops left, then the collection closed (its closing backup and clean-close
    record), the log written and the lock released by :func:`run_app`'s way out.

    Python runs a signal handler only when it next runs code, which it does not while
    Qt waits for events: the signal also writes a byte to a socket Qt watches
    (``signal.set_wakeup_fd``), which wakes the loop. Returns what undoes this.
    """
    import signal
    import socket

    from PySide6.QtCore import QSocketNotifier, QTimer

    names = [name for name in QUIT_SIGNALS if hasattr(signal, name)]
    reader, writer = socket.socketpair()
    reader.setblocking(False)
    writer.setblocking(False)
    notifier = QSocketNotifier(reader.fileno(), QSocketNotifier.Type.Read)

    def drain() -> None:
        with contextlib.suppress(OSError):
            reader.recv(512)

    notifier.activated.connect(drain)

    def quit_now() -> None:
        for widget in app.topLevelWidgets():
            widget.close()
        app.quit()

    def handler(number: int, _frame: object) -> None:
        log.warning("signal %s: closing as File > Quit does", signal.Signals(number).name)
        QTimer.singleShot(0, quit_now)

    previous_fd = signal.set_wakeup_fd(writer.fileno())
    previous = {name: signal.signal(getattr(signal, name), handler) for name in names}

    def undo() -> None:
        for name, old in previous.items():
            signal.signal(getattr(signal, name), old)
        signal.set_wakeup_fd(previous_fd)
        notifier.setEnabled(False)
        reader.close()
        writer.close()

    return undo


def close_collection(collection: Collection) -> None:
    """Close the collection; a failed closing backup is shown, not raised."""

    try:
        collection.close(utc_now())
    except RapportError as error:
        from rapport.ui import dialogs

        log.error("closing backup failed: %s", error)
        dialogs.show_error(None, "The closing backup failed", str(error))
