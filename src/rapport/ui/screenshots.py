"""Render the app's main views to PNG files: ``python -m rapport.ui.screenshots DIR``.

Builds a demo data folder in a temporary directory with the shipped decks and a plausible
study history (a few hundred answers over the past simulated weeks, given through the
real :class:`~rapport.study.ReviewSession` at fixed times, so the charts have data), then
grabs Home, a review card (question and answer), a practice test, Browse and Statistics
offscreen, at a fixed window size in the light theme. Everything is seeded: the same code
gives the same pictures.
"""

from __future__ import annotations

import os
import random
import sys
import tempfile
import time
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QApplication, QScrollArea

from rapport.content import load_decks
from rapport.content.notes.model import Kind
from rapport.interop.anki.progress import study_progress
from rapport.paths import decks_dir
from rapport.study import Collection, Rating
from rapport.ui.browse import DUE, BrowseView
from rapport.ui.deck_options import DeckOptionsDialog
from rapport.ui.export_dialog import ExportDialog
from rapport.ui.main_window import MainWindow
from rapport.ui.note_editor import NoteEditor
from rapport.ui.practice import PracticeView
from rapport.ui.stats_view import StatsView
from rapport.ui.theme import PREF_THEME, apply_theme

if TYPE_CHECKING:
    from PySide6.QtWidgets import QWidget

WINDOW_SIZE = (1100, 720)
EDITOR_SIZE = (800, 600)
EXPORT_SIZE = (560, 460)
# Each picture's size where it is not the window's.
SIZES = {"note-editor": EDITOR_SIZE, "export": EXPORT_SIZE}
# The demo's "now": a weekday afternoon; the history runs up to it.
DEMO_NOW = datetime(2026, 3, 4, 15, 30, tzinfo=UTC)
HISTORY_DAYS = 75
NAMES = (
    "home",
    "review-question",
    "review-answer",
    "practice",
    "browse",
    "stats",
    "stats-charts",
    "deck-options",
    "simulator",
    "note-editor",
    "deck-tree",
    "export",
)
# Decks of the trainee's own with "::" in their names, for the deck tree's picture.
TREE_DECKS = {
    "Counselling Skills::Week 1": ("Reflecting feelings", "Open questions", "Minimal encouragers"),
    "Counselling Skills::Week 2": ("Summarising", "Immediacy"),
    "Counselling Skills::Week 2::Role plays": ("A client arrives late", "A silent client"),
}


class DemoClock:
    """A hand-moved clock: the app and the simulation read it."""

    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


def simulate_history(
    collection: object, clock: DemoClock, end: datetime, rng: random.Random
) -> int:
    """Study most days from ``clock()`` up to ``end``; the number of answers given."""
    assert isinstance(collection, Collection)
    ratings = (Rating.AGAIN, Rating.HARD, Rating.GOOD, Rating.EASY)
    weights = (0.11, 0.09, 0.66, 0.14)
    answered = 0
    day = clock.now
    # The last two days are skipped, so cards are waiting in the review screenshots.
    while day < end - timedelta(days=2):
        if rng.random() < 0.85:
            clock.now = day + timedelta(minutes=rng.randrange(0, 90))
            session = collection.session(None, clock.now)
            for _ in range(rng.randrange(8, 28)):
                card = session.next_card(clock.now)
                if card is None:
                    break
                seconds = rng.uniform(4, 22)
                clock.now += timedelta(seconds=seconds)
                rating = rng.choices(ratings, weights)[0]
                session.answer(card, rating, clock.now, timedelta(seconds=seconds))
                answered += 1
                clock.now += timedelta(seconds=rng.uniform(1, 4))
        day += timedelta(days=1)
    # Today: a short session so the headline figures are not all zero.
    clock.now = end - timedelta(minutes=40)
    session = collection.session(None, clock.now)
    for _ in range(6):
        card = session.next_card(clock.now)
        if card is None:
            break
        clock.now += timedelta(seconds=12)
        session.answer(card, rng.choices(ratings, weights)[0], clock.now, timedelta(seconds=12))
        answered += 1
    clock.now = end
    return answered


def render(out_dir: Path, data_dir: Path) -> list[Path]:
    """Build the demo collection in ``data_dir`` and write the screenshots to ``out_dir``."""

    app = QApplication.instance() or QApplication(["rapport-screenshots"])
    assert isinstance(app, QApplication)
    random.seed(1)  # FSRS's interval fuzz draws from the global generator
    decks = load_decks([decks_dir()])
    clock = DemoClock(DEMO_NOW - timedelta(days=HISTORY_DAYS))
    collection = Collection.open(data_dir, decks.decks, clock())
    try:
        simulate_history(collection, clock, DEMO_NOW, random.Random(7))
        collection.set_pref(PREF_THEME, "light")
        apply_theme(app, "light")
        window = MainWindow(collection, decks.errors, clock, deck_dirs=[decks_dir()])
        window.resize(*WINDOW_SIZE)
        window.show()
        out_dir.mkdir(parents=True, exist_ok=True)
        written: list[Path] = []

        def settle() -> None:
            for _ in range(5):
                app.processEvents()

        def shoot(name: str, widget: QWidget | None = None) -> None:
            settle()
            path = out_dir / f"{name}.png"
            if not (widget or window).grab().save(str(path)):
                raise OSError(f"could not write {path}")
            written.append(path)

        window.show_view("home")
        shoot("home")

        window.start_review([])
        review = window.review
        shoot("review-question")
        review.reveal()
        shoot("review-answer")

        practice = window.show_view("practice")
        assert isinstance(practice, PracticeView)
        practice.rng = lambda: random.Random(11)
        practice.start()
        _to_choice_question(practice)
        practice.pick(1)
        shoot("practice")

        browse = window.show_view("browse")
        assert isinstance(browse, BrowseView)
        browse.table.sortByColumn(DUE, Qt.SortOrder.AscendingOrder)
        due = browse.sidebar.item_for("is:review")
        if due is not None:  # the sidebar writes the search, as a click on it would
            browse.sidebar.setCurrentItem(due)
            browse.apply_sidebar("is:review", "replace")
            browse.apply_sidebar("prop:lapses>0", "and")
        browse.table.selectRow(1)
        shoot("browse")

        stats = window.show_view("stats")
        _wait_for_figures(app, stats)
        shoot("stats")
        shoot("stats-charts", _whole_page(stats))

        options = _deck_options(window, clock)
        shoot("deck-options", options)
        _simulate(app, options)
        shoot("simulator", options)
        options.close()

        shoot("export", _export_dialog(window))  # (before the editor adds a deck)
        shoot("note-editor", _note_editor(window))
        _tree_decks(window)
        window.show_view("home")
        window.home._select("Counselling Skills")
        shoot("deck-tree")
        window.close()
        return written
    finally:
        collection.close(clock())


def _wait_for_figures(app: object, view: object) -> None:
    """Let the statistics view compute its figures (in its thread) and draw them."""

    assert isinstance(app, QApplication) and isinstance(view, StatsView)
    deadline = time.monotonic() + 60
    while (view.stats is None or view.computing) and time.monotonic() < deadline:
        app.processEvents()
        time.sleep(0.01)


def _whole_page(view: object) -> QWidget:
    """The statistics page's scrolled content, every chart (a taller picture)."""

    assert isinstance(view, StatsView)
    scroll = view.findChild(QScrollArea)
    assert scroll is not None
    content = scroll.widget()
    assert content is not None
    content.resize(WINDOW_SIZE[0], content.sizeHint().height())
    return content


def _deck_options(window: object, clock: DemoClock) -> QWidget:
    """Deck options of the first deck, on its settings."""
    assert isinstance(window, MainWindow)
    dialog = DeckOptionsDialog(window.collection, window.collection.decks[0].id, window, clock)
    dialog.resize(*WINDOW_SIZE)
    dialog.show()
    return dialog


def _simulate(app: object, dialog: object) -> None:
    """FSRS tab: Help me decide's curve computed, 0.85 picked from it."""

    assert isinstance(app, QApplication) and isinstance(dialog, DeckOptionsDialog)
    dialog.show_tab("FSRS")
    dialog.simulator.simulate()
    deadline = time.monotonic() + 120
    while dialog.simulator.job is not None and time.monotonic() < deadline:
        app.processEvents()
        time.sleep(0.01)
    dialog.simulator.choose(0.85)

    page = dialog.tabs.currentWidget()
    if isinstance(page, QScrollArea) and dialog.simulator.table is not None:
        for _ in range(5):
            app.processEvents()

        inner = page.widget()
        assert inner is not None
        top = dialog.simulator.mapTo(inner, QPoint(0, 0)).y()
        page.verticalScrollBar().setValue(top)


def _note_editor(window: object) -> QWidget:
    """Add note (A) on a deck of the trainee's own, a cloze half written, with its preview."""
    assert isinstance(window, MainWindow)
    window.authoring.new_deck("Skills practice", [d.id for d in window.collection.decks])
    window.refresh_decks()
    own = window.authoring.own_decks(window.collection.decks)
    editor = NoteEditor(window.authoring, own, deck=own[0], parent=window)
    editor.kind_box.setCurrentIndex(editor.kind_box.findData(Kind.CHOICE.value))
    for key, text in (
        ("question", "A client falls silent after naming a loss. What fits best?"),
        ("answer", "Stay with the silence, letting the client set the pace of what comes next"),
        ("answer why", "Silence after a loss is often working time."),
        ("distractor 1", "Change the subject"),
        ("why 1", "It pulls away from what the client brought."),
        ("distractor 2", "Offer advice"),
        ("why 2", "Advice this early closes the moment down."),
        ("distractor 3", "End the session early"),
        ("why 3", "Nothing in the moment calls for it."),
    ):
        editor.field(key).setText(text)  # type: ignore[union-attr]
    editor.resize(*EDITOR_SIZE)  # it fits a small screen: the form scrolls
    editor.show()
    editor.validate()
    return editor


def _tree_decks(window: object) -> None:
    """Decks of the trainee's own named with "::", a few cards studied: Home's tree."""
    assert isinstance(window, MainWindow)
    taken = [d.id for d in window.collection.decks]
    for name, fronts in TREE_DECKS.items():
        path = window.authoring.new_deck(name, taken)
        window.refresh_decks()
        deck = next(d for d in window.collection.decks if d.path == path)
        taken.append(deck.id)
        for front in fronts:
            values = {"kind": "basic", "concept": "skills", "front": f"{front}: what is it for?",
                      "back": "See the week's handout."}  # fmt: skip
            values["id"] = window.authoring.new_note_id(deck, values)
            window.authoring.save_note(deck, values)
            window.refresh_decks()
            deck = next(d for d in window.collection.decks if d.path == path)


def _export_dialog(window: object) -> QWidget:
    """File > Export, a spreadsheet for Excel chosen."""
    assert isinstance(window, MainWindow)
    collection = window.collection
    dialog = ExportDialog(
        collection.decks, window.export_dir, window, study=lambda: study_progress(collection)
    )
    dialog.set_format("csv")
    dialog.excel.setChecked(True)
    dialog.resize(*EXPORT_SIZE)
    dialog.show()
    return dialog


def _to_choice_question(practice: object) -> None:
    """Answer the practice test's first questions until a choice question is on show."""
    assert isinstance(practice, PracticeView)
    for _ in range(len(practice.questions)):
        question = practice.current
        if question is None or question.options:
            return
        practice.answer_edit.setText(question.expected)
        practice.submit()


def main(argv: Sequence[str] | None = None) -> int:
    """Write the six screenshots to the folder named on the command line."""
    args = list(sys.argv[1:] if argv is None else argv)
    if len(args) != 1:
        print("usage: python -m rapport.ui.screenshots OUTPUT_DIR", file=sys.stderr)
        return 2
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    with tempfile.TemporaryDirectory(prefix="rapport-demo-") as folder:
        written = render(Path(args[0]), Path(folder))
    for path in written:
        print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
