"""Backups at 50,000 cards and a year's review history: time and size (issue 16).

A backup (:func:`rapport.store.backups.make_backup`) checks the database in full, copies
its tables in one read transaction, checks the copy in full (``integrity_check`` and the
content checks), compresses it with zstandard and flushes it to disk, in a background
thread while the trainee studies. Its size is set against the database's (target: at most
half); its time against a bare online backup of the same file to an uncompressed copy,
flushed (what every backup cost before, on the answer path), measured interleaved in the
same run. The time has no target: it is off the answer path; the figure says what a close
costs.

The collection is bench_answer's (ten decks of 5,000 basic cards, 80% in review) with
REVIEWS answers written into its review log. Run as a script to print the table."""

from __future__ import annotations

import os
import random
import sqlite3
import tempfile
import time
from datetime import timedelta
from pathlib import Path

from bench_answer import NOW, STUDIED_SHARE, _seed_history, synthetic_decks
from common import Figure, Row, table

from rapport.store.backups import make_backup
from rapport.study import Collection

REVIEWS = 300_000
RUNS = 5


def _seed_reviews(path: Path, count: int, seed: int = 11) -> None:
    """A review log of ``count`` answers over the past year (written straight into the
    benchmark's own file, to build the fixture fast)."""
    rng = random.Random(seed)
    conn = sqlite3.connect(path)
    ids = [row[0] for row in conn.execute("SELECT id FROM cards ORDER BY id")]
    now_us = int(NOW.timestamp() * 1_000_000)
    day_us = 86_400 * 1_000_000
    rows = []
    # Answers are logged as they are given: times rise with the log's ids.
    times = sorted(now_us - rng.randrange(365 * day_us) for _ in range(count))
    for time_us in times:
        stability = rng.uniform(1, 120)
        rows.append(
            (
                rng.choice(ids),
                time_us,
                rng.choice((1, 3, 3, 3, 4)),
                rng.randrange(2000, 30000),
                2,
                stability,
                rng.uniform(2, 9),
                time_us + rng.randrange(30 * day_us),
                time_us - rng.randrange(30 * day_us),
                2,
                stability * 1.5,
                rng.uniform(2, 9),
                time_us + rng.randrange(60 * day_us),
                time_us,
            )
        )
    with conn:
        conn.executemany(
            "INSERT INTO revlog (card_id, time_us, rating, duration_ms, state_before, "
            "stability_before, difficulty_before, due_before_us, last_review_before_us, "
            "state_after, stability_after, difficulty_after, due_after_us, "
            "last_review_after_us) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            rows,
        )
    conn.close()


def _bare_copy(database: Path, target: Path) -> None:
    """What a backup was before: an online backup to a plain file, flushed."""
    source = sqlite3.connect(database)
    dest = sqlite3.connect(target)
    source.backup(dest)
    dest.close()
    source.close()
    with open(target, "rb") as handle:
        os.fsync(handle.fileno())


def measure(runs: int = RUNS) -> dict[str, float]:
    with tempfile.TemporaryDirectory(dir=Path.home() if Path.home().is_dir() else None) as tmp:
        folder = Path(tmp)
        data_dir = folder / "data"
        decks = synthetic_decks()
        Collection.open(data_dir, decks, NOW).close(NOW)
        database = data_dir / "collection.sqlite3"
        _seed_history(database, STUDIED_SHARE)
        _seed_reviews(database, REVIEWS)
        ours: list[float] = []
        bare: list[float] = []
        size = 0
        for i in range(runs):
            start = time.perf_counter()
            made = make_backup(database, data_dir, NOW + timedelta(minutes=i))
            ours.append(time.perf_counter() - start)
            size = made.stat().st_size
            copy = folder / "bare.sqlite3"
            start = time.perf_counter()
            _bare_copy(database, copy)
            bare.append(time.perf_counter() - start)
            copy.unlink()
        return {
            "db_bytes": database.stat().st_size,
            "backup_bytes": size,
            "ours_median": sorted(ours)[len(ours) // 2],
            "ours_low": min(ours),
            "ours_high": max(ours),
            "bare_median": sorted(bare)[len(bare) // 2],
            "bare_low": min(bare),
            "bare_high": max(bare),
        }


def run(runs: int = RUNS) -> list[Row]:
    """The figures as rows of the shared benchmark table."""
    f = measure(runs)
    mib = 1024 * 1024
    db, backup = f["db_bytes"] / mib, f["backup_bytes"] / mib
    cards = f"{len(synthetic_decks()) * 5000:,} cards, {REVIEWS:,} reviews"
    return [
        Row(
            f"backup size, {cards}",
            Figure(backup, backup, backup),
            Figure(db, db, db),
            "MiB",
            0.5,
            "vs the database's size; zstd level 6",
        ),
        Row(
            f"backup time, {cards}",
            Figure(f["ours_median"], f["ours_low"], f["ours_high"]),
            Figure(f["bare_median"], f["bare_low"], f["bare_high"]),
            "s",
            None,
            "integrity_check + table copy + its check + zstd + fsync, in a background thread; "
            "vs a bare uncompressed online backup (the old backup, on the answer path)",
        ),
    ]


if __name__ == "__main__":
    print(table(run()))
