"""The statistics' queries (for :mod:`rapport.study.stats`): answers per period from the
``revlog`` table or its summary per hour (``revlog_hours``), and the cards' memory states
and concepts from ``cards`` and ``card_text``."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta

from rapport.store.cards import ACTIVE
from rapport.store.connection import StoreBase, marks
from rapport.store.records import (
    MATURE_US,
    Phase,
    from_us,
    to_us,
)


def _bucket(column: str, starts: Sequence[float]) -> tuple[str, list[object]]:
    """An SQL expression giving the index ``i`` of the bucket ``starts[i] <= column <
    starts[i + 1]`` (the last bucket open above), a binary search of nested CASEs, with
    its parameters in order."""

    def part(low: int, high: int) -> tuple[str, list[object]]:
        if high - low == 1:
            return str(low), []
        middle = (low + high) // 2
        left, left_params = part(low, middle)
        right, right_params = part(middle, high)
        return (
            f"CASE WHEN {column} < ? THEN {left} ELSE {right} END",
            [starts[middle], *left_params, *right_params],
        )

    return part(0, len(starts))


_HOUR_US = 3_600_000_000


def _whole_hours(*times_us: int) -> bool:
    """Whether every one of ``times_us`` (microseconds) is a whole UTC hour, so that the
    log's summary per hour (``revlog_hours``) answers exactly; a study day that starts
    between hours (a time zone half an hour off UTC) reads the log itself, as do the
    statistics of chosen decks (the summary is of every deck)."""
    return all(t % _HOUR_US == 0 for t in times_us)


def _revlog_decks(deck_ids: Sequence[str] | None) -> tuple[str, list[object]]:
    """A condition (leading " AND") keeping answers to cards of ``deck_ids`` (``None``:
    every answer in the log)."""
    if deck_ids is None:
        return "", []
    return (
        # "+card_id": the time index leads; the cards' ids are looked up as a set.
        f" AND +card_id IN (SELECT id FROM cards WHERE deck_id IN ({marks(deck_ids)}))",
        list(deck_ids),
    )


def _curve_values(curves: Mapping[str, Sequence[float]]) -> tuple[str, list[object]]:
    """The rows of a ``VALUES`` list of (deck id, *numbers) with their parameters; a row
    that matches no deck when ``curves`` is empty."""
    if not curves:
        return "(NULL, 0, 0, 0)", []
    width = 1 + len(next(iter(curves.values())))
    row = "(" + ", ".join("?" * width) + ")"
    params: list[object] = []
    for deck_id, numbers in curves.items():
        params += [deck_id, *numbers]
    return ", ".join([row] * len(curves)), params


class Statistics(StoreBase):
    """Figures by deck and period."""

    def review_count(self, deck_ids: Sequence[str] | None = None) -> int:
        """Answers in the log (what the per-card counts add up to), of the cards of
        ``deck_ids`` (``None``: all)."""
        decks = "" if deck_ids is None else f" WHERE deck_id IN ({marks(deck_ids)})"
        row = self._conn.execute(
            f"SELECT TOTAL(reviews) FROM cards{decks}", (*(deck_ids or ()),)
        ).fetchone()
        return int(row[0])

    def reviews_per_bucket(
        self, starts: Sequence[datetime], *, mature_only: bool = False
    ) -> list[tuple[int, int, float]]:
        """Per bucket of answer times (``starts[i]`` to ``starts[i + 1]``, the last open
        above): answers, answers other than Again, and seconds taken. ``mature_only``:
        only reviews of cards in review with a scheduled interval of at least 21 days."""
        bounds = [to_us(s) for s in starts]
        expression, params = _bucket("time_us", bounds)
        mature = (
            f" AND state_before = {Phase.REVIEW} "
            f"AND due_before_us - last_review_before_us >= {MATURE_US}"
            if mature_only
            else ""
        )
        rows = self._conn.execute(
            f"SELECT {expression} AS bucket, COUNT(*), TOTAL(rating != 1), "
            f"TOTAL(duration_ms) FROM revlog WHERE time_us >= ?{mature} GROUP BY bucket",
            (*params, bounds[0]),
        )
        out = [(0, 0, 0.0)] * len(bounds)
        for bucket, answers, passed, ms in rows:
            out[bucket] = (int(answers), int(passed), ms / 1000)
        return out

    def due_per_bucket(
        self, starts: Sequence[datetime], end: datetime, deck_ids: Sequence[str] | None = None
    ) -> list[int]:
        """Active studied cards (of ``deck_ids``, ``None``: all) due per bucket
        (``starts[i]`` to ``starts[i + 1]``, the last up to ``end``); cards due before
        ``starts[0]`` count in the first."""
        bounds = [to_us(s) for s in starts]
        expression, params = _bucket("due_us", bounds)
        decks = "" if deck_ids is None else f" AND deck_id IN ({marks(deck_ids)})"
        rows = self._conn.execute(
            f"SELECT {expression} AS bucket, COUNT(*) FROM cards "
            f"WHERE state != 0 AND due_us < ? AND {ACTIVE}{decks} GROUP BY bucket",
            (*params, to_us(end), *(deck_ids or ())),
        )
        out = [0] * len(bounds)
        for bucket, count in rows:
            out[bucket] = int(count)
        return out

    def first_review_time(self, deck_ids: Sequence[str] | None) -> datetime | None:
        """When the first answer of the log (of the cards of ``deck_ids``) was given."""
        where, params = _revlog_decks(deck_ids)
        row = self._conn.execute(
            f"SELECT time_us FROM revlog WHERE 1{where} ORDER BY time_us LIMIT 1", params
        ).fetchone()
        return None if row is None else from_us(row[0])

    def answer_breakdown(
        self, deck_ids: Sequence[str] | None, starts: Sequence[datetime]
    ) -> list[tuple[int, int, int, int, float]]:
        """Answers since ``starts[0]`` grouped by (time bucket ``i``: ``starts[i] <=
        time``, the last open above; kind; rating): rows of (bucket, kind, rating,
        answers, seconds). Kinds are Anki's revlog types split by maturity: 0 learning (the
        card was new or learning), 1 young review, 2 mature review (in review with a
        scheduled interval of at least 21 days), 3 relearning."""
        bounds = [to_us(s) for s in starts]
        if deck_ids is None and _whole_hours(*bounds):  # the log's summary (schema v11)
            expression, params = _bucket("hour", [b // _HOUR_US for b in bounds])
            rows = self._conn.execute(
                f"SELECT {expression} AS bucket, kind, rating, SUM(answers), SUM(ms) "
                f"FROM revlog_hours WHERE hour >= ? GROUP BY bucket, kind, rating",
                (*params, bounds[0] // _HOUR_US),
            )
            return [(int(b), int(k), int(r), int(n), ms / 1000) for b, k, r, n, ms in rows]
        expression, params = _bucket("time_us", bounds)
        where, deck_params = _revlog_decks(deck_ids)
        rows = self._conn.execute(
            f"SELECT {expression} AS bucket, CASE state_before WHEN {Phase.REVIEW:d} THEN "
            f"(CASE WHEN due_before_us - last_review_before_us >= {MATURE_US} THEN 2 "
            f"ELSE 1 END) WHEN {Phase.RELEARNING:d} THEN 3 ELSE 0 END AS kind, rating, "
            f"COUNT(*), TOTAL(duration_ms) FROM revlog WHERE time_us >= ?{where} "
            f"GROUP BY bucket, kind, rating",
            (*params, bounds[0], *deck_params),
        )
        return [(int(b), int(k), int(r), int(n), ms / 1000) for b, k, r, n, ms in rows]

    def answers_per_hour_since(
        self, deck_ids: Sequence[str] | None, since: datetime, mature_since: datetime
    ) -> list[tuple[int, int, float, int, int]]:
        """Answers from ``since`` per whole hour after it: (hour index, answers, seconds,
        mature reviews, those not Again), the mature ones counted from ``mature_since``
        only (a mature review: of a card in review with a scheduled interval of at least
        21 days). Hours, not days: study days change length with daylight saving; the
        caller maps hours to its days."""
        start = to_us(since)
        later = to_us(mature_since)
        if deck_ids is None and _whole_hours(start, later):  # the log's summary (schema v11)
            first, mature_hour = start // _HOUR_US, later // _HOUR_US
            rows = self._conn.execute(
                "SELECT hour - ? AS h, SUM(answers), SUM(ms), "
                "SUM(CASE WHEN hour >= ? AND kind = 2 THEN answers ELSE 0 END), "
                "SUM(CASE WHEN hour >= ? AND kind = 2 AND rating != 1 THEN answers ELSE 0 END) "
                "FROM revlog_hours WHERE hour >= ? GROUP BY h",
                (first, mature_hour, mature_hour, first),
            )
            return [(int(h), int(n), ms / 1000, int(m), int(k)) for h, n, ms, m, k in rows]
        where, params = _revlog_decks(deck_ids)
        mature = (
            f"(CASE WHEN time_us >= ? THEN state_before = {Phase.REVIEW:d} "
            f"AND due_before_us - last_review_before_us >= {MATURE_US} END)"
        )
        rows = self._conn.execute(
            f"SELECT (time_us - ?) / 3600000000 AS h, COUNT(*), TOTAL(duration_ms), "
            f"TOTAL({mature}), TOTAL({mature} AND rating != 1) FROM revlog "
            f"WHERE time_us >= ?{where} GROUP BY h",
            (start, later, later, start, *params),
        )
        return [(int(h), int(n), ms / 1000, int(m), int(k)) for h, n, ms, m, k in rows]

    def answers_per_hour(
        self, deck_ids: Sequence[str] | None, since: datetime, utc_offset: timedelta
    ) -> list[tuple[int, int, int]]:
        """Answers since ``since`` per hour of the day at ``utc_offset`` from UTC: (hour,
        answers, answers other than Again)."""
        shift = int(utc_offset.total_seconds() * 1_000_000)
        start = to_us(since)
        if deck_ids is None and _whole_hours(shift, start):  # the log's summary (schema v11)
            rows = self._conn.execute(
                "SELECT (hour + ?) % 24 AS h, SUM(answers), "
                "SUM(CASE WHEN rating != 1 THEN answers ELSE 0 END) "
                "FROM revlog_hours WHERE hour >= ? GROUP BY h",
                (shift // _HOUR_US, start // _HOUR_US),
            )
            return [(int(h) % 24, int(n), int(p)) for h, n, p in rows]
        where, params = _revlog_decks(deck_ids)
        rows = self._conn.execute(
            f"SELECT ((time_us + ?) / 3600000000) % 24 AS hour, COUNT(*), TOTAL(rating != 1) "
            f"FROM revlog WHERE time_us >= ?{where} GROUP BY hour",
            (shift, start, *params),
        )
        return [(int(h) % 24, int(n), int(p)) for h, n, p in rows]

    def card_state_counts(self, deck_ids: Sequence[str], now: datetime) -> dict[str, int]:
        """Present cards of ``deck_ids`` by Anki's card-count categories: new, learning,
        relearning, young, mature (review cards with an interval of at least 21 days),
        suspended and buried (hidden until after ``now``); each card counts once."""
        rows = self._conn.execute(
            f"SELECT CASE WHEN suspended = 1 THEN 'suspended' "
            f"WHEN buried_until_us > ? THEN 'buried' WHEN state = 0 THEN 'new' "
            f"WHEN state = 1 THEN 'learning' WHEN state = 3 THEN 'relearning' "
            f"WHEN due_us - last_review_us >= {MATURE_US} THEN 'mature' ELSE 'young' END "
            f"AS category, COUNT(*) FROM cards WHERE present = 1 "
            f"AND deck_id IN ({marks(deck_ids)}) GROUP BY category",
            (to_us(now), *deck_ids),
        )
        return {str(category): int(n) for category, n in rows}

    def memory_histogram(
        self,
        curves: Mapping[str, tuple[float, float]],
        now: datetime,
        interval_days: Sequence[float],
        stability_days: Sequence[float],
        difficulty: Sequence[float],
        retrievability: Sequence[float],
    ) -> list[tuple[int, int, int, int, int]]:
        """Studied present cards of the decks in ``curves`` (deck id -> FSRS's (factor,
        decay) of its preset) counted by (interval bucket, stability bucket, difficulty
        bucket, retrievability-now bucket): rows of those four indices and a count. Each
        sequence holds its buckets' lower bounds (the first is the floor, the last bucket
        open above). Intervals are due minus last review in days; retrievability is
        ``(1 + factor * t / stability) ** decay`` at whole days ``t`` since the last
        review."""
        ivl, ivl_params = _bucket("ivl", list(interval_days))
        stab, stab_params = _bucket("stability", list(stability_days))
        diff, diff_params = _bucket("difficulty", list(difficulty))
        ret, ret_params = _bucket("r", list(retrievability))
        values, value_params = _curve_values(curves)
        rows = self._conn.execute(
            f"WITH p (deck_id, factor, decay) AS (VALUES {values}) "
            f"SELECT {ivl}, {stab}, {diff}, {ret}, COUNT(*) FROM ("
            f"SELECT (c.due_us - c.last_review_us) / 86400000000.0 AS ivl, c.stability, "
            f"c.difficulty, pow(1 + p.factor * max(0, (? - c.last_review_us) / 86400000000) "
            f"/ c.stability, p.decay) AS r FROM p CROSS JOIN cards c ON c.deck_id = p.deck_id "
            f"WHERE c.present = 1 AND c.state != 0 AND c.stability > 0 "
            f"AND c.last_review_us IS NOT NULL AND c.difficulty IS NOT NULL) "
            f"GROUP BY 1, 2, 3, 4",
            (*value_params, *ivl_params, *stab_params, *diff_params, *ret_params, to_us(now)),
        )
        return [(int(a), int(b), int(c), int(d), int(n)) for a, b, c, d, n in rows]

    def concept_mastery(
        self,
        curves: Mapping[str, tuple[float, float, float]],
        now: datetime,
        horizon_days: int,
        concepts: Sequence[tuple[int, str]] = (),
    ) -> list[tuple[str, int, int, int, float, int]]:
        """Per concept of the present cards of the decks in ``curves`` (deck id -> FSRS's
        (factor, decay) and the desired retention of its preset): (concept, cards, studied
        cards, those recalled now with at least the desired retention, the sum of
        retrievabilities now, cards whose retrievability ``horizon_days`` from now is at
        least the desired retention). Retrievability as in :meth:`memory_histogram`; "at
        least the desired retention" is compared as days over stability against the
        curve's inverse at that retention (one power per card, not three).

        A card's concept is its stored text's (``card_text``), or the one ``concepts``
        gives for its id (card id, concept): the cards of decks whose stored text is not
        of the deck as loaded, read in place through a temporary table of this
        connection, so that statistics never wait for Browse's text to be written."""
        text = "JOIN card_text t ON t.card_id = c.id"
        concept = "t.concept"
        if concepts:
            conn = self._conn
            conn.execute(
                "CREATE TEMP TABLE IF NOT EXISTS stats_concepts "
                "(card_id INTEGER PRIMARY KEY, concept TEXT NOT NULL)"
            )
            conn.execute("DELETE FROM temp.stats_concepts")
            conn.executemany("INSERT INTO temp.stats_concepts VALUES (?, ?)", concepts)
            text = (
                "LEFT JOIN temp.stats_concepts o ON o.card_id = c.id "
                "LEFT JOIN card_text t ON t.card_id = c.id AND o.card_id IS NULL"
            )
            concept = "COALESCE(o.concept, t.concept)"
        limits = {
            deck: (factor, decay, (wanted ** (1 / decay) - 1) / factor)
            for deck, (factor, decay, wanted) in curves.items()
        }
        values, value_params = _curve_values(limits)
        rows = self._conn.execute(
            f"""
            WITH p (deck_id, factor, decay, reach) AS (VALUES {values})
            SELECT concept, COUNT(*), TOTAL(studied), TOTAL(studied AND ratio <= reach),
                   TOTAL(CASE WHEN studied THEN pow(1 + factor * ratio, decay) END),
                   TOTAL(studied AND ratio + ? / stability <= reach) FROM (
                SELECT {concept} AS concept, p.factor AS factor, p.decay AS decay,
                       p.reach AS reach, c.stability AS stability,
                       (c.state != 0 AND c.stability > 0
                        AND c.last_review_us IS NOT NULL) AS studied,
                       max(0, (? - c.last_review_us) / 86400000000) / c.stability AS ratio
                FROM p CROSS JOIN cards c ON c.deck_id = p.deck_id
                {text} WHERE c.present = 1)
            WHERE concept IS NOT NULL GROUP BY concept ORDER BY concept
            """,
            (*value_params, float(horizon_days), to_us(now)),
        )
        return [(c, int(n), int(s), int(k), float(r), int(m)) for c, n, s, k, r, m in rows]

    def answers_by_card(self, deck_ids: Sequence[str]) -> list[tuple[int, int, int, int]]:
        """Every answer to the cards of ``deck_ids`` as (card id, time in microseconds,
        rating, phase before), in the log's order (no sort: the caller groups them by
        card): the history the optimiser fits FSRS to."""
        rows = self._conn.execute(
            # "+card_id": one scan of the log with the cards' ids as a set, not a lookup
            # in the log's card index per card (four times slower for millions).
            f"SELECT card_id, time_us, rating, state_before FROM revlog WHERE +card_id IN "
            f"(SELECT id FROM cards WHERE deck_id IN ({marks(deck_ids)}))",
            tuple(deck_ids),
        )
        return rows.fetchall()

    def memory_states(
        self, deck_ids: Sequence[str]
    ) -> tuple[list[tuple[float, float, int, int]], int]:
        """The active present cards of ``deck_ids``: the studied ones as (stability,
        difficulty, last review and due in microseconds), and how many are new."""
        rows = self._conn.execute(
            f"SELECT state, stability, difficulty, last_review_us, due_us FROM cards "
            f"WHERE {ACTIVE} AND deck_id IN ({marks(deck_ids)})",
            tuple(deck_ids),
        )
        studied, new = [], 0
        for state, stability, difficulty, last, due in rows:
            if state == Phase.NEW or not stability or last is None or due is None:
                new += 1
            else:
                studied.append((float(stability), float(difficulty or 5.0), int(last), int(due)))
        return studied, new

    def answer_times(self, deck_ids: Sequence[str]) -> dict[str, tuple[int, float]]:
        """Answers to the cards of ``deck_ids`` and their seconds, by kind: "learning"
        (new or learning before), "pass" (a review not Again), "fail" (a review answered
        Again) and "relearning"."""
        rows = self._conn.execute(
            f"SELECT CASE WHEN state_before = {Phase.RELEARNING:d} THEN 'relearning' "
            f"WHEN state_before != {Phase.REVIEW:d} THEN 'learning' "
            f"WHEN rating = 1 THEN 'fail' ELSE 'pass' END AS kind, COUNT(*), "
            f"TOTAL(duration_ms) FROM revlog WHERE card_id IN (SELECT id FROM cards "
            f"WHERE deck_id IN ({marks(deck_ids)})) GROUP BY kind",
            tuple(deck_ids),
        )
        return {str(kind): (int(n), ms / 1000) for kind, n, ms in rows}
