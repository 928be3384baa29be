"""Full disk or an unwritable folder while answering: a clear error, nothing half-written.

Failures are injected by wrapping the store's connection so that a chosen statement
raises the error SQLite gives on a full disk.
"""

from __future__ import annotations

import sqlite3
from typing import Any

import pytest

from rapport.store import WriteError
from rapport.study import Rating
from tests.support.collection import SECOND, T0, OpenCollection, basic_deck


class FailingConnection:
    """A connection whose statements starting with ``prefix`` fail while ``armed``."""

    def __init__(self, conn: sqlite3.Connection, prefix: str, message: str) -> None:
        self._conn = conn
        self.prefix = prefix
        self.message = message
        self.armed = True

    def execute(self, sql: str, params: Any = ()) -> sqlite3.Cursor:
        if self.armed and sql.lstrip().upper().startswith(self.prefix):
            raise sqlite3.OperationalError(self.message)
        return self._conn.execute(sql, params)

    def executemany(self, sql: str, params: Any) -> sqlite3.Cursor:
        if self.armed and sql.lstrip().upper().startswith(self.prefix):
            raise sqlite3.OperationalError(self.message)
        return self._conn.executemany(sql, params)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._conn, name)


@pytest.mark.parametrize(
    ("prefix", "message", "reason"),
    [
        ("UPDATE CARDS", "database or disk is full", "the disk is full"),
        ("INSERT INTO REVLOG", "database or disk is full", "the disk is full"),
        ("COMMIT", "disk I/O error", "input/output error"),
        ("BEGIN", "attempt to write a readonly database", "read-only"),
    ],
)
def test_a_failed_answer_is_refused_and_can_be_given_again(
    open_col: OpenCollection, prefix: str, message: str, reason: str
) -> None:
    col = open_col([basic_deck("a", 3)])
    session = col.session(None, T0)
    first = session.next_card(T0)
    assert first is not None
    session.answer(first, Rating.GOOD, T0, SECOND)
    card = session.next_card(T0)
    assert card is not None
    card_id = col.require_id(card)
    state = col.store.card_state(card_id)
    remaining = session.remaining(T0)

    failing = FailingConnection(col.store._conn, prefix, message)
    col.store._conn = failing  # type: ignore[assignment]
    with pytest.raises(WriteError) as info:
        session.answer(card, Rating.EASY, T0, SECOND)
    assert reason in str(info.value) and str(col.store.path) in str(info.value)
    assert not failing.in_transaction  # rolled back, nothing pending

    # Nothing changed: state, log, session counts; the card is still the one to answer.
    assert col.store.card_state(card_id) == state
    assert col.store.review_count() == 1
    assert session.remaining(T0) == remaining
    assert session.summary().studied == 1
    assert session.next_card(T0) == card

    # Undo (which updates the card and deletes from the log) is refused the same way
    # and keeps its entry.
    if prefix != "INSERT INTO REVLOG":
        with pytest.raises(WriteError):
            session.undo()
        assert session.can_undo and col.store.review_count() == 1
        assert session.next_card(T0) == card

    failing.armed = False
    session.answer(card, Rating.EASY, T0, SECOND)
    assert col.store.review_count() == 2
    assert session.summary().studied == 2
    assert col.store.integrity_check() == ["ok"]
