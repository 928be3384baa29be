"""What each rating does, checked against py-fsrs itself, and the button intervals."""

from __future__ import annotations

from datetime import UTC, timedelta

import fsrs
import pytest

from rapport.store import Phase
from rapport.study import InvalidSettings, Rating, Settings
from tests.support.collection import SECOND, T0, OpenCollection, basic_deck, with_settings


def reference_scheduler(**kwargs: object) -> fsrs.Scheduler:
    return fsrs.Scheduler(enable_fuzzing=False, **kwargs)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("rating", "phase", "step", "interval"),
    [
        (Rating.AGAIN, Phase.LEARNING, 0, timedelta(minutes=1)),
        (Rating.HARD, Phase.LEARNING, 0, timedelta(minutes=5, seconds=30)),
        (Rating.GOOD, Phase.LEARNING, 1, timedelta(minutes=10)),
        (Rating.EASY, Phase.REVIEW, None, None),
    ],
)
def test_each_rating_on_a_new_card(
    open_col: OpenCollection, rating: Rating, phase: Phase, step: int | None, interval: object
) -> None:
    col = open_col([basic_deck("a", 1)])
    session = col.session(None, T0)
    card = session.next_card(T0)
    assert card is not None
    shown = session.intervals(card, T0)
    session.answer(card, rating, T0, 3 * SECOND)
    card_id = col.require_id(card)
    state = col.store.card_state(card_id)
    assert state.phase == phase and state.step == step
    assert state.due is not None and state.due - T0 == shown[rating]
    if interval is not None:
        assert shown[rating] == interval
    expected, _ = reference_scheduler().review_card(
        fsrs.Card(card_id=card_id, due=T0), fsrs.Rating(rating), T0
    )
    assert (state.stability, state.difficulty, state.due) == (
        expected.stability,
        expected.difficulty,
        expected.due,
    )
    (log,) = col.store.reviews_of(card_id)
    assert log.rating == rating and log.time == T0 and log.duration == 3 * SECOND
    assert log.before.phase == Phase.NEW and log.after == state


def test_intervals_grow_with_the_rating_for_a_review_card(open_col: OpenCollection) -> None:
    col = open_col([basic_deck("a", 1)])
    session = col.session(None, T0)
    card = session.next_card(T0)
    assert card is not None
    session.answer(card, Rating.EASY, T0, SECOND)
    due = col.store.card_state(col.require_id(card)).due
    assert due is not None
    shown = session.intervals(card, due)
    assert shown[Rating.AGAIN] == timedelta(minutes=10)  # the relearning step
    assert timedelta(days=1) <= shown[Rating.HARD] < shown[Rating.GOOD] < shown[Rating.EASY]
    # Each rating's actual effect matches what the button promised.
    for rating in Rating:
        probe = col.session(None, due)
        assert probe.intervals(card, due)[rating] == shown[rating]
    session.answer(card, Rating.AGAIN, due, SECOND)
    state = col.store.card_state(col.require_id(card))
    assert state.phase == Phase.RELEARNING and state.due == due + timedelta(minutes=10)
    (row,) = col.card_rows(due)
    assert (row.reviews, row.lapses, row.state) == (2, 1, "relearning")


def test_every_rating_matches_fsrs_over_a_sequence(open_col: OpenCollection) -> None:
    col = open_col([basic_deck("a", 1)])
    session = col.session(None, T0)
    card = session.next_card(T0)
    assert card is not None
    card_id = col.require_id(card)
    reference = fsrs.Card(card_id=card_id, due=T0)
    scheduler = reference_scheduler()
    now = T0
    for rating in [Rating.GOOD, Rating.GOOD, Rating.HARD, Rating.AGAIN, Rating.GOOD, Rating.EASY]:
        session.answer(card, rating, now, SECOND)
        reference, _ = scheduler.review_card(reference, fsrs.Rating(rating), now)
        state = col.store.card_state(card_id)
        assert state.due == reference.due and state.stability == reference.stability
        assert state.difficulty == reference.difficulty and int(state.phase) == reference.state
        now = reference.due + timedelta(hours=1)


def test_settings_change_scheduling_and_persist(open_col: OpenCollection, data_dir: object) -> None:
    settings = with_settings(
        learning_steps=(timedelta(minutes=2), timedelta(minutes=20), timedelta(hours=1)),
        desired_retention=0.85,
        maximum_interval=5,
    )
    col = open_col([basic_deck("a", 1)], settings=settings)
    session = col.session(None, T0)
    card = session.next_card(T0)
    assert card is not None
    shown = session.intervals(card, T0)
    assert shown[Rating.AGAIN] == timedelta(minutes=2)
    assert shown[Rating.GOOD] == timedelta(minutes=20)
    assert shown[Rating.EASY] <= timedelta(days=5)
    col.close(T0)
    reopened = open_col([basic_deck("a", 1)], settings=settings)
    assert reopened.settings == settings
    assert reopened.get_pref("theme") is None
    reopened.set_pref("theme", "dark")
    assert reopened.get_pref("theme") == "dark" and reopened.get_pref("x", "d") == "d"


def test_fuzz_is_on_by_default_and_never_changes_the_button_labels(
    open_col: OpenCollection,
) -> None:
    assert Settings().fuzz is True
    col = open_col([basic_deck("a", 30)], settings=with_settings(fuzz=True, new_per_day=30))
    session = col.session(None, T0)
    dues = set()
    for _ in range(30):
        card = session.next_card(T0)
        assert card is not None
        easy = session.intervals(card, T0)[Rating.EASY]
        assert easy == session.intervals(card, T0)[Rating.EASY]
        session.answer(card, Rating.EASY, T0, SECOND)
        due = col.store.card_state(col.require_id(card)).due
        assert due is not None
        assert abs((due - T0) - easy) <= timedelta(days=3)  # fuzz stays near the label
        dues.add(due)
    assert len(dues) > 1  # fuzz spreads cards answered alike


@pytest.mark.parametrize(
    "changes",
    [
        {"desired_retention": 1.2},
        {"learning_steps": (timedelta(0),)},
        {"maximum_interval": 0},
        {"new_per_day": -1},
        {"day_start_hour": 24},
    ],
)
def test_invalid_settings_are_refused_with_a_message(changes: dict[str, object]) -> None:
    with pytest.raises(InvalidSettings) as info:
        with_settings(**changes)
    assert str(info.value)


def test_settings_round_trip_and_bad_stored_values_fall_back() -> None:
    settings = Settings(
        desired_retention=0.8, learning_steps=(), new_per_day=5, day_start_hour=0, fuzz=False
    )
    assert Settings.from_strings(settings.to_strings()) == settings
    assert Settings.from_strings({"new_per_day": '"lots"', "fuzz": "nonsense"}) == Settings()
    assert Settings.from_strings({"desired_retention": "5"}) == Settings()


def test_time_is_converted_to_utc(open_col: OpenCollection) -> None:
    from datetime import timezone

    col = open_col([basic_deck("a", 1)])
    session = col.session(None, T0)
    card = session.next_card(T0)
    assert card is not None
    local = T0.astimezone(timezone(timedelta(hours=2)))
    session.answer(card, Rating.GOOD, local, SECOND)
    state = col.store.card_state(col.require_id(card))
    assert state.last_review == T0 and state.last_review.tzinfo == UTC
