"""Rapport's log: the standard :mod:`logging` module writing a rotating file in the
platform's user log folder (``platformdirs.user_log_dir``), e.g.
``~/.local/state/rapport/log/rapport.log`` on Linux.

Every module logs to a child of the ``rapport`` logger (``logging.getLogger(__name__)``).
What is logged: unexpected exceptions with their traceback, refused answers, damaged
files, backups made and failed, deck problems and the phases of start-up. The file's
place is named in Help > About and by ``rapport --version``.

The app opens the file a moment after its window is up (:func:`start_logging` with
``deferred=True``, then :func:`open_log_file`; records logged before then are kept and
written first), so that logging costs start-up nothing measurable. A warning or an error
opens it at once (a crash or kill right after must not lose it), and so does any exit.
Nothing here imports Qt.
"""

from __future__ import annotations

import atexit
import logging
import sys
from pathlib import Path

LOG_NAME = "rapport.log"
MAX_BYTES = 1_000_000  # then rotated: rapport.log.1 ... rapport.log.3
BACKUP_COUNT = 3
FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"

log = logging.getLogger("rapport")


def log_dir() -> Path:
    """The platform's user log folder for Rapport (not created here)."""
    import platformdirs

    return Path(platformdirs.user_log_dir("rapport", appauthor=False))


def log_file() -> Path:
    """Where Rapport writes its log."""
    return log_dir() / LOG_NAME


class _Held(logging.Handler):
    """Keeps records until the file is opened (see :func:`start_logging`); a warning or
    an error opens the file at once, writing the records held before it, and later
    records go straight there (the handler stays in place: no handler list changes
    while a record is being handled)."""

    def __init__(self) -> None:
        super().__init__(logging.INFO)
        self.records: list[logging.LogRecord] = []
        self.target: logging.Handler | None = None

    def emit(self, record: logging.LogRecord) -> None:
        if self.target is not None:
            self.target.handle(record)
            return
        if len(self.records) < 1000:
            self.records.append(record)
        if record.levelno >= logging.WARNING:
            self.target = _file_handler_now()[0]
            self.flush_into(self.target)

    def flush_into(self, handler: logging.Handler) -> None:
        records, self.records = self.records, []
        for held in records:
            handler.handle(held)


_held: _Held | None = None
_file_handler: logging.Handler | None = None


def start_logging(*, deferred: bool = False) -> Path:
    """Log Rapport's records (INFO and above) to the rotating file; return its path.

    With ``deferred`` the file is opened by :func:`open_log_file`, later (the app calls
    it once its window is up), at the first warning or error, or at exit, whichever
    comes first; until then INFO records are held in memory.
    """
    global _held
    log.setLevel(logging.INFO)
    if _file_handler is None and deferred:
        if _held is None:
            _held = _Held()
            log.addHandler(_held)
            atexit.register(_open_at_exit)  # however early Rapport exits
        return log_file()
    open_log_file()
    return log_file()


def _open_at_exit() -> None:
    if _held is not None:  # (records still held: write them)
        open_log_file()


def _file_handler_now() -> tuple[logging.Handler, Path | None]:
    """A handler writing the log file (or, when it cannot be written, standard error)."""
    import logging.handlers

    path = log_file()
    handler: logging.Handler
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handler = logging.handlers.RotatingFileHandler(
            path, maxBytes=MAX_BYTES, backupCount=BACKUP_COUNT, encoding="utf-8"
        )
        opened: Path | None = path
    except OSError as error:
        handler = logging.StreamHandler(sys.stderr)
        opened = None
        print(f"rapport: cannot write the log file {path}: {error}", file=sys.stderr)
    handler.setFormatter(logging.Formatter(FORMAT))
    handler.setLevel(logging.INFO)
    return handler, opened


def open_log_file() -> Path | None:
    """Open the log file now (once) and write the records held so far into it.

    If the folder cannot be made or the file written, the log goes to standard error
    instead and None is returned: a log must never stop Rapport.
    """
    global _held, _file_handler
    if _file_handler is not None:
        return log_file()
    if _held is not None and _held.target is not None:  # opened by a warning already
        handler = _held.target
        opened: Path | None = log_file() if isinstance(handler, logging.FileHandler) else None
    else:
        handler, opened = _file_handler_now()
    log.setLevel(logging.INFO)
    log.addHandler(handler)
    _file_handler = handler
    if _held is not None:
        log.removeHandler(_held)
        _held.flush_into(handler)
        _held = None
    return opened


def stop_logging() -> None:
    """Close the log file (tests; the app's file is closed at exit by :mod:`logging`)."""
    global _held, _file_handler
    if _held is not None and _held.target is not None and _held.target is not _file_handler:
        _held.target.close()
    for handler in (_file_handler, _held):
        if handler is not None:
            log.removeHandler(handler)
            handler.close()
    _file_handler = None
    _held = None
