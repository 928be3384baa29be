"""The heavy user's collections for ``make bench SCALE=1``: built once, cached outside the repo.

``fixture(cards, reviews)`` returns a folder holding

* ``data/``: Rapport's data folder: in ``data/decks`` (the trainee's own decks) deck files
  with ``cards`` cards of every kind (``generate.py``), beside the shipped decks; the
  cards synced and ``reviews`` answers of history spread over three years (most cards
  studied, some lapsed, due dates from ten days overdue to two months ahead), and the
  deck cache of a returning start;
* ``anki/collection.anki2``: the same notes, cards and review history in a collection made
  by Anki's own library (the ``anki`` package), for the same operations to be timed there.

Building one takes a minute or two (200,000 cards: about three); it is kept in
``$RAPPORT_BENCH_CACHE`` (default ``~/.cache/rapport-bench``) under a name that changes
with this module's format, so later runs reuse it. Benchmarks that write copy it first.
Run as a script to build them: ``python tests/benchmarks/scale.py 50000 1000000``.
"""

from __future__ import annotations

import hashlib
import os
import random
import shutil
import sqlite3
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

sys.path.insert(0, str(Path(__file__).parent))

from generate import write_collection

if TYPE_CHECKING:
    from collections.abc import Sequence

    from rapport.content.notes.model import Deck

FORMAT = 3
NOW = datetime(2026, 11, 1, 12, 0, tzinfo=UTC)
YEARS = 3
STUDIED_SHARE = 0.8
DAY_US = 86_400 * 1_000_000
SIZES = ((50_000, 1_000_000), (200_000, 2_000_000))


def cache_root() -> Path:
    return Path(os.environ.get("RAPPORT_BENCH_CACHE", Path.home() / ".cache" / "rapport-bench"))


def fixture(cards: int, reviews: int) -> Path:
    """The folder of the collection of ``cards`` cards and ``reviews`` answers (built once)."""
    folder = cache_root() / f"v{FORMAT}-{cards}-{reviews}"
    if (folder / "done").is_file():
        return folder
    if folder.exists():
        shutil.rmtree(folder)
    started = time.perf_counter()
    print(f"building the {cards:,}-card collection (once) in {folder} ...", file=sys.stderr)
    build(folder, cards, reviews)
    (folder / "done").write_text(f"{time.perf_counter() - started:.0f} s\n")
    return folder


def build(folder: Path, cards: int, reviews: int) -> None:
    from rapport.content.loading.cache import load_decks_cached
    from rapport.paths import deck_folders, user_decks_dir
    from rapport.study import Collection

    data_dir = folder / "data"
    write_collection(user_decks_dir(data_dir), cards)
    # As the app reads them (shipped decks too); this leaves the deck cache a returning
    # start finds.
    decks = load_decks_cached(deck_folders(data_dir), data_dir).decks
    Collection.open(data_dir, decks, NOW - timedelta(days=YEARS * 365)).close(NOW)
    plan = _history(data_dir / "collection.sqlite3", reviews)
    settle(data_dir)
    _anki(folder / "anki" / "collection.anki2", decks, plan)
    # The collection's own backups of its creation are not part of the fixture.
    shutil.rmtree(data_dir / "backups", ignore_errors=True)


def settle(data_dir: Path) -> None:
    """What the app does in its idle time after a start: store the cards' text."""
    from rapport.content.loading.cache import load_decks_cached
    from rapport.paths import deck_folders
    from rapport.study import Collection

    decks = load_decks_cached(deck_folders(data_dir), data_dir).decks
    collection = Collection.open(data_dir, decks, NOW)
    collection.refresh_text()
    collection.close(NOW)
    shutil.rmtree(data_dir / "backups", ignore_errors=True)


# One card's planned history: its answers (time in us, rating, interval in days before,
# state before) and its final state.
Plan = dict[int, list[tuple[int, int, float, int]]]


def _history(path: Path, reviews: int, seed: int = 16) -> Plan:
    """Write ``reviews`` answers into Rapport's database; the plan, for Anki's copy."""
    rng = random.Random(seed)
    conn = sqlite3.connect(path)
    ids = [row[0] for row in conn.execute("SELECT id FROM cards ORDER BY id")]
    studied = rng.sample(ids, int(len(ids) * STUDIED_SHARE))
    now_us = int(NOW.timestamp() * 1_000_000)
    span_ms = YEARS * 365 * 86_400_000
    # Distinct milliseconds (Anki's review ids are millisecond times).
    times = sorted(rng.sample(range(span_ms), reviews))
    owners = [studied[i % len(studied)] for i in range(reviews)]
    rng.shuffle(owners)
    plan: Plan = {}
    for ms, card_id in zip(times, owners, strict=True):
        plan.setdefault(card_id, []).append((now_us - span_ms * 1000 + ms * 1000, 0, 0.0, 0))
    rows = []
    states = []
    for card_id, answers in plan.items():
        interval = 0.0
        phase = 0
        stability, difficulty = 1.0, rng.uniform(3, 8)
        planned = []
        for i, (t_us, _, _, _) in enumerate(answers):
            rating = 1 if rng.random() < 0.1 else (3 if rng.random() < 0.85 else 4)
            before_phase = phase
            before_interval = interval
            if i == 0:
                phase, interval = 1, 1.0
            elif rating == 1:
                phase, interval = (3 if before_phase == 2 else before_phase), 1.0
            else:
                phase, interval = 2, min(365.0, max(1.0, interval * rng.uniform(1.8, 3.0)))
            stability = interval * 1.1
            rows.append(
                (
                    card_id,
                    t_us,
                    rating,
                    rng.randint(2000, 20000),
                    before_phase,
                    stability,
                    difficulty,
                    t_us if i else None,
                    (t_us - int(before_interval * DAY_US)) if i else None,
                    phase,
                    stability,
                    difficulty,
                    t_us + int(interval * DAY_US),
                    t_us,
                )
            )
            planned.append((t_us, rating, before_interval, before_phase))
        plan[card_id] = planned
        last = answers[-1][0]
        due = now_us + int(rng.uniform(-10, 60) * DAY_US)
        states.append((stability, difficulty, due, min(last, due - DAY_US), card_id))
    rows.sort(key=lambda row: row[1])  # the log is written as answers come: in time order
    with conn:
        conn.executemany(
            "INSERT INTO revlog (card_id, time_us, rating, duration_ms, state_before, "
            "stability_before, difficulty_before, due_before_us, last_review_before_us, "
            "state_after, stability_after, difficulty_after, due_after_us, "
            "last_review_after_us) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            rows,
        )
        conn.executemany(
            "UPDATE cards SET state = 2, stability = ?, difficulty = ?, due_us = ?, "
            "last_review_us = ? WHERE id = ?",
            states,
        )
        columns = {row[1] for row in conn.execute("PRAGMA table_info(cards)")}
        if "reviews" in columns:  # kept with each card since schema 4
            conn.execute(
                "UPDATE cards SET reviews = r.n, lapses = r.l FROM (SELECT card_id, COUNT(*) "
                "AS n, SUM(rating = 1 AND state_before = 2) AS l FROM revlog GROUP BY card_id) "
                "AS r WHERE r.card_id = cards.id"
            )
    conn.execute("VACUUM")
    conn.close()
    return plan


def _anki(path: Path, decks: Sequence[Deck], plan: Plan) -> None:
    """The same notes, cards and history in a collection made by Anki's library."""
    from anki.collection import Collection as AnkiCollection

    from rapport.content.notes.kinds import answer_of, question_of
    from rapport.content.notes.model import Card, ClozeNote, ReversedNote

    path.parent.mkdir(parents=True, exist_ok=True)
    col = AnkiCollection(str(path))
    basic = col.models.by_name("Basic")
    both = col.models.by_name("Basic (and reversed card)")
    cloze = col.models.by_name("Cloze")
    assert basic and both and cloze
    crt = col.crt
    now_s = int(NOW.timestamp())
    today = (now_s - crt) // 86_400
    notes, cards, revlog = [], [], []
    card_id = 0
    note_id = 1_500_000_000_000
    for deck in decks:
        did = col.decks.id(deck.name)
        by_note: dict[str, list[Card]] = {}
        for card in deck.cards():
            by_note.setdefault(card.note.id, []).append(card)
        for note in deck.notes:
            note_id += 1
            first = by_note[note.id][0]
            if isinstance(note, ClozeNote):
                model, fields = cloze, [note.text, ""]
            elif isinstance(note, ReversedNote):
                model, fields = both, [note.front, note.back]
            else:
                model, fields = basic, [question_of(first), answer_of(first)]
            flds = "\x1f".join(fields)
            csum = int(hashlib.sha1(fields[0].encode()).hexdigest()[:8], 16)
            guid = f"{deck.id}/{note.id}"
            tags = " " + " ".join(note.tags) + " "
            notes.append((note_id, guid, model["id"], now_s, -1, tags, flds, fields[0], csum))
            for card in by_note[note.id]:
                card_id += 1
                answers = plan.get(card_id, [])
                ordinal = card.ordinal
                if answers:
                    ivl = max(1, round(answers[-1][2] or 1))
                    lapses = sum(1 for a in answers if a[1] == 1 and a[3] == 2)
                    due = today + (card_id % 70) - 10
                    cards.append(
                        (card_id, note_id, did, ordinal, now_s, 2, 2, due, ivl, 2500,
                         len(answers), lapses)
                    )  # fmt: skip
                    for t_us, rating, before, phase in answers:
                        revlog.append(
                            (t_us // 1000, card_id, rating, max(1, round(before * 1.5)),
                             round(before), 2500, 8000, 0 if phase == 0 else 1)
                        )  # fmt: skip
                else:
                    cards.append((card_id, note_id, did, ordinal, now_s, 0, 0, card_id, 0, 0, 0, 0))
    col.close(downgrade=False)
    # Anki's own database interface takes each row through its backend, far too slowly
    # for millions: the rows go in through SQLite directly, as an importer's would.
    conn = sqlite3.connect(path)
    with conn:
        conn.executemany(
            "INSERT INTO notes (id, guid, mid, mod, usn, tags, flds, sfld, csum, flags, data) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 0, '')",
            notes,
        )
        conn.executemany(
            "INSERT INTO cards (id, nid, did, ord, mod, usn, type, queue, due, ivl, factor, "
            "reps, lapses, left, odue, odid, flags, data) "
            "VALUES (?, ?, ?, ?, ?, -1, ?, ?, ?, ?, ?, ?, ?, 0, 0, 0, 0, '')",
            cards,
        )
        conn.executemany(
            "INSERT INTO revlog (id, cid, usn, ease, ivl, lastIvl, factor, time, type) "
            "VALUES (?, ?, -1, ?, ?, ?, ?, ?, ?)",
            revlog,
        )
    conn.close()
    col = AnkiCollection(str(path))  # Anki opens it and sees every card
    found = len(col.find_cards(""))
    col.close(downgrade=False)
    if found != card_id:
        raise RuntimeError(f"Anki sees {found} cards of {card_id}")


if __name__ == "__main__":
    for found in (
        [fixture(int(sys.argv[1]), int(sys.argv[2]))]
        if len(sys.argv) > 2
        else [fixture(c, r) for c, r in SIZES]
    ):
        print(found)
