"""The sync's account, key, status line and refusals, without a server: the key in a
0600 file or the system keyring (never the password), "Synced 2 minutes ago", AnkiWeb
refused, no sync without a log-in, during an answer or on an Anki copy from a newer
Anki, and the command line's arguments."""

from __future__ import annotations

import io
import json
import logging
import sqlite3
import sys
import types
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from rapport import cli
from rapport.study import Collection
from rapport.sync.account import (
    Account,
    SyncStatus,
    load_account,
    load_key,
    save_account,
    save_key,
    save_status,
    status_line,
    sync_dir,
)
from rapport.sync.engine import SyncError, check_endpoint, sync
from tests.support.collection import T0, basic_deck, open_collection

NOW = datetime(2026, 12, 6, 12, 0, tzinfo=UTC)


def test_the_key_is_kept_in_a_file_only_its_owner_reads(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "keyring", None)  # (no keyring installed)
    where = save_key(tmp_path, "me", "abc123")
    path = sync_dir(tmp_path) / "hkey"
    assert where == str(path)
    assert path.stat().st_mode & 0o777 == 0o600
    assert load_key(tmp_path, "me") == "abc123"


class _Ring:
    """A keyring backend that keeps passwords in memory (as the system's would)."""

    def __init__(self) -> None:
        self.kept: dict[tuple[str, str], str] = {}

    def set_password(self, service: str, user: str, secret: str) -> None:
        self.kept[(service, user)] = secret

    def get_password(self, service: str, user: str) -> str | None:
        return self.kept.get((service, user))


def test_the_key_goes_to_the_system_keyring_when_it_has_a_backend(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    ring = _Ring()
    fail = types.ModuleType("keyring.backends.fail")

    class FailKeyring:
        pass

    fail.Keyring = FailKeyring  # type: ignore[attr-defined]
    backends = types.ModuleType("keyring.backends")
    backends.fail = fail  # type: ignore[attr-defined]
    module = types.ModuleType("keyring")
    module.get_keyring = lambda: ring  # type: ignore[attr-defined]
    module.set_password = ring.set_password  # type: ignore[attr-defined]
    module.get_password = ring.get_password  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "keyring", module)
    monkeypatch.setitem(sys.modules, "keyring.backends", backends)
    monkeypatch.setitem(sys.modules, "keyring.backends.fail", fail)
    assert save_key(tmp_path, "me", "abc123") == "the system keyring"
    assert not (sync_dir(tmp_path) / "hkey").exists()
    assert load_key(tmp_path, "me") == "abc123"
    # A keyring with only the "fail" backend (a headless machine): the file.
    module.get_keyring = lambda: FailKeyring()  # type: ignore[attr-defined]
    assert save_key(tmp_path, "me", "def456") == str(sync_dir(tmp_path) / "hkey")
    assert load_key(tmp_path, "me") == "def456"


def test_the_account_keeps_no_password_and_syncs_on_open_and_close_by_default(
    tmp_path: Path,
) -> None:
    assert load_account(tmp_path) == Account()
    save_account(tmp_path, Account("http://127.0.0.1:8080/", "me"))
    account = load_account(tmp_path)
    assert account.logged_in and account.on_open_close
    raw = json.loads((sync_dir(tmp_path) / "account.json").read_text())
    assert set(raw) == {"endpoint", "username", "on_open_close"}


@pytest.mark.parametrize(
    ("ago", "line"),
    [
        (timedelta(seconds=5), "Synced just now"),
        (timedelta(minutes=2, seconds=3), "Synced 2 minutes ago"),
        (timedelta(hours=1), "Synced 1 hour ago"),
        (timedelta(days=3), "Synced 3 days ago"),
    ],
)
def test_home_says_when_it_last_synced(tmp_path: Path, ago: timedelta, line: str) -> None:
    assert status_line(tmp_path, NOW) == ""
    save_status(tmp_path, SyncStatus((NOW - ago).isoformat(), "", {"reviews_in": 3}))
    assert status_line(tmp_path, NOW) == line


def test_home_shows_the_last_error(tmp_path: Path) -> None:
    save_status(tmp_path, SyncStatus(NOW.isoformat(), "Could not reach the sync server X"))
    assert status_line(tmp_path, NOW) == "Sync failed: Could not reach the sync server X"


def test_ankiweb_and_malformed_addresses_are_refused() -> None:
    assert check_endpoint(" http://192.168.1.10:8080 ") == "http://192.168.1.10:8080/"
    for bad in ("https://sync.ankiweb.net/", "https://ankiweb.net/"):
        with pytest.raises(SyncError, match="AnkiWeb"):
            check_endpoint(bad)
    with pytest.raises(SyncError, match="not a web address"):
        check_endpoint("192.168.1.10:8080")


@pytest.fixture
def collection(tmp_path: Path) -> Collection:
    return open_collection(tmp_path / "data", [basic_deck("a", 5)], T0)


def test_no_sync_without_a_log_in(collection: Collection) -> None:
    try:
        with pytest.raises(SyncError, match="Not logged in"):
            sync(collection, collection.data_dir, now=NOW)
        assert status_line(collection.data_dir, NOW).startswith("Sync failed: Not logged in")
    finally:
        collection.close(T0)


def test_no_sync_in_the_middle_of_an_answer(collection: Collection) -> None:
    data = collection.data_dir
    save_account(data, Account("http://127.0.0.1:9/", "me"))
    save_key(data, "me", "key")
    try:
        with collection.store.transaction(), pytest.raises(SyncError, match="middle of an answer"):
            sync(collection, data, now=NOW)
    finally:
        collection.close(T0)


def test_an_anki_copy_from_a_newer_anki_is_refused_by_name(collection: Collection) -> None:
    from anki.collection import Collection as AnkiCollection

    data = collection.data_dir
    save_account(data, Account("http://127.0.0.1:9/", "me"))
    save_key(data, "me", "key")
    mirror = sync_dir(data) / "collection.anki2"
    AnkiCollection(str(mirror)).close()
    conn = sqlite3.connect(mirror)
    conn.execute("UPDATE col SET ver = 99")
    conn.commit()
    conn.close()
    try:
        with pytest.raises(SyncError, match=str(mirror)):
            sync(collection, data, now=NOW)
    finally:
        collection.close(T0)


def test_each_sync_is_logged(collection: Collection, caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.INFO, logger="rapport.sync"), pytest.raises(SyncError):
        sync(collection, collection.data_dir, now=NOW)
    collection.close(T0)
    assert "sync failed: Not logged in" in caplog.text


def test_the_command_line_wants_all_three_to_log_in(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = cli.main(["--data-dir", str(tmp_path), "sync", "--endpoint", "http://x/"])
    assert code == 2
    assert "--password-stdin" in capsys.readouterr().err


def test_the_command_line_says_why_it_did_not_sync(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    assert cli.main(["--data-dir", str(tmp_path), "sync"]) == 1
    assert "not synced: Not logged in" in capsys.readouterr().err
    monkeypatch.setattr(sys, "stdin", io.StringIO("secret\n"))
    args = ["--endpoint", "https://sync.ankiweb.net/", "--username", "me", "--password-stdin"]
    assert cli.main(["--data-dir", str(tmp_path), "sync", *args]) == 1
    err = capsys.readouterr().err
    assert "AnkiWeb" in err and "secret" not in err
