"""One logical change, one commit, counted by SQLite's trace of the statements run (not
by the store's own counter): a leech answer (grade, lapse, suspension and tag), Browse's
suspend of 1,000 cards, Forget, Set due date and Reposition of many cards, and their
undo and redo."""

from __future__ import annotations

from datetime import timedelta

from rapport.study import Rating, cardops
from rapport.study.ops import set_suspended
from tests.support.collection import SECOND, T0, OpenCollection, basic_deck, with_settings
from tests.support.commits import counting_commits


def test_the_counter_sees_writes_outside_a_transaction(open_col: OpenCollection) -> None:
    """Two writes each committed on their own are two commits (the count can fail)."""
    col = open_col([basic_deck("a", 2)])
    ids = [col.require_id(card) for card in col.decks[0].cards()]
    with counting_commits(col.store) as commits:
        for card_id in ids:
            col.store.set_suspended(card_id, True)
    assert commits.count == 2, commits.statements


def test_a_leech_answer_is_one_commit_and_its_undo_and_redo_one_each(
    open_col: OpenCollection,
) -> None:
    col = open_col([basic_deck("a", 1)], settings=with_settings(leech_threshold=1))
    session = col.session(None, T0)
    card = session.next_card(T0)
    assert card is not None
    session.answer(card, Rating.EASY, T0, SECOND)  # a review card, due in days
    later = T0 + timedelta(days=30)
    session = col.session(None, later)
    assert session.next_card(later) == card
    with counting_commits(col.store) as commits:
        session.answer(card, Rating.AGAIN, later, SECOND)  # a lapse: the leech
    store, card_id = col.store, col.require_id(card)
    assert session.last_leech and store.is_suspended(card_id)
    assert "leech" in store.note_tags("a", card.note.id)
    assert commits.count == 1, commits.statements
    for move in (col.ops.undo, col.ops.redo):
        with counting_commits(col.store) as commits:
            assert move() is not None
        assert commits.count == 1, commits.statements
    assert store.is_suspended(card_id) and len(store.reviews_of(card_id)) == 2


def test_browse_suspend_of_1000_cards_is_one_commit(open_col: OpenCollection) -> None:
    deck = basic_deck("a", 1000)
    col = open_col([deck])
    keys = [card.key for card in deck.cards()]
    with counting_commits(col.store) as commits:
        changes = set_suspended(col.ops, col, keys, True)
    assert commits.count == 1, commits.statements[:5]
    assert changes.name == "Suspend cards" and len(changes.card_ids) == 1000
    assert all(col.store.is_suspended(col.require_id(card)) for card in deck.cards())
    with counting_commits(col.store) as commits:
        col.ops.undo()
    assert commits.count == 1
    assert not any(col.store.is_suspended(col.require_id(card)) for card in deck.cards())


def test_forget_set_due_and_reposition_are_one_commit_each(open_col: OpenCollection) -> None:
    deck = basic_deck("a", 200)
    col = open_col([deck], settings=with_settings(new_per_day=200))
    session = col.session(None, T0)
    for _ in range(100):
        card = session.next_card(T0)
        assert card is not None
        session.answer(card, Rating.EASY, T0, SECOND)
    ids = [col.require_id(card) for card in deck.cards()]
    studied, new = ids[:100], ids[100:]
    for run in (
        lambda: cardops.forget(col, studied),
        lambda: cardops.set_due(col, studied, "3-7", T0),
        lambda: cardops.reposition(col, new, 0, shift=True),
    ):
        with counting_commits(col.store) as commits:
            run()
        assert commits.count == 1, commits.statements[:5]
