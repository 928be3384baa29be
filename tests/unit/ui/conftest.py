"""Shared fixtures of the UI tests: a fixed clock, a small deck of every kind, and a real
:class:`~rapport.study.Collection` on a temporary data folder.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from rapport.content import DeckSet, load_decks
from rapport.paths import decks_dir
from rapport.study import Collection
from tests.support.clock import Clock
from tests.support.collection import open_as_app as open_collection
from tests.support.decks import KINDS_DECK, write_deck
from tests.support.qt import ModalCatcher


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def kinds_dir(tmp_path: Path) -> Path:
    """A folder with the small deck of every kind beside a copy of the essay."""
    folder = tmp_path / "decks"
    write_deck(folder, KINDS_DECK, "kinds.toml")
    return folder


@pytest.fixture
def kinds_decks(kinds_dir: Path) -> DeckSet:
    result = load_decks([kinds_dir])
    assert not result.errors, result.problems
    return result


@pytest.fixture(scope="session")
def shipped_decks() -> DeckSet:
    # The shipped essay deck: the UI tests count its cards and kinds (the skills deck of
    # respond notes has tests of its own).
    return load_decks([decks_dir() / "the-relationship-in-therapy.toml"])


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    folder = tmp_path / "data"
    folder.mkdir()
    return folder


@pytest.fixture
def collection(data_dir: Path, kinds_decks: DeckSet, clock: Clock) -> Iterator[Collection]:
    """A real collection over the deck of every kind, closed after the test."""
    col = open_collection(data_dir, kinds_decks.decks, clock())
    yield col
    col.close(clock())


@pytest.fixture
def shipped_collection(
    data_dir: Path, shipped_decks: DeckSet, clock: Clock
) -> Iterator[Collection]:
    """A real collection over the shipped decks."""
    col = open_collection(data_dir, shipped_decks.decks, clock())
    yield col
    col.close(clock())


@pytest.fixture
def modals(qapp: object) -> Iterator[ModalCatcher]:
    catcher = ModalCatcher()
    yield catcher
    catcher.stop()
