"""The deck tree: ``::`` makes a child deck; Home nests, sums and collapses; studying a
parent studies its children; rename and options work on the tree."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QTreeWidgetItem
from pytestqt.qtbot import QtBot

from rapport.content import load_decks
from rapport.study import Collection
from rapport.study.counts import DeckCounts
from rapport.study.decktree import deck_tree, renamed
from rapport.ui.home import COL_DUE, COL_NAME, COL_NEW, NODE_ROLE, PREF_COLLAPSED
from rapport.ui.main_window import MainWindow
from tests.support.clock import Clock
from tests.support.collection import open_as_app as open_collection
from tests.support.decks import ESSAY, write_deck


def _deck(deck_id: str, name: str, notes: int) -> str:
    body = "".join(
        f"""
[[notes]]
id = "{deck_id}-{i}"
kind = "basic"
concept = "alliance-definition"
source = {{ paragraph = 5, anchor = "outlined this new therapeutic alliance" }}
front = "Question {i} of {name}?"
back = "Answer {i}."
"""
        for i in range(notes)
    )
    return (
        f'id = "{deck_id}"\nname = "{name}"\ndescription = "d"\nessay = "{ESSAY}"\n\n'
        f'[paragraphs]\n5 = "Norcross defined the alliance."\n{body}'
    )


def _text(item: QTreeWidgetItem | None) -> str:
    assert item is not None
    return item.text(COL_NAME)


def test_tree_nests_by_double_colon_and_sums_counts() -> None:
    counts = [
        DeckCounts("w1", "Skills::Week 1", 2, 1, 0, 5),
        DeckCounts("other", "Other", 1, 0, 0, 1),
        DeckCounts("w2", "Skills :: Week 2", 3, 0, 4, 9),
        DeckCounts("skills", "Skills", 1, 0, 1, 2),
        DeckCounts("deep", "Skills::Week 2::Extra", 1, 1, 1, 3),
    ]
    other, skills = deck_tree(counts)  # sorted by name, as Anki's deck list
    assert (skills.label, skills.deck_id, other.label) == ("Skills", "skills", "Other")
    assert [c.label for c in skills.children] == ["Week 1", "Week 2"]
    week2 = skills.children[1]
    assert (week2.new, week2.learning, week2.due, week2.total) == (4, 1, 5, 12)
    assert (skills.new, skills.learning, skills.due, skills.total) == (7, 2, 6, 19)
    assert skills.deck_ids() == ["skills", "w1", "w2", "deep"]
    # A parent no deck names is a node without a deck.
    (orphan,) = deck_tree([DeckCounts("a", "Course::Part", 1, 0, 0, 1)])
    assert orphan.deck_id is None and orphan.deck_ids() == ["a"]
    names = {"skills": "Skills", "w1": "Skills::Week 1", "x": "Skillset"}
    assert renamed(names, "Skills", "Core") == {"skills": "Core", "w1": "Core::Week 1"}


@pytest.fixture
def tree_collection(tmp_path: Path, data_dir: Path, clock: Clock) -> Iterator[Collection]:
    folder = tmp_path / "tree-decks"
    write_deck(folder, _deck("week1", "Counselling Skills::Week 1", 2), "week1.toml")
    write_deck(folder, _deck("week2", "Counselling Skills::Week 2", 3), "week2.toml")
    write_deck(folder, _deck("solo", "Solo", 1), "solo.toml")
    decks = load_decks([folder])
    assert not decks.errors
    col = open_collection(data_dir, decks.decks, clock())
    yield col
    col.close(clock())


@pytest.fixture
def tree_window(qtbot: QtBot, tree_collection: Collection, clock: Clock) -> MainWindow:
    window = MainWindow(tree_collection, (), clock, deck_dirs=[])
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    return window


def test_home_shows_the_tree_and_a_parent_studies_its_children(
    tree_window: MainWindow, qtbot: QtBot
) -> None:
    home = tree_window.home
    parent = home.tree.topLevelItem(0)
    assert parent is not None and parent.text(COL_NAME) == "Counselling Skills"
    assert parent.childCount() == 2 and parent.isExpanded()
    assert [_text(parent.child(i)) for i in range(2)] == ["Week 1", "Week 2"]
    assert parent.text(COL_NEW) == "5"  # 2 + 3, summed
    assert parent.text(COL_DUE) == "0"
    # Select the parent by keys and study it: the session holds both weeks' cards.
    home.focus_list()
    home.tree.setCurrentItem(parent)
    qtbot.keyClick(home.tree, Qt.Key.Key_Return)
    review = tree_window.review
    assert tree_window.current_view_name() == "review"
    assert "<b>5</b>" in review.counts_label.text()
    seen = set()
    for _ in range(5):
        assert review.card is not None
        seen.add(review.card.deck_id)
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Space)
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_4)
    assert seen == {"week1", "week2"}
    assert review.finished


def test_collapsing_a_parent_is_remembered(tree_window: MainWindow, qtbot: QtBot) -> None:
    home = tree_window.home
    parent = home.tree.topLevelItem(0)
    assert parent is not None
    home.tree.setCurrentItem(parent)
    qtbot.keyClick(home.tree, Qt.Key.Key_Left)  # collapse, as in any tree
    assert not parent.isExpanded()
    home.refresh()
    parent = home.tree.topLevelItem(0)
    assert parent is not None and not parent.isExpanded()
    assert parent.data(COL_NAME, NODE_ROLE) == "Counselling Skills"


def test_renaming_a_parent_renames_its_children(
    tree_window: MainWindow, qtbot: QtBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    from PySide6.QtWidgets import QInputDialog

    home = tree_window.home
    parent = home.tree.topLevelItem(0)
    assert parent is not None
    home.tree.setCurrentItem(parent)
    monkeypatch.setattr(QInputDialog, "getText", lambda *a, **k: ("Core Skills", True))
    # The test decks are outside the data folder: as shipped decks, they stay as they are.
    monkeypatch.setattr(tree_window.authoring, "is_added", lambda deck: True)
    written: dict[str, str] = {}
    monkeypatch.setattr(
        tree_window.authoring, "rename_deck", lambda deck, name: written.update({deck.id: name})
    )
    assert tree_window.rename_deck()
    assert written == {"week1": "Core Skills::Week 1", "week2": "Core Skills::Week 2"}


def test_options_of_a_parent_give_every_deck_under_it_one_preset(
    tree_window: MainWindow,
    tree_collection: Collection,
    qtbot: QtBot,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from rapport.ui import deck_options

    home = tree_window.home
    parent = home.tree.topLevelItem(0)
    assert parent is not None and parent.data(COL_NAME, NODE_ROLE) == "Counselling Skills"
    home.tree.setCurrentItem(parent)
    tree_collection.save_preset("Weekly", tree_collection.settings)
    opened: list[tuple[str, tuple[str, ...]]] = []

    class Chooses:  # the dialog, as the trainee leaves it: "Weekly" chosen, OK
        def __init__(
            self,
            collection: Collection,
            deck_id: str,
            parent: object,
            clock: object = None,
            also: Sequence[str] = (),
        ) -> None:
            opened.append((deck_id, tuple(also)))
            self.collection, self.decks = collection, (deck_id, *also)

        def exec(self) -> bool:
            for deck_id in self.decks:
                self.collection.set_deck_preset(deck_id, "Weekly")
            return True

    monkeypatch.setattr(deck_options, "DeckOptionsDialog", Chooses)
    qtbot.keyClick(home.tree, Qt.Key.Key_O)  # O, as on any deck
    # (the real dialog gives them all the preset in one step: tests/unit/ui/
    # test_operations_keys.py, the deck options of a parent row)
    assert opened == [("week1", ("week2",))]
    assert tree_collection.preset_of("week1") == tree_collection.preset_of("week2") == "Weekly"
    assert tree_collection.preset_of("solo") != "Weekly"


def test_filling_the_tree_writes_no_preference(
    tree_window: MainWindow, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Only the trainee's expanding or collapsing is remembered: Home's own filling of the
    tree (at every start) neither writes the preference nor reads it once per row."""
    home = tree_window.home
    collection = tree_window.collection
    writes: list[str] = []
    reads: list[str] = []
    set_pref, get_pref = collection.set_pref, collection.get_pref

    def record_write(key: str, value: str) -> None:
        writes.append(key)
        set_pref(key, value)

    def record_read(key: str, default: str | None = None) -> str | None:
        reads.append(key)
        return get_pref(key, default)

    monkeypatch.setattr(collection, "set_pref", record_write)
    monkeypatch.setattr(collection, "get_pref", record_read)
    home.refresh()
    parent = home.tree.topLevelItem(0)
    assert parent is not None and parent.isExpanded() and parent.childCount() == 2
    assert PREF_COLLAPSED not in writes
    assert reads.count(PREF_COLLAPSED) == 1
