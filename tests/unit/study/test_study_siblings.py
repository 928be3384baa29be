"""Siblings apart: burying the new and review siblings of a card answered today, and never
two cards of one note in a row while another note's card is left."""

from __future__ import annotations

from datetime import datetime, timedelta

from rapport.study import Rating, ReviewSession, actions
from rapport.study.ops import is_leech_lapse
from tests.support.collection import (
    SECOND,
    T0,
    OpenCollection,
    basic,
    cloze,
    make_deck,
    with_settings,
)

THREE = "The alliance has {{c1::goals}}, {{c2::tasks}} and {{c3::a bond}}."
NO_BURYING = with_settings(bury_new=False, bury_reviews=False)


def study(session: ReviewSession, now: datetime, rating: Rating = Rating.GOOD) -> list[str]:
    """Answer every card the session shows at ``now``; the (note, ordinal) seen, in order."""
    seen = []
    for _ in range(100):
        card = session.next_card(now)
        if card is None:
            break
        seen.append(f"{card.note.id}{card.ordinal}")
        session.answer(card, rating, now, SECOND)
    return seen


def test_never_two_cards_of_one_note_in_a_row_while_others_are_left(
    open_col: OpenCollection,
) -> None:
    deck = make_deck("a", [cloze("c", THREE), basic("x"), basic("y")])
    col = open_col([deck], settings=NO_BURYING)
    session = col.session(None, T0)
    # Good on a new card leaves it in learning, back within the session (learning ahead).
    seen = []
    now = T0
    for _ in range(30):
        card = session.next_card(now)
        if card is None:
            break
        seen.append((card.note.id, card.ordinal))
        session.answer(card, Rating.GOOD, now, SECOND)
        now += timedelta(seconds=30)
    assert sorted(seen).count(("c", 0)) >= 2 and ("c", 2) in seen
    # Two of the note in a row only once no other note's card is left.
    for i, (a, b) in enumerate(zip(seen, seen[1:], strict=False)):
        if a[0] == b[0]:
            assert all(note == a[0] for note, _ in seen[i:]), seen
    assert seen[:6] == [("c", 0), ("x", 0), ("c", 1), ("y", 0), ("c", 2), ("x", 0)]


def test_siblings_follow_each_other_only_when_nothing_else_is_left(
    open_col: OpenCollection,
) -> None:
    col = open_col([make_deck("a", [cloze("c", THREE), basic("x")])], settings=NO_BURYING)
    session = col.session(None, T0)
    assert study(session, T0, Rating.EASY) == ["c0", "x0", "c1", "c2"]


def test_burying_shows_one_card_of_a_note_a_day(open_col: OpenCollection) -> None:
    col = open_col([make_deck("a", [cloze("c", THREE), basic("x")])])
    assert col.deck_counts(T0)[0].new == 4
    session = col.session(None, T0)
    assert study(session, T0, Rating.EASY) == ["c0", "x0"]
    assert col.deck_counts(T0)[0].new == 0
    # The buried siblings are due again when the next study day begins (04:00).
    assert col.next_due(T0) == datetime(2026, 3, 3, 4, 0, tzinfo=T0.tzinfo)
    tomorrow = T0 + timedelta(days=1)
    assert study(col.session(None, tomorrow), tomorrow, Rating.EASY) == ["c1"]


def test_a_learning_sibling_is_never_held_back(open_col: OpenCollection) -> None:
    col = open_col([make_deck("a", [cloze("c", THREE)])], settings=NO_BURYING)
    session = col.session(None, T0)
    for _ in range(2):  # c0 and c1 into learning
        card = session.next_card(T0)
        assert card is not None
        session.answer(card, Rating.AGAIN, T0, SECOND)
    col.save_settings(with_settings())  # burying on now
    later = T0 + timedelta(minutes=5)
    session = col.session(None, later)
    # Both learning siblings come back; the new c2 stays buried.
    assert sorted(study(session, later, Rating.EASY)) == ["c0", "c1"]


def test_undoing_the_answer_brings_the_buried_sibling_back(open_col: OpenCollection) -> None:
    col = open_col([make_deck("a", [cloze("c", THREE)])])
    session = col.session(None, T0)
    assert study(session, T0, Rating.EASY) == ["c0"]
    assert session.undo() is not None
    assert col.deck_counts(T0)[0].new == 3


def test_review_siblings_are_buried_unless_turned_off(open_col: OpenCollection) -> None:
    col = open_col([make_deck("a", [cloze("c", THREE)])], settings=NO_BURYING)
    study(col.session(None, T0), T0, Rating.EASY)  # all three into review
    later = T0 + timedelta(days=60)  # all three due
    col.save_settings(with_settings(bury_new=False))
    assert len(study(col.session(None, later), later)) == 1
    col.save_settings(NO_BURYING)
    assert len(study(col.session(None, later), later)) == 2


def test_bury_and_suspend_by_hand_and_their_undo(open_col: OpenCollection) -> None:
    col = open_col([make_deck("a", [cloze("c", THREE), basic("x")])], settings=NO_BURYING)
    session = col.session(None, T0)
    first = session.next_card(T0)
    assert first is not None and first.note.id == "c"
    assert actions.bury(session, first, T0) == "Card buried until tomorrow."
    assert session.undo_name == "Bury card"
    assert col.deck_counts(T0)[0].new == 3
    second = session.next_card(T0)
    assert second is not None and second.key != first.key
    assert session.undo() == first and session.next_card(T0) == first
    assert col.deck_counts(T0)[0].new == 4
    actions.bury(session, first, T0, whole_note=True)
    assert [c.note.id for c in [session.next_card(T0)] if c] == ["x"]
    tomorrow = T0 + timedelta(days=1)
    assert col.deck_counts(tomorrow)[0].new == 4  # buried until the next day only
    session.undo()
    actions.suspend(session, first, whole_note=True)
    assert session.undo_name == "Suspend note"
    assert col.deck_counts(tomorrow)[0].new == 1
    session.undo()
    assert col.deck_counts(tomorrow)[0].new == 4


def test_flags_and_marks_toggle_and_undo(open_col: OpenCollection) -> None:
    col = open_col([make_deck("a", [basic("x")])])
    session = col.session(None, T0)
    card = session.next_card(T0)
    assert card is not None
    assert actions.toggle_flag(session, card, 1) == "Card flagged red."
    assert actions.toggle_flag(session, card, 4) == "Card flagged blue."
    assert actions.flag_of(session, card) == 4 and session.undo_name == "Flag blue"
    assert session.undo() is None and actions.flag_of(session, card) == 1
    assert actions.toggle_flag(session, card, 1) == "Flag removed."
    assert actions.flag_of(session, card) == 0
    assert actions.toggle_mark(session, card) == "Note marked."
    assert actions.is_marked(session, card) and session.undo_name == "Mark note"
    session.undo()
    assert not actions.is_marked(session, card)


def test_a_leech_is_tagged_and_suspended_and_undo_takes_both_back(
    open_col: OpenCollection,
) -> None:
    col = open_col(
        [make_deck("a", [basic("x"), basic("y")])], settings=with_settings(leech_threshold=3)
    )
    now = T0
    card = col.session(None, now).next_card(now)
    assert card is not None
    for lapse in range(1, 4):
        session = col.session(None, now)
        session.answer(card, Rating.EASY if lapse == 1 else Rating.GOOD, now, SECOND)
        now += timedelta(days=100)  # due
        session = col.session(None, now)
        session.answer(card, Rating.AGAIN, now, SECOND)
        assert session.last_leech == (lapse == 3)
        now += timedelta(days=1)
    store = col.store
    card_id = col.require_id(card)
    assert "leech" in store.note_tags("a", "x") and store.is_held(card_id, now)
    session.undo()
    assert "leech" not in store.note_tags("a", "x") and not store.is_held(card_id, now)


def test_leeches_every_half_threshold_after_the_first() -> None:
    hits = [n for n in range(1, 20) if is_leech_lapse(n, 8)]
    assert hits == [8, 12, 16]
    assert not any(is_leech_lapse(n, 0) for n in range(20))
