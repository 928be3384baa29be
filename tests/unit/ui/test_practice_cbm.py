"""The practice test scored with certainty marks beside the plain score, by keys."""

from __future__ import annotations

import random

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from rapport.content import load_decks
from rapport.paths import decks_dir
from rapport.study.practice import grade, question_for, score
from rapport.ui.practice import PracticeView


def test_practice_with_certainty_marks(qtbot: QtBot) -> None:
    decks = load_decks([decks_dir() / "the-relationship-in-therapy.toml"]).decks  # (choice, typed)
    view = PracticeView(decks, rng=lambda: random.Random(42))
    qtbot.addWidget(view)
    view.resize(1000, 700)
    view.show()
    qtbot.waitExposed(view)
    view.count_box.setValue(4)
    view.cbm_box.setChecked(True)
    view.start()
    plan = [
        (True, Qt.Key.Key_L),
        (False, Qt.Key.Key_L),
        (True, Qt.Key.Key_K),
        (False, Qt.Key.Key_J),
    ]
    for right, level in plan:
        question = view.current
        assert question is not None
        if question.options:
            index = next(i for i, o in enumerate(question.options) if o.correct == right)
            qtbot.keyClick(view.question_page, Qt.Key(Qt.Key.Key_1 + index))
            qtbot.keyClick(view.question_page, Qt.Key.Key_Return)
        else:
            qtbot.keyClicks(view.answer_edit, question.expected if right else "no idea at all")
            qtbot.keyClick(view.answer_edit, Qt.Key.Key_Return)
        assert view.current is question and view.asking_certainty  # asked, not yet scored
        assert "How sure" in view.hint_label.text()
        qtbot.keyClick(view.question_page, level)
    assert view.last_score is not None
    cbm = view.last_score.cbm
    # +3 (high, right) -6 (high, wrong) +2 (mid, right) 0 (low, wrong)
    assert (cbm.marked, cbm.marks) == (4, -1)
    assert view.score_label.text() == "2 of 4 right  (50%)  ·  CBM -1 of 12 marks"
    assert "Certainty marks: -1 over 4 answers" in view.score_detail.text()


def test_cbm_score_of_a_test_in_the_core() -> None:
    decks = load_decks([decks_dir() / "the-relationship-in-therapy.toml"]).decks  # (choice, typed)
    rng = random.Random(1)
    cards = [c for c in decks[0].cards() if c.kind == "choice"][:3]
    questions = [question_for(c, rng) for c in cards]
    right = [next(i for i, o in enumerate(q.options) if o.correct) for q in questions]
    wrong = [next(i for i, o in enumerate(q.options) if not o.correct) for q in questions]
    results = [
        grade(questions[0], right[0], 3),
        grade(questions[1], wrong[1], 2),
        grade(questions[2], None, 3),  # skipped: no mark, counted wrong
    ]
    result = score(results)
    assert (result.right, result.total) == (1, 3)
    assert (result.cbm.marked, result.cbm.marks) == (2, 1)
    assert results[2].certainty is None
