"""The app reloads a deck changed on disk (``rapport add`` while it runs) and says so in
the status bar; its own writes are not reported as outside changes."""

from __future__ import annotations

from pathlib import Path

from pytestqt.qtbot import QtBot

from rapport.cli import main
from rapport.content import DeckSet
from rapport.study import Collection
from rapport.ui.main_window import MainWindow
from tests.support.clock import Clock
from tests.support.handout import HANDOUT


def test_a_deck_added_by_the_command_line_shows_in_the_open_app(
    qtbot: QtBot,
    collection: Collection,
    kinds_decks: DeckSet,
    kinds_dir: Path,
    clock: Clock,
    tmp_path: Path,
) -> None:
    window = MainWindow(collection, kinds_decks.errors, clock, deck_dirs=[kinds_dir])
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    handout = tmp_path / "week1.toml"
    handout.write_text(HANDOUT, encoding="utf-8")
    data = str(collection.data_dir)
    assert main(["add", str(handout), "--yes", "--data-dir", data]) == 0
    qtbot.waitUntil(lambda: "course-week-1" in [d.id for d in collection.decks], timeout=5000)
    assert "Reloaded 'Course week 1': changed on disk" in window.statusBar().currentMessage()

    # a revision replaces the file: the open app shows the new version
    handout.write_text(HANDOUT.replace("Goals, tasks and a bond.", "Goals, tasks, bond."))
    window.statusBar().clearMessage()
    assert main(["add", str(handout), "--yes", "--data-dir", data]) == 0

    def revised() -> bool:
        deck = next(d for d in collection.decks if d.id == "course-week-1")
        return any("Goals, tasks, bond." in str(n) for n in deck.notes)

    qtbot.waitUntil(revised, timeout=5000)
    assert "changed on disk" in window.statusBar().currentMessage()

    # the app's own reading is no outside change
    window.statusBar().clearMessage()
    window.reload_decks()
    # (a timed wait on purpose: nothing may happen, and the watcher would react within
    # its settling time, DELAY_MS; there is no event to wait for)
    qtbot.wait(window.deck_watch.DELAY_MS * 2)
    assert window.statusBar().currentMessage() == ""
