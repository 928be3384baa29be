"""The study loop by keys only: siblings apart, grades that arrows and Tab never change,
long cards scrolled by keyboard, and each reviewer action with its undo."""

from __future__ import annotations

import random
from collections.abc import Callable, Iterator
from dataclasses import replace
from datetime import timedelta
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from rapport.content import Card, ChoiceNote, Deck, Option
from rapport.study import Collection, Rating
from rapport.ui.main_window import MainWindow
from rapport.ui.review import ReviewView
from rapport.ui.theme import flag_colours
from tests.support.clock import Clock
from tests.support.collection import (
    SOURCE,
    basic,
    cloze,
    make_deck,
    open_collection,
    with_settings,
)

THREE = "The alliance has {{c1::goals}}, {{c2::tasks}} and {{c3::a bond}}."
CTRL = Qt.KeyboardModifier.ControlModifier
SHIFT = Qt.KeyboardModifier.ShiftModifier


def choice(note_id: str) -> ChoiceNote:
    return ChoiceNote(
        id=note_id,
        concept="alliance",
        tags=(),
        source=SOURCE,
        extension=False,
        html=False,
        extra="",
        question="What is the alliance measured by?",
        scenario=False,
        options=(
            Option("Goals, tasks and bond", "Norcross's three components.", True),
            Option("Technique alone", "The essay says the relationship matters.", False),
            Option("Diagnosis", "Not one of the components.", False),
        ),
    )


def long_basic(note_id: str) -> Deck:
    back = " ".join(f"Sentence {i} of a long answer about the alliance." for i in range(120))
    return make_deck("long", [replace(basic(note_id), back=back)])


OpenView = Callable[..., ReviewView]


@pytest.fixture
def open_view(qtbot: QtBot, tmp_path: Path, clock: Clock) -> Iterator[OpenView]:
    opened: list[Collection] = []

    def make(deck: Deck, **settings: object) -> ReviewView:
        col = open_collection(
            tmp_path / "data", [deck], clock(), settings=with_settings(**settings)
        )
        opened.append(col)
        view = ReviewView(col, clock, rng=random.Random(5))
        qtbot.addWidget(view)
        view.resize(800, 600)
        view.show()
        qtbot.waitExposed(view)
        view.start([deck.id], deck.name)
        return view

    yield make
    for col in opened:
        col.close(clock())


def study_by_keys(view: ReviewView, qtbot: QtBot, clock: Clock) -> list[tuple[str, int]]:
    """Space then 3 (Good) on every card, 30 seconds apart, until the session ends."""
    seen = []
    for _ in range(40):
        if view.finished:
            break
        assert view.card is not None
        seen.append((view.card.note.id, view.card.ordinal))
        qtbot.keyClick(view, Qt.Key.Key_Space)
        qtbot.keyClick(view, Qt.Key.Key_3)
        clock.advance(timedelta(seconds=30))
    assert view.finished
    return seen


def test_three_cloze_cards_never_come_in_a_row(
    open_view: OpenView, qtbot: QtBot, clock: Clock
) -> None:
    deck = make_deck("d", [cloze("c", THREE), basic("x"), basic("y")])
    view = open_view(deck, bury_new=False, bury_reviews=False)
    seen = study_by_keys(view, qtbot, clock)
    assert {o for n, o in seen if n == "c"} == {0, 1, 2}
    for i, (a, b) in enumerate(zip(seen, seen[1:], strict=False)):
        if a[0] == b[0] == "c" and a != b:
            # Only once no other note's card is left in the session.
            assert all(n == "c" for n, _ in seen[i:]), seen


def test_with_burying_one_cloze_card_a_day(open_view: OpenView, qtbot: QtBot, clock: Clock) -> None:
    deck = make_deck("d", [cloze("c", THREE), basic("x"), basic("y")])
    view = open_view(deck)
    seen = study_by_keys(view, qtbot, clock)
    assert {o for n, o in seen if n == "c"} == {0}
    assert "Next card due tomorrow" in view.summary_label.text()


def test_arrows_and_tab_never_change_the_grade_space_gives(
    open_view: OpenView, qtbot: QtBot
) -> None:
    view = open_view(make_deck("d", [choice("q")]))
    assert view.card is not None
    note = view.card.note
    assert isinstance(note, ChoiceNote)
    wrong = next(p for p, i in enumerate(view.order, 1) if not note.options[i].correct)
    qtbot.keyClick(view, getattr(Qt.Key, f"Key_{wrong}"))
    assert view.revealed and view.default_rating == Rating.AGAIN
    for key in (Qt.Key.Key_Down, Qt.Key.Key_Right, Qt.Key.Key_Tab):
        qtbot.keyClick(view, key)
        assert not any(b.hasFocus() for b in view.rating_buttons.values())
    card_id = view.collection.require_id(view.card)
    qtbot.keyClick(view, Qt.Key.Key_Space)
    assert [r.rating for r in view.collection.store.reviews_of(card_id)] == [Rating.AGAIN]


def test_page_down_scrolls_a_long_answer(open_view: OpenView, qtbot: QtBot) -> None:
    view = open_view(long_basic("n"))
    qtbot.keyClick(view, Qt.Key.Key_Space)
    bar = view.card_view.verticalScrollBar()
    assert bar.maximum() > 0
    qtbot.keyClick(view, Qt.Key.Key_Home)
    assert bar.value() == 0
    qtbot.keyClick(view, Qt.Key.Key_PageDown)
    assert bar.value() > 0
    first = bar.value()
    qtbot.keyClick(view, Qt.Key.Key_Down)
    assert bar.value() > first
    qtbot.keyClick(view, Qt.Key.Key_End)
    assert bar.value() == bar.maximum()
    qtbot.keyClick(view, Qt.Key.Key_PageUp)
    assert bar.value() < bar.maximum()
    assert view.revealed and not view.finished  # scrolling graded nothing


def test_a_wrong_choice_scrolls_the_right_option_into_view(
    open_view: OpenView, qtbot: QtBot
) -> None:
    note = choice("q")
    long_why = " ".join(["The essay explains why at length."] * 40)
    long_question = " ".join(["A trainee reads a long scenario."] * 60) + " What now?"
    options = tuple(replace(o, why=long_why) for o in note.options)
    long_note = replace(note, question=long_question, options=options)
    view = open_view(make_deck("d", [long_note]))
    assert view.card is not None
    right = next(p for p, i in enumerate(view.order, 1) if options[i].correct)
    wrong = 1 if right != 1 else 2
    qtbot.keyClick(view, getattr(Qt.Key, f"Key_{wrong}"))
    from rapport.ui.scrolling import anchor_cursor

    cursor = anchor_cursor(view.card_view, "right")
    assert cursor is not None
    rect = view.card_view.cursorRect(cursor)
    assert view.card_view.verticalScrollBar().value() > 0
    assert rect.top() >= 0 and rect.bottom() <= view.card_view.viewport().height()


@pytest.fixture
def window(qtbot: QtBot, tmp_path: Path, clock: Clock) -> Iterator[MainWindow]:
    deck = make_deck("d", [cloze("c", THREE), basic("x"), choice("q")])
    col = open_collection(
        tmp_path / "data", [deck], clock(), settings=with_settings(bury_new=False)
    )
    win = MainWindow(col, clock=clock)
    qtbot.addWidget(win)
    win.show()
    qtbot.waitExposed(win)
    win.start_review(["d"])
    yield win
    col.close(clock())


def press(
    qtbot: QtBot, window: MainWindow, key: Qt.Key, mods: Qt.KeyboardModifier | None = None
) -> None:
    target = window.focusWidget() or window
    if mods is None:
        qtbot.keyClick(target, key)
    else:
        qtbot.keyClick(target, key, mods)


def new_count(window: MainWindow) -> int:
    return window.collection.deck_counts(window.clock())[0].new


@pytest.mark.parametrize(
    ("key", "mods", "undo", "gone", "notice"),
    [
        (Qt.Key.Key_Minus, None, "Bury card", 1, "Card buried until tomorrow."),
        (Qt.Key.Key_Equal, None, "Bury note", 3, "Note buried until tomorrow."),
        (Qt.Key.Key_At, SHIFT, "Suspend card", 1, "Card suspended."),
        (Qt.Key.Key_Exclam, SHIFT, "Suspend note", 3, "Note suspended."),
    ],
)
def test_bury_and_suspend_by_key_then_undo(
    window: MainWindow,
    qtbot: QtBot,
    key: Qt.Key,
    mods: Qt.KeyboardModifier | None,
    undo: str,
    gone: int,
    notice: str,
) -> None:
    review = window.review
    first = review.card
    assert first is not None and first.note.id == "c"
    assert new_count(window) == 5
    press(qtbot, window, key, mods)
    assert review.notice.text().startswith(notice)
    assert review.card is not None and review.card.key != first.key
    if gone == 3:
        assert review.card.note.id != "c"
    assert new_count(window) == 5 - gone
    assert window.undo_name() == undo
    window._name_undo()
    assert window.undo_action.text() == f"&Undo {undo}"
    press(qtbot, window, Qt.Key.Key_Z, CTRL)
    assert review.card == first and review.notice.text() == f"Undone: {undo}."
    assert new_count(window) == 5


def test_flag_and_mark_by_key_then_undo(window: MainWindow, qtbot: QtBot) -> None:
    review = window.review
    card = review.card
    assert card is not None
    press(qtbot, window, Qt.Key.Key_1, CTRL)
    assert review.notice.text().startswith("Card flagged red.")
    assert _plain(review.marks_label.text()) == "⚑ Red flag"
    assert f"color:{flag_colours()[1]}" in review.marks_label.text()  # coloured, as Anki
    press(qtbot, window, Qt.Key.Key_Asterisk, SHIFT)
    assert _plain(review.marks_label.text()) == "⚑ Red flag · Marked"
    assert window.undo_name() == "Mark note"
    press(qtbot, window, Qt.Key.Key_Z, CTRL)
    assert _plain(review.marks_label.text()) == "⚑ Red flag" and review.card == card
    assert window.undo_name() == "Flag red"
    press(qtbot, window, Qt.Key.Key_Z, CTRL)
    assert review.marks_label.text() == "" and window.undo_name() is None


def test_undo_names_the_grade_and_restores_the_option_order(
    window: MainWindow, qtbot: QtBot
) -> None:
    review = window.review
    for _ in range(5):
        if review.card is not None and review.card.note.id == "q":
            break
        press(qtbot, window, Qt.Key.Key_Space)
        press(qtbot, window, Qt.Key.Key_4)
    card = review.card
    assert card is not None and card.note.id == "q"
    order = review.order
    press(qtbot, window, Qt.Key.Key_1)  # pick option 1
    press(qtbot, window, Qt.Key.Key_Space)  # the suggested grade
    assert window.undo_name() in ("Good", "Again")
    name = window.undo_name()
    window.go_home()
    press(qtbot, window, Qt.Key.Key_Z, CTRL)  # from Home: back to the card
    assert window.current_view_name() == "review"
    assert review.card == card and review.order == order and not review.revealed
    assert review.notice.text() == f"Undone: {name}."


def test_the_summary_names_the_deck_of_the_next_card(
    qtbot: QtBot, tmp_path: Path, clock: Clock
) -> None:
    decks = [make_deck("a", [basic("x")], "Attachment"), make_deck("b", [basic("y")], "Bond")]
    col = open_collection(tmp_path / "data", decks, clock(), settings=with_settings())
    try:
        view = ReviewView(col, clock)
        qtbot.addWidget(view)
        view.show()
        view.start(["a"], "Attachment")
        qtbot.keyClick(view, Qt.Key.Key_Space)
        qtbot.keyClick(view, Qt.Key.Key_4)
        assert view.finished
        assert "Next card due now in Bond." in view.summary_label.text()
    finally:
        col.close(clock())


def test_custom_study_by_keys_when_the_day_is_done(
    open_view: OpenView, qtbot: QtBot, clock: Clock
) -> None:
    from rapport.ui.custom_study import CustomStudyDialog
    from tests.support.qt import ModalDriver

    view = open_view(make_deck("d", [basic("x"), basic("y")]), new_per_day=1)
    study_by_keys(view, qtbot, clock)
    assert view.finished

    def answer_dialog(dialog: object) -> None:
        assert isinstance(dialog, CustomStudyDialog)
        qtbot.keyClick(dialog.counts["more_new"], Qt.Key.Key_Return)  # 10 more, the default

    driver = ModalDriver()
    driver.when_modal(answer_dialog)
    qtbot.keyClick(view, Qt.Key.Key_C)
    driver.stop()
    driver.check()
    assert not view.finished and view.card is not None and view.card.note.id == "y"
    assert "more new" in view.where_label.text()


def test_flags_and_marks_show_in_browse_and_are_searchable(
    window: MainWindow, qtbot: QtBot
) -> None:
    from rapport.ui.browse import FLAG, BrowseView

    review = window.review
    card = review.card
    assert card is not None
    press(qtbot, window, Qt.Key.Key_2, CTRL)  # orange
    press(qtbot, window, Qt.Key.Key_Asterisk, SHIFT)  # mark the note
    browse = window.show_view("browse")
    assert isinstance(browse, BrowseView)

    def shown(search: str) -> list[tuple[str, str]]:
        browse.search.setText(search)
        model = browse.table.model()
        rows = []
        for r in range(model.rowCount()):
            rows.append((model.index(r, 0).data(), model.index(r, FLAG).data()))
        return rows

    assert [flag for _, flag in shown("flag:2")] == ["Orange, marked"]
    assert shown("flag:orange") == shown("flag:2")
    siblings = [c for c in window.collection.decks[0].cards() if c.note.id == card.note.id]
    assert len(shown("tag:marked")) == len(siblings) == 3
    assert shown("flag:1") == [] and shown("tag:leech") == []


def test_a_leech_is_suspended_with_a_message(
    open_view: OpenView, qtbot: QtBot, clock: Clock
) -> None:
    view = open_view(make_deck("d", [basic("x"), basic("y")]), leech_threshold=1)
    assert view.card is not None and view.card.note.id == "x"
    qtbot.keyClick(view, Qt.Key.Key_Space)
    qtbot.keyClick(view, Qt.Key.Key_4)  # x into review, days away
    clock.advance(timedelta(days=60))
    view.start(["d"], "d")
    while view.card is not None and view.card.note.id != "x":
        qtbot.keyClick(view, Qt.Key.Key_Space)
        qtbot.keyClick(view, Qt.Key.Key_4)
    assert view.card is not None
    qtbot.keyClick(view, Qt.Key.Key_Space)
    qtbot.keyClick(view, Qt.Key.Key_1)  # the first lapse: a leech at threshold 1
    assert "leech" in view.notice.text() and "rewrite" in view.notice.text()
    card_id = view.collection.require_id(basic_card(view, "x"))
    assert view.collection.store.is_held(card_id, clock())


def basic_card(view: ReviewView, note_id: str) -> Card:
    return next(c for d in view.collection.decks for c in d.cards() if c.note.id == note_id)


def _plain(rich: str) -> str:
    from PySide6.QtGui import QTextDocumentFragment

    return QTextDocumentFragment.fromHtml(rich).toPlainText()
