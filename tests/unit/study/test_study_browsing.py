"""Browse's rows come from SQLite: counts kept with each card, stored text, queries."""

from __future__ import annotations

import sqlite3
from datetime import timedelta
from pathlib import Path

from rapport.content import CardKey, Note
from rapport.store import DB_NAME
from rapport.store.records import BROWSE_SORTS, BrowseQuery
from rapport.study import Collection, Rating
from tests.support.collection import T0, OpenCollection, basic, cloze, make_deck

DAY = timedelta(days=1)


def _log_counts(data_dir: Path) -> dict[int, tuple[int, int]]:
    """Per card, answers and lapses as the review log has them."""
    conn = sqlite3.connect(data_dir / DB_NAME)
    rows = conn.execute(
        "SELECT card_id, COUNT(*), SUM(rating = 1 AND state_before = 2) FROM revlog "
        "GROUP BY card_id"
    ).fetchall()
    conn.close()
    return {card: (n, lapses) for card, n, lapses in rows}


def _kept_counts(col: Collection) -> dict[int, tuple[int, int]]:
    return {r.id: (r.reviews, r.lapses) for r in col.store.card_table() if r.reviews}


def _study(col: Collection, days: int) -> None:
    now = T0
    for day in range(days):
        session = col.session(None, now)
        for n in range(6):
            card = session.next_card(now)
            if card is None:
                break
            rating = Rating.AGAIN if (n + day) % 3 == 0 else Rating.GOOD
            session.answer(card, rating, now, timedelta(seconds=5))
            now += timedelta(minutes=1)
        now += DAY * 30  # every review card due again: lapses happen


def test_review_and_lapse_counts_are_kept_with_each_answer_and_undo(
    open_col: OpenCollection, data_dir: Path
) -> None:
    col = open_col([make_deck("d", [basic(f"n{i}") for i in range(4)])])
    _study(col, 5)
    assert _kept_counts(col) == _log_counts(data_dir)
    assert any(lapses for _, lapses in _kept_counts(col).values())
    assert col.store.review_count() == sum(n for n, _ in _log_counts(data_dir).values())
    session = col.session(None, T0 + 400 * DAY)
    card = session.next_card(T0 + 400 * DAY)
    assert card is not None
    session.answer(card, Rating.AGAIN, T0 + 400 * DAY, timedelta(seconds=3))
    session.undo()
    assert _kept_counts(col) == _log_counts(data_dir)


def _q(col: Collection, text: str) -> BrowseQuery:
    return col.search_query(text, T0)


def _questions(col: Collection, query: BrowseQuery) -> list[str]:
    return [r.question for r in col.browse_rows(query, 0, 1000)]


def test_browse_filters_searches_sorts_and_pages_in_the_database(
    open_col: OpenCollection,
) -> None:
    notes: list[Note] = [
        basic(f"n{i}", f"Question {i:02d}  about\nthe bond", concept=f"c{i % 3}") for i in range(30)
    ]
    notes.append(cloze("z", "The {{c1::goals}} and {{c2::tasks}}.", concept="cloze-concept"))
    col = open_col([make_deck("d", notes, name="Ünïcode deck")])
    assert col.refresh_text() == 1
    assert col.refresh_text() == 0  # nothing changed: stamps compared only
    everything = BrowseQuery(sort="question")
    assert col.browse_count(BrowseQuery()) == 32
    shown = _questions(col, everything)
    assert shown[0] == "Question 00 about the bond"  # whitespace folded to one line
    assert shown == sorted(shown, key=str.casefold)
    assert _questions(col, everything._replace(descending=True)) == shown[::-1]
    # Pages follow on from each other in the same order.
    pages = [r.question for k in range(0, 32, 7) for r in col.browse_rows(everything, k, 7)]
    assert pages == shown
    # Every word must occur, anywhere in the card's text (answer, deck name too).
    assert col.browse_count(_q(col, "QUESTION")) == 30
    assert col.browse_count(_q(col, "QUESTION 1")) == sum("1" in f"{i:02d} n{i}" for i in range(30))
    assert col.browse_count(_q(col, "bond 07")) == 1
    assert col.browse_count(_q(col, "deck:ünïcode* goals")) == 2
    assert col.browse_count(_q(col, "ünïcode")) == 0  # words are the notes' text, as in Anki
    assert col.browse_count(_q(col, "answer n29")) == 1
    assert col.browse_count(_q(col, "concept:c1")) == 10
    assert col.browse_concepts() == ["c0", "c1", "c2", "cloze-concept"]
    # Where a card is in a given order.
    key = CardKey("d", "n5", 0)
    assert col.browse_positions(everything, [key]) == [5]
    assert (
        col.browse_positions(everything._replace(search=_q(col, "concept:c1").search), [key]) == []
    )
    # Every column sorts.
    for sort in BROWSE_SORTS:
        assert len(col.browse_rows(BrowseQuery(sort=sort), 0, 100)) == 32


def test_browse_states_counts_and_due_order_follow_study(open_col: OpenCollection) -> None:
    col = open_col([make_deck("d", [basic(f"n{i}") for i in range(6)])])
    _study(col, 3)
    col.refresh_text()
    rows = col.browse_rows(BrowseQuery(), 0, 100)
    studied = [r for r in rows if r.due is not None]
    assert studied and rows[: len(studied)] == studied  # new cards last when sorted by due
    assert [r.due for r in studied] == sorted(r.due for r in studied if r.due is not None)
    assert all(r.reviews > 0 for r in studied)
    by_id = {r.id: r for r in col.store.card_table()}
    for row in rows:
        assert (row.reviews, row.lapses) == (by_id[row.card_id].reviews, by_id[row.card_id].lapses)
    reviews = col.browse_count(_q(col, "is:review -is:suspended"))
    learning = col.browse_count(_q(col, "is:learn -is:suspended"))
    new = col.browse_count(_q(col, "is:new -is:suspended"))
    assert reviews + learning + new == 6
    col.set_suspended(CardKey("d", "n0", 0), True)
    assert col.browse_count(_q(col, "is:suspended")) == 1
    assert (
        col.browse_count(_q(col, "is:review -is:suspended"))
        + col.browse_count(_q(col, "is:learn -is:suspended"))
        + col.browse_count(_q(col, "is:new -is:suspended"))
        == 5
    )
    most = col.browse_rows(BrowseQuery(sort="reviews", descending=True), 0, 1)[0]
    assert most.reviews == max(r.reviews for r in rows)


def test_edited_deck_text_is_written_again(open_col: OpenCollection, data_dir: Path) -> None:
    deck = make_deck("d", [basic("n0", "Old wording"), basic("n1")])
    col = open_col([deck])
    col.refresh_text()
    assert col.browse_count(_q(col, "old")) == 1
    col.replace_decks([make_deck("d", [basic("n0", "New wording"), basic("n1")])])
    assert col.refresh_text() == 1  # same cards, new content: only that deck again
    assert col.browse_count(_q(col, "old")) == 0
    assert col.browse_count(_q(col, "new")) == 1
    assert col.browse_count(BrowseQuery()) == 2
