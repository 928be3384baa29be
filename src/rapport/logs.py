"""Rapport's log: the standard :mod:`logging` module writing a rotating file in the
platform's user log folder (``platformdirs.user_log_dir``), e.g.
``~/.local/state/rapport/log/rapport.log`` on Linux.

Every module logs to a child of the ``rapport`` logger (``logging.getLogger(__name__)``).
What is logged: unexpected exceptions with their traceback, refused answers, damaged
files, backups made and failed, deck problems and the phases of start-up. The file's
place is named in Help > About and by ``rapport --version``.

The app opens the file a moment after its window is up (:func:`start_logging` with
``deferred=True``, then :func:`open_log_file`; records logged before then are kept and
written first), so that logging costs start-up nothing measurable. Nothing here imports Qt.
"""

from __future__ import annotations

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
    """Keeps records until the file is opened (see :func:`start_logging`)."""

    def __init__(self) -> None:
        super().__init__(logging.INFO)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        if len(self.records) < 1000:
            self.records.append(record)


_held: _Held | None = None
_file_handler: logging.Handler | None = None


def start_logging(*, deferred: bool = False) -> Path:
    """Log Rapport's records (INFO and above) to the rotating file; return its path.

    With ``deferred`` the file is opened by :func:`open_log_file`, later (the app calls
    it once its window is up); until then records are held in memory.
    """
    global _held
    log.setLevel(logging.INFO)
    if _file_handler is None and deferred:
        if _held is None:
            _held = _Held()
            log.addHandler(_held)
        return log_file()
    open_log_file()
    return log_file()


def open_log_file() -> Path | None:
    """Open the log file now (once) and write the records held so far into it.

    If the folder cannot be made or the file written, the log goes to standard error
    instead and None is returned: a log must never stop Rapport.
    """
    global _held, _file_handler
    if _file_handler is not None:
        return log_file()
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
    log.setLevel(logging.INFO)
    log.addHandler(handler)
    _file_handler = handler
    if _held is not None:
        log.removeHandler(_held)
        for record in _held.records:
            handler.handle(record)
        _held = None
    return opened


def stop_logging() -> None:
    """Close the log file (tests; the app's file is closed at exit by :mod:`logging`)."""
    global _held, _file_handler
    for handler in (_file_handler, _held):
        if handler is not None:
            log.removeHandler(handler)
            handler.close()
    _file_handler = None
    _held = None
