"""Three weeks in Rapport, then Anki: an export with progress, imported into a fresh Anki
collection with "Import any learning progress", shows every card due on the same day (or
at the same moment, while learning), with the same interval and number of reviews, and
Anki's FSRS continues from the same memory state.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from anki.collection import Collection
from anki.import_export_pb2 import (
    ImportAnkiPackageOptions,
    ImportAnkiPackageRequest,
    ImportAnkiPackageUpdateCondition,
)
from anki.scheduler.v3 import CardAnswer

from rapport.content import load_decks
from rapport.content.notes.model import CardKey
from rapport.interop.anki import export_decks
from rapport.interop.anki.identity import note_guid
from rapport.interop.anki.progress import CardProgress, StudyProgress, study_progress
from rapport.paths import decks_dir
from rapport.store import Phase
from rapport.study import Collection as RapportCollection
from rapport.study import Rating
from rapport.study.days import study_date
from tests.integration.test_anki_import import db, scheduler
from tests.support.collection import open_collection, with_settings

if TYPE_CHECKING:  # (importing anki.cards before anki.collection is circular at run time)
    from anki.cards import Card

pytestmark = pytest.mark.slow

DAYS = 21
# The simulated weeks end today, so that Anki (which runs on the real clock) and Rapport
# agree which day is "today".
END = datetime.now(UTC).replace(hour=12, minute=0, second=0, microsecond=0)
START = END - timedelta(days=DAYS - 1)


def rating_for(card: str, day: int) -> Rating:
    """A fixed mix of answers: mostly Good, some Again, Hard and Easy."""
    roll = hashlib.blake2b(f"{card}:{day}".encode(), digest_size=1).digest()[0]
    if roll < 30:
        return Rating.AGAIN
    if roll < 55:
        return Rating.HARD
    if roll < 235:
        return Rating.GOOD
    return Rating.EASY


def study_three_weeks(collection: RapportCollection) -> int:
    """Study every day for three weeks (a sitting at 9:00; learning steps in the same
    sitting); return the number of answers."""
    answers = 0
    for day in range(DAYS):
        now = START.replace(hour=9) + timedelta(days=day)
        session = collection.session(None, now)
        for _ in range(200):
            card = session.next_card(now)
            if card is None:
                break
            rating = rating_for(str(card.key), day)
            session.answer(card, rating, now, timedelta(seconds=8))
            answers += 1
            now += timedelta(seconds=40)
    return answers


@pytest.fixture
def anki(tmp_path: Path) -> Iterator[Collection]:
    (tmp_path / "anki").mkdir()
    col = Collection(str(tmp_path / "anki" / "collection.anki2"))
    try:
        yield col
    finally:
        col.close()


def import_with_progress(col: Collection, package: Path) -> None:
    never = ImportAnkiPackageUpdateCondition.IMPORT_ANKI_PACKAGE_UPDATE_CONDITION_IF_NEWER
    options = ImportAnkiPackageOptions(
        update_notes=never, update_notetypes=never, with_scheduling=True
    )
    col.import_anki_package(ImportAnkiPackageRequest(package_path=str(package), options=options))


def anki_date(col: Collection, due: int) -> date:
    """The calendar day of an Anki review due number (days from Anki's today)."""
    today = study_date(datetime.now(UTC), 4, None)
    return today + timedelta(days=due - scheduler(col).today)


def test_three_weeks_of_progress_arrive_in_anki(anki: Collection, tmp_path: Path) -> None:
    loaded = load_decks([decks_dir()])
    assert loaded.decks
    collection = open_collection(
        tmp_path / "data", loaded.decks, START, tz=None, settings=with_settings(new_per_day=6)
    )
    try:
        answers = study_three_weeks(collection)
        progress = study_progress(collection)
    finally:
        collection.close(END)
    assert answers > 150
    package = tmp_path / "progress.apkg"
    result = export_decks(loaded.decks, package, now=END, study=progress)
    assert result.notes == sum(len(d.notes) for d in loaded.decks)

    import_with_progress(anki, package)
    assert anki.card_count() == result.cards
    assert db(anki).scalar("SELECT count() FROM revlog") == answers

    checked = dict.fromkeys(Phase, 0)
    for deck in loaded.decks:
        for note in deck.notes:
            [nid] = db(anki).list(
                "SELECT id FROM notes WHERE guid = ?", note_guid(deck.id, note.id)
            )
            for card in anki.get_note(nid).cards():
                mine = progress.cards[CardKey(deck.id, note.id, card.ord)]
                check_card(anki, card, mine, progress)
                checked[mine.state.phase] += 1
    # Six new cards a day for three weeks leave some new; Again answers leave some
    # learning or relearning at the end of the last sitting.
    assert checked[Phase.NEW] > 0 and checked[Phase.REVIEW] > 50
    assert checked[Phase.LEARNING] + checked[Phase.RELEARNING] > 0
    assert sum(checked.values()) == result.cards

    # Anki's FSRS continues from the imported memory state: a review card answered Good
    # (now, ahead of its day) grows from the imported stability, not from a fresh start.
    anki.set_config("fsrs", True)
    card = anki.get_card(anki.find_cards("is:review -is:learn")[0])
    before = card.memory_state
    assert before is not None
    card.start_timer()
    states = anki._backend.get_scheduling_states(card.id)
    sched = scheduler(anki)
    sched.answer_card(sched.build_answer(card=card, states=states, rating=CardAnswer.GOOD))
    after = anki.get_card(card.id).memory_state
    assert after is not None
    assert after.stability >= before.stability
    assert abs(after.difficulty - before.difficulty) < 1.0
    assert anki.get_card(card.id).reps == card.reps + 1


def check_card(anki: Collection, card: Card, mine: CardProgress, progress: StudyProgress) -> None:
    state = mine.state
    assert card.reps == len(mine.reviews)
    assert db(anki).scalar("SELECT count() FROM revlog WHERE cid = ?", card.id) == card.reps
    if state.phase == Phase.NEW:
        assert card.type == 0 and card.memory_state is None
        return
    assert state.due is not None and state.stability is not None
    assert state.difficulty is not None and state.last_review is not None
    memory = card.memory_state
    assert memory is not None
    assert memory.stability == pytest.approx(state.stability, rel=1e-3, abs=1e-4)
    assert memory.difficulty == pytest.approx(state.difficulty, rel=1e-3, abs=1e-3)
    if state.phase == Phase.REVIEW:
        assert card.type == 2 and card.queue == 2
        assert anki_date(anki, card.due) == progress.day(state.due)
        assert card.ivl == (progress.day(state.due) - progress.day(state.last_review)).days
    else:
        assert card.type in (1, 3)
        assert card.queue == 1 and card.due == int(state.due.timestamp())
