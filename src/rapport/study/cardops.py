"""Browse's card operations, as Anki's: Card info, Forget, Set due date and Reposition.

Each is an operation of the app's undo stack (:mod:`rapport.study.ops`): one
transaction, one step Edit > Undo names ("Forget 3 cards") and takes back. No answer is
logged: the review history stays as the trainee made it.

* **Forget** makes cards new again, in their place in the deck's order.
* **Set due date** (Anki's syntax): ``0`` today, ``1`` tomorrow, ``3-7`` a day picked at
  random in that range, a trailing ``!`` also makes that the card's interval (its last
  review becomes now). A new or learning card becomes a review card; a card that never
  had a memory state takes the one a first "Good" would give it.
* **Reposition** gives new cards places in the new-card order: ``start``, ``start +
  step``, ... (optionally shuffled), optionally moving the deck's other new cards at or
  after ``start`` up to make room.
"""

from __future__ import annotations

import random
import re
from collections.abc import Callable, Sequence
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, NamedTuple

from rapport.errors import RapportError
from rapport.store.records import CardState, Phase, ReviewRecord
from rapport.study.browsing import question_line
from rapport.study.days import day_start, study_date
from rapport.study.ops import scope_of
from rapport.study.scheduling import Rating

if TYPE_CHECKING:
    from rapport.study import Collection


class CardOpError(RapportError):
    """An operation's input that cannot be used (a due date that does not parse)."""


class CardInfo(NamedTuple):
    """What Card info shows of one card."""

    card_id: int
    deck_name: str
    question: str
    state: CardState
    added: datetime | None
    reviews: tuple[ReviewRecord, ...]  # oldest first
    retrievability: float | None  # now; None for a card never studied
    intervals: dict[Rating, timedelta]  # how long until due again after each grade, now
    suspended: bool
    position: int  # its place in the deck's new-card order


def card_info(collection: Collection, card_id: int, now: datetime) -> CardInfo:
    """Card info: the card's history, memory state and what each grade would give now."""

    store = collection.store
    card = collection.card_by_id(card_id)
    state = store.card_state(card_id)
    scheduler = collection.scheduler_for(card.deck_id)
    deck = next((d.name for d in collection.decks if d.id == card.deck_id), card.deck_id)
    return CardInfo(
        card_id=card_id,
        deck_name=deck,
        question=question_line(card),
        state=state,
        added=store.card_added(card_id),
        reviews=tuple(store.reviews_of(card_id)),
        retrievability=scheduler.retrievability(card_id, state, now),
        intervals=scheduler.intervals(card_id, state, now),
        suspended=store.is_suspended(card_id),
        position=store.positions([card_id])[card_id][1],
    )


def _step(
    collection: Collection, name: str, card_ids: Sequence[int], write: Callable[[], object]
) -> None:
    """Run ``write`` as one operation on these cards, named "``name`` N cards"."""

    label = f"{name} {len(card_ids)} card{'s' * (len(card_ids) != 1)}"
    collection.ops.perform(label, scope_of(card_ids), write)


def forget(collection: Collection, card_ids: Sequence[int]) -> None:
    """Make these cards new again (their history is kept)."""
    store = collection.store
    _step(
        collection,
        "Forget",
        card_ids,
        lambda: store.write_states([(card_id, CardState()) for card_id in card_ids]),
    )


_DUE = re.compile(r"^\s*(\d{1,5})(?:\s*-\s*(\d{1,5}))?\s*(!?)\s*$")


class DueDays(NamedTuple):
    low: int
    high: int
    set_interval: bool


def parse_due(text: str) -> DueDays:
    """Anki's due-date text: ``N``, ``N-M`` and a trailing ``!``."""
    match = _DUE.match(text)
    if match is None:
        raise CardOpError(
            f"'{text}' is not a due date: write days from today, e.g. 0 (today), "
            "1 (tomorrow), 3-7 (a day in that range), with ! to make it the interval too."
        )
    low = int(match.group(1))
    high = int(match.group(2) or low)
    if high < low:
        raise CardOpError(f"'{text}': the range must run from the smaller number of days.")
    return DueDays(low, high, bool(match.group(3)))


def set_due(
    collection: Collection,
    card_ids: Sequence[int],
    text: str,
    now: datetime,
    rng: random.Random | None = None,
) -> None:
    """Make these cards review cards due on the study day ``text`` names (see the
    module doc); raises :class:`CardOpError` if it does not parse."""
    days = parse_due(text)
    rng = rng or random.Random()
    store = collection.store
    settings = collection.settings
    today = study_date(now, settings.day_start_hour, collection.tz)
    states = []
    for card_id in card_ids:
        state = store.card_state(card_id)
        offset = rng.randint(days.low, days.high)
        due = day_start(today + timedelta(days=offset), settings.day_start_hour, collection.tz)
        if state.stability is None or state.difficulty is None:
            deck_id = collection.card_by_id(card_id).deck_id
            first = collection.scheduler_for(deck_id).review(card_id, CardState(), Rating.GOOD, now)
            state = first._replace(last_review=now)
        last = now if days.set_interval or state.last_review is None else state.last_review
        states.append(
            (
                card_id,
                state._replace(phase=Phase.REVIEW, step=None, due=max(due, now), last_review=last),
            )
        )
    _step(collection, "Set due date of", card_ids, lambda: store.write_states(states))


def reposition(
    collection: Collection,
    card_ids: Sequence[int],
    start: int,
    step: int = 1,
    *,
    shuffle: bool = False,
    shift: bool = False,
    rng: random.Random | None = None,
) -> int:
    """Give the new cards among these places ``start``, ``start + step``, ... in their
    deck's new-card order (in their present order, or shuffled); ``shift`` moves the
    deck's other new cards at ``start`` or later up to make room. Returns how many cards
    moved (cards that are not new keep their place, as in Anki)."""
    if start < 0 or step < 1:
        raise CardOpError("Reposition needs a start of 0 or more and a step of 1 or more.")
    store = collection.store
    new = [i for i in card_ids if store.card_state(i).phase == Phase.NEW]
    places = store.positions(new)
    ordered = sorted(new, key=lambda i: places[i][1])
    if shuffle:
        (rng or random.Random()).shuffle(ordered)
    moves = [(card_id, start + n * step) for n, card_id in enumerate(ordered)]
    decks = sorted({places[i][0] for i in new})
    by = len(ordered) * step
    shifts = [(d, start, by) for d in decks] if shift else []
    # (the scope: the cards moved, and those the shift moves up to make room)
    moved_up = store.new_cards_from(decks, start) if shift else []
    _step(
        collection,
        "Reposition",
        [i for i, _ in moves] + [i for i in moved_up if i not in places],
        lambda: store.reposition(moves, shifts),
    )
    return len(moves)
