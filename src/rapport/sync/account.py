"""The sync account: the endpoint, the user name, the key the server gave, the status.

Everything lives in the ``sync`` folder of the data folder:

``account.json``
    the endpoint (a self-hosted ``python -m anki.syncserver``), the user name and
    whether to sync on open and close (on by default once logged in). Never a password.
``hkey`` (mode 0600)
    the key Anki's server returns at log-in (``SyncAuth.hkey``), which stands for the
    password from then on. Kept in the system keyring instead when the optional
    ``keyring`` package is installed and finds a usable backend (not its "fail" or
    "null" one); then this file is not written.
``status.json``
    the last sync's time, its counts, or its error: the Home line reads it.

Every file is written to a temporary name and renamed over the old one, so a kill
leaves the old file or the new one.
"""

from __future__ import annotations

import json
import logging
import os
from collections.abc import Mapping
from datetime import UTC, datetime
from pathlib import Path
from types import MappingProxyType
from typing import Any, NamedTuple

from rapport.errors import RapportError
from rapport.litter import WriteRefused, write_whole
from rapport.study.timetext import format_ago

log = logging.getLogger(__name__)

SYNC_DIR = "sync"
ACCOUNT_NAME = "account.json"
HKEY_NAME = "hkey"
STATUS_NAME = "status.json"
KEYRING_SERVICE = "rapport-anki-sync"


class SyncError(RapportError):
    """A sync that did not happen or stopped; the message says why and what to do."""


def sync_dir(data_dir: Path) -> Path:
    return Path(data_dir) / SYNC_DIR


def write_file(path: Path, text: str, mode: int = 0o600) -> None:
    """Write ``text`` to ``path`` atomically, created with ``mode``."""
    try:
        write_whole(path, text.encode("utf-8"), mode=mode)
    except WriteRefused as refused:
        raise SyncError(str(refused)) from refused.__cause__


# A named tuple: see "Start-up budget" in tests/benchmarks/README.md.
class Account(NamedTuple):
    """Where and as whom to sync (``account.json``)."""

    endpoint: str = ""
    username: str = ""
    on_open_close: bool = True

    @property
    def logged_in(self) -> bool:
        return bool(self.endpoint and self.username)


def load_account(data_dir: Path) -> Account:
    path = sync_dir(data_dir) / ACCOUNT_NAME
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
        return Account(
            endpoint=str(raw.get("endpoint", "")),
            username=str(raw.get("username", "")),
            on_open_close=bool(raw.get("on_open_close", True)),
        )
    except FileNotFoundError:
        return Account()
    except (OSError, ValueError, AttributeError) as exc:
        raise SyncError(f"The sync settings in {path} cannot be read ({exc}).") from exc


def current_account(data_dir: Path) -> Account:
    """The account, or an empty one (logged, not raised) when its file cannot be read: what
    the window acts on (sync on open and close, the sync settings' fields)."""
    try:
        return load_account(data_dir)
    except SyncError as exc:
        log.warning("%s", exc)
        return Account()


def save_account(data_dir: Path, account: Account) -> None:
    write_file(sync_dir(data_dir) / ACCOUNT_NAME, json.dumps(account._asdict(), indent=1))


# -- the key -------------------------------------------------------------------------


def _keyring() -> Any:
    """The ``keyring`` module if it is installed and has a usable backend, else None."""
    try:
        import keyring
        from keyring.backends import fail
    except ImportError:
        return None
    try:
        backend = keyring.get_keyring()
    except Exception:  # a misconfigured keyring: fall back to the file
        return None
    name = type(backend).__module__
    if isinstance(backend, fail.Keyring) or name.endswith(("null", "fail")):
        return None
    return keyring


def save_key(data_dir: Path, username: str, hkey: str) -> str:
    """Keep the server's key; return where ("the system keyring" or the file)."""
    ring = _keyring()
    path = sync_dir(data_dir) / HKEY_NAME
    if ring is not None:
        try:
            ring.set_password(KEYRING_SERVICE, f"{data_dir}:{username}", hkey)
            path.unlink(missing_ok=True)
            return "the system keyring"
        except Exception as exc:  # a locked or broken keyring: use the file
            log.warning("the system keyring refused the sync key (%s); using %s", exc, path)
    write_file(path, hkey, 0o600)
    os.chmod(path, 0o600)
    return str(path)


def load_key(data_dir: Path, username: str) -> str | None:
    path = sync_dir(data_dir) / HKEY_NAME
    if path.is_file():
        return path.read_text(encoding="utf-8").strip() or None
    ring = _keyring()
    if ring is not None:
        try:
            found = ring.get_password(KEYRING_SERVICE, f"{data_dir}:{username}")
            return str(found) if found else None
        except Exception as exc:
            log.warning("could not read the sync key from the system keyring: %s", exc)
    return None


# -- the status ----------------------------------------------------------------------


# A named tuple: see "Start-up budget" in tests/benchmarks/README.md.
class SyncStatus(NamedTuple):
    """The last sync: when, and what it did or why it failed."""

    time: str = ""  # ISO moment
    error: str = ""
    counts: Mapping[str, int] = MappingProxyType({})

    @property
    def moment(self) -> datetime | None:
        return datetime.fromisoformat(self.time) if self.time else None


def load_status(data_dir: Path) -> SyncStatus | None:
    path = sync_dir(data_dir) / STATUS_NAME
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
        return SyncStatus(str(raw["time"]), str(raw.get("error", "")), dict(raw.get("counts", {})))
    except (OSError, ValueError, KeyError, TypeError):
        return None


def save_status(data_dir: Path, status: SyncStatus) -> None:
    try:
        write_file(
            sync_dir(data_dir) / STATUS_NAME,
            json.dumps({**status._asdict(), "counts": dict(status.counts)}),
            0o644,
        )
    except SyncError as exc:  # the sync itself is done; only its line on Home is missing
        log.warning("%s", exc)


def status_line(data_dir: Path, now: datetime | None = None) -> str:
    """The Home line: "Synced 2 minutes ago", the last error, or "" (never synced)."""
    status = load_status(data_dir)
    if status is None or status.moment is None:
        return ""
    if status.error:
        return f"Sync failed: {status.error}"
    ago = (now or datetime.now(UTC)) - status.moment
    return f"Synced {format_ago(ago)}"
