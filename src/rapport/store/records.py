"""Plain values the store reads and writes: card states, reviews and table rows.

Times are UTC-aware datetimes here and integer microseconds since the epoch in SQLite,
so that a state read back is exactly the state written (undo depends on it).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from enum import IntEnum
from typing import TYPE_CHECKING, NamedTuple

if TYPE_CHECKING:
    from rapport.search import Node
    from rapport.store.search import SearchClock

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
# A card is mature from this interval (due minus last review) on, as in Anki.
MATURE_INTERVAL = timedelta(days=21)
MATURE_US = int(MATURE_INTERVAL.total_seconds() * 1_000_000)


class Phase(IntEnum):
    """Where a card is in its life; the values are stored, never change them."""

    NEW = 0
    LEARNING = 1
    REVIEW = 2
    RELEARNING = 3


AGAIN = 1  # the rating Again (rapport.study.Rating.AGAIN), as stored


def is_lapse(rating: int, before: Phase) -> bool:
    """Whether an answer is a lapse: Again on a card in review (Anki's rule). The one home
    of the rule; :data:`LAPSE_SQL` says it to SQLite over the review log's columns."""
    return rating == AGAIN and before == Phase.REVIEW


LAPSE_SQL = f"(rating = {AGAIN} AND state_before = {int(Phase.REVIEW)})"


# A named tuple: see "Start-up budget" in tests/benchmarks/README.md.
class CardState(NamedTuple):
    """A card's scheduling state: FSRS's memory model plus where it is in the queue."""

    phase: Phase = Phase.NEW
    step: int | None = None
    stability: float | None = None
    difficulty: float | None = None
    due: datetime | None = None
    last_review: datetime | None = None


NEW_STATE = CardState()


class ReviewRecord(NamedTuple):
    """One answer as the review log keeps it."""

    card_id: int
    time: datetime
    rating: int
    duration: timedelta
    before: CardState
    after: CardState
    response: str | None = None  # what the trainee typed for a respond card
    certainty: int | None = None  # 1 low, 2 mid, 3 high (certainty-based marking)
    picked: str | None = None  # the option picked on a choice card (its id)


class CardIndexEntry(NamedTuple):
    """Where a card identity lives in the database.

    A named tuple rather than a dataclass: opening a collection builds one per card, and
    tuples are built several times faster, which start-up notices at 10,000 cards.
    """

    id: int
    position: int
    present: int  # 1 if a loaded deck has the card, 0 if it is hidden


class CardTableRow(NamedTuple):
    """A present card's row for browsing: its state and review counts."""

    id: int
    deck_id: str
    note_id: str
    ordinal: int
    suspended: bool
    state: CardState
    reviews: int
    lapses: int


class Hiding(NamedTuple):
    """Which otherwise-due cards a study queue leaves out (see
    :mod:`rapport.study.siblings` for the rules that fill it in). Each is given per deck."""

    buried: Mapping[str, tuple[int, ...]] = {}  # ids of the cards buried by hand
    new_hidden: Mapping[str, tuple[str, ...]] = {}  # notes whose new cards are hidden
    review_hidden: Mapping[str, tuple[str, ...]] = {}  # notes whose review cards are hidden
    avoid_note: str | None = None  # the cards of this note (of the deck asked about)...
    avoid_except: int | None = None  # ...except this card (the one just answered)


BROWSE_SORTS = (
    "question",
    "card",
    "deck",
    "concept",
    "kind",
    "due",
    "interval",
    "reviews",
    "lapses",
    "flag",
)


class BrowseQuery(NamedTuple):
    """Which present cards Browse shows and in what order: those an Anki search matches
    (``search``, a tree of :mod:`rapport.search`, measured against ``clock``: see
    :meth:`rapport.study.Collection.search_query`), sorted by one of
    :data:`BROWSE_SORTS` (due: new cards last)."""

    search: Node | None = None  # None: every card (the search modules load with Browse)
    clock: SearchClock | None = None  # None: the query needs no clock (nothing dated)
    sort: str = "due"
    descending: bool = False


class BrowseRow(NamedTuple):
    """One card as Browse lists it."""

    card_id: int
    deck_id: str
    question: str
    deck_name: str
    concept: str
    kind: str
    phase: Phase
    due: datetime | None  # None for a new card
    last_review: datetime | None
    reviews: int
    lapses: int
    suspended: bool
    flag: int = 0  # 0 none, 1-4 red, orange, green, blue
    study_tags: tuple[str, ...] = ()  # tags study gave the note: "marked", "leech"
    ordinal: int = 0  # the card's number in its note, from 0
    buried: bool = False  # buried by hand until a later study day


class TextRow(NamedTuple):
    """What Browse and the statistics need of a card's content: see ``card_text``."""

    card_id: int
    question: str
    concept: str
    kind: str
    search: str  # casefolded text of every field, the deck name, concept and tags
    tags: tuple[str, ...] = ()  # the note's deck tags, casefolded


def to_us(moment: datetime) -> int:
    """Microseconds since the epoch of an aware datetime."""
    if moment.tzinfo is None:
        raise ValueError("times must be timezone-aware")
    delta = moment - _EPOCH
    return (delta.days * 86_400 + delta.seconds) * 1_000_000 + delta.microseconds


def from_us(micros: int) -> datetime:
    """The UTC datetime of microseconds since the epoch."""
    return _EPOCH + timedelta(microseconds=micros)


def opt_us(moment: datetime | None) -> int | None:
    return None if moment is None else to_us(moment)


def opt_dt(micros: int | None) -> datetime | None:
    return None if micros is None else from_us(micros)


# Named values of the store's card and log queries (named tuples: see "Start-up budget"
# in tests/benchmarks/README.md); they still unpack positionally.


class NewCard(NamedTuple):
    """A card identity a sync adds, at its position in its deck."""

    deck_id: str
    note_id: str
    ordinal: int
    position: int


class CardPlace(NamedTuple):
    """A sync's change to a card row: its position, and whether a loaded deck has it."""

    position: int
    present: bool
    id: int


class PresentCard(NamedTuple):
    """A present card row of a deck, in deck order."""

    position: int
    id: int
    note_id: str
    ordinal: int


class CardIdentity(NamedTuple):
    """Who a card row is: its identity, its position in its deck and whether it shows."""

    deck_id: str
    note_id: str
    ordinal: int
    position: int
    present: bool


class Hold(NamedTuple):
    """What keeps a card from study: suspension and burial (until, in microseconds)."""

    card_id: int
    suspended: bool
    buried_until_us: int | None


class DayCounts(NamedTuple):
    """New cards introduced and reviews answered (a deck, since a time)."""

    new: int
    reviews: int


class TimedAnswer(NamedTuple):
    """When an answer was given and how long it took."""

    time: datetime
    taken: timedelta


# A named tuple: see "Start-up budget" in tests/benchmarks/README.md.
class ReviewOrder(NamedTuple):
    """The order of a deck's reviews (deck options): "due", "retrievability" (lowest
    first, by FSRS's curve ``factor``, ``decay`` at ``now``) or "random" (by ``seed``)."""

    kind: str
    factor: float
    decay: float
    now: datetime
    seed: int


class LoggedAnswer(NamedTuple):
    """One answer of a present card with what the analytics need (see
    :mod:`rapport.study.calibration`): the card's identity and concept, the grade, and what
    the trainee stated, picked or typed."""

    deck_id: str
    note_id: str
    ordinal: int
    concept: str
    time: datetime
    rating: int
    duration_ms: int
    certainty: int | None
    picked: str | None
    response: str | None
