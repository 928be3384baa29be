"""Certainty, the option picked and the text typed are kept with the answer: in its one
operation, taken away by undo, brought back by redo, and kept through a backup restore."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from rapport.content import Deck
from rapport.store import DB_NAME, list_backups, restore_backup
from rapport.study import Rating
from tests.support.choices import choice, typed
from tests.support.collection import SECOND, T0, OpenCollection, make_deck


def _deck() -> Deck:
    return make_deck("a", [choice("c1", "Bond", ["Goal", "Task"]), typed("t1", "empathy")])


def test_certainty_pick_and_typed_text_survive_undo_and_redo(open_col: OpenCollection) -> None:
    col = open_col([_deck()])
    session = col.session(None, T0)
    first = session.next_card(T0)
    assert first is not None and first.note.id == "c1"
    commits = col.store.commits
    session.answer(first, Rating.AGAIN, T0, SECOND, certainty=3, picked="Goal")
    assert col.store.commits == commits + 1  # one transaction for the answer
    second = session.next_card(T0 + SECOND)
    assert second is not None and second.note.id == "t1"
    session.answer(second, Rating.GOOD, T0 + SECOND, SECOND, certainty=1, response="empaty")

    def logged() -> list[tuple[str, int | None, str | None, str | None]]:
        return [(a.note_id, a.certainty, a.picked, a.response) for a in col.store.logged_answers()]

    both = [("c1", 3, "Goal", None), ("t1", 1, None, "empaty")]
    assert logged() == both
    assert col.ops.undo_name == "Good"
    col.ops.undo()
    assert logged() == both[:1]
    col.ops.undo()
    assert logged() == []
    col.ops.redo()
    assert logged() == both[:1]
    col.ops.redo()
    assert logged() == both
    (record,) = col.store.reviews_of(col.require_id(first))
    assert (record.certainty, record.picked, record.response) == (3, "Goal", None)


def test_certainty_and_pick_survive_a_backup_restore(
    open_col: OpenCollection, data_dir: Path
) -> None:
    col = open_col([_deck()])
    session = col.session(None, T0)
    card = session.next_card(T0)
    assert card is not None
    session.answer(card, Rating.AGAIN, T0, SECOND, certainty=2, picked="Task")
    col.close(T0 + timedelta(minutes=1))  # a backup on closing
    assert list_backups(data_dir)
    (data_dir / DB_NAME).write_bytes(b"damaged")
    restore_backup(data_dir, None, T0 + timedelta(hours=1))
    reopened = open_col([_deck()], T0 + timedelta(hours=1))
    (answer,) = reopened.store.logged_answers()
    assert (answer.note_id, answer.certainty, answer.picked) == ("c1", 2, "Task")
