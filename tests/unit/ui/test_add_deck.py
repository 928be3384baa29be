"""File > Add deck file: a handed-out deck joins Home at once; a broken one is refused."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from rapport.content import DeckSet
from rapport.study import Collection
from rapport.ui.main_window import MainWindow
from tests.support.clock import Clock
from tests.support.handout import HANDOUT, write_handout
from tests.support.qt import ModalCatcher


@pytest.fixture
def handout(tmp_path: Path) -> Path:
    return write_handout(tmp_path / "handout")


@pytest.fixture
def window(
    qtbot: QtBot, collection: Collection, kinds_decks: DeckSet, kinds_dir: Path, clock: Clock
) -> MainWindow:
    window = MainWindow(collection, kinds_decks.errors, clock, deck_dirs=[kinds_dir])
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    return window


def home_decks(window: MainWindow) -> list[str]:
    tree = window.home.tree
    items = [tree.topLevelItem(i) for i in range(tree.topLevelItemCount())]
    return [item.text(0) for item in items if item is not None]


def test_an_added_deck_is_listed_and_studied(
    window: MainWindow, handout: Path, modals: ModalCatcher, qtbot: QtBot
) -> None:
    before = home_decks(window)
    window.view("browse")  # built from the old decks; must be rebuilt after the change
    assert window.add_deck_file(handout)
    title, text = modals.seen[-1]
    assert (title, text.strip()) == ("Deck added", "'Course week 1' (1 card) was added.")
    assert home_decks(window) == sorted([*before, "Course week 1"], key=str.casefold)
    assert not window.is_built("browse")
    added = window.home.tree.topLevelItem(home_decks(window).index("Course week 1"))
    assert added is not None
    window.home.tree.setCurrentItem(added)
    window.home.setFocus()
    qtbot.keyClick(window.home, Qt.Key.Key_Return)
    assert window.current_view_name() == "review"
    assert window.review.card is not None
    assert window.review.card.deck_id == "course-week-1"
    assert (window.collection.data_dir / "decks" / "course-week-1.toml").is_file()


def test_a_deck_with_problems_is_listed_not_added(
    window: MainWindow, handout: Path, modals: ModalCatcher
) -> None:
    handout.write_text(HANDOUT.replace('back = "Goals, tasks and a bond."\n', ""))
    before = home_decks(window)
    assert not window.add_deck_file(handout)
    title, text = modals.seen[-1]
    assert title == "week1.toml was not added"
    assert "components: back: missing field" in text
    assert home_decks(window) == before
    assert not (window.collection.data_dir / "decks").exists()


def test_the_refusal_says_to_add_the_file_again_not_to_restart(
    window: MainWindow, handout: Path, modals: ModalCatcher
) -> None:
    handout.write_text(HANDOUT.replace('back = "Goals, tasks and a bond."\n', ""))
    assert not window.add_deck_file(handout)
    _title, text = modals.seen[-1]
    assert "add it again with File > Add deck file" in text
    assert "restart" not in text


def test_a_revision_shows_its_changes_and_can_be_declined(
    window: MainWindow, handout: Path, modals: ModalCatcher
) -> None:
    assert window.add_deck_file(handout)
    handout.write_text(HANDOUT.replace("Goals, tasks and a bond.", "Goals, tasks, bond."))
    modals.respond = "Cancel"
    assert not window.add_deck_file(handout)
    title, text = modals.seen[-1]
    assert title == "Update 'Course week 1'?"
    assert "reworded: components (back)" in text
    copy = window.collection.data_dir / "decks" / "course-week-1.toml"
    assert "Goals, tasks and a bond." in copy.read_text()
    modals.respond = "Update the deck"
    assert window.add_deck_file(handout)
    assert "Goals, tasks, bond." in copy.read_text()
