"""Export with progress: card states and the review log in the package, off by default."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

import pytest

from rapport.cli import main
from rapport.content import load_decks
from rapport.paths import decks_dir
from rapport.study import Rating
from tests.support.collection import T0, open_collection
from tests.support.packages import read_collection


def study_a_little(data_dir: Path) -> int:
    loaded = load_decks([decks_dir()])
    collection = open_collection(data_dir, loaded.decks, T0)
    try:
        session = collection.session(None, T0)
        now = T0
        for rating in (Rating.GOOD, Rating.EASY, Rating.AGAIN, Rating.GOOD):
            card = session.next_card(now)
            assert card is not None
            session.answer(card, rating, now, timedelta(seconds=5))
            now += timedelta(seconds=30)
    finally:
        collection.close(T0)
    return 4


def test_with_progress_carries_states_and_the_log(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data_dir = tmp_path / "data"
    answers = study_a_little(data_dir)
    plain, studied = tmp_path / "plain.apkg", tmp_path / "studied.apkg"
    assert main(["export", "-o", str(plain), "--data-dir", str(data_dir)]) == 0
    assert main(["export", "-o", str(studied), "--with-progress", "--data-dir", str(data_dir)]) == 0
    out = capsys.readouterr().out
    assert "with the progress of 4 studied cards" in out

    conn = read_collection(plain)
    try:  # off by default: a course leader's export carries no schedule
        assert conn.execute("SELECT count() FROM revlog").fetchone() == (0,)
        assert conn.execute("SELECT count() FROM cards WHERE type != 0").fetchone() == (0,)
    finally:
        conn.close()
    conn = read_collection(studied)
    try:
        assert conn.execute("SELECT count() FROM revlog").fetchone() == (answers,)
        rows = conn.execute("SELECT type, reps, data FROM cards WHERE reps > 0").fetchall()
        assert len(rows) == 4
        for card_type, _reps, data in rows:
            assert card_type in (1, 2, 3)
            memory = json.loads(data)
            assert set(memory) == {"s", "d", "dr", "decay", "lrt"}
            assert memory["dr"] == 0.9
        (conf,) = conn.execute("SELECT conf FROM col").fetchone()
        assert json.loads(conf)["schedVer"] == 2
    finally:
        conn.close()


def test_with_progress_but_no_progress_says_so(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "x.apkg"
    empty = tmp_path / "empty"
    assert main(["export", "-o", str(out), "--with-progress", "--data-dir", str(empty)]) == 1
    assert "there is no study progress in" in capsys.readouterr().err
    assert not out.exists()
