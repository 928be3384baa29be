"""Issue 20, "also try": a deck file edited outside the app while its editor is open, the
clock jumping during a session, and a 50,000-note deck added and then removed."""

from __future__ import annotations

import time
from datetime import timedelta
from pathlib import Path

import pytest

from rapport.content import load_deck
from rapport.content.editing.authoring import Authoring
from rapport.content.editing.deckfile import DeckWriteError
from rapport.store.checks import full_check
from rapport.study import Rating
from tests.support.collection import SECOND, T0, basic_deck, open_collection


def test_an_edit_made_outside_while_the_editor_is_open_is_never_undone(tmp_path: Path) -> None:
    authoring = Authoring(tmp_path)
    path = authoring.new_deck("Mine", [])
    for i in range(3):
        values = {"id": f"n{i}", "kind": "basic", "concept": "c", "front": f"F{i}", "back": "B"}
        authoring.save_note(load_deck(path), values)
    opened = load_deck(path)  # the editor opens n1
    authoring.apply([opened])
    path.write_text(path.read_text().replace('front = "F1"', 'front = "F1 outside"'))
    before = path.read_bytes()
    edit = {"id": "n1", "kind": "basic", "concept": "c", "front": "F1 mine", "back": "B"}
    with pytest.raises(DeckWriteError, match="changed in .* outside Rapport"):
        authoring.save_note(opened, edit, replacing="n1")
    assert path.read_bytes() == before
    # another note edited outside does not stop a save of this one, and is kept
    authoring.apply([load_deck(path)])
    path.write_text(path.read_text().replace('front = "F2"', 'front = "F2 outside"'))
    authoring.save_note(load_deck(path), edit, replacing="n1")
    fronts = [n.front for n in load_deck(path).notes]  # type: ignore[attr-defined]
    assert fronts == ["F0", "F1 mine", "F2 outside"]


def test_the_clock_jumping_during_a_session_keeps_every_answer(tmp_path: Path) -> None:
    col = open_collection(tmp_path, [basic_deck("a", 20)])
    session = col.session(None, T0)
    now, answered = T0, 0
    jumps = [0, 3600, -3 * 86400, -400 * 86400, 30 * 365 * 86400, -30 * 365 * 86400, 5, -60]
    for jump in jumps:
        now += timedelta(seconds=jump)
        card = session.next_card(now)
        if card is not None:
            session.answer(card, Rating.GOOD, now, SECOND)
            answered += 1
    col.close(now)
    col = open_collection(tmp_path, [basic_deck("a", 20)], T0)
    try:
        assert col.store.review_count() == answered >= 6
        assert full_check(col.store._conn) == []
    finally:
        col.close(T0)


@pytest.mark.slow
def test_a_50000_note_deck_added_then_removed(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from rapport.cli import _known_decks, main
    from rapport.study import Collection

    notes = "".join(
        f'[[notes]]\nid = "n{i}"\nkind = "basic"\nconcept = "c"\nfront = "Q{i}"\nback = "A"\n\n'
        for i in range(50_000)
    )
    source = tmp_path / "big.toml"
    source.write_text(f'id = "big"\nname = "Big"\n\n{notes}', encoding="utf-8")
    data = tmp_path / "data"
    started = time.perf_counter()
    assert main(["add", str(source), "--data-dir", str(data)]) == 0
    decks = _known_decks(data)
    big = next(d for d in decks if d.id == "big")
    col = Collection.open(data, decks, T0)
    session = col.session(None, T0)
    card = session.next_card(T0)
    assert card is not None
    session.answer(card, Rating.GOOD, T0, SECOND)
    col.close(T0)
    Authoring(data).delete_deck(big)
    decks = _known_decks(data)
    assert "big" not in {d.id for d in decks}
    col = Collection.open(data, decks, T0 + timedelta(minutes=1))
    try:
        assert col.store.review_count() == 1  # history kept
        assert "big" not in col.store.present_counts()
    finally:
        col.close(T0 + timedelta(minutes=1))
    assert main(["stats", "--data-dir", str(data)]) == 0
    print(f"50,000-note deck added, studied, removed: {time.perf_counter() - started:.1f} s")
