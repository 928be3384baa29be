"""Home: deck counts coloured like Anki, keys to study, decks with problems, empty state."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from rapport.content import DeckSet, load_decks
from rapport.study import Collection, Rating
from rapport.ui.home import COL_DUE, COL_LEARNING, COL_NAME, COL_NEW, HomeView
from rapport.ui.theme import colours
from tests.support.clock import Clock


@pytest.fixture
def make_home(qtbot: QtBot, collection: Collection, clock: Clock) -> Callable[[DeckSet], HomeView]:
    def make(decks: DeckSet) -> HomeView:
        home = HomeView(collection, decks.errors, clock)
        qtbot.addWidget(home)
        home.show()
        home.on_shown()
        return home

    return make


def test_counts_coloured_and_first_deck_selected(
    make_home: Callable[[DeckSet], HomeView], kinds_decks: DeckSet
) -> None:
    home = make_home(kinds_decks)
    item = home.tree.topLevelItem(0)
    assert item is not None
    assert item.text(COL_NAME) == "Every kind"
    assert (item.text(COL_NEW), item.text(COL_LEARNING), item.text(COL_DUE)) == ("6", "0", "0")
    assert item.foreground(COL_NEW).color().name() == colours().new
    assert item.foreground(COL_DUE).color().name() == colours().muted  # zero is greyed
    assert home.selected_deck_id() == "kinds"
    assert home.focusWidget() is home.tree
    assert not home.done_label.isVisible()


@pytest.mark.parametrize("key", [Qt.Key.Key_Return, Qt.Key.Key_Enter, Qt.Key.Key_S])
def test_enter_or_s_studies_selected(
    make_home: Callable[[DeckSet], HomeView], kinds_decks: DeckSet, qtbot: QtBot, key: Qt.Key
) -> None:
    home = make_home(kinds_decks)
    with qtbot.waitSignal(home.study_requested) as blocker:
        qtbot.keyClick(home.tree, key)
    assert blocker.args == [["kinds"]]


def test_a_and_button_study_all(
    make_home: Callable[[DeckSet], HomeView], kinds_decks: DeckSet, qtbot: QtBot
) -> None:
    home = make_home(kinds_decks)
    with qtbot.waitSignal(home.study_requested) as blocker:
        qtbot.keyClick(home.tree, Qt.Key.Key_A, Qt.KeyboardModifier.ShiftModifier)
    assert blocker.args == [[]]
    with qtbot.waitSignal(home.study_requested) as blocker:
        home.study_all.click()
    assert blocker.args == [[]]


def test_today_progress_after_reviews(
    make_home: Callable[[DeckSet], HomeView],
    kinds_decks: DeckSet,
    collection: Collection,
    clock: Clock,
    qtbot: QtBot,
) -> None:
    session = collection.session(None, clock())
    for _ in range(2):
        card = session.next_card(clock())
        assert card is not None
        session.answer(card, Rating.GOOD, clock(), timedelta(seconds=30))
    home = make_home(kinds_decks)
    qtbot.waitUntil(lambda: "2 reviews" in home.today_label.text())
    assert "1 minute" in home.today_label.text()
    item = home.tree.topLevelItem(0)
    assert item is not None and item.text(COL_LEARNING) == "2"


def test_bad_deck_listed_greyed_with_problems(
    make_home: Callable[[DeckSet], HomeView], kinds_dir: Path, qtbot: QtBot
) -> None:
    (kinds_dir / "broken.toml").write_text('id = "broken"\nname = 3\n[[notes]]\nkind = "nope"\n')
    decks = load_decks([kinds_dir])
    assert len(decks.decks) == 1 and len(decks.errors) == 1
    home = make_home(decks)
    assert home.tree.topLevelItemCount() == 2
    bad = home.tree.topLevelItem(1)
    assert bad is not None
    assert bad.text(COL_NAME).startswith("broken.toml: ")
    assert "problem" in bad.text(COL_NAME)
    assert bad.foreground(COL_NAME).color().name() == colours().muted
    assert "kind" in bad.toolTip(COL_NAME)
    assert home.selected_deck_id() == "kinds"  # the working deck is selected
    home.tree.setCurrentItem(bad)
    with qtbot.waitSignal(home.deck_problems_requested) as blocker:
        qtbot.keyClick(home.tree, Qt.Key.Key_Return)
    assert blocker.args[0] is decks.errors[0]


def test_all_done_with_next_due_time(
    make_home: Callable[[DeckSet], HomeView],
    kinds_decks: DeckSet,
    collection: Collection,
    clock: Clock,
    qtbot: QtBot,
) -> None:
    session = collection.session(None, clock())
    answered = 0
    while (card := session.next_card(clock())) is not None:
        session.answer(card, Rating.EASY, clock(), timedelta(seconds=5))
        answered += 1
    home = make_home(kinds_decks)
    assert home.done_label.isVisible()
    assert "All done for today" in home.done_label.text()
    assert "Next card due" in home.done_label.text()
    # the day's line comes after the first paint (a waited turn): it counts them all
    qtbot.waitUntil(lambda: f"Today: {answered} reviews" in home.today_label.text())
