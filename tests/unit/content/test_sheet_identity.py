"""A deck survives a spreadsheet round trip as the same deck: every shipped and test deck
is exported to a spreadsheet and imported again, and comes back with the same id, name,
description, source label, version, changelog, per-note flags (extension, scenario),
``allow`` entries and notes; a trainee who studied it keeps their progress."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from rapport.cli import main
from rapport.content import Deck, load_deck, load_decks
from rapport.content.checks.itemcheck import read_allowances
from rapport.interop.anki.progress import study_progress
from rapport.paths import decks_dir
from rapport.study import Rating
from tests.support.collection import open_collection
from tests.support.decks import ESSAY, write_deck

OWN = '''id = "week-3"
name = "Week 3: Rogers' core conditions"
description = "Congruence, regard and empathy, with session moments."
source_label = "Course notes, week 3"
version = 2

[[changelog]]
version = 2
date = "2026-11-30"
changes = ["Reworded the congruence card", "Added a scenario"]

[[notes]]
id = "congruence"
kind = "basic"
concept = "congruence"
tags = ["week3", "core::conditions"]
front = "What is congruence, in Rogers' words?"
back = """Being genuine: what the counsellor feels, knows and says agree,
line two, with a comma and "quotes"."""
extra = "Rogers 1957."

[[notes]]
id = "silent-client"
kind = "choice"
concept = "attunement"
scenario = true
extension = true
allow = ["longest-answer: the full phrase is the point", "absolute: 'never' is the content"]
question = "A client falls silent after a painful memory. What fits best?"
answer = { text = "Stay with the silence and let them set its pace", why = "Working time." }
distractors = [
  { text = "Change the subject", why = "It pulls away." },
  { text = "Never wait", why = "Waiting can help." },
  { text = "Give advice", why = "Too early." },
]

[[notes]]
id = "regard"
kind = "cloze"
concept = "regard"
text = "Rogers called acceptance {{c1::unconditional positive regard}}."

[[notes]]
id = "rogers"
kind = "typed"
concept = "empathy"
prompt = "Who named the core conditions?"
answer = "Carl Rogers"
accept = ["Rogers", "C. R. Rogers"]

[[notes]]
id = "empathy-term"
kind = "reversed"
concept = "empathy"
front = "Empathy"
back = "Sensing the client's world as if it were one's own."
'''


def every_deck(tmp_path: Path) -> list[Path]:
    from tests.support.decks import KINDS_DECK

    own = tmp_path / "own"
    write_deck(own, OWN, "week-3.toml")
    kinds = tmp_path / "kinds"
    write_deck(kinds, KINDS_DECK, "kinds.toml")
    return [*sorted(decks_dir().glob("*.toml")), own / "week-3.toml", kinds / "kinds.toml"]


def same_deck(before: Deck, after: Deck) -> None:
    for key in ("id", "name", "description", "source_label", "version", "changelog"):
        assert getattr(after, key) == getattr(before, key), key
    assert after.summaries == before.summaries
    assert [s[1:] for s in after.sources] == [s[1:] for s in before.sources]
    assert after.notes == before.notes
    assert read_allowances(after.path.read_text()) == read_allowances(before.path.read_text())


@pytest.mark.parametrize("excel", [False, True], ids=["plain", "excel"])
def test_every_deck_comes_back_from_a_spreadsheet_as_the_same_deck(
    tmp_path: Path, excel: bool
) -> None:
    assert ESSAY
    for path in every_deck(tmp_path):
        before = load_deck(path)
        sheet = tmp_path / f"{before.id}.csv"
        args = ["export", str(path), "--csv", "-o", str(sheet), "--data-dir", str(tmp_path / "d")]
        assert main([*args, "--excel"] if excel else args) == 0
        # beside the original, where its source text is (shipped decks': in resources)
        folder = tmp_path / "back" if path.parent == decks_dir() else path.parent
        back = folder / f"back-{before.id}.toml"  # one per deck: several decks ship
        assert main(["import", str(sheet), "-o", str(back), "--data-dir", str(tmp_path / "d")]) == 0
        same_deck(before, load_deck(back))


def test_progress_follows_the_deck_through_a_spreadsheet(tmp_path: Path) -> None:
    path = every_deck(tmp_path)[-2]  # the course leader's own deck
    data = tmp_path / "data"
    sheet = tmp_path / "week-3.csv"
    assert main(["export", str(path), "--csv", "-o", str(sheet), "--data-dir", str(data)]) == 0
    # the trainee imports the spreadsheet: the same deck, as one of their own
    assert main(["import", str(sheet), "--data-dir", str(data)]) == 0
    (mine,) = load_decks([data / "my-decks"]).decks
    same_deck(load_deck(path), mine)

    now = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)
    collection = open_collection(data, [mine], now)
    rng = random.Random(3)
    session = collection.session(None, now)
    for _ in range(6):
        card = session.next_card(now)
        if card is None:
            break
        now += timedelta(seconds=10)
        session.answer(card, rng.choice(list(Rating)), now, timedelta(seconds=10))
    studied = study_progress(collection).cards
    collection.close(now)
    assert studied

    # a revised spreadsheet of the same deck updates it in place: one deck, same id
    sheet.write_text(sheet.read_text().replace("Sensing the client", "Feeling the client"))
    assert main(["import", str(sheet), "--replace", "--data-dir", str(data)]) == 0
    result = load_decks([data / "my-decks"])
    assert not result.errors and [d.id for d in result.decks] == ["week-3"]
    (after,) = result.decks
    assert any("Feeling the client" in str(n) for n in after.notes)
    collection = open_collection(data, [after], now)
    try:
        assert study_progress(collection).cards == studied
    finally:
        collection.close(now)
