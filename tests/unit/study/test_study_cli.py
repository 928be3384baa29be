"""``rapport stats``, ``backups`` and ``restore`` on a data folder (shipped decks)."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from rapport.cli import main
from rapport.content import discover, load_decks
from rapport.paths import decks_dir
from rapport.study import Collection, Rating


def study_one(data_dir: Path) -> None:
    now = datetime.now(UTC)
    decks = load_decks(discover([decks_dir()])).decks
    col = Collection.open(data_dir, decks, now)
    session = col.session(None, now)
    card = session.next_card(now)
    assert card is not None
    session.answer(card, Rating.GOOD, now, datetime.now(UTC) - now)
    col.close(now)


def test_stats_json_and_table(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data_dir = tmp_path / "data"
    study_one(data_dir)
    assert main(["stats", "--json", "--data-dir", str(data_dir)]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["reviews_today"] == 1 and data["reviews_total"] == 1
    deck = data["decks"][0]
    assert set(deck) == {"id", "name", "new", "learning", "due", "total"}
    assert deck["learning"] == 1 and deck["total"] > 1
    assert {"retention", "forecast", "concepts", "reviews_per_day"} <= set(data)
    for key in ("true_retention", "card_counts", "intervals", "stability", "difficulty"):
        assert key in data
    assert {"retrievability", "answer_buttons", "hours", "calendar", "streak"} <= set(data)
    assert data["answer_buttons"]["learning"]["good"] == 1 and data["streak"]["current"] == 1
    assert data["card_counts"]["learning"] == 1
    assert main(["stats", "--data-dir", str(data_dir)]) == 0
    out = capsys.readouterr().out
    assert deck["name"] in out and "Today: 1 reviews" in out and "Recall by concept" in out
    assert "Young" in out and "Mature" in out
    # One deck, and a period.
    other = data["decks"][-1]
    args = ["stats", "--json", "--deck", other["name"], "--period", "all"]
    assert main([*args, "--data-dir", str(data_dir)]) == 0
    narrow = json.loads(capsys.readouterr().out)
    assert narrow["scope"]["decks"] == [other["id"]] and narrow["scope"]["period_days"] is None
    assert [d["id"] for d in narrow["decks"]] == [other["id"]] and narrow["reviews_total"] == 1
    assert main(["stats", "--deck", "no such deck", "--data-dir", str(data_dir)]) == 1


def test_stats_while_the_app_runs(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data_dir = tmp_path / "data"
    study_one(data_dir)
    now = datetime.now(UTC)
    app = Collection.open(data_dir, load_decks(discover([decks_dir()])).decks, now)
    try:
        assert main(["stats", "--json", "--data-dir", str(data_dir)]) == 0
        assert json.loads(capsys.readouterr().out)["reviews_total"] == 1
    finally:
        app.close(now)


def test_backups_and_restore(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data_dir = tmp_path / "data"
    assert main(["restore", "--data-dir", str(data_dir)]) == 1
    assert "no backups" in capsys.readouterr().err
    study_one(data_dir)  # closing makes a backup
    assert main(["backups", "--data-dir", str(data_dir)]) == 0
    listing = capsys.readouterr().out
    (backup,) = (data_dir / "backups").iterdir()
    assert backup.name in listing
    (data_dir / "collection.sqlite3").write_bytes(b"broken" * 1000)
    assert main(["stats", "--data-dir", str(data_dir)]) == 1
    assert "rapport restore" in capsys.readouterr().err
    assert main(["restore", backup.name, "--data-dir", str(data_dir)]) == 0
    out = capsys.readouterr().out
    assert "restored" in out and ".damaged-" in out
    assert main(["stats", "--json", "--data-dir", str(data_dir)]) == 0
    assert json.loads(capsys.readouterr().out)["reviews_total"] == 1
