"""From an answer to the next card being ready, at 50,000 cards.

Measures ``ReviewSession.answer`` (FSRS review plus one durable commit) followed by
``next_card`` and ``remaining`` (what the reviewer needs to show the next card and its
counts), against a baseline measured in the same run on the same disk: one bare SQLite
commit (WAL, ``synchronous=FULL``, one-row update) plus one bare ``fsrs`` review.
Targets: median ratio at most 3, p99 under 16 ms. As in the reviewer, the deck of the card
on screen is readied (:meth:`Collection.prepare`) while the card shows, outside the timing.

The collection is built in code: ten decks of 5,000 basic cards, 40,000 of them already
in review with due dates spread from 10 days overdue to 60 days ahead. Nothing is stored
in the repository. Run as a script to print the table; :func:`measure` returns the
figures for ``tests/benchmarks/run.py``.
"""

from __future__ import annotations

import random
import sqlite3
import statistics
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import fsrs
from common import Figure, Row, table

from rapport.content import BasicNote, Deck, Essay, Source
from rapport.study import Collection, Rating, Settings

CARDS = 50_000
DECKS = 10
STUDIED_SHARE = 0.8
NOW = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)
ESSAY = Essay(Path("essay.txt"), ("The alliance has goals, tasks and a bond.",))
SOURCE = Source(1, "The alliance")


def synthetic_decks(cards: int = CARDS, decks: int = DECKS) -> list[Deck]:
    """``decks`` decks of basic notes, ``cards`` cards in all, built in memory."""
    per_deck = cards // decks
    return [
        Deck(
            id=f"bench-{d}",
            name=f"Benchmark deck {d}",
            description="",
            path=Path(f"bench-{d}.toml"),
            sources=(ESSAY,),
            summaries={},
            notes=tuple(
                BasicNote(
                    id=f"note-{n}",
                    concept=f"concept-{n % 12}",
                    tags=(),
                    source=SOURCE,
                    extension=False,
                    html=False,
                    extra="",
                    front=f"Question {d}-{n}?",
                    back=f"Answer {d}-{n}.",
                )
                for n in range(per_deck)
            ),
        )
        for d in range(decks)
    ]


def _seed_history(path: Path, share: float, seed: int = 7) -> None:
    """Put a share of the cards in review with spread due dates, as years of use would.

    Written straight into the benchmark's own database file to build the fixture fast;
    the measured code path goes through the public API only.
    """
    rng = random.Random(seed)
    conn = sqlite3.connect(path)
    now_us = int(NOW.timestamp() * 1_000_000)
    day_us = 86_400 * 1_000_000
    ids = [row[0] for row in conn.execute("SELECT id FROM cards ORDER BY id")]
    rows = []
    for card_id in rng.sample(ids, int(len(ids) * share)):
        interval = rng.uniform(1, 90)
        due = now_us + int(rng.uniform(-10, 60) * day_us)
        rows.append(
            (rng.uniform(1, 120), rng.uniform(2, 9), due, due - int(interval * day_us), card_id)
        )
    with conn:
        conn.executemany(
            "UPDATE cards SET state = 2, stability = ?, difficulty = ?, due_us = ?, "
            "last_review_us = ? WHERE id = ?",
            rows,
        )
    conn.close()


def _percentile(samples: list[float], share: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


class _Baseline:
    """One bare SQLite commit (same journal and sync settings) plus one fsrs review."""

    def __init__(self, folder: Path) -> None:
        self.conn = sqlite3.connect(folder / "bare.sqlite3", isolation_level=None)
        self.conn.execute("PRAGMA journal_mode = WAL")
        self.conn.execute("PRAGMA synchronous = FULL")
        self.conn.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, x INTEGER)")
        self.conn.execute("INSERT INTO t VALUES (1, 0)")
        self.scheduler = fsrs.Scheduler(enable_fuzzing=False)
        self.card = fsrs.Card(card_id=1, due=NOW)

    def step(self, i: int, now: datetime) -> float:
        start = time.perf_counter()
        self.card, _ = self.scheduler.review_card(self.card, fsrs.Rating(1 + i % 4), now)
        self.conn.execute("BEGIN IMMEDIATE")
        self.conn.execute("UPDATE t SET x = x + 1 WHERE id = 1")
        self.conn.execute("COMMIT")
        return time.perf_counter() - start

    def close(self) -> None:
        self.conn.close()


def measure(answers: int = 1000) -> dict[str, float]:
    """The figures in seconds: median and p99 of answer-to-next-card, of the baseline,
    and the ratio of the medians.

    Our step and the baseline step alternate, so that both meet the same disk weather
    (fsync times on shared machines drift by several times within a minute).
    """
    with tempfile.TemporaryDirectory(dir=Path.home() if Path.home().is_dir() else None) as tmp:
        folder = Path(tmp)
        data_dir = folder / "data"
        decks = synthetic_decks()
        Collection.open(data_dir, decks, NOW).close(NOW)
        _seed_history(data_dir / "collection.sqlite3", STUDIED_SHARE)
        collection = Collection.open(data_dir, decks, NOW, tz=UTC)
        collection.save_settings(Settings(fuzz=False, new_per_day=1000, reviews_per_day=10_000))
        session = collection.session(None, NOW)
        baseline = _Baseline(folder)
        ours: list[float] = []
        bare: list[float] = []
        now = NOW
        card = session.next_card(now)
        try:
            for i in range(answers):
                assert card is not None
                # What the reviewer does while the card is on screen (ReviewView._prepare).
                collection.prepare(card.deck_id)
                bare.append(baseline.step(i, now))
                start = time.perf_counter()
                session.answer(card, Rating(1 + i % 4), now, timedelta(seconds=5))
                card = session.next_card(now)
                session.remaining(now)
                ours.append(time.perf_counter() - start)
                now += timedelta(seconds=5)
        finally:
            baseline.close()
            collection.close(now)
    median, base = statistics.median(ours), statistics.median(bare)
    return {
        "cards": CARDS,
        "answers": answers,
        "median_s": median,
        "p99_s": _percentile(ours, 0.99),
        "max_s": max(ours),
        "baseline_median_s": base,
        "baseline_p99_s": _percentile(bare, 0.99),
        "ratio": median / base,
    }


def run(answers: int = 1000) -> list[Row]:
    """The figures as rows of the shared benchmark table."""
    figures = measure(answers)
    ms = 1000.0
    value = Figure(figures["median_s"] * ms, figures["median_s"] * ms, figures["p99_s"] * ms)
    baseline = Figure(
        figures["baseline_median_s"] * ms,
        figures["baseline_median_s"] * ms,
        figures["baseline_p99_s"] * ms,
    )
    p99_ok = figures["p99_s"] < 0.016
    note = f"p99 {figures['p99_s'] * ms:.2f} ms ({'ok' if p99_ok else 'MISSED'} < 16 ms)"
    return [
        Row(
            f"answer -> next card, {CARDS:,} cards",
            value,
            baseline,
            "ms",
            3.0,
            note + "; vs bare commit + fsrs review; (median-p99)",
        )
    ]


if __name__ == "__main__":
    print(table(run()))
