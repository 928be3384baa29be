"""Deck options presets, as Anki's: named sets of scheduling settings that decks share,
"Default" (the collection's settings) unless a deck is given another."""

from __future__ import annotations

import sqlite3
from dataclasses import replace
from datetime import timedelta
from pathlib import Path

import pytest

from rapport.content import CardKey
from rapport.store import DB_NAME
from rapport.store import schema as schema_module
from rapport.study import InvalidSettings, Rating
from rapport.study.settings import DEFAULT_PRESET
from tests.support.collection import (
    SECOND,
    T0,
    TEST_SETTINGS,
    OpenCollection,
    basic_deck,
    with_settings,
)


def test_two_decks_with_different_presets_get_different_limits(
    open_col: OpenCollection,
) -> None:
    col = open_col([basic_deck("a", 10), basic_deck("b", 10)])
    col.save_preset("Light", with_settings(new_per_day=2, reviews_per_day=5))
    col.set_deck_preset("b", "Light")
    assert col.preset_names() == [DEFAULT_PRESET, "Light"]
    assert (col.preset_of("a"), col.preset_of("b")) == (DEFAULT_PRESET, "Light")
    counts = {c.deck_id: c.new for c in col.deck_counts(T0)}
    assert counts == {"a": 10, "b": 2}
    session = col.session(None, T0)
    assert session.remaining(T0)[0] == 12
    seen: dict[str, int] = {"a": 0, "b": 0}
    for _ in range(40):
        card = session.next_card(T0 + timedelta(hours=1))
        if card is None:
            break
        seen[card.deck_id] += 1
        session.answer(card, Rating.EASY, T0 + timedelta(hours=1), SECOND)
    assert seen == {"a": 10, "b": 2}


def test_two_decks_with_different_presets_get_different_intervals(
    open_col: OpenCollection,
) -> None:
    col = open_col([basic_deck("a", 1), basic_deck("b", 1)])
    short = with_settings(
        learning_steps=(timedelta(minutes=5),), maximum_interval=2, desired_retention=0.95
    )
    col.save_preset("Short", short)
    col.set_deck_preset("b", "Short")
    session = col.session(None, T0)
    a = col.card(CardKey("a", "n0", 0))
    b = col.card(CardKey("b", "n0", 0))
    assert a is not None and b is not None
    in_a, in_b = session.intervals(a, T0), session.intervals(b, T0)
    assert in_a[Rating.AGAIN] == timedelta(minutes=1)
    assert in_b[Rating.AGAIN] == timedelta(minutes=5)
    assert in_a[Rating.EASY] > timedelta(days=2) >= in_b[Rating.EASY]
    session.answer(b, Rating.EASY, T0, SECOND)
    due = col.store.card_state(col.require_id(b)).due
    assert due is not None and due - T0 <= timedelta(days=2)


def test_presets_bury_and_leech_per_deck(open_col: OpenCollection) -> None:
    col = open_col([basic_deck("a", 1), basic_deck("b", 1)])
    col.save_preset("Strict", with_settings(leech_threshold=1, bury_new=False))
    col.set_deck_preset("b", "Strict")
    assert col.settings_for("b").leech_threshold == 1
    assert col.settings_for("a").leech_threshold == TEST_SETTINGS.leech_threshold
    assert col.settings_for("b").bury_new is False and col.settings_for("a").bury_new


def test_presets_and_assignments_are_kept_and_loaded_once(
    open_col: OpenCollection, data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    decks = [basic_deck("a", 5), basic_deck("b", 3)]
    col = open_col(decks)
    col.save_preset("Light", with_settings(new_per_day=1))
    col.save_preset("Other", with_settings(new_per_day=4))
    col.set_deck_preset("a", "Other")
    col.set_deck_preset("b", "Light")
    col.close(T0)
    col = open_col(decks, settings=None)
    assert col.preset("Light").new_per_day == 1
    assert (col.preset_of("a"), col.preset_of("b")) == ("Other", "Light")

    def no_read(*_: object) -> object:
        raise AssertionError("presets read from the database while studying")

    monkeypatch.setattr(col.store, "presets", no_read)
    monkeypatch.setattr(col.store, "deck_presets", no_read)
    session = col.session(None, T0)
    for _ in range(5):
        card = session.next_card(T0)
        assert card is not None
        session.intervals(card, T0)
        session.answer(card, Rating.EASY, T0, SECOND)
    assert session.next_card(T0) is None  # 4 from a, 1 from b: the limits of each
    col.delete_preset("Other")
    assert col.preset_of("a") == DEFAULT_PRESET
    assert col.preset_names() == [DEFAULT_PRESET, "Light"]


def test_the_study_day_and_fuzz_are_the_defaults_for_every_preset(
    open_col: OpenCollection,
) -> None:
    col = open_col([basic_deck("a", 1)])
    col.save_preset("Late", replace(TEST_SETTINGS, day_start_hour=9, fuzz=True))
    assert col.preset("Late").day_start_hour == TEST_SETTINGS.day_start_hour
    assert col.preset("Late").fuzz is False
    col.save_settings(replace(TEST_SETTINGS, day_start_hour=6))
    assert col.preset("Late").day_start_hour == 6


def test_bad_preset_names_and_unknown_presets_are_refused(open_col: OpenCollection) -> None:
    col = open_col([basic_deck("a", 1)])
    for name in ("", " padded", "x" * 61, "tab\there"):
        with pytest.raises(InvalidSettings):
            col.save_preset(name, TEST_SETTINGS)
    with pytest.raises(InvalidSettings):
        col.set_deck_preset("a", "Nope")
    with pytest.raises(InvalidSettings):
        col.delete_preset(DEFAULT_PRESET)
    col.save_preset(DEFAULT_PRESET, with_settings(new_per_day=3))
    assert col.settings.new_per_day == 3 == col.settings_for("a").new_per_day


def test_the_settings_of_a_v6_database_become_the_default_preset(
    open_col: OpenCollection, data_dir: Path
) -> None:
    data_dir.mkdir(parents=True)
    conn = sqlite3.connect(data_dir / DB_NAME, isolation_level=None)
    schema_module.migrate(conn, 6)
    conn.execute("INSERT INTO settings (key, value) VALUES ('new_per_day', '7')")
    conn.close()
    col = open_col([basic_deck("a", 9)], settings=None)
    assert col.preset_names() == [DEFAULT_PRESET]
    assert col.preset(DEFAULT_PRESET).new_per_day == 7 == col.settings_for("a").new_per_day
    assert {c.deck_id: c.new for c in col.deck_counts(T0)} == {"a": 7}


def test_fitted_parameters_round_trip_and_are_checked() -> None:
    from rapport.study.settings import Settings

    fitted = tuple(0.1 * i + 0.05 for i in range(21))
    settings = Settings(parameters=fitted)
    assert Settings.from_json(settings.to_json()).parameters == fitted
    assert Settings.from_json(Settings().to_json()).parameters == ()
    with pytest.raises(InvalidSettings, match="21 numbers"):
        Settings(parameters=(1.0, 2.0))
