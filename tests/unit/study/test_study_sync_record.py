"""Opening skips the sync while the decks' card identities are those recorded at the
last sync, syncs the decks that changed otherwise, and matches cards to their ids a deck
at a time, on first use."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from rapport.content import CardKey
from rapport.content.notes.kinds import question_of
from rapport.store import DB_NAME, Store, restore_backup
from rapport.study import Collection, Rating
from tests.support.collection import T0, OpenCollection, basic, basic_deck, cloze, make_deck

Calls = dict[str, list[Any]]


@pytest.fixture
def calls(monkeypatch: pytest.MonkeyPatch) -> Calls:
    """What the collection asks the store to sync and to match: sync_cards calls (their
    added cards), and the decks read by card_index (syncing) and present_cards (matching)."""
    seen: Calls = {"sync_cards": [], "card_index": [], "present_cards": []}

    def spy(name: str, record: Callable[..., Any]) -> None:
        original = getattr(Store, name)

        def wrapper(self: Store, *args: Any) -> Any:
            seen[name].append(record(*args))
            return original(self, *args)

        monkeypatch.setattr(Store, name, wrapper)

    spy("sync_cards", lambda added, changed, digests: sorted(k[1] for k in added))
    spy("card_index", lambda deck_id: deck_id)
    spy("present_cards", lambda deck_id: deck_id)
    return seen


def reset(calls: Calls) -> None:
    for seen in calls.values():
        seen.clear()


def present(data_dir: Path) -> dict[CardKey, tuple[int, int]]:
    """Every present card in the file: key -> (id, position)."""
    conn = sqlite3.connect(data_dir / DB_NAME)
    rows = conn.execute(
        "SELECT deck_id, note_id, ordinal, id, position FROM cards WHERE present = 1"
    ).fetchall()
    conn.close()
    return {CardKey(d, n, o): (i, p) for d, n, o, i, p in rows}


def test_unchanged_decks_are_not_synced_again(
    open_col: OpenCollection, data_dir: Path, calls: Calls
) -> None:
    decks = [basic_deck("a", 3), basic_deck("b", 2)]
    open_col(decks).close(T0)
    assert calls["sync_cards"] == [["n0", "n0", "n1", "n1", "n2"]]
    reset(calls)
    col = open_col([basic_deck("a", 3), basic_deck("b", 2)])  # equal decks, built anew
    assert calls == {"sync_cards": [], "card_index": [], "present_cards": []}
    assert col.store._conn.total_changes == 0  # nothing written at all
    assert col.card(CardKey("b", "n1", 0)) == decks[1].cards()[1]


def test_only_the_deck_whose_cards_changed_is_synced(
    open_col: OpenCollection, data_dir: Path, calls: Calls
) -> None:
    open_col([basic_deck("a", 2), basic_deck("b", 2)]).close(T0)
    reset(calls)
    reworded = make_deck("b", [basic("n0", "Reworded?"), basic("n1")])
    col = open_col([basic_deck("a", 2), reworded])
    assert calls["sync_cards"] == []  # rewording changes no identity
    card = col.card(CardKey("b", "n0", 0))
    assert card is not None and question_of(card) == "Reworded?"
    col.close(T0)
    reset(calls)
    col = open_col([basic_deck("a", 2), make_deck("b", [basic("n1"), basic("n0"), basic("x")])])
    assert calls["sync_cards"] == [["x"]] and calls["card_index"] == ["b"]
    ids = present(data_dir)
    assert [ids[CardKey("b", n, 0)][1] for n in ("n1", "n0", "x")] == [0, 1, 2]
    assert col.session(["b"], T0).next_card(T0) == col.decks[1].cards()[0]


def test_added_and_removed_decks_are_synced(
    open_col: OpenCollection, data_dir: Path, calls: Calls
) -> None:
    a, b = basic_deck("a", 2), basic_deck("b", 1)
    open_col([a]).close(T0)
    reset(calls)
    open_col([a, b]).close(T0)
    assert calls["sync_cards"] == [["n0"]] and calls["card_index"] == ["b"]
    assert CardKey("b", "n0", 0) in present(data_dir)
    reset(calls)
    col = open_col([b])
    assert len(calls["sync_cards"]) == 1 and calls["card_index"] == []
    assert set(present(data_dir)) == {CardKey("b", "n0", 0)}
    assert [c.deck_id for c in col.deck_counts(T0)] == ["b"]
    col.close(T0)
    reset(calls)
    open_col([a, b]).close(T0)  # a comes back, its cards as they were
    assert calls["sync_cards"] == [[]] and calls["card_index"] == ["a"]
    assert len(present(data_dir)) == 3
    reset(calls)
    open_col([b, a]).close(T0)  # the order of the decks does not matter
    assert calls["sync_cards"] == []


def test_replace_decks_syncs(open_col: OpenCollection, data_dir: Path, calls: Calls) -> None:
    col = open_col([basic_deck("a", 1)])
    reset(calls)
    col.replace_decks([basic_deck("a", 1), basic_deck("b", 2)])
    assert calls["sync_cards"] == [["n0", "n1"]]
    assert col.card(CardKey("b", "n1", 0)) == col.decks[1].cards()[1]
    reset(calls)
    col.replace_decks([basic_deck("a", 1), basic_deck("b", 2)])  # syncs even unchanged decks
    assert calls["sync_cards"] == [[]] and sorted(calls["card_index"]) == ["a", "b"]
    col.replace_decks([make_deck("a", [basic("n0"), cloze("c", "{{c1::x}} {{c2::y}}")])])
    assert set(present(data_dir)) == {
        CardKey("a", "n0", 0),
        CardKey("a", "c", 0),
        CardKey("a", "c", 1),
    }
    col.close(T0)
    reset(calls)
    open_col([make_deck("a", [basic("n0"), cloze("c", "{{c1::x}} {{c2::y}}")])])
    assert calls["sync_cards"] == []  # replace_decks recorded what it synced


def test_a_restored_backup_brings_its_own_record(open_col: OpenCollection, data_dir: Path) -> None:
    small, bigger = basic_deck("a", 1), basic_deck("a", 2)
    col = open_col([small])
    backup = col.backup(T0)
    col.replace_decks([bigger])
    col.close(T0)
    restore_backup(data_dir, backup, T0)  # its cards table knows only n0
    col = open_col([bigger])
    assert set(present(data_dir)) == {CardKey("a", "n0", 0), CardKey("a", "n1", 0)}
    assert col.card(CardKey("a", "n1", 0)) is not None


def behind_rapports_back(data_dir: Path, sql: str) -> dict[str, int]:
    """Run ``sql`` on the database as another program would; the card ids by note id."""
    conn = sqlite3.connect(data_dir / DB_NAME)
    conn.execute(sql)
    conn.commit()
    ids = dict(conn.execute("SELECT note_id, id FROM cards"))
    conn.close()
    return ids


def test_a_table_changed_behind_rapports_back_is_synced_when_found(
    open_col: OpenCollection, data_dir: Path
) -> None:
    deck = basic_deck("a", 3)
    open_col([deck]).close(T0)
    behind_rapports_back(data_dir, "UPDATE cards SET present = 0 WHERE note_id = 'n1'")
    col = open_col([deck])  # the record still says the cards are in sync
    assert [r.card for r in col.card_rows(T0)] == list(deck.cards())
    assert CardKey("a", "n1", 0) in present(data_dir)


def test_cards_are_matched_a_deck_at_a_time_when_first_needed(
    open_col: OpenCollection, calls: Calls
) -> None:
    decks = [basic_deck("a", 2), basic_deck("b", 2), basic_deck("c", 2)]
    open_col(decks).close(T0)
    col = open_col(decks)
    reset(calls)
    session = col.session(["b"], T0)
    card = session.next_card(T0)
    assert card == decks[1].cards()[0]
    session.answer(card, Rating.GOOD, T0, timedelta(seconds=4))
    assert col.card(CardKey("b", "n1", 0)) == decks[1].cards()[1]
    assert calls["present_cards"] == ["b"]
    assert col.card(CardKey("z", "n0", 0)) is None and calls["present_cards"] == ["b"]
    col.deck_counts(T0)
    assert calls["present_cards"] == ["b"]
    col.card_rows(T0)
    assert sorted(calls["present_cards"]) == ["a", "b", "c"]


def test_lookups_answer_as_the_table_says(open_col: OpenCollection, data_dir: Path) -> None:
    three = cloze("c", "A {{c1::bond}}, {{c2::goals}} and {{c3::tasks}}.")
    first = [make_deck("a", [basic("x"), three]), basic_deck("b", 2)]
    open_col(first).close(T0)
    # c2 leaves, a note leaves: their rows stay, hidden.
    decks = [make_deck("a", [cloze("c", "A {{c1::bond}} and {{c3::tasks}}.")]), basic_deck("b", 1)]
    open_col(decks).close(T0)
    table = present(data_dir)
    conn = sqlite3.connect(data_dir / DB_NAME)
    hidden = [r[0] for r in conn.execute("SELECT id FROM cards WHERE present = 0")]
    conn.close()
    assert len(hidden) == 3

    for lookup in ("card", "card_id", "require_id", "card_by_id"):
        col = open_col(decks)  # each kind of lookup first, on a fresh collection
        for deck in decks:
            for card in deck.cards():
                card_id = table[card.key][0]
                if lookup == "card":
                    assert col.card(card.key) == card
                elif lookup == "card_id":
                    assert col.card_id(card.key) == card_id
                elif lookup == "require_id":
                    assert col.require_id(card) == card_id
                else:
                    assert col.card_by_id(card_id) == card
        for card_id in [*hidden, max(hidden) + 100]:
            with pytest.raises(KeyError):
                col.card_by_id(card_id)
        assert col.card(CardKey("a", "c", 1)) is None and col.card_id(CardKey("b", "n1", 0)) is None
        with pytest.raises(ValueError):
            col.require_id(first[1].cards()[1])
        col.close(T0)


def test_a_read_only_snapshot_skips_the_sync_too(
    open_col: OpenCollection, data_dir: Path, calls: Calls
) -> None:
    deck = basic_deck("a", 2)
    app = open_col([deck])
    reset(calls)
    snapshot = Collection.open(data_dir, [deck], T0, lock=False)
    assert calls["sync_cards"] == [] and snapshot.card(CardKey("a", "n1", 0)) is not None
    changed = Collection.open(data_dir, [basic_deck("a", 3)], T0, lock=False)
    assert len(calls["sync_cards"]) == 1 and changed.card(CardKey("a", "n2", 0)) is not None
    for col in (snapshot, changed, app):
        col.close(T0)
    assert len(present(data_dir)) == 2  # the snapshot's sync stayed in memory


def test_the_first_card_of_a_session_needs_no_matching_of_its_deck(
    open_col: OpenCollection, calls: Calls
) -> None:
    deck = basic_deck("a", 3)
    open_col([deck]).close(T0)
    col = open_col([deck])
    reset(calls)
    session = col.session(["a"], T0)
    assert session.next_card(T0) == deck.cards()[0]
    assert calls["present_cards"] == []
    session.answer(deck.cards()[0], Rating.GOOD, T0, timedelta(seconds=4))
    assert calls["present_cards"] == ["a"]


def test_a_card_is_taken_by_position_only_where_the_identity_agrees(
    open_col: OpenCollection, data_dir: Path
) -> None:
    deck = basic_deck("a", 3)
    open_col([deck]).close(T0)
    ids = behind_rapports_back(data_dir, "UPDATE cards SET position = 2 - position")
    col = open_col([deck])  # the record still says the cards are in sync
    assert col.card_by_id(ids["n0"]) == deck.cards()[0]  # not n2, at position 2 in the file
    assert [present(data_dir)[c.key][1] for c in deck.cards()] == [0, 1, 2]
    assert col.card_by_id(ids["n2"]) == deck.cards()[2]


def test_prepare_readies_a_deck_so_the_first_answer_matches_nothing(
    open_col: OpenCollection, data_dir: Path, calls: Calls
) -> None:
    decks = [basic_deck("a", 4), basic_deck("b", 4)]
    open_col(decks).close(T0)
    collection = open_col(decks)
    session = collection.session(["a"], T0)
    card = session.next_card(T0)
    assert card is not None and card.deck_id == "a"
    reset(calls)
    assert collection.scheduler._fuzzed is None  # py-fsrs not needed yet
    collection.prepare("a")
    assert calls["present_cards"] == ["a"]
    assert collection.scheduler._fuzzed is not None
    collection.prepare("a")  # cheap once done
    session.answer(card, Rating.GOOD, T0, timedelta(seconds=3))
    session.next_card(T0)
    assert calls["present_cards"] == ["a"] and calls["card_index"] == []
    collection.prepare("gone")  # a deck no longer loaded is no error
