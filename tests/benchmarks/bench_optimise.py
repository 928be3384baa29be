"""One optimisation of FSRS's parameters at the heavy user's scale (200,000 cards,
2,000,000 reviews), Rapport's (``rapport.study.optimize``: the history read, the items
built, the fit with fsrs-rs-python and both evaluations) beside Anki's library's own
``compute_fsrs_params`` on the same history (it reads, builds, fits and evaluates alike).

Run by ``make bench SCALE=1`` after the other heavy benchmarks, or alone:
``python tests/benchmarks/bench_optimise.py``. Each side runs once in its own process
(a fit takes minutes), one after the other, so they never share the machine's cores.
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).parent
sys.path.insert(0, str(HERE))

import scale  # noqa: E402
from common import Figure, Row, table  # noqa: E402

CARDS, REVIEWS = scale.SIZES[-1]


def ours(data_dir: Path) -> dict[str, float]:
    from datetime import UTC, datetime

    from rapport.content.loading.cache import load_decks_cached
    from rapport.paths import deck_folders
    from rapport.study import Collection
    from rapport.study.optimize import Optimised
    from rapport.study.settings import DEFAULT_PRESET

    decks = load_decks_cached(deck_folders(data_dir), data_dir).decks
    now = scale.NOW
    collection = Collection.open(data_dir, decks, now, lock=False)
    try:
        start = time.perf_counter()
        result = collection.optimiser(DEFAULT_PRESET, now)(collection.store, None)
        took = time.perf_counter() - start
    finally:
        collection.close(datetime.now(UTC))
    assert isinstance(result, Optimised)
    return {
        "seconds": took,
        "reviews": result.reviews,
        "items": result.items,
        "log_loss": result.fitted.log_loss,
    }


def theirs(anki: Path) -> dict[str, float]:
    from anki.collection import Collection as AnkiCollection

    from rapport.study.optimize import default_parameters

    col = AnkiCollection(str(anki))
    try:
        start = time.perf_counter()
        response = col._backend.compute_fsrs_params(
            search="",
            current_params=list(default_parameters()),
            ignore_revlogs_before_ms=0,
            num_of_relearning_steps=1,
            health_check=False,
        )
        took = time.perf_counter() - start
    finally:
        col.close(downgrade=False)
    return {"seconds": took, "items": response.fsrs_items}


def _child(which: str, path: Path) -> dict[str, float]:
    done = subprocess.run(
        [sys.executable, __file__, which, str(path)],
        capture_output=True,
        text=True,
        timeout=3 * 3600,
        check=False,
    )
    if done.returncode != 0:
        raise RuntimeError(f"{which} optimisation failed: {done.stderr[-3000:]}")
    result: dict[str, float] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def run() -> list[Row]:
    folder = scale.fixture(CARDS, REVIEWS)
    data_dir, anki = folder / "data", folder / "anki" / "collection.anki2"
    scale.settle(data_dir)
    mine = _child("ours", data_dir)
    anki_side = _child("theirs", anki)
    return [
        Row(
            f"optimise FSRS parameters, {CARDS:,} cards",
            Figure(mine["seconds"], mine["seconds"], mine["seconds"]),
            Figure(anki_side["seconds"], anki_side["seconds"], anki_side["seconds"]),
            "s",
            1.5,
            f"{mine['reviews']:,.0f} reviews, {mine['items']:,.0f} items (Anki "
            f"{anki_side['items']:,.0f}); vs Anki's compute_fsrs_params, one run each",
        )
    ]


if __name__ == "__main__":
    if len(sys.argv) == 3:
        side = ours if sys.argv[1] == "ours" else theirs
        print(json.dumps(side(Path(sys.argv[2]))))
    else:
        print(table(run()))
