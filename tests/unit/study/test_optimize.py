"""The optimiser (issue 23, item 1): FSRS items as Anki builds them, the fit on a
history drawn from known parameters against Anki's own optimiser (held-out log loss
within 2 %), and the rule that keeps the current parameters when a fit is not better."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from rapport.study import Collection, optimize
from rapport.study.settings import DEFAULT_PRESET
from tests.support.collection import basic, make_deck, open_collection
from tests.support.fsrs_history import TRUE_PARAMETERS, Answer, simulate, write_anki, write_rapport

START = datetime(2025, 1, 1, tzinfo=UTC)
DAY_US = 86_400_000_000


def _collection(
    data_dir: Path, histories: dict[str, list[list[Answer]]], now: datetime
) -> Collection:
    decks = [
        make_deck(name, [basic(f"{name}{i}") for i in range(len(h))])
        for name, h in histories.items()
    ]
    col = open_collection(data_dir, decks, START)
    ids = {
        name: [col.require_id(c) for c in d.cards()]
        for name, d in zip(histories, decks, strict=True)
    }
    col.close(START)
    for name, history in histories.items():
        write_rapport(data_dir / "collection.sqlite3", ids[name], history)
    return open_collection(data_dir, decks, now)


def test_items_as_anki_builds_them() -> None:
    # One card: learnt (Again, then Good the same day), reviewed 3 and 10 days later.
    t0 = round(datetime(2025, 1, 1, 12, tzinfo=UTC).timestamp() * 1_000_000)
    rows = [
        (1, t0, 1, 0),
        (1, t0 + 600_000_000, 3, 1),
        (1, t0 + 3 * DAY_US, 3, 2),
        (1, t0 + 13 * DAY_US, 1, 2),
        (1, t0 + 13 * DAY_US + 600_000_000, 3, 3),
        # A card never in learning (e.g. imported mid-life) is left out, as Anki does.
        (2, t0, 3, 2),
        (2, t0 + DAY_US, 3, 2),
    ]
    next_day = datetime(2025, 2, 1, 4, tzinfo=UTC)
    items, used = optimize.training_items(rows, next_day)
    assert used == 5
    # An item per answer after the first, kept when a day or more after the one before.
    import fsrs_rs_python as fr

    def item(*reviews: tuple[int, int]) -> str:
        return repr(fr.FSRSItem([fr.FSRSReview(rating, days) for rating, days in reviews]))

    assert [repr(i) for i in items] == [
        item((1, 0), (3, 0), (3, 3)),
        item((1, 0), (3, 0), (3, 3), (1, 10)),
    ]


@pytest.mark.slow
def test_fit_matches_ankis_held_out_log_loss(tmp_path: Path) -> None:
    """Fit on half the cards, by Rapport and by Anki's library; both parameter sets are
    scored on the other half (held out): log losses within 2 % of each other."""
    history = simulate(cards=1200, days=365, start=START)
    train, test = history[0::2], history[1::2]
    reviews = sum(len(h) for h in history)
    assert reviews >= 5000
    now = START + timedelta(days=366)
    col = _collection(tmp_path / "data", {"train": train, "test": test}, now)
    col.save_preset("Train", col.settings)
    col.set_deck_preset("train", "Train")
    result = col.optimiser("Train", now)(col.store, None)
    assert isinstance(result, optimize.Optimised) and result.kept == "fitted"
    evaluated = col.optimiser("Train", now, evaluate_only=True)(col.store, None)
    assert isinstance(evaluated, optimize.Evaluated) and evaluated.reviews == result.reviews

    from anki.collection import Collection as AnkiCollection

    anki_path = tmp_path / "anki" / "collection.anki2"
    anki_path.parent.mkdir()
    write_anki(anki_path, {"train": train, "test": test})
    anki = AnkiCollection(str(anki_path))
    try:
        defaults = list(optimize.default_parameters())
        anki_fit = anki._backend.compute_fsrs_params(
            search="deck:train",
            current_params=defaults,
            ignore_revlogs_before_ms=0,
            num_of_relearning_steps=1,
            health_check=False,
        )
        anki_params = tuple(anki_fit.params)
        assert anki_fit.fsrs_items == result.items  # the same items from the same answers
        anki_ours = anki._backend.evaluate_params_legacy(
            params=result.fitted.parameters, search="deck:test", ignore_revlogs_before_ms=0
        )
        anki_own = anki._backend.evaluate_params_legacy(
            params=anki_params, search="deck:test", ignore_revlogs_before_ms=0
        )
    finally:
        anki.close(downgrade=False)
    next_day = col.today_bounds(now)[1]
    _, ours = optimize.evaluate(col.store, ["test"], result.fitted.parameters, next_day)
    _, theirs = optimize.evaluate(col.store, ["test"], anki_params, next_day)
    _, truth = optimize.evaluate(col.store, ["test"], TRUE_PARAMETERS, next_day)
    print(
        f"\n{reviews} reviews; held-out log loss: Rapport {ours.log_loss:.5f}, "
        f"Anki {theirs.log_loss:.5f} (Anki's evaluation: {anki_ours.log_loss:.5f} vs "
        f"{anki_own.log_loss:.5f}); the true parameters {truth.log_loss:.5f}; "
        f"RMSE {ours.rmse:.4f} vs {theirs.rmse:.4f}"
    )
    assert abs(ours.log_loss - theirs.log_loss) <= 0.02 * theirs.log_loss
    assert abs(anki_ours.log_loss - anki_own.log_loss) <= 0.02 * anki_own.log_loss
    # Rapport's and Anki's scoring of the same parameters agree.
    assert ours.log_loss == pytest.approx(anki_ours.log_loss, rel=1e-3)
    col.close(now)


def test_current_parameters_kept_when_the_fit_is_not_better(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    history = simulate(cards=150, days=200, start=START, seed=9)
    now = START + timedelta(days=201)
    col = _collection(tmp_path / "data", {"a": history}, now)
    # A fit that is plainly worse than the defaults: initial stabilities far too long.
    worse = list(optimize.default_parameters())
    worse[:4] = [100.0, 100.0, 100.0, 100.0]
    monkeypatch.setattr(optimize, "fit_items", lambda items: tuple(worse))
    result = col.optimiser(DEFAULT_PRESET, now)(col.store, None)
    assert isinstance(result, optimize.Optimised)
    assert result.fitted.rmse > result.current.rmse and result.kept == "current"
    assert result.parameters == optimize.default_parameters()
    monkeypatch.undo()
    # A real fit on a history drawn from other parameters beats the defaults: kept.
    fitted = col.optimiser(DEFAULT_PRESET, now)(col.store, None)
    assert isinstance(fitted, optimize.Optimised) and fitted.kept == "fitted"
    assert fitted.fitted.log_loss < fitted.current.log_loss
    col.use_parameters(DEFAULT_PRESET, fitted.parameters)
    assert col.settings.parameters == fitted.parameters
    assert col.scheduler._fsrs.parameters == fitted.parameters
    col.close(now)


def test_too_little_history_is_a_clear_error(tmp_path: Path) -> None:
    now = START + timedelta(days=3)
    col = _collection(tmp_path / "data", {"a": simulate(cards=2, days=3, start=START)}, now)
    with pytest.raises(optimize.OptimizeError, match="needs more history"):
        col.optimiser(DEFAULT_PRESET, now)(col.store, None)
    col.close(now)


def test_rapport_optimize_json(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    import json

    from rapport.cli import main
    from rapport.content import discover, load_decks
    from rapport.paths import decks_dir

    data_dir = tmp_path / "data"
    decks = load_decks(discover([decks_dir()])).decks
    col = Collection.open(data_dir, decks, START)
    ids = [col.require_id(card) for deck in decks for card in deck.cards()]
    col.close(START)
    history = simulate(cards=len(ids), days=300, start=START, seed=3)
    write_rapport(data_dir / "collection.sqlite3", ids, history)
    assert main(["optimize", "--json", "--data-dir", str(data_dir)]) == 0
    data = json.loads(capsys.readouterr().out)
    assert set(data) == {"reviews", "current", "fitted", "kept"}
    assert data["reviews"] == sum(len(h) for h in history)
    for key in ("current", "fitted"):
        assert set(data[key]) == {"log_loss", "rmse", "parameters"}
        assert len(data[key]["parameters"]) == 21
    assert data["current"]["parameters"] == list(optimize.default_parameters())
    assert data["kept"] == "fitted"  # drawn from other parameters: the fit is better
    reopened = Collection.open(data_dir, decks, START + timedelta(days=301))
    assert list(reopened.settings.parameters) == data["fitted"]["parameters"]
    reopened.close(START + timedelta(days=301))
    # Again: the fitted set is now the current one.
    assert main(["optimize", "--data-dir", str(data_dir)]) == 0
    out = capsys.readouterr()
    assert "reviews" in out.out and "Fitting FSRS" in out.err
    assert main(["optimize", "--preset", "Nope", "--data-dir", str(data_dir)]) == 1
    assert "no preset 'Nope'" in capsys.readouterr().err
