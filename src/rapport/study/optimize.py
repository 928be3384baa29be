"""Fit FSRS's parameters to the trainee's own history, as Anki's "Optimise" does, with
the Rust FSRS Anki runs (``fsrs-rs-python``), and evaluate a set of parameters ("Evaluate").

The history becomes FSRS items exactly as Anki builds them (``reviews_for_fsrs`` in
Anki's ``rslib/src/scheduler/fsrs/params.rs``): per card, its answers from the first
answer of its last run of learning answers (a card never in learning is left out); the
days between answers counted as Anki counts them, from the next day's start; one item
per answer after the first, holding every answer up to it, kept when it came at least a
day after the one before; items in the order of their last answer. A fit is kept only
when it is better than the current parameters on the same items: Anki's rule, a lower
RMSE (bins); otherwise the current parameters stay.
"""

from __future__ import annotations

import gc
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from operator import itemgetter
from pathlib import Path
from typing import TYPE_CHECKING, Any

import fsrs
import fsrs_rs_python as fr
from fsrs.scheduler import DEFAULT_PARAMETERS

from rapport.errors import RapportError
from rapport.store import Phase, Store

if TYPE_CHECKING:
    from rapport.store import Store

DAY_US = 86_400_000_000
# Anki refuses to optimise with fewer items; so does Rapport, saying why.
MIN_ITEMS = 8


class OptimizeError(RapportError):
    """The history cannot give parameters (too few reviews); the message says so."""


@dataclass(frozen=True, slots=True)
class Evaluation:
    """How well a set of parameters predicts the history: log loss and RMSE (bins)."""

    log_loss: float
    rmse: float
    parameters: tuple[float, ...]

    def to_json(self) -> dict[str, Any]:
        return {
            "log_loss": self.log_loss,
            "rmse": self.rmse,
            "parameters": list(self.parameters),
        }


@dataclass(frozen=True, slots=True)
class Optimised:
    """An optimisation: the reviews used, both evaluations, and which set is kept."""

    reviews: int
    items: int
    current: Evaluation
    fitted: Evaluation
    kept: str  # "current" or "fitted"

    @property
    def parameters(self) -> tuple[float, ...]:
        """The parameters the preset uses after this optimisation."""
        return (self.fitted if self.kept == "fitted" else self.current).parameters

    def to_json(self) -> dict[str, Any]:
        return {
            "reviews": self.reviews,
            "current": self.current.to_json(),
            "fitted": self.fitted.to_json(),
            "kept": self.kept,
        }


@dataclass(frozen=True, slots=True)
class Evaluated:
    """Anki's "Evaluate": the reviews used and how the current parameters predict them."""

    reviews: int
    current: Evaluation

    def to_json(self) -> dict[str, Any]:
        return {"reviews": self.reviews, "current": self.current.to_json()}


def default_parameters() -> tuple[float, ...]:
    """FSRS-6's default parameters (what a preset without fitted ones uses)."""
    return tuple(float(p) for p in DEFAULT_PARAMETERS)


def training_items(
    answers: Iterable[tuple[int, int, int, int]], next_day_at: datetime
) -> tuple[list[Any], int]:
    """Anki's FSRS items from answers (card id, time in microseconds, rating, phase
    before), in any order, and the number of answers they use."""
    # Millions of new objects, none of them in a cycle: the cyclic collector would walk
    # them again and again (measured: half the time at 2,000,000 answers).
    collecting = gc.isenabled()
    gc.disable()
    try:
        return _training_items(answers, next_day_at)
    finally:
        if collecting:
            gc.enable()


def _training_items(
    answers: Iterable[tuple[int, int, int, int]], next_day_at: datetime
) -> tuple[list[Any], int]:
    by_card: dict[int, list[tuple[int, int, int, int]]] = {}
    for row in answers:
        entries = by_card.get(row[0])
        if entries is None:
            by_card[row[0]] = [row]
        else:
            entries.append(row)
    next_day_us = round(next_day_at.timestamp() * 1_000_000)
    review, item = fr.FSRSReview, fr.FSRSItem
    keyed: list[tuple[int, Any]] = []
    keep = keyed.append
    used = 0
    by_time = itemgetter(1)
    learning = (Phase.NEW, Phase.LEARNING)
    for entries in by_card.values():
        entries.sort(key=by_time)  # (in the log's order already, as a rule: cheap)
        # From the first answer of the card's last run of learning answers (Anki's
        # reviews_for_fsrs); a card never in learning is left out.
        first = -1
        for index in range(len(entries) - 1, -1, -1):
            if entries[index][3] in learning:
                first = index
            elif first >= 0:
                break
        if first < 0:
            continue
        chosen = [e for e in entries[first:] if 1 <= e[2] <= 4]
        used += len(chosen)
        reviews = [review(chosen[0][2], 0)]
        previous = (next_day_us - chosen[0][1]) // DAY_US
        for i in range(1, len(chosen)):
            _, time_us, rating, _ = chosen[i]
            days = (next_day_us - time_us) // DAY_US
            delta = previous - days
            previous = days
            reviews.append(review(rating, delta))
            if delta > 0:
                keep((time_us, item(reviews[: i + 1])))
    keyed.sort(key=itemgetter(0))
    return list(map(itemgetter(1), keyed)), used


def evaluate_items(items: Sequence[Any], parameters: Sequence[float]) -> Evaluation:
    """Log loss and RMSE (bins) of ``parameters`` on ``items`` (FSRS's own evaluation)."""
    if not items:
        raise OptimizeError("There are no reviews to evaluate yet.")
    result = fr.FSRS(list(parameters)).evaluate(list(items))
    return Evaluation(float(result.log_loss), float(result.rmse_bins), tuple(parameters))


def fit_items(items: Sequence[Any]) -> tuple[float, ...]:
    """FSRS's parameters fitted to ``items`` (as Anki: from the defaults, with short-term
    memory), rounded to four places as Anki shows and stores them."""
    if len(items) < MIN_ITEMS:
        raise OptimizeError(
            f"Optimising needs more history: {len(items)} reviews a day or more apart "
            f"so far, at least {MIN_ITEMS}."
        )
    fitted = fr.FSRS(fr.DEFAULT_PARAMETERS).compute_parameters(list(items), enable_short_term=True)
    return tuple(round(float(p), 4) for p in fitted)


Progress = Callable[[str], None]


def optimise(
    store: Store,
    deck_ids: Sequence[str],
    current: Sequence[float],
    next_day_at: datetime,
    progress: Progress | None = None,
) -> Optimised:
    """Fit the parameters to the answers of the cards of ``deck_ids`` (a preset's decks)
    and compare the fit with ``current`` on the same items; say each stage to
    ``progress``. Reads the store only: saving the kept parameters is the caller's."""
    say = progress or (lambda _: None)
    say("Reading the review history")
    items, used = training_items(store.answers_by_card(deck_ids), next_day_at)
    say(f"Fitting FSRS to {used:,} reviews")
    fitted = fit_items(items)
    say("Evaluating the current and the fitted parameters")
    now = evaluate_items(items, current)
    new = evaluate_items(items, fitted)
    kept = "fitted" if new.rmse < now.rmse else "current"
    if kept == "fitted" and not _schedulable(fitted):
        kept = "current"
    return Optimised(used, len(items), now, new, kept)


def evaluate(
    store: Store, deck_ids: Sequence[str], parameters: Sequence[float], next_day_at: datetime
) -> tuple[int, Evaluation]:
    """Anki's "Evaluate": the answers used and how ``parameters`` predict them."""
    items, used = training_items(store.answers_by_card(deck_ids), next_day_at)
    return used, evaluate_items(items, parameters)


def run_on_file(
    data_dir: Path,
    deck_ids: Sequence[str],
    current: Sequence[float],
    next_day_at: datetime,
    evaluate_only: bool,
    progress: Progress | None = None,
) -> Optimised | Evaluated:
    """:func:`optimise` (or :func:`evaluate`) on the database of ``data_dir``, read through
    its own read-only connection: what a worker process runs, because the Rust fit holds
    Python's lock for its whole length and would freeze a window's thread."""

    store = Store.read_only(data_dir) or Store.snapshot_of(data_dir)
    try:
        if evaluate_only:
            used, evaluation = evaluate(store, deck_ids, current, next_day_at)
            return Evaluated(used, evaluation)
        return optimise(store, deck_ids, current, next_day_at, progress)
    finally:
        store.close()


def _schedulable(parameters: Sequence[float]) -> bool:
    """Whether the scheduler (py-fsrs) accepts ``parameters`` (within its bounds)."""
    try:
        fsrs.Scheduler(parameters=parameters)
    except ValueError:
        return False
    return True
