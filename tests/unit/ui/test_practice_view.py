"""The practice test view, driven by key presses only."""

from __future__ import annotations

import random

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QPushButton
from pytestqt.qtbot import QtBot

from rapport.content import Deck, Kind, load_decks
from rapport.paths import decks_dir
from rapport.ui.practice import PracticeView


@pytest.fixture(scope="module")
def decks() -> tuple[Deck, ...]:
    # The essay deck: these tests answer its kinds (the skills deck's respond notes are
    # practised in tests of their own).
    return load_decks([decks_dir() / "the-relationship-in-therapy.toml"]).decks


@pytest.fixture
def view(qtbot: QtBot, decks: tuple[Deck, ...]) -> PracticeView:
    widget = PracticeView(decks, rng=lambda: random.Random(42))
    qtbot.addWidget(widget)
    widget.resize(1000, 700)
    widget.show()
    qtbot.waitExposed(widget)
    return widget


def _answer_right(view: PracticeView, qtbot: QtBot) -> None:
    question = view.current
    assert question is not None
    if question.options:
        right = next(i for i, o in enumerate(question.options) if o.correct)
        qtbot.keyClick(view.question_page, Qt.Key(Qt.Key.Key_1 + right))
        qtbot.keyClick(view.question_page, Qt.Key.Key_Return)
    else:
        qtbot.keyClicks(view.answer_edit, question.expected)
        qtbot.keyClick(view.answer_edit, Qt.Key.Key_Return)


def _answer_wrong(view: PracticeView, qtbot: QtBot) -> None:
    question = view.current
    assert question is not None
    if question.options:
        wrong = next(i for i, o in enumerate(question.options) if not o.correct)
        qtbot.keyClick(view.question_page, Qt.Key(Qt.Key.Key_1 + wrong))
        qtbot.keyClick(view.question_page, Qt.Key.Key_Return)
    else:
        qtbot.keyClicks(view.answer_edit, "no idea at all")
        qtbot.keyClick(view.answer_edit, Qt.Key.Key_Return)


def test_a_whole_test_by_keyboard(view: PracticeView, qtbot: QtBot) -> None:
    # Untick every concept but the first two, with Space on the focused list.
    view.concept_list.setFocus()
    assert view.concept_list.count() > 3
    for row in range(2, view.concept_list.count()):
        view.concept_list.setCurrentRow(row)
        qtbot.keyClick(view.concept_list, Qt.Key.Key_Space)
    wanted = {view.concept_list.item(r).data(Qt.ItemDataRole.UserRole) for r in (0, 1)}
    available = view.count_box.maximum()
    assert 3 <= available < 40
    view.count_box.setFocus()
    view.count_box.selectAll()
    qtbot.keyClicks(view.count_box, "6")
    qtbot.keyClick(view.count_box, Qt.Key.Key_Return)

    assert view.stack.currentWidget() is view.question_page
    assert len(view.questions) == 6
    assert {q.card.note.concept for q in view.questions} <= wanted
    assert {q.kind for q in view.questions} == {Kind.CHOICE, Kind.TYPED, Kind.CLOZE}

    missed_cards = []
    for n in range(6):
        if n % 2:
            missed_cards.append(view.current.card.key)  # type: ignore[union-attr]
            _answer_wrong(view, qtbot)
        else:
            _answer_right(view, qtbot)

    assert view.stack.currentWidget() is view.result_page
    assert view.score_label.text().startswith("3 of 6 right")
    shown = view.missed_view.toPlainText()
    assert shown.count("Right answer:") + shown.count("Expected:") == 3
    for result in view.last_score.missed:  # type: ignore[union-attr]
        question = result.question
        if question.options:
            assert result.picked is not None and result.picked.why in shown
            assert next(o for o in question.options if o.correct).why in shown
        else:
            assert "no idea at all" in shown and question.expected in shown

    with qtbot.waitSignal(view.study_missed) as signal:
        qtbot.keyClick(view.result_page, Qt.Key.Key_S)
    assert signal.args == [missed_cards]

    qtbot.keyClick(view.result_page, Qt.Key.Key_N)
    assert view.stack.currentWidget() is view.setup_page


def test_number_keys_change_the_pick_until_enter(view: PracticeView, qtbot: QtBot) -> None:
    view.start()
    while view.current is not None and not view.current.options:
        qtbot.keyClick(view.answer_edit, Qt.Key.Key_Return)  # skip
    question = view.current
    assert question is not None
    qtbot.keyClick(view.question_page, Qt.Key.Key_2)
    assert view.picked == 1
    qtbot.keyClick(view.question_page, Qt.Key.Key_9)  # no ninth option: ignored
    assert view.picked == 1
    qtbot.keyClick(view.question_page, Qt.Key.Key_1)
    qtbot.keyClick(view.question_page, Qt.Key.Key_Return)
    assert view.results[-1].response == 0
    assert view.results[-1].question is question


def test_escape_ends_early_and_scores_only_the_answered(view: PracticeView, qtbot: QtBot) -> None:
    qtbot.keyClick(view.deck_list, Qt.Key.Key_Return)
    assert len(view.questions) == 10
    _answer_wrong(view, qtbot)
    _answer_right(view, qtbot)
    focus = view.answer_edit if view.answer_edit.isVisible() else view.question_page
    qtbot.keyClick(focus, Qt.Key.Key_Escape)
    assert view.stack.currentWidget() is view.result_page
    assert view.score_label.text().startswith("1 of 2 right")
    assert "Ended after 2 of 10" in view.score_detail.text()
    with qtbot.waitSignal(view.closed):
        qtbot.keyClick(view.result_page, Qt.Key.Key_Escape)


def test_no_concepts_means_no_test(view: PracticeView, qtbot: QtBot) -> None:
    none = next(b for b in view.findChildren(QPushButton) if b.text() == "None")
    qtbot.mouseClick(none, Qt.MouseButton.LeftButton)  # untick every concept
    assert not view.start_button.isEnabled()
    qtbot.keyClick(view.deck_list, Qt.Key.Key_Return)
    assert view.stack.currentWidget() is view.setup_page


def test_card_text_shows_as_text(qtbot: QtBot) -> None:
    from pathlib import Path

    from rapport.content import Essay, Option, Source, TypedNote
    from rapport.content.notes.model import ChoiceNote

    src = Source(1, "x")
    nasty = ChoiceNote(
        "n", "k", (), src, False, False, "", "Is a<b and c>d? <script>x</script>",
        (Option("<b>yes</b>", "a<b", True), Option("no", "n", False),
         Option("maybe", "m", False), Option("never", "v", False)),
        False,
    )  # fmt: skip
    typed = TypedNote("t", "k", (), src, False, False, "", "Type <i>", "x<y", ())
    deck = Deck("d", "D", "", Path("d.toml"), (Essay(Path("e"), ("x",)),), {}, (nasty, typed))
    view = PracticeView([deck], rng=lambda: random.Random(0))
    qtbot.addWidget(view)
    view.show()
    view.start()
    texts = []
    for _ in range(2):
        texts.append(view.card_view.toPlainText())
        if view.current and view.current.options:
            qtbot.keyClick(view.question_page, Qt.Key.Key_Return)
        else:
            qtbot.keyClick(view.answer_edit, Qt.Key.Key_Return)
    joined = "\n".join(texts)
    assert "a<b and c>d? <script>x</script>" in joined
    assert "<b>yes</b>" in joined
    assert "Type <i>" in joined
    assert "x<y" in view.missed_view.toPlainText()


def test_in_the_main_window_by_keys(
    qtbot: QtBot, shipped_collection: object, clock: object
) -> None:
    from PySide6.QtWidgets import QApplication

    from rapport.study import Collection
    from rapport.ui.main_window import MainWindow

    assert isinstance(shipped_collection, Collection)
    window = MainWindow(shipped_collection, (), clock, deck_dirs=[])  # type: ignore[arg-type]
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)

    def key(k: Qt.Key, mod: Qt.KeyboardModifier = Qt.KeyboardModifier.NoModifier) -> None:
        qtbot.keyClick(QApplication.focusWidget() or window, k, mod)

    key(Qt.Key.Key_P, Qt.KeyboardModifier.ControlModifier)
    assert window.current_view_name() == "practice"
    view = window.view("practice")
    assert isinstance(view, PracticeView)
    view.rng = lambda: random.Random(5)
    key(Qt.Key.Key_Return)
    assert view.stack.currentWidget() is view.question_page
    _answer_wrong(view, qtbot)
    # Esc ends the test (it does not leave it for Home).
    key(Qt.Key.Key_Escape)
    assert window.current_view_name() == "practice"
    assert view.stack.currentWidget() is view.result_page
    missed = view.missed_keys()
    assert len(missed) == 1
    key(Qt.Key.Key_S)
    assert window.current_view_name() == "review"
    assert window.review.card is not None
    # Exactly the missed card is studied, then the session ends.
    assert window.review.card.key == missed[0]
    # Enter shows the answer (Space would go into a typed card's field); a choice card
    # is answered by a pick, never revealed unpicked.
    from rapport.content.notes.model import Kind

    key(Qt.Key.Key_1 if window.review.card.kind == Kind.CHOICE else Qt.Key.Key_Return)
    key(Qt.Key.Key_4)
    assert window.review.finished


def test_results_and_questions_scroll_by_keyboard(view: PracticeView, qtbot: QtBot) -> None:
    view.resize(800, 600)
    view.count_box.setFocus()
    view.count_box.selectAll()
    qtbot.keyClicks(view.count_box, "8")
    qtbot.keyClick(view.count_box, Qt.Key.Key_Return)
    question_bar = view.card_view.verticalScrollBar()
    qtbot.keyClick(view.question_page, Qt.Key.Key_End)  # no effect but no harm on short text
    assert question_bar.value() == question_bar.maximum()
    for _ in range(8):
        _answer_wrong(view, qtbot)
    assert view.stack.currentWidget() is view.result_page
    bar = view.missed_view.verticalScrollBar()
    assert bar.maximum() > 0 and bar.value() == 0
    qtbot.keyClick(view.result_page, Qt.Key.Key_PageDown)
    assert bar.value() > 0
    qtbot.keyClick(view.result_page, Qt.Key.Key_End)
    assert bar.value() == bar.maximum()
    qtbot.keyClick(view.result_page, Qt.Key.Key_Home)
    assert bar.value() == 0
