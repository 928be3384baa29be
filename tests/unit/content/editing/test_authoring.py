"""Writing decks without Qt: an in-app edit keeps a hand-written file's comments and
layout; decks of one's own are made, renamed and removed; notes of decks not one's own
are changed locally, merged with revisions, and a clash is a conflict to settle."""

from __future__ import annotations

from pathlib import Path

import pytest

from rapport.content import DeckError, load_deck
from rapport.content.editing.authoring import Authoring
from rapport.content.editing.deckfile import DeckWriteError, note_table

HAND_WRITTEN = """# Week 3 -- written by hand; keep these comments!
id = "week-3"          # never change
name = "Week 3"

# --- reflecting -------------------------------------------------------
[[notes]]
id = "paraphrase"   # the first card
kind = "basic"
concept = "reflecting"
front = "What does a paraphrase give back?"
back  =  "The content, in the counsellor's own words."

[[notes]]
id = "summary"
kind = "cloze"
concept = "reflecting"
text = "A summary draws {{c1::several}} statements together."   # c1 only
"""


@pytest.fixture
def authoring(tmp_path: Path) -> Authoring:
    return Authoring(tmp_path / "data")


def own_deck(authoring: Authoring, text: str = HAND_WRITTEN) -> Path:
    authoring.own_dir.mkdir(parents=True, exist_ok=True)
    path = authoring.own_dir / "week-3.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_an_edit_keeps_the_hand_written_comments_and_layout(authoring: Authoring) -> None:
    path = own_deck(authoring)
    deck = load_deck(path)
    values = note_table(deck.notes[1])
    values["text"] = "A summary draws {{c1::several}} of the {{c2::client's}} statements together."
    saved = authoring.save_note(deck, values, replacing="summary")
    assert not saved.local
    text = path.read_text()
    assert text == HAND_WRITTEN.replace(
        '"A summary draws {{c1::several}} statements together."',
        '"A summary draws {{c1::several}} of the {{c2::client\'s}} statements together."',
    )
    assert len(load_deck(path).cards()) == 3


def test_adding_and_deleting_notes_in_an_own_deck(authoring: Authoring) -> None:
    path = own_deck(authoring)
    deck = load_deck(path)
    values = {"kind": "typed", "concept": "reflecting", "prompt": "Who?", "answer": "Rogers"}
    values["id"] = authoring.new_note_id(deck, values)
    authoring.save_note(deck, values)
    deck = load_deck(path)
    assert [n.id for n in deck.notes] == ["paraphrase", "summary", "who"]
    authoring.delete_note(deck, "paraphrase")
    assert [n.id for n in load_deck(path).notes] == ["summary", "who"]
    assert "# Week 3 -- written by hand; keep these comments!" in path.read_text()


def test_a_bad_note_is_refused_in_the_kinds_words(authoring: Authoring) -> None:
    path = own_deck(authoring)
    deck = load_deck(path)
    before = path.read_text()
    with pytest.raises(DeckError) as info:
        authoring.save_note(deck, {"id": "x", "kind": "cloze", "concept": "c", "text": "none"})
    (problem,) = info.value.problems
    assert problem.field == "text" and problem.message.startswith("has no numbered cloze")
    assert path.read_text() == before


def test_new_rename_and_delete_deck(authoring: Authoring, tmp_path: Path) -> None:
    path = authoring.new_deck("Skills practice", taken=[])
    deck = load_deck(path)
    assert (deck.id, deck.name, deck.notes) == ("skills-practice", "Skills practice", ())
    assert deck.source_label_of is not None and deck.own_label() == "Skills practice"
    authoring.rename_deck(deck, "Skills practice, term 2")
    assert load_deck(path).name == "Skills practice, term 2"
    assert load_deck(path).id == "skills-practice"  # the id, and so the history, stays
    moved = authoring.delete_deck(load_deck(path))
    assert not path.exists() and moved.is_file()
    assert moved.parent == tmp_path / "data" / "removed-decks"


def test_a_shipped_deck_cannot_be_renamed_or_added_to(authoring: Authoring) -> None:
    from rapport.content import load_decks
    from rapport.paths import decks_dir

    shipped = load_decks([decks_dir()]).decks[0]
    with pytest.raises(DeckWriteError):
        authoring.rename_deck(shipped, "Mine now")
    with pytest.raises(DeckWriteError):
        authoring.save_note(shipped, note_table(shipped.notes[0]) | {"id": "new-one"})


def test_a_local_change_merges_with_a_revision_and_a_clash_is_a_conflict(
    authoring: Authoring, tmp_path: Path
) -> None:
    folder = tmp_path / "handed-out"
    folder.mkdir()
    path = folder / "week-3.toml"
    path.write_text(HAND_WRITTEN)
    deck = load_deck(path)
    authoring.apply([deck])
    mine = note_table(deck.notes[0]) | {"back": "The content, in my words."}
    assert authoring.save_note(deck, mine, replacing="paraphrase").local
    assert path.read_text() == HAND_WRITTEN  # the handed-out file is untouched
    decks, conflicts = Authoring(tmp_path / "data").apply([load_deck(path)])
    assert conflicts == [] and decks[0].notes[0].back == "The content, in my words."  # type: ignore[attr-defined]

    # the revision changes the front: merged, the change kept
    path.write_text(HAND_WRITTEN.replace("give back?", "give back to the client?"))
    again = Authoring(tmp_path / "data")
    decks, conflicts = again.apply([load_deck(path)])
    note = decks[0].notes[0]
    assert conflicts == []
    assert (note.front, note.back) == (  # type: ignore[attr-defined]
        "What does a paraphrase give back to the client?",
        "The content, in my words.",
    )

    # the next revision changes the back too: a conflict offering both versions
    path.write_text(
        HAND_WRITTEN.replace("give back?", "give back to the client?").replace(
            "counsellor's own words.", "counsellor's own, fresh words."
        )
    )
    decks, conflicts = again.apply([load_deck(path)])
    (conflict,) = conflicts
    assert conflict.fields == ("back",)
    assert conflict.mine["back"] == "The content, in my words."
    assert conflict.theirs["back"] == "The content, in the counsellor's own, fresh words."
    assert decks[0].notes[0].back == "The content, in my words."  # type: ignore[attr-defined]
    again.local.resolve(conflict, keep_mine=False)
    decks, conflicts = again.apply([load_deck(path)])
    assert conflicts == [] and not again.has_local_change("week-3", "paraphrase")
    assert decks[0].notes[0].back == "The content, in the counsellor's own, fresh words."  # type: ignore[attr-defined]
