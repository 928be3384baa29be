"""The Add dialog at 800x600, by keys only, like Anki's Add: a note of every kind is added
without the mouse, Save stays in view, the cursor starts in the first field, Tab goes
through the fields in order, Ctrl+Enter saves and the dialog stays open with the kind,
deck and tags kept; item-writing warnings show live beside their field; messages name
the option; new notes get short ids; no deck is written until a note is saved."""

from __future__ import annotations

from functools import partial
from pathlib import Path

import pytest
from PySide6.QtCore import QRect, Qt
from PySide6.QtWidgets import QApplication, QPlainTextEdit, QWidget
from pytestqt.qtbot import QtBot

from rapport.content import load_deck
from rapport.content.editing.authoring import Authoring
from rapport.content.notes.model import Kind
from rapport.study import Collection
from rapport.ui.main_window import MainWindow
from rapport.ui.note_editor import NoteEditor
from tests.support.clock import Clock

CTRL = Qt.KeyboardModifier.ControlModifier
ALT = Qt.KeyboardModifier.AltModifier

LONG = (
    "Rogers' core conditions are the counsellor's congruence, unconditional positive regard "
    "and empathic understanding, offered together and perceived by the client."
)
# One note of every kind, typed field after field with Tab (the fields' order).
EVERY_KIND: list[tuple[Kind, list[str]]] = [
    (Kind.BASIC, ["What is attending?", LONG]),
    (Kind.REVERSED, ["Congruence", "Being genuine in the relationship."]),
    (Kind.CLOZE, ["Rogers named {{c1::empathy}} a core condition."]),
    (
        Kind.CHOICE,
        [
            "A client falls silent. What fits best?",
            "Wait and stay with them",
            "Silence can be working time.",
            "Change the subject",
            "It pulls away from the client.",
            "Fill the pause with advice",
            "Advice too early closes things down.",
            "End the session early",
            "Nothing calls for it.",
        ],
    ),
    (Kind.TYPED, ["Who described the core conditions?", "Carl Rogers", "Rogers"]),
    (
        Kind.RESPOND,
        [
            "Third session. The client arrives late again.",
            "I don't see the point of this. You're only paid to listen.",
            "Reflection of feeling",
            "You sound fed up, and unsure this is worth it.",
            "Open question",
            "What would make these sessions worth coming to?",
            "",
            "",
            "week-3: Acknowledges the doubt without defending\n"
            "week-3: Stays with the client's feeling\nweek-3: Invites the client to say more",
        ],
    ),
]


def text_of(editor: NoteEditor, key: str) -> str:
    field = editor.field(key)
    assert isinstance(field, QPlainTextEdit)
    return field.toPlainText()


def inside(widget: QWidget, area: QWidget) -> bool:
    """Whether ``widget`` lies wholly within ``area`` as shown (not cut off, not below)."""
    top_left = widget.mapTo(area, widget.rect().topLeft())
    return area.rect().contains(QRect(top_left, widget.size()))


@pytest.fixture
def editor(qtbot: QtBot, tmp_path: Path) -> NoteEditor:
    authoring = Authoring(tmp_path / "data")
    pending = authoring.pending_deck("Week 3", [])
    dialog = NoteEditor(authoring, [pending], deck=pending)
    qtbot.addWidget(dialog)
    dialog.resize(800, 600)
    dialog.show()
    qtbot.waitExposed(dialog)
    dialog.activateWindow()
    return dialog


def test_every_kind_is_added_by_keys_at_800x600(qtbot: QtBot, editor: NoteEditor) -> None:
    deck_file = editor.deck.path if editor.deck else Path()
    assert editor.height() <= 600 and editor.width() <= 800
    assert not deck_file.exists()  # nothing written before a note is saved
    for kind, texts in EVERY_KIND:
        qtbot.keyClick(editor, Qt.Key.Key_K, ALT)  # &Kind
        assert QApplication.focusWidget() is editor.kind_box
        for _ in range(editor.kind_box.findData(kind.value) - editor.kind_box.currentIndex()):
            qtbot.keyClick(editor.kind_box, Qt.Key.Key_Down)
        assert editor.kind == kind
        qtbot.keyClick(editor.kind_box, Qt.Key.Key_Tab)  # round to the first field
        first = editor.first_field()
        assert QApplication.focusWidget() is first, kind
        keys = list(editor.inputs)
        for i, text in enumerate(texts):
            focused = QApplication.focusWidget()
            assert focused is editor.inputs[keys[i]], (kind, i)  # Tab follows the form
            # in view: the form scrolled to it (once its layout settled)
            assert focused is not None
            viewport = editor.form_scroll.viewport()
            qtbot.waitUntil(partial(inside, focused, viewport), timeout=2000)
            for number, line in enumerate(text.split("\n")):
                if number:
                    qtbot.keyClick(focused, Qt.Key.Key_Return)  # a new line in the field
                qtbot.keyClicks(focused, line)
            qtbot.keyClick(focused, Qt.Key.Key_Tab)
        qtbot.keyClicks(editor.field("tags"), "week3")
        assert editor.save_button.isEnabled(), editor.problems.text()
        assert inside(editor.save_button, editor)  # Save is on screen, not below it
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Return, CTRL)
        assert editor.isVisible() and editor.saved is not None  # Add stays open
        assert editor.kind == kind and text_of(editor, "tags") == "week3"
        assert text_of(editor, keys[0]) == ""  # ready for the next note
        assert QApplication.focusWidget() is editor.first_field()
        tags = editor.field("tags")
        assert isinstance(tags, QPlainTextEdit)
        tags.setPlainText("")
    deck = load_deck(deck_file)
    assert [n.kind for n in deck.notes] == [k for k, _ in EVERY_KIND]
    assert all(len(n.id) <= 32 and n.id.count("-") <= 3 for n in deck.notes), deck.notes
    assert deck.notes[0].id == "attending"
    assert {"week3"} <= set(deck.notes[0].tags)
    basic = deck.notes[0]
    assert getattr(basic, "back", "") == LONG
    qtbot.keyClick(editor.first_field(), Qt.Key.Key_Escape)
    assert not editor.isVisible() and editor.saved_count == len(EVERY_KIND)


def test_long_fields_wrap_and_grow_inside_the_scrolling_form(
    qtbot: QtBot, editor: NoteEditor
) -> None:
    back = editor.field("back")
    assert isinstance(back, QPlainTextEdit)
    empty = back.height()
    back.setFocus()
    qtbot.keyClicks(back, LONG)
    # re-wrapped at the field's width, the whole text shows: the field grew
    qtbot.waitUntil(lambda: back.height() > empty)
    assert back.lineWrapMode() is QPlainTextEdit.LineWrapMode.WidgetWidth
    assert back.horizontalScrollBar().maximum() == 0  # wrapped, never scrolled sideways
    assert editor.form_host.height() > 0 and editor.form_scroll.widgetResizable()


def test_item_writing_warnings_show_live_beside_their_field(
    qtbot: QtBot, editor: NoteEditor
) -> None:
    editor.kind_box.setCurrentIndex(editor.kind_box.findData(Kind.CHOICE.value))
    values = {
        "question": "What do the core conditions ask of a counsellor?",
        "answer": "Congruence, unconditional positive regard and empathic understanding",
        "answer why": "Rogers' three conditions.",
        "distractor 1": "Advice",
        "why 1": "Not a condition.",
        "distractor 2": "Diagnosis",
        "distractor 3": "Silence",
        "why 3": "Not one of them.",
    }
    for key, text in values.items():
        editor.field(key).setFocus()
        qtbot.keyClicks(editor.field(key), text)
    # the option is named: not "why: is empty"
    assert "wrong answer 2's why: is empty" in editor.problems.text()
    assert "is empty" in editor.hint("why 2") and editor.hint("why 1") == ""
    editor.field("why 2").setFocus()
    qtbot.keyClicks(editor.field("why 2"), "Not a condition either.")
    assert editor.save_button.isEnabled()
    assert "longest-answer" in editor.hint("answer")  # live, beside the answer
    assert editor.hint("question") == ""
    assert "check --strict warns" in editor.problems.text()
    answer = editor.field("answer")
    assert isinstance(answer, QPlainTextEdit)
    answer.selectAll()
    qtbot.keyClicks(answer, "Congruence")
    assert editor.hint("answer") == ""  # gone as soon as the cue is

    editor.kind_box.setCurrentIndex(editor.kind_box.findData(Kind.CLOZE.value))
    editor.field("text").setFocus()
    qtbot.keyClicks(
        editor.field("text"),
        "The core conditions are {{c1::congruence}}, {{c2::regard}} and {{c3::empathy}}.",
    )
    assert "cloze-list" in editor.hint("text")


def test_add_by_keys_writes_no_deck_until_a_note_is_saved(
    qtbot: QtBot, collection: Collection, kinds_dir: Path, clock: Clock
) -> None:
    from rapport.content import load_decks

    window = MainWindow(collection, load_decks([kinds_dir]).errors, clock, deck_dirs=[kinds_dir])
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    own = collection.data_dir / "my-decks"
    opened: list[NoteEditor] = []

    seen: list[object] = []

    def cancel() -> None:
        dialog = QApplication.activeModalWidget()
        focus = QApplication.focusWidget()
        if dialog is None or focus is None or not dialog.isAncestorOf(focus):
            QTimer.singleShot(10, cancel)
            return
        try:
            assert isinstance(dialog, NoteEditor)
            opened.append(dialog)
            seen.append(QApplication.focusWidget() is dialog.first_field())  # not on Kind
            qtbot.keyClicks(dialog.first_field(), "Rstuff")  # typing never changes the kind
            seen.append(dialog.kind)
            qtbot.keyClick(dialog.first_field(), Qt.Key.Key_Escape)
        finally:
            dialog.close()

    from PySide6.QtCore import QTimer

    QTimer.singleShot(0, cancel)
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
    window.home.setFocus()
    qtbot.keyClick(window.home, Qt.Key.Key_A)
    assert opened and not opened[0].isVisible()
    assert seen == [True, Kind.BASIC]
    assert not own.exists() or not list(own.glob("*.toml"))  # no empty "My notes" deck
    assert "my-notes" not in [d.id for d in collection.decks]
