"""The ``revlog`` table: each answer recorded with the card's new state in one transaction,
and the log read back (a card's history, recent answers, an export's progress)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from rapport.store.cards import state_from_row, state_params
from rapport.store.connection import StoreBase, marks
from rapport.store.records import (
    CardState,
    DayCounts,
    LoggedAnswer,
    Phase,
    ReviewRecord,
    TimedAnswer,
    from_us,
    is_lapse,
    to_us,
)

# A log entry's columns, in ReviewRecord's order ("@" stands for a table alias).
_REVLOG_COLUMNS = ", ".join(
    "@" + name
    for name in (
        "card_id time_us rating duration_ms state_before step_before stability_before "
        "difficulty_before due_before_us last_review_before_us state_after step_after "
        "stability_after difficulty_after due_after_us last_review_after_us response "
        "certainty picked"
    ).split()
)


def _review_record(row: Sequence[Any]) -> ReviewRecord:
    """A log entry read with :data:`_REVLOG_COLUMNS`."""
    return ReviewRecord(
        card_id=row[0],
        time=from_us(row[1]),
        rating=row[2],
        duration=timedelta(milliseconds=row[3]),
        before=state_from_row(row[4:10]),
        after=state_from_row(row[10:16]),
        response=row[16],
        certainty=row[17],
        picked=row[18],
    )


class ReviewLog(StoreBase):
    """Answers: recorded, replaced by a sync, read back."""

    def record_review(self, review: ReviewRecord) -> int:
        """Save an answer: the card's new state and the log entry, in one transaction.

        Returns the id of the log entry.
        """
        with self._write() as conn:
            lapse = int(is_lapse(review.rating, review.before.phase))
            conn.execute(
                "UPDATE cards SET state = ?, step = ?, stability = ?, difficulty = ?, "
                "due_us = ?, last_review_us = ?, reviews = reviews + 1, lapses = lapses + ? "
                "WHERE id = ?",
                (*state_params(review.after), lapse, review.card_id),
            )
            cursor = conn.execute(
                "INSERT INTO revlog (card_id, time_us, rating, duration_ms, "
                "state_before, step_before, stability_before, difficulty_before, "
                "due_before_us, last_review_before_us, "
                "state_after, step_after, stability_after, difficulty_after, "
                "due_after_us, last_review_after_us, response, certainty, picked) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    review.card_id,
                    to_us(review.time),
                    review.rating,
                    round(review.duration.total_seconds() * 1000),
                    *state_params(review.before),
                    *state_params(review.after),
                    review.response,
                    review.certainty,
                    review.picked,
                ),
            )
        review_id = cursor.lastrowid
        assert review_id is not None
        return review_id

    def replace_reviews(self, card_id: int, reviews: Sequence[ReviewRecord]) -> None:
        """Make ``reviews`` (oldest first) the card's whole log and its last ``after`` the
        card's state (a sync's replay of the union of two logs), in one transaction."""
        with self._write() as conn:
            conn.execute("DELETE FROM revlog WHERE card_id = ?", (card_id,))
            conn.execute(
                "UPDATE cards SET state = ?, step = ?, stability = ?, difficulty = ?, "
                "due_us = ?, last_review_us = ?, reviews = 0, lapses = 0 WHERE id = ?",
                (*state_params(CardState()), card_id),
            )
            for review in reviews:
                self.record_review(review)

    def review_log(self) -> list[ReviewRecord]:
        """The whole log of present cards, oldest first (for an export with progress)."""
        rows = self._conn.execute(
            f"SELECT {_REVLOG_COLUMNS.replace('@', 'r.')} FROM revlog r "
            "JOIN cards c ON c.id = r.card_id WHERE c.present = 1 ORDER BY r.id"
        )
        return [_review_record(row) for row in rows]

    def logged_answers(
        self, since: datetime | None = None, deck_ids: Sequence[str] | None = None
    ) -> list[LoggedAnswer]:
        """The answers of present cards from ``since`` (``None``: all), oldest first, of
        ``deck_ids`` (``None``: every deck), with each card's concept (its stored text)."""
        sql = (
            "SELECT c.deck_id, c.note_id, c.ordinal, COALESCE(t.concept, ''), r.time_us, "
            "r.rating, r.duration_ms, r.certainty, r.picked, r.response FROM revlog r "
            "JOIN cards c ON c.id = r.card_id LEFT JOIN card_text t ON t.card_id = c.id "
            "WHERE c.present = 1 AND r.time_us >= ?"
        )
        params: list[Any] = [to_us(since) if since is not None else -(2**62)]
        if deck_ids is not None:
            sql += f" AND c.deck_id IN ({marks(deck_ids)})"
            params += deck_ids
        rows = self._conn.execute(sql + " ORDER BY r.time_us, r.id", params)
        return [
            LoggedAnswer(d, n, o, concept, from_us(t), rating, ms, cert, picked, response)
            for d, n, o, concept, t, rating, ms, cert, picked, response in rows
        ]

    def last_response(self, card_id: int) -> str | None:
        """The response typed at the card's latest answer that kept one (respond cards)."""
        row = self._conn.execute(
            "SELECT response FROM revlog WHERE card_id = ? AND response IS NOT NULL "
            "ORDER BY id DESC LIMIT 1",
            (card_id,),
        ).fetchone()
        return None if row is None else str(row[0])

    def reviews_of(self, card_id: int) -> list[ReviewRecord]:
        """The log of one card, oldest first."""
        rows = self._conn.execute(
            f"SELECT {_REVLOG_COLUMNS.replace('@', '')} FROM revlog WHERE card_id = ? ORDER BY id",
            (card_id,),
        )
        return [_review_record(row) for row in rows]

    def notes_answered_since(self, since: datetime) -> dict[str, tuple[str, ...]]:
        """Per deck, the notes with more than one present card of which a card was
        answered since ``since`` (the notes whose other cards burying hides)."""
        rows = self._conn.execute(
            "SELECT DISTINCT c.deck_id, c.note_id FROM revlog r JOIN cards c ON c.id = r.card_id "
            "WHERE r.time_us >= ? AND EXISTS (SELECT 1 FROM cards s WHERE "
            "s.deck_id = c.deck_id AND s.note_id = c.note_id AND s.id != c.id AND s.present = 1)",
            (to_us(since),),
        )
        out: dict[str, list[str]] = {}
        for deck_id, note_id in rows:
            out.setdefault(deck_id, []).append(note_id)
        return {deck_id: tuple(notes) for deck_id, notes in out.items()}

    def forgotten_since(self, since: datetime) -> list[int]:
        """Active cards answered Again since ``since``, most recently forgotten first."""
        rows = self._conn.execute(
            "SELECT c.id FROM revlog r JOIN cards c ON c.id = r.card_id "
            "WHERE r.time_us >= ? AND r.rating = 1 AND c.present = 1 AND c.suspended = 0 "
            "GROUP BY c.id ORDER BY MAX(r.time_us) DESC",
            (to_us(since),),
        )
        return [int(row[0]) for row in rows]

    def studied_since(self, since: datetime) -> dict[str, DayCounts]:
        """Per deck, how many new cards were introduced and reviews done since ``since``."""
        rows = self._conn.execute(
            f"SELECT c.deck_id, SUM(r.state_before = {Phase.NEW}), "
            f"SUM(r.state_before = {Phase.REVIEW}) "
            "FROM revlog r JOIN cards c ON c.id = r.card_id WHERE r.time_us >= ? "
            "GROUP BY c.deck_id",
            (to_us(since),),
        )
        return {deck: DayCounts(int(new), int(review)) for deck, new, review in rows}

    def has_answers(self) -> bool:
        """Whether any answer was ever logged (a first-run check: stops at the first)."""
        return self._conn.execute("SELECT 1 FROM revlog LIMIT 1").fetchone() is not None

    def review_times(self, since: datetime) -> list[TimedAnswer]:
        """Time and time taken of every answer since ``since``."""
        rows = self._conn.execute(
            "SELECT time_us, duration_ms FROM revlog WHERE time_us >= ? ORDER BY time_us",
            (to_us(since),),
        )
        return [TimedAnswer(from_us(t), timedelta(milliseconds=ms)) for t, ms in rows]
