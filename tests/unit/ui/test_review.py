"""The review view: every card kind by keyboard, choice picking, typed answers, passages,
undo, font size, and a failed save that keeps the card.
"""

from __future__ import annotations

import random
from datetime import timedelta
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from rapport.content import Kind
from rapport.content.notes.answers import Verdict
from rapport.content.notes.model import Card, ChoiceNote
from rapport.store import BackupError, WriteError, backups
from rapport.study import Collection, Rating
from rapport.ui.review import ReviewView
from tests.support.clock import Clock
from tests.support.qt import ModalCatcher


@pytest.fixture
def view(qtbot: QtBot, collection: Collection, clock: Clock) -> ReviewView:
    widget = ReviewView(collection, clock, rng=random.Random(3))
    qtbot.addWidget(widget)
    widget.resize(1000, 700)
    widget.show()
    qtbot.waitExposed(widget)
    widget.start(["kinds"], "Every kind")
    return widget


def plain(view: ReviewView) -> str:
    return view.card_view.toPlainText()


def skip_to(view: ReviewView, qtbot: QtBot, kind: Kind) -> None:
    """Answer cards with Easy until one of ``kind`` shows."""
    for _ in range(10):
        assert view.card is not None
        if view.card.kind == kind:
            return
        view.reveal()
        view.rate(Rating.EASY)
    raise AssertionError(f"no {kind} card")


def test_basic_card_escapes_text_and_shows_source(view: ReviewView, qtbot: QtBot) -> None:
    assert view.card is not None and view.card.kind == Kind.BASIC
    assert "a<b and c>d" in plain(view)
    assert not view.passage_button.isVisible()
    qtbot.keyClick(view, Qt.Key.Key_Return)
    assert "<script>alert(1)</script>" in plain(view)  # shown as text, never run
    assert "From Norcross." in plain(view)
    assert view.source_label.text() == "The essay, paragraph 5"
    assert view.default_rating == Rating.GOOD and view.hasFocus()


def test_passage_on_p_shows_summary_then_source(view: ReviewView, qtbot: QtBot) -> None:
    qtbot.keyClick(view, Qt.Key.Key_P)  # nothing before the answer shows
    assert not view.passage_view.isVisible()
    qtbot.keyClick(view, Qt.Key.Key_Space)
    qtbot.keyClick(view, Qt.Key.Key_P)
    assert view.passage_view.isVisible()
    text = view.passage_view.toPlainText()
    assert text.index("Norcross defined the alliance") < text.index("Received text")
    assert "Dr. John Norcross" in text  # the paragraph as received, below our summary
    qtbot.keyClick(view, Qt.Key.Key_P)
    assert not view.passage_view.isVisible()


def test_cloze_hint_then_highlighted_answer(view: ReviewView, qtbot: QtBot) -> None:
    skip_to(view, qtbot, Kind.CLOZE)
    assert "[one word]" in plain(view) and "goals" not in plain(view)
    qtbot.keyClick(view, Qt.Key.Key_Space)
    assert "goals" in plain(view) and "[one word]" not in plain(view)
    assert "<b" in view.card_view.toHtml() or "font-weight" in view.card_view.toHtml()


def test_typed_right_answer_suggests_good(view: ReviewView, qtbot: QtBot) -> None:
    skip_to(view, qtbot, Kind.TYPED)
    assert view.typed_edit.isVisible() and view.typed_edit.hasFocus()
    qtbot.keyClicks(view.typed_edit, "norcross.")  # an accepted alternative, loosely
    qtbot.keyClick(view.typed_edit, Qt.Key.Key_Return)
    assert view.revealed and view.suggested == Rating.GOOD
    assert view.default_rating == Rating.GOOD and view.hasFocus()
    assert view.card is not None
    card = view.card
    qtbot.keyClick(view, Qt.Key.Key_Return)  # takes Good
    assert view.card != card


def test_typed_wrong_answer_is_compared_and_suggests_again(view: ReviewView, qtbot: QtBot) -> None:
    skip_to(view, qtbot, Kind.TYPED)
    qtbot.keyClicks(view.typed_edit, "Carl Rogers")
    qtbot.keyClick(view.typed_edit, Qt.Key.Key_Return)
    assert view.revealed and view.suggested == Rating.AGAIN
    assert not view.typed_edit.isVisible()
    assert "Not quite." in plain(view)
    assert "↓" in plain(view) and "Norcross" in plain(view)
    assert view.default_rating == Rating.AGAIN and view.hasFocus()
    qtbot.keyClick(view, Qt.Key.Key_Space)
    assert view.session is not None and view.session.summary().again == 1


def test_typed_small_slip_is_close_shows_the_difference_and_suggests_hard(
    view: ReviewView, qtbot: QtBot
) -> None:
    skip_to(view, qtbot, Kind.TYPED)
    qtbot.keyClicks(view.typed_edit, "John Norcros")
    qtbot.keyClick(view.typed_edit, Qt.Key.Key_Return)
    assert view.revealed and view.verdict is Verdict.CLOSE and view.suggested == Rating.HARD
    assert "Close" in plain(view)
    assert "↓" in plain(view) and "John Norcross" in plain(view)
    assert view.default_rating == Rating.HARD and view.hasFocus()


def test_choice_number_key_picks_then_numbers_rate(view: ReviewView, qtbot: QtBot) -> None:
    skip_to(view, qtbot, Kind.CHOICE)
    assert view.card is not None
    note = view.card.note
    assert isinstance(note, ChoiceNote)
    text = plain(view)
    positions = {note.options[i].text: n for n, i in enumerate(view.order, start=1)}
    assert all(option.text in text for option in note.options)
    assert "Norcross's three components." not in text  # rationales wait for the pick
    wrong = positions["Diagnosis"]
    qtbot.keyClick(view, Qt.Key(Qt.Key.Key_0 + wrong))
    assert view.revealed and view.picked == wrong and view.suggested == Rating.AGAIN
    text = plain(view)
    assert "Not quite." in text and "(your answer)" in text
    for option in note.options:
        assert option.why in text
    # Now the same keys rate: 3 is Good, whatever option 3 was.
    card = view.card
    qtbot.keyClick(view, Qt.Key.Key_3)
    assert view.card != card
    assert view.session is not None and view.session.summary().right == 4  # 3 Easy + Good


def test_choice_shuffles_per_showing(view: ReviewView, qtbot: QtBot) -> None:
    skip_to(view, qtbot, Kind.CHOICE)
    assert view.card is not None
    card = view.card
    orders = {view.order}
    for _ in range(8):
        view.show_question(card)
        orders.add(view.order)
    assert len(orders) > 1


def test_choice_click_on_option_picks(view: ReviewView, qtbot: QtBot) -> None:
    skip_to(view, qtbot, Kind.CHOICE)
    from PySide6.QtCore import QUrl

    view.card_view.anchorClicked.emit(QUrl("pick:2"))
    assert view.revealed and view.picked == 2


def test_undo_several_levels(view: ReviewView, qtbot: QtBot, clock: Clock) -> None:
    seen = []
    for _ in range(3):
        assert view.card is not None
        seen.append(view.card)
        view.reveal()
        clock.advance(timedelta(seconds=3))
        view.rate(Rating.EASY)
    for card in reversed(seen):
        qtbot.keyClick(view, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
        assert view.card == card and not view.revealed
    assert view.session is not None and not view.session.can_undo


def test_remaining_counts_and_progress(view: ReviewView) -> None:
    assert "6" in view.counts_label.accessibleDescription()
    assert view.progress.value() == 0 and view.progress.maximum() == 6
    view.reveal()
    view.rate(Rating.EASY)
    assert view.progress.value() == 1
    assert view.counts_label.accessibleDescription().startswith("5 new")


def test_write_error_keeps_the_card(
    view: ReviewView, qtbot: QtBot, modals: ModalCatcher, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert view.session is not None
    card = view.card

    def failing(*_args: object, **_kwargs: object) -> None:
        raise WriteError(Path("/data/collection.sqlite3"), "the disk is full")

    monkeypatch.setattr(view.session, "answer", failing)
    view.reveal()
    qtbot.keyClick(view, Qt.Key.Key_3)
    assert view.card == card and view.revealed
    assert "the disk is full" in view.message.text() and view.message.isVisible()
    assert "Answer not saved" in modals.titles()
    monkeypatch.undo()
    qtbot.keyClick(view, Qt.Key.Key_3)  # answered again
    assert view.card != card


def test_font_size_reflows_the_card(view: ReviewView) -> None:
    view.set_font_size(30)
    assert view.card_view.document().defaultFont().pointSize() == 30
    big = view.card_view.document().size().height()
    view.set_font_size(12)
    assert view.card_view.document().size().height() < big


def test_empty_session_says_nothing_to_study(view: ReviewView) -> None:
    while not view.finished:
        view.reveal()
        view.rate(Rating.EASY)
    assert view.summary_title.text() == "Session complete"
    view.start(["kinds"], "Every kind")
    assert view.finished
    assert view.summary_title.text() == "Nothing to study right now"
    assert "Next card due" in view.summary_label.text()


def test_a_question_on_screen_readies_its_deck_for_the_answer(
    qtbot: QtBot, collection: Collection, clock: Clock, monkeypatch: pytest.MonkeyPatch
) -> None:
    prepared: list[str] = []
    original = Collection.prepare

    def spy(self: Collection, deck_id: str) -> None:
        prepared.append(deck_id)
        original(self, deck_id)

    monkeypatch.setattr(Collection, "prepare", spy)
    fired: list[Card] = []  # each card's timer, when it fires
    timer_fired = ReviewView._prepare

    def timer_spy(self: ReviewView, card: Card) -> None:
        fired.append(card)
        timer_fired(self, card)

    monkeypatch.setattr(ReviewView, "_prepare", timer_spy)
    widget = ReviewView(collection, clock, rng=random.Random(3))
    qtbot.addWidget(widget)
    widget.start(["kinds"], "Every kind")
    assert prepared == []  # not before the card is on screen
    qtbot.waitUntil(lambda: prepared == ["kinds"], timeout=2000)
    # A card answered before its timer fires, and a closed collection, are left alone.
    widget.reveal()
    widget.rate(Rating.GOOD)
    widget.reveal()
    widget.rate(Rating.GOOD)
    collection.close(clock())
    qtbot.waitUntil(lambda: len(fired) == 3)  # the two later cards' timers fired too
    assert prepared == ["kinds"]


@pytest.mark.logs_errors  # (the error is the point of the test)
def test_a_failed_periodic_backup_is_shown_and_logged(
    view: ReviewView,
    qtbot: QtBot,
    collection: Collection,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    def refuse(*args: object, **kwargs: object) -> Path:
        raise BackupError("Cannot write the backup: the disk is full.")

    monkeypatch.setattr(backups, "make_backup", refuse)
    assert not view.message.isVisible()
    for _ in range(2):  # the first answer starts the backup (in the background)
        qtbot.keyClick(view, Qt.Key.Key_Space)
        qtbot.keyClick(view.rating_buttons[Rating.GOOD], Qt.Key.Key_Space)
        collection.wait_for_backup()
    assert collection.backup_problem is not None  # the answers themselves were saved
    assert view.message.isVisible()
    assert "automatic backup failed" in view.message.text()
    assert "the disk is full" in view.message.text()
    assert "periodic backup failed" in caplog.text
    monkeypatch.undo()  # the closing backup at teardown may work again


def test_choice_space_without_a_pick_asks_never_good(view: ReviewView, qtbot: QtBot) -> None:
    from rapport.ui.review import PREF_CHOICE_UNPICKED

    skip_to(view, qtbot, Kind.CHOICE)
    card = view.card
    assert card is not None
    # Space (and Enter) on the question ask for a pick: the answer stays hidden.
    qtbot.keyClick(view, Qt.Key.Key_Space)
    qtbot.keyClick(view, Qt.Key.Key_Return)
    assert not view.revealed and view.card is card
    assert view.notice.text().startswith("Pick an answer first")
    # A pick by number then reveals, as before.
    qtbot.keyClick(view, Qt.Key.Key_1)
    assert view.revealed and view.picked == 1
    qtbot.keyClick(view, Qt.Key.Key_1)  # Again, to meet the card again
    # As a preference, Space shows the answer with Again suggested: Space then gives Again.
    view.collection.set_pref(PREF_CHOICE_UNPICKED, "again")
    for _ in range(10):
        if view.card is not None and view.card.kind == Kind.CHOICE:
            break
        view.reveal()
        view.rate(Rating.EASY)
    assert view.card is not None and view.card.kind == Kind.CHOICE
    answered = view.session.summary() if view.session else None
    assert answered is not None
    qtbot.keyClick(view, Qt.Key.Key_Space)
    assert view.revealed and view.picked is None and view.default_rating == Rating.AGAIN
    before = view.session.summary().right if view.session else 0
    qtbot.keyClick(view, Qt.Key.Key_Space)
    assert view.session is not None and view.session.summary().right == before  # not passed
