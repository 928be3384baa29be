"""In-app authoring by keys: A adds a note of each kind, they are studied, E edits one
from review, the editor deletes one; a shipped deck's note is changed locally, the change
survives a revision, and a revision that changed the same field offers both versions."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QMessageBox, QPushButton, QTextBrowser, QWidget
from pytestqt.qtbot import QtBot

from rapport.content import DeckSet, load_deck
from rapport.content.notes.kinds import answer_of
from rapport.content.notes.model import Kind
from rapport.study import Collection
from rapport.ui.conflicts import ConflictDialog
from rapport.ui.main_window import MainWindow
from rapport.ui.note_editor import NoteEditor
from tests.support.clock import Clock
from tests.support.qt import ModalDriver

CTRL = Qt.KeyboardModifier.ControlModifier


@pytest.fixture
def window(
    qtbot: QtBot, collection: Collection, kinds_decks: DeckSet, kinds_dir: Path, clock: Clock
) -> MainWindow:
    window = MainWindow(collection, kinds_decks.errors, clock, deck_dirs=[kinds_dir])
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    window.activateWindow()
    return window


DRIVER = ModalDriver()


@pytest.fixture(autouse=True)
def _no_failure_inside_dialogs() -> Iterator[None]:
    yield None
    DRIVER.stop()
    DRIVER.check()


def when_modal(action: Callable[[QWidget], None]) -> None:
    """Run ``action`` on the next modal dialog once it is open (exec blocks the test); a
    failure inside closes the dialog and fails the test."""
    DRIVER.when_modal(action)


def type_into(qtbot: QtBot, editor: NoteEditor, values: dict[str, str]) -> None:
    for key, text in values.items():
        field = editor.field(key)
        field.setFocus()
        for i, line in enumerate(text.split("\n")):
            if i:  # a new line in a multi-line field
                qtbot.keyClick(field, Qt.Key.Key_Return)
            qtbot.keyClicks(field, line)


NEW_NOTES: list[tuple[Kind, dict[str, str]]] = [
    (Kind.BASIC, {"front": "What is attending?", "back": "Giving the client full attention."}),
    (Kind.REVERSED, {"front": "Congruence", "back": "Being genuine in the relationship."}),
    (Kind.CLOZE, {"text": "Rogers named {{c1::empathy}} a core condition."}),
    (
        Kind.CHOICE,
        {
            "question": "A client falls silent. What fits best?",
            "answer": "Wait and stay with them",
            "answer why": "Silence can be working time.",
            "distractor 1": "Change the subject",
            "why 1": "It pulls away from the client.",
            "distractor 2": "Fill the pause with advice",
            "why 2": "Advice too early closes things down.",
            "distractor 3": "End the session early",
            "why 3": "Nothing calls for it.",
        },
    ),
    (Kind.TYPED, {"prompt": "Who described the core conditions?", "answer": "Carl Rogers"}),
    (
        Kind.RESPOND,
        {
            "context": "Second session. The client looks away.",
            "statement": "Nobody ever listens to me anyway.",
            "model 1 style": "Reflection of feeling",
            "model 1": "You feel unheard, and it has happened so often.",
            "model 2 style": "Open question",
            "model 2": "Who has not listened, that comes to mind now?",
            "rubric": "attunement: Reflects the feeling of not being heard\n"
            "attunement: Does not argue with the client\n"
            "genuineness: Shows real interest in hearing more",
        },
    ),
]


def add_by_keys(qtbot: QtBot, window: MainWindow, kind: Kind, values: dict[str, str]) -> None:
    seen: list[str] = []

    def fill(widget: QWidget) -> None:
        assert isinstance(widget, NoteEditor)
        widget.kind_box.setFocus()
        for _ in range(list(Kind).index(kind)):
            qtbot.keyClick(widget.kind_box, Qt.Key.Key_Down)
        assert widget.kind == kind
        assert not widget.save_button.isEnabled()  # empty fields: problems shown live
        seen.append(widget.problems.text())
        type_into(qtbot, widget, values)
        seen.append(widget.preview.toPlainText())
        qtbot.keyClick(widget.field(next(iter(values))), Qt.Key.Key_Return, CTRL)
        assert widget.isVisible() and widget.saved_count == 1  # Add stays open, like Anki's
        qtbot.keyClick(widget.first_field(), Qt.Key.Key_Escape)  # Close

    when_modal(fill)
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
    window.home.setFocus()
    qtbot.keyClick(window.home, Qt.Key.Key_A)
    DRIVER.check()
    assert "is empty" in seen[0]
    assert "Card 1" in seen[1]


def test_add_study_edit_and_delete_notes_by_keys(
    qtbot: QtBot, window: MainWindow, collection: Collection
) -> None:
    for kind, values in NEW_NOTES:
        add_by_keys(qtbot, window, kind, values)
    deck_file = collection.data_dir / "my-decks" / "my-notes.toml"
    deck = load_deck(deck_file)
    assert [n.kind for n in deck.notes] == [k for k, _ in NEW_NOTES]
    assert "my-notes" in [d.id for d in collection.decks]

    # study every card of the new deck
    window.start_review(["my-notes"])
    review = window.review
    studied = []
    while review.card is not None and not review.finished:
        studied.append(review.card.kind)
        if review.typed_edit.isVisible():
            qtbot.keyClicks(review.typed_edit, "Carl Rogers")
            qtbot.keyClick(review.typed_edit, Qt.Key.Key_Return)
        elif review.card.kind == Kind.CHOICE:
            qtbot.keyClick(review, Qt.Key.Key_1)  # a choice card is answered by a pick
        elif review.respond_edit.isVisible():
            qtbot.keyClicks(review.respond_edit, "It sounds lonely, not being heard.")
            qtbot.keyClick(review.respond_edit, Qt.Key.Key_Return, CTRL)
            qtbot.keyClick(review, Qt.Key.Key_1)
            qtbot.keyClick(review, Qt.Key.Key_Return)  # confirms the ticks
        else:
            qtbot.keyClick(review, Qt.Key.Key_Space)
        assert review.source_label.text() == "My notes"
        qtbot.keyClick(review, Qt.Key.Key_4)  # Easy: out of today's queue
    assert set(studied) == {k for k, _ in NEW_NOTES}

    # edit from review with E
    window.start_review(["my-notes"])
    window.review.start_session(
        collection.session_for([c.key for c in deck.cards()[:1]], window.clock()), "one"
    )
    assert window.review.card is not None and window.review.card.note.id == deck.notes[0].id

    def reword(widget: QWidget) -> None:
        assert isinstance(widget, NoteEditor) and widget.note is not None
        back = widget.field("back")
        back.setFocus()
        qtbot.keyClick(back, Qt.Key.Key_A, CTRL)
        qtbot.keyClicks(back, "Full, undivided attention.")
        qtbot.keyClick(back, Qt.Key.Key_Return, CTRL)

    when_modal(reword)
    qtbot.keyClick(window.review, Qt.Key.Key_E)
    assert window.current_view_name() == "review"
    assert window.review.card is not None
    assert answer_of(window.review.card) == "Full, undivided attention."
    assert load_deck(deck_file).notes[0].back == "Full, undivided attention."  # type: ignore[attr-defined]

    # delete it from the editor (E, then Delete note, then Yes)
    card_id = collection.card_id(window.review.card.key)

    def delete(widget: QWidget) -> None:
        assert isinstance(widget, NoteEditor) and widget.delete_button is not None

        def yes(box: QWidget) -> None:
            assert isinstance(box, QMessageBox)
            box.button(QMessageBox.StandardButton.Yes).click()

        when_modal(yes)
        widget.delete_button.click()

    when_modal(delete)
    qtbot.keyClick(window.review, Qt.Key.Key_E)
    remaining = load_deck(deck_file)
    assert deck.notes[0].id not in [n.id for n in remaining.notes]
    assert len(remaining.notes) == len(NEW_NOTES) - 1
    assert card_id is not None and collection.store.reviews_of(card_id)  # history kept


def test_enter_in_browse_edits_the_note(
    qtbot: QtBot, window: MainWindow, collection: Collection
) -> None:
    browse = window.show_view("browse")
    table = browse.table  # type: ignore[attr-defined]
    table.setFocus()
    table.selectRow(0)
    opened: list[str] = []

    def look(widget: QWidget) -> None:
        assert isinstance(widget, NoteEditor) and widget.note is not None
        opened.append(widget.note.id)
        widget.reject()

    when_modal(look)
    qtbot.keyClick(table, Qt.Key.Key_Return)
    assert opened and opened[0] in {n.id for d in collection.decks for n in d.notes}


def _edit_shipped_back(qtbot: QtBot, window: MainWindow, new_back: str) -> None:
    def reword(widget: QWidget) -> None:
        assert isinstance(widget, NoteEditor)
        assert "not your deck" in widget.notice.text()
        back = widget.field("back")
        back.setFocus()
        qtbot.keyClick(back, Qt.Key.Key_A, CTRL)
        qtbot.keyClicks(back, new_back)
        qtbot.keyClick(back, Qt.Key.Key_Return, CTRL)

    when_modal(reword)
    qtbot.keyClick(window.review, Qt.Key.Key_E)


def test_a_local_change_survives_a_revision_and_a_conflict_offers_both(
    qtbot: QtBot, window: MainWindow, collection: Collection, kinds_dir: Path
) -> None:
    window.start_review(["kinds"])
    review = window.review
    assert review.card is not None and review.card.note.id == "basic-one"
    _edit_shipped_back(qtbot, window, "Goals, tasks and bond (my words).")
    assert review.card is not None and answer_of(review.card) == (
        "Goals, tasks and bond (my words)."
    )
    qtbot.keyClick(review, Qt.Key.Key_Space)
    assert "your change" in review.source_label.text()
    saved = json.loads((collection.data_dir / "local-changes.json").read_text())
    assert [(c["deck"], c["note"]) for c in saved["changes"]] == [("kinds", "basic-one")]
    deck_file = kinds_dir / "kinds.toml"
    assert "my words" not in deck_file.read_text()  # the shipped file is untouched

    # a revision that rewords another field of the note: the change survives, merged
    text = deck_file.read_text()
    deck_file.write_text(text.replace("From Norcross.", "From Norcross (2011)."))
    window.reload_decks()
    note = next(d for d in collection.decks if d.id == "kinds").note("basic-one")
    assert note is not None and note.back == "Goals, tasks and bond (my words)."  # type: ignore[attr-defined]
    assert note.extra == "From Norcross (2011)."

    # a revision that changes the same field: both versions shown, the trainee chooses
    deck_file.write_text(
        deck_file.read_text().replace(
            "Goals, tasks and a bond. <script>alert(1)</script>", "Goals, tasks and a bond."
        )
    )
    shown: list[str] = []

    def choose(widget: QWidget) -> None:
        assert isinstance(widget, ConflictDialog)
        browser = widget.findChild(QTextBrowser)
        assert browser is not None
        shown.append(browser.toPlainText())
        keep = next(b for b in widget.findChildren(QPushButton) if b.text() == "Keep mine")
        keep.click()

    when_modal(choose)
    window.reload_decks()
    assert "Goals, tasks and bond (my words)." in shown[-1]
    assert "Goals, tasks and a bond." in shown[-1]
    note = next(d for d in collection.decks if d.id == "kinds").note("basic-one")
    assert note is not None and note.back == "Goals, tasks and bond (my words)."  # type: ignore[attr-defined]
    window.reload_decks()  # settled: no second question
    assert window.conflicts == []

    # the trainee drops the change: the note is the deck's again
    window.start_review(["kinds"])

    def drop(widget: QWidget) -> None:
        assert isinstance(widget, NoteEditor) and widget.drop_button is not None
        widget.drop_button.click()

    if window.review.card is not None and window.review.card.note.id == "basic-one":
        when_modal(drop)
        qtbot.keyClick(window.review, Qt.Key.Key_E)
    else:
        window.authoring.local.drop("kinds", "basic-one")
        window.reload_decks()
    note = next(d for d in collection.decks if d.id == "kinds").note("basic-one")
    assert note is not None and note.back == "Goals, tasks and a bond."  # type: ignore[attr-defined]
