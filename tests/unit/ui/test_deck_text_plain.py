"""A deck's name and description are plain text wherever the app shows them.

A deck file is written by whoever hands it out; if Qt read its name or description as rich
text, ``<img src="file://...">`` would load a local file and a link in the "Deck added"
box would open the browser. Each label showing them must take them as plain text.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QWidget
from pytestqt.qtbot import QtBot

from rapport.content import load_decks
from rapport.study import Collection
from rapport.ui.home import HomeView
from rapport.ui.main_window import MainWindow
from tests.support.clock import Clock
from tests.support.decks import KINDS_DECK
from tests.support.handout import HANDOUT, write_handout
from tests.support.qt import ModalCatcher

NAME = 'Week <b>one</b> <img src="file:///etc/passwd">'
DESCRIPTION = '<a href="https://example.org">Click</a> <img src="file:///etc/hostname"> & more'


def markup_deck(text: str) -> str:
    return text.replace('name = "Every kind"', f"name = '{NAME}'").replace(
        'description = "One note of each kind, for UI tests"', f"description = '{DESCRIPTION}'"
    )


@pytest.fixture
def markup_collection(kinds_dir: Path, data_dir: Path, clock: Clock) -> Iterator[Collection]:
    (kinds_dir / "kinds.toml").write_text(markup_deck(KINDS_DECK), encoding="utf-8")
    decks = load_decks([kinds_dir])
    assert not decks.errors and decks.decks[0].name == NAME
    col = Collection.open(data_dir, decks.decks, clock())
    yield col
    col.close(clock())


def test_home_shows_the_description_as_written(
    qtbot: QtBot, markup_collection: Collection, clock: Clock
) -> None:
    home = HomeView(markup_collection, (), clock)
    qtbot.addWidget(home)
    home.show()
    home.on_shown()
    item = home.tree.topLevelItem(0)
    assert item is not None and item.text(0) == NAME
    assert home.description.textFormat() == Qt.TextFormat.PlainText
    assert home.description.text().startswith(DESCRIPTION)


def test_review_header_shows_the_name_as_written(
    qtbot: QtBot, markup_collection: Collection, clock: Clock
) -> None:
    window = MainWindow(markup_collection, (), clock, deck_dirs=[])
    qtbot.addWidget(window)
    window.show()
    window.start_review(["kinds"])
    assert window.review.where_label.text() == NAME
    assert window.review.where_label.textFormat() == Qt.TextFormat.PlainText
    assert NAME in window.windowTitle()


class LabelCatcher(ModalCatcher):
    """Closes each modal dialog as it opens, keeping its labels' text and format."""

    def __init__(self) -> None:
        self.labels: list[tuple[str, Qt.TextFormat]] = []
        super().__init__()

    def _close(self, widget: QWidget) -> None:
        if not widget.isVisible():
            return
        self.labels += [
            (label.text(), label.textFormat())
            for label in widget.findChildren(QLabel)
            if label.text()
        ]
        widget.close()


def test_deck_added_box_shows_the_name_as_written(
    qtbot: QtBot, markup_collection: Collection, clock: Clock, tmp_path: Path
) -> None:
    handout = write_handout(tmp_path / "handout")
    handout.write_text(
        HANDOUT.replace('name = "Course week 1"', f"name = '{NAME}'"), encoding="utf-8"
    )
    window = MainWindow(markup_collection, (), clock, deck_dirs=[])
    qtbot.addWidget(window)
    catcher = LabelCatcher()
    try:
        assert window.add_deck_file(handout)
    finally:
        catcher.stop()
    [(text, text_format)] = [entry for entry in catcher.labels if NAME in entry[0]]
    assert text == f"'{NAME}' (1 card) was added."
    assert text_format == Qt.TextFormat.PlainText  # so no link in it, nothing to open


def test_revision_box_shows_the_name_as_written(
    qtbot: QtBot, markup_collection: Collection, clock: Clock, tmp_path: Path
) -> None:
    handout = write_handout(tmp_path / "handout")
    first = HANDOUT.replace('name = "Course week 1"', f"name = '{NAME}'")
    handout.write_text(first, encoding="utf-8")
    window = MainWindow(markup_collection, (), clock, deck_dirs=[])
    qtbot.addWidget(window)
    catcher = LabelCatcher()
    try:
        assert window.add_deck_file(handout)
        handout.write_text(first.replace("a bond.", "a working bond."), encoding="utf-8")
        window.add_deck_file(handout)  # the revision box is closed: not applied
    finally:
        catcher.stop()
    asked = [entry for entry in catcher.labels if entry[0].startswith("This file is a new")]
    assert asked and NAME in asked[0][0]
    assert asked[0][1] == Qt.TextFormat.PlainText
