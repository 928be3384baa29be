"""The progress report's numbers are the statistics' numbers; the class file is
compact and versioned; periods are checked."""

from __future__ import annotations

import random
from datetime import timedelta

import pytest

from rapport.content import load_decks
from rapport.paths import decks_dir
from rapport.study.calibration import calibration_of
from rapport.study.progress import (
    CLASS_FORMAT,
    CLASS_VERSION,
    PSEUDONYM_PREF,
    ReportError,
    build_progress,
    class_file,
    parse_period,
    progress_html,
)
from rapport.study.stats import HISTORY_DAYS
from tests.support.classroom import study_with_certainty
from tests.support.collection import T0, OpenCollection

NOW = T0 + timedelta(days=70)


@pytest.fixture
def studied(open_col: OpenCollection):  # type: ignore[no-untyped-def]
    decks = load_decks([decks_dir()]).decks
    col = open_col(decks, T0)
    study_with_certainty(col, T0, NOW - timedelta(hours=2), random.Random(3))
    return col


def test_the_report_shows_the_statistics_numbers(studied) -> None:  # type: ignore[no-untyped-def]
    col = studied
    stats = col.stats(NOW)
    report = build_progress(col, NOW, name="Sam Example", period_days=HISTORY_DAYS)
    assert report.retention_7d == stats.retention_7d
    assert report.retention_30d == stats.retention_30d
    assert stats.retention_30d is not None  # (mature reviews exist: the test means something)
    assert report.seconds == pytest.approx(sum(d.seconds for d in stats.reviews_per_day))
    assert report.answers == sum(d.reviews for d in stats.reviews_per_day)
    assert sum(d.answers for d in report.decks) == report.answers
    by_concept = {c.concept: c for c in stats.concepts}
    assert {c.concept for c in report.concepts} == set(by_concept)
    for concept in report.concepts:
        recall = by_concept[concept.concept]
        assert concept.mastery == recall.mastery
        assert (concept.cards, concept.studied) == (recall.cards, recall.studied)
    # Calibration over the period from the same answers.
    start = report.period_start
    assert start is not None
    answers = col.store.logged_answers(start)
    assert report.calibration == calibration_of("All decks", answers, col.card)
    assert report.calibration.answers == len(answers) > 100
    cards = [col.card(e.key) for e in report.confident_errors]
    choice_errors = [
        e for e, c in zip(report.confident_errors, cards, strict=True) if c and c.kind == "choice"
    ]
    assert choice_errors and all(e.given and "Right:" in e.rationale for e in choice_errors)
    html = progress_html(report)
    assert "Sam Example" in html and "Confident errors" in html
    for figure in (f"{stats.retention_30d:.0%}",):
        assert figure in html


def test_the_class_file_is_compact_versioned_and_pseudonymous(studied) -> None:  # type: ignore[no-untyped-def]
    col = studied
    content = class_file(col, NOW)
    assert content["format"] == CLASS_FORMAT and content["version"] == CLASS_VERSION
    pseudonym = content["trainee"]
    assert pseudonym.startswith("trainee-") and col.get_pref(PSEUDONYM_PREF) == pseudonym
    assert class_file(col, NOW)["trainee"] == pseudonym  # made once, then kept
    assert class_file(col, NOW, name="Sam")["trainee"] == "Sam"
    assert content["decks"]  # every shipped deck, each with its version
    assert all(set(deck) == {"id", "name", "version", "cards"} for deck in content["decks"])
    notes = {(i["deck"], i["note"]) for i in content["items"]}
    assert len(notes) == len(content["items"])  # one item per note: its first answer
    picked = [i for i in content["items"] if i["first"]["picked"] is not None]
    assert picked and all(set(i["first"]) == {"right", "picked", "certainty"} for i in picked)
    assert sum(p["answers"] for p in content["calibration"]) == len(col.store.logged_answers())


def test_periods() -> None:
    assert parse_period("30d") == 30 and parse_period(" ALL ") is None
    for wrong in ("month", "0d", "-3d", ""):
        with pytest.raises(ReportError, match="not one Rapport knows"):
            parse_period(wrong)
