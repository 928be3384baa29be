"""Deck changes keep progress: reword, add, remove, re-add, cloze renumbering, reorder."""

from __future__ import annotations

from rapport.content import Card, CardKey
from rapport.content.notes.kinds import question_of
from rapport.study import Collection, Rating, ReviewSession
from tests.support.collection import (
    SECOND,
    T0,
    OpenCollection,
    basic,
    cloze,
    make_deck,
    with_settings,
)


def study_all(col: Collection) -> None:
    """Answer Easy to every card (each then leaves today's queue)."""
    session = col.session(None, T0)
    while (card := session.next_card(T0)) is not None:
        session.answer(card, Rating.EASY, T0, SECOND)


def rows(col: Collection) -> dict[CardKey, tuple[int, str]]:
    return {r.card.key: (r.reviews, r.state) for r in col.card_rows(T0)}


def test_reworded_card_keeps_its_history(open_col: OpenCollection) -> None:
    col = open_col([make_deck("a", [basic("x", "Old wording?"), basic("y")])])
    study_all(col)
    before = col.store.card_state(col.require_id(col.decks[0].cards()[0]))
    col.close(T0)
    col = open_col([make_deck("a", [basic("x", "New wording?"), basic("y")])])
    card = col.card(CardKey("a", "x", 0))
    assert card is not None and question_of(card) == "New wording?"
    assert col.store.card_state(col.require_id(card)) == before
    assert rows(col)[card.key] == (1, "review")


def test_new_notes_arrive_as_new_cards(open_col: OpenCollection) -> None:
    col = open_col([make_deck("a", [basic("x")])])
    study_all(col)
    col.close(T0)
    col = open_col([make_deck("a", [basic("x"), basic("z")])])
    assert rows(col) == {CardKey("a", "x", 0): (1, "review"), CardKey("a", "z", 0): (0, "new")}
    assert col.deck_counts(T0)[0].new == 1


def test_removed_notes_are_hidden_with_their_history_and_come_back(
    open_col: OpenCollection,
) -> None:
    deck = make_deck("a", [basic("x"), basic("y")])
    col = open_col([deck])
    session = col.session(None, T0)
    for card in deck.cards():  # each once: both stay in learning
        session.answer(card, Rating.GOOD, T0, SECOND)
    state = col.store.card_state(col.require_id(deck.cards()[1]))
    col.close(T0)

    col = open_col([make_deck("a", [basic("x")])])
    assert list(rows(col)) == [CardKey("a", "x", 0)]
    assert col.card(CardKey("a", "y", 0)) is None
    assert col.deck_counts(T0)[0].total == 1
    assert col.store.review_count() == 2  # the history stays in the log
    session = col.session(None, T0)
    assert {c.note.id for c in iter(lambda: _take(session), None)} <= {"x"}
    col.close(T0)

    col = open_col([deck])
    back = col.card(CardKey("a", "y", 0))
    assert back is not None
    assert col.store.card_state(col.require_id(back)) == state
    assert rows(col)[back.key] == (1, "learning")


def _take(session: ReviewSession) -> Card | None:
    card = session.next_card(T0)
    if card is not None:
        session.answer(card, Rating.EASY, T0, SECOND)
    return card


def test_a_whole_deck_missing_keeps_its_history(open_col: OpenCollection) -> None:
    a, b = make_deck("a", [basic("x")]), make_deck("b", [basic("x")])
    col = open_col([a, b])
    study_all(col)
    col.close(T0)
    col = open_col([a])
    assert [c.deck_id for c in col.deck_counts(T0)] == ["a"]
    col.close(T0)
    col = open_col([a, b])
    assert rows(col)[CardKey("b", "x", 0)] == (1, "review")


def test_cloze_renumbering_keeps_the_history_of_numbers_still_there(
    open_col: OpenCollection,
) -> None:
    three = cloze("c", "A {{c1::bond}}, {{c2::goals}} and {{c3::tasks}}.")
    no_burying = with_settings(bury_new=False, bury_reviews=False)
    col = open_col([make_deck("a", [three])], settings=no_burying)
    study_all(col)
    states = {c.ordinal: col.store.card_state(col.require_id(c)) for c in col.decks[0].cards()}
    col.close(T0)

    # c2 is removed; c1 and c3 remain (ordinals 0 and 2).
    two = cloze("c", "A {{c1::bond}}, goals and {{c3::tasks}}.")
    col = open_col([make_deck("a", [two])], settings=no_burying)
    assert sorted(k.ordinal for k in rows(col)) == [0, 2]
    for card in col.decks[0].cards():
        assert col.store.card_state(col.require_id(card)) == states[card.ordinal]
    col.close(T0)

    # A new c4 arrives as a new card; c2 returns with its history.
    four = cloze("c", "A {{c1::bond}}, {{c2::goals}}, {{c3::tasks}} and {{c4::trust}}.")
    col = open_col([make_deck("a", [four])], settings=no_burying)
    seen = rows(col)
    assert seen[CardKey("a", "c", 1)] == (1, "review")
    assert seen[CardKey("a", "c", 3)] == (0, "new")
    assert col.store.card_state(col.require_id(col.decks[0].cards()[1])) == states[1]


def test_reordered_deck_gives_new_cards_in_the_new_order(open_col: OpenCollection) -> None:
    col = open_col([make_deck("a", [basic("x"), basic("y"), basic("z")])])
    col.close(T0)
    col = open_col([make_deck("a", [basic("z"), basic("x"), basic("y")])])
    session = col.session(None, T0)
    order = []
    while (card := session.next_card(T0)) is not None:
        session.answer(card, Rating.EASY, T0, SECOND)
        order.append(card.note.id)
    assert order == ["z", "x", "y"]
