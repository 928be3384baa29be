"""Deck format 2: decks of a leader's own notes, sources found by anchor, summaries tied to
what they summarise, versions and changelogs, and problems an author can act on at once."""

from __future__ import annotations

from pathlib import Path

import pytest

from rapport.content import DeckError, load_deck, load_decks
from rapport.content.editing.revision import deck_changes

OWN_NOTES = """id = "week-3"
name = "Counselling skills, week 3"
source_label = "Course notes, week 3"
version = 2

[[changelog]]
version = 2
date = "2026-11-30"
changes = ["Reworded the paraphrase card", "Added the summarising card"]

[[changelog]]
version = 1
changes = "First handout."

[[notes]]
id = "paraphrase"
kind = "basic"
concept = "paraphrasing"
front = "What does a paraphrase give back to the client?"
back = "The meaning of what they said, in the counsellor's own words."

[[notes]]
id = "summarising"
kind = "cloze"
concept = "summarising"
text = "A summary draws {{c1::several}} of the client's statements together."
"""

TEXT = """Week 3 reading

Reflecting feelings names the emotion the client conveys.

Paraphrasing restates the content of what the client said.
"""

WITH_SOURCE = """id = "week-3-reading"
name = "Week 3 reading"

[[sources]]
file = "reading.txt"
label = "Week 3 reading"

[[summaries]]
anchor = "Paraphrasing restates"
text = "Paraphrasing gives the content back."

[[notes]]
id = "paraphrase"
kind = "basic"
concept = "paraphrasing"
source = { anchor = "restates the content" }
front = "What does a paraphrase restate?"
back = "The content of what the client said."

[[notes]]
id = "beyond"
kind = "basic"
concept = "paraphrasing"
extension = true
front = "Who wrote about accurate empathy?"
back = "Carl Rogers, among others."
"""


def write(tmp_path: Path, text: str, name: str = "deck.toml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def problems(path: Path) -> list[str]:
    with pytest.raises(DeckError) as info:
        load_deck(path)
    return [str(p) for p in info.value.problems]


def test_a_deck_of_own_notes_needs_no_source(tmp_path: Path) -> None:
    deck = load_deck(write(tmp_path, OWN_NOTES))
    assert deck.sources == () and all(n.source is None for n in deck.notes)
    assert {deck.source_label_of(n) for n in deck.notes} == {"Course notes, week 3"}
    assert deck.version == 2
    assert [c.version for c in deck.changelog] == [2, 1]
    assert deck.changelog[0].text == (
        "- Reworded the paraphrase card\n- Added the summarising card"
    )


def test_own_notes_are_labelled_with_the_deck_name_by_default(tmp_path: Path) -> None:
    deck = load_deck(
        write(tmp_path, OWN_NOTES.replace('source_label = "Course notes, week 3"', ""))
    )
    assert deck.source_label_of(deck.notes[0]) == "Counselling skills, week 3"


def test_the_paragraph_is_found_from_the_anchor(tmp_path: Path) -> None:
    (tmp_path / "reading.txt").write_text(TEXT)
    deck = load_deck(write(tmp_path, WITH_SOURCE))
    note = deck.notes[0]
    assert note.source is not None and note.source.paragraph == 3
    assert deck.source_label_of(note) == "Week 3 reading, paragraph 3"
    assert deck.summary(note.source) == "Paraphrasing gives the content back."
    assert deck.passage(note.source).startswith("Paraphrasing restates")
    beyond = deck.notes[1]
    assert beyond.source is None and deck.source_label_of(beyond) == "Beyond week 3 reading"


def test_inserting_a_paragraph_shifts_no_provenance_or_summary(tmp_path: Path) -> None:
    (tmp_path / "reading.txt").write_text(TEXT)
    before = load_deck(write(tmp_path, WITH_SOURCE))
    (tmp_path / "reading.txt").write_text(
        TEXT.replace("Reflecting", "A new paragraph the leader added.\n\nReflecting")
    )
    after = load_deck(write(tmp_path, WITH_SOURCE))
    old, new = before.notes[0].source, after.notes[0].source
    assert old is not None and new is not None
    assert (old.paragraph, new.paragraph) == (3, 4)
    assert after.passage(new) == before.passage(old)
    assert after.summary(new) == before.summary(old) == "Paraphrasing gives the content back."
    assert not deck_changes(before, after)  # a moved paragraph is not a reworded note


def test_a_stated_paragraph_is_checked_and_the_right_one_named(tmp_path: Path) -> None:
    (tmp_path / "reading.txt").write_text(TEXT)
    text = WITH_SOURCE.replace(
        'source = { anchor = "restates the content" }',
        'source = { paragraph = 2, anchor = "restates the content" }',
    )
    path = write(tmp_path, text)
    assert problems(path) == [
        f"{path}:16: paraphrase: source.anchor: 'restates the content' is not in paragraph 2 "
        "of week 3 reading (it is in paragraph 3)"
    ]


def test_an_anchor_in_two_paragraphs_asks_for_a_longer_one(tmp_path: Path) -> None:
    (tmp_path / "reading.txt").write_text(TEXT)
    path = write(tmp_path, WITH_SOURCE.replace('"restates the content"', '"the client"'))
    (found,) = problems(path)
    assert "'the client' is in paragraphs 2 and 3 of week 3 reading" in found
    assert "add paragraph = N" in found


def test_curly_quotes_in_an_anchor_are_named(tmp_path: Path) -> None:
    (tmp_path / "reading.txt").write_text(TEXT.replace("client said", "client's words"))
    path = write(tmp_path, WITH_SOURCE.replace('"restates the content"', '"client\u2019s words"'))
    (found,) = problems(path)
    assert "paragraph 3 has it with other quotes, dashes or spaces" in found
    assert "\u2019 (right single quotation mark, U+2019) where a straight ' is meant" in found


def test_curly_quotes_in_the_toml_are_named_with_the_line(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        OWN_NOTES.replace('front = "What', "front = \u201cWhat").replace(
            'the client?"', "the client?\u201d"
        ),
    )
    (found,) = problems(path)
    assert found.startswith(f"{path}:19: -: -: TOML syntax error: ")
    assert '\u201c (left double quotation mark, U+201C) where a straight " is meant' in found


def test_a_syntax_error_does_not_hide_the_other_problems(tmp_path: Path) -> None:
    text = OWN_NOTES.replace('back = "The meaning', 'back = "The meaning" of').replace(
        'kind = "cloze"', 'kind = "clozed"'
    )
    text += '\n[[notes]]\nid = "third"\nkind = "basic"\nconcept = "x"\nfront = "Q?"\n'
    path = write(tmp_path, text)
    found = problems(path)
    assert found[0].startswith(f"{path}:20: -: -: TOML syntax error: something follows")
    assert f"{path}:24: summarising: kind: unknown kind 'clozed'" in found[1]
    assert found[2] == f"{path}:28: third: back: missing field"
    assert len(found) == 3  # the broken note itself is not reported field by field


def test_problems_on_deck_keys_have_lines(tmp_path: Path) -> None:
    path = write(tmp_path, OWN_NOTES.replace("version = 2\n", 'version = "two"\n'))
    found = problems(path)
    assert f"{path}:4: deck: version: must be a whole number from 1" in found[0]


def test_several_sources_are_told_apart_by_id(tmp_path: Path) -> None:
    (tmp_path / "reading.txt").write_text(TEXT)
    (tmp_path / "handout.txt").write_text("Handout\n\nSummarising draws statements together.")
    text = WITH_SOURCE.replace(
        "[[summaries]]",
        '[[sources]]\nid = "handout"\nfile = "handout.txt"\nlabel = "Handout"\n\n[[summaries]]',
    )
    text += (
        '\n[[notes]]\nid = "summary"\nkind = "basic"\nconcept = "summarising"\n'
        'source = { from = "handout", anchor = "draws statements" }\n'
        'front = "What does a summary draw together?"\nback = "Statements."\n'
    )
    path = write(tmp_path, text)
    found = problems(path)  # the deck has summaries, so the handout paragraph needs one
    assert any("the deck has no summary of paragraph 2 ([[summaries]])" in p for p in found)
    text = text.replace(
        "[[notes]]",
        '[[summaries]]\nfrom = "handout"\nanchor = "Summarising"\ntext = "S."\n\n[[notes]]',
        1,
    )
    deck = load_deck(write(tmp_path, text))
    note = deck.note("summary")
    assert note is not None and deck.source_label_of(note) == "Handout, paragraph 2"


def test_a_missing_source_text_is_looked_for_beside_the_deck(tmp_path: Path) -> None:
    path = write(tmp_path, WITH_SOURCE)
    (found,) = problems(path)
    assert f"the source text reading.txt is not in the deck's folder {tmp_path}" in found


def test_a_newer_format_is_refused_in_words(tmp_path: Path) -> None:
    path = write(tmp_path, "format = 3\n" + OWN_NOTES)
    (found,) = problems(path)
    assert "reads deck formats 1 and 2, not 3" in found


@pytest.mark.parametrize(
    ("name", "data", "words"),
    [
        ("cards.apkg", b"PK\x03\x04rest", "Anki package"),
        ("cards.csv", b"front,back\nq,a\n", "spreadsheet"),
        ("cards.tsv", b"front\tback\n", "spreadsheet"),
    ],
)
def test_a_foreign_file_names_the_command_that_imports_it(
    tmp_path: Path, name: str, data: bytes, words: str
) -> None:
    path = tmp_path / name
    path.write_bytes(data)
    (found,) = problems(path)
    assert words in found and f"rapport import {path}" in found


def test_revision_changes_list_added_reworded_removed(tmp_path: Path) -> None:
    old = load_deck(write(tmp_path, OWN_NOTES, "old.toml"))
    text = OWN_NOTES.replace("own words.", "own words, briefly.").replace(
        "version = 2", "version = 3"
    )
    text = text.replace('id = "summarising"', 'id = "summarising-2"')
    text = text.replace("[[changelog]]\nversion = 2", "[[changelog]]\nversion = 3", 1)
    new = load_deck(write(tmp_path, text, "new.toml"))
    changes = deck_changes(old, new)
    assert changes.added == ("summarising-2",)
    assert [(r.note_id, r.fields) for r in changes.reworded] == [("paraphrase", ("back",))]
    assert changes.removed == ("summarising",)
    assert changes.lines() == [
        "version 2 -> 3",
        "added: summarising-2",
        "reworded: paraphrase (back)",
        "removed: summarising (your progress on it is kept)",
    ]


def test_version_one_decks_still_load_unchanged() -> None:
    from rapport.paths import decks_dir

    result = load_decks([decks_dir()])
    assert result.errors == ()
    deck = next(d for d in result.decks if d.id == "the-relationship-in-therapy")
    assert deck.sources[0].label == "The essay" and "garbled" in deck.sources[0].caveat
    note = next(n for n in deck.notes if not n.extension)
    assert deck.source_label_of(note).startswith("The essay, paragraph ")
