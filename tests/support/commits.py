"""Counting the commits one action makes, as SQLite sees them (not as the store counts).

:func:`counting_commits` watches every statement the store's connection runs (SQLite's
trace callback) and counts each ``COMMIT`` and each write run outside an explicit
transaction (which SQLite commits on its own, in autocommit mode): what a kill between
two of them would split.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from rapport.store import Store

_WRITES = ("INSERT", "UPDATE", "DELETE", "REPLACE")


class Commits:
    """The commits seen, and the statements (for a failure's message)."""

    def __init__(self) -> None:
        self.count = 0
        self.statements: list[str] = []


@contextmanager
def counting_commits(store: Store) -> Iterator[Commits]:
    """Count the commits made on ``store``'s connection inside the ``with`` block."""
    conn = store._conn
    seen = Commits()

    def trace(sql: str) -> None:
        text = sql.lstrip().upper()
        seen.statements.append(sql.strip()[:80])
        if text.startswith(("COMMIT", "END")):
            seen.count += 1
        elif text.startswith(_WRITES) and not conn.in_transaction:
            seen.count += 1  # an autocommit write: a commit of its own

    conn.set_trace_callback(trace)
    try:
        yield seen
    finally:
        conn.set_trace_callback(None)
