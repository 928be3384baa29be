"""A review history drawn from known FSRS parameters, written into Rapport's database and
into a collection of Anki's own library alike (the optimiser's comparison with Anki).

Each card is learnt on its day (Again or Hard: one more learning step the same day), then
reviewed at the interval FSRS gives for 90 % retention, stretched or shortened at random
so that many intervals are seen; whether it is recalled is drawn from the retrievability
of the known parameters, and a lapse is relearnt the same day. Answers fall between
10:00 and 14:00 UTC, far from any time zone's day boundary.
"""

from __future__ import annotations

import random
import sqlite3
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

DAY_US = 86_400_000_000

# Known parameters, well away from FSRS-6's defaults (within its bounds).
TRUE_PARAMETERS = (
    0.8, 2.5, 6.0, 20.0, 6.0, 0.6, 2.2, 0.02, 1.6, 0.25, 1.1, 1.6, 0.08, 0.35, 1.3,
    0.4, 2.2, 0.6, 0.2, 0.1, 0.35,
)  # fmt: skip


@dataclass(frozen=True, slots=True)
class Answer:
    """One answer: its time (microseconds, UTC), rating and the phase before (Rapport's
    numbers: 0 new, 1 learning, 2 review, 3 relearning)."""

    time_us: int
    rating: int
    phase: int


def simulate(
    cards: int,
    days: int,
    start: datetime,
    seed: int = 5,
    parameters: tuple[float, ...] = TRUE_PARAMETERS,
) -> list[list[Answer]]:
    """Each card's answers over ``days`` from ``start`` (cards spread over the first
    two thirds of the span)."""
    import fsrs_rs_python as fr

    rng = random.Random(seed)
    model = fr.FSRS(list(parameters))
    decay = -parameters[20]
    factor = 0.9 ** (1 / decay) - 1
    start_us = round(start.timestamp() * 1_000_000)
    out = []
    used: set[int] = set()  # distinct milliseconds: Anki's review ids are their times
    for index in range(cards):
        day = index * (2 * days // 3) // cards
        answers: list[Answer] = []

        def at(d: int) -> int:
            ms = (start_us + d * DAY_US) // 1000 + rng.randrange(10 * 3600, 14 * 3600) * 1000
            while ms in used or ms + 600_000 in used:
                ms += 1
            used.update((ms, ms + 600_000))
            return ms * 1000

        first = rng.choices((1, 2, 3, 4), (0.25, 0.15, 0.5, 0.1))[0]
        t = at(day)
        answers.append(Answer(t, first, 0))
        state = getattr(
            model.next_states(None, 0.9, 0), ("again", "hard", "good", "easy")[first - 1]
        ).memory
        if first <= 2:
            answers.append(Answer(t + 600_000_000, 3, 1))
            state = model.next_states(state, 0.9, 0).good.memory
        last = day
        while True:
            interval = model.next_interval(state.stability, 0.9, 3)
            interval = max(1, round(interval * rng.uniform(0.5, 1.8)))
            day = last + interval
            if day >= days:
                break
            retrievability = (1 + factor * interval / state.stability) ** decay
            recalled = rng.random() < retrievability
            rating = rng.choices((2, 3, 4), (0.15, 0.7, 0.15))[0] if recalled else 1
            t = at(day)
            answers.append(Answer(t, rating, 2))
            nexts = model.next_states(state, 0.9, interval)
            state = getattr(nexts, ("again", "hard", "good", "easy")[rating - 1]).memory
            if rating == 1:
                answers.append(Answer(t + 600_000_000, 3, 3))
                state = model.next_states(state, 0.9, 0).good.memory
            last = day
        out.append(answers)
    return out


def write_rapport(database: Path, card_ids: list[int], history: list[list[Answer]]) -> None:
    """Put ``history[i]`` into Rapport's log for card ``card_ids[i]`` (the database
    closed), as answers recorded in time order would leave it."""
    rows = []
    for card_id, answers in zip(card_ids, history, strict=True):
        for answer in answers:
            rows.append((card_id, answer.time_us, answer.rating, 5000, answer.phase))
    rows.sort(key=lambda row: row[1])
    conn = sqlite3.connect(database)
    with conn:
        conn.executemany(
            "INSERT INTO revlog (card_id, time_us, rating, duration_ms, state_before, "
            "state_after) VALUES (?, ?, ?, ?, ?, 2)",
            rows,
        )
        conn.execute(
            "UPDATE cards SET reviews = r.n, state = 2, stability = 10, difficulty = 5, "
            "last_review_us = r.t, due_us = r.t + 864000000000 FROM (SELECT card_id, "
            "COUNT(*) AS n, MAX(time_us) AS t FROM revlog GROUP BY card_id) AS r "
            "WHERE r.card_id = cards.id"
        )
    conn.close()


def write_anki(path: Path, decks: dict[str, list[list[Answer]]]) -> None:
    """A collection of Anki's library with one deck per name of ``decks``, a Basic card
    per history, and the answers in its review log (Anki's types: learn, review,
    relearn)."""
    from anki.collection import Collection as AnkiCollection

    col = AnkiCollection(str(path))
    basic = col.models.by_name("Basic")
    assert basic is not None
    kinds = {0: 0, 1: 0, 2: 1, 3: 2}
    revlog = []
    for name, histories in decks.items():
        did = col.decks.id(name)
        assert did is not None
        for i, answers in enumerate(histories):
            note = col.new_note(basic)
            note["Front"], note["Back"] = f"{name} {i}", "answer"
            col.add_note(note, did)
            card_id = note.cards()[0].id
            for a in answers:
                revlog.append((a.time_us // 1000, card_id, a.rating, 1, 0, 0, 5000, kinds[a.phase]))
    col.close(downgrade=False)
    conn = sqlite3.connect(path)
    with conn:
        conn.executemany(
            "INSERT INTO revlog (id, cid, usn, ease, ivl, lastIvl, factor, time, type) "
            "VALUES (?, ?, -1, ?, ?, ?, ?, ?, ?)",
            revlog,
        )
    conn.close()
