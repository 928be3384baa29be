"""GIFT read with Moodle's own rules (tests/support/moodle_gift.py, a port of its
importer): a category line comes through as the deck's name, colon and all, with no
escape left in it; a short answer's alternatives are the plain text a student types,
with Moodle's escapes only (no ``&amp;``); choice options and rationales come through."""

from __future__ import annotations

from html import unescape
from pathlib import Path

from rapport.content import load_deck, load_decks
from rapport.content.notes.model import ChoiceNote, TypedNote
from rapport.interop.quiz import gift_text
from rapport.paths import decks_dir
from tests.support.decks import EXPORT_NOTES as NOTES
from tests.support.moodle_gift import read_questions
from tests.support.packages import WriteDeck


def test_category_and_short_answers_as_moodle_reads_them(
    write_deck: WriteDeck, tmp_path: Path
) -> None:
    notes = NOTES.replace('"common factor"]', '"R & D", "a = b", "#1: {x} ~ y \\\\ z"]')
    path = write_deck(notes)
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace('name = "Mini Export"', 'name = "Week 3: Rogers\' core/extra"'))
    deck = load_deck(path)
    gift = gift_text([deck])
    questions = read_questions(gift)
    category = next(q for q in questions if q.qtype == "category")
    # Moodle splits the path at a single "/" ("//" is a "/" in a name): one level each
    assert category.category == "Rapport/Week 3: Rogers' core//extra"
    assert "&&" not in category.category and "\\" not in category.category
    typed = next(n for n in deck.notes if isinstance(n, TypedNote))
    [short] = [q for q in questions if q.name == typed.id]
    assert short.qtype == "shortanswer"
    assert short.answers == list(dict.fromkeys([typed.answer, *typed.accept]))
    assert "R & D" in short.answers and not any("&amp;" in a for a in short.answers)
    assert all(f == 1.0 for f in short.fractions)


def test_every_shipped_choice_and_typed_note_as_moodle_reads_it() -> None:
    decks = list(load_decks([decks_dir()]).decks)
    questions = {q.name: q for q in read_questions(gift_text(decks)) if q.qtype != "category"}
    for deck in decks:
        for note in deck.notes:
            if isinstance(note, ChoiceNote):
                question = questions[note.id]
                assert question.qtype == "multichoice"
                got = {
                    unescape(a): (f, unescape(w))
                    for a, f, w in zip(
                        question.answers, question.fractions, question.feedback, strict=True
                    )
                }
                assert len(got) == len(note.options)
                assert sorted(f for f, _ in got.values()) == [0.0] * (len(got) - 1) + [1.0]
            elif isinstance(note, TypedNote):
                question = questions[note.id]
                assert question.qtype == "shortanswer"
                assert question.answers == list(dict.fromkeys([note.answer, *note.accept]))
