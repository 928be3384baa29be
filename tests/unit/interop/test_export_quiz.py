"""Quiz export: GIFT read back by a GIFT parser, QTI 1.2 valid against the IMS DTD."""

from __future__ import annotations

import re
import zipfile
from html import unescape
from io import BytesIO
from pathlib import Path
from typing import Any

import pytest
from lxml import etree  # type: ignore[import-untyped]

from rapport.cli import main
from rapport.content import Deck, load_deck, load_decks
from rapport.content.notes.html import field_html
from rapport.content.notes.model import ChoiceNote, TypedNote
from rapport.interop.anki import ExportError
from rapport.interop.quiz import export_quiz, gift_text, qti_zip
from rapport.paths import decks_dir
from tests.support.decks import EXPORT_NOTES as NOTES
from tests.support.packages import WriteDeck

DTD = Path(__file__).resolve().parents[2] / "data" / "qti" / "ims_qtiasiv1p2p1.dtd"


@pytest.fixture(scope="module")
def shipped() -> list[Deck]:
    loaded = load_decks([decks_dir()])
    assert loaded.decks and not loaded.errors
    return list(loaded.decks)


def plain(text: str) -> str:
    """GIFT or HTML text as the reader sees it: escapes undone, references resolved."""
    return unescape(re.sub(r"\\(.)", r"\1", text)).strip()


def parse_gift(text: str) -> list[Any]:
    from pygiftparser import parser  # type: ignore[import-untyped]

    questions = list(parser.parseFile(text.splitlines(keepends=True)))
    assert all(q.valid for q in questions)
    return questions


def expected_html(text: str, note: ChoiceNote | TypedNote) -> str:
    return unescape(" ".join(field_html(text, html=note.html).splitlines())).strip()


def check_gift(decks: list[Deck]) -> int:
    parsed = parse_gift(gift_text(decks))
    questions = {q.title: q for q in parsed}
    notes = [n for d in decks for n in d.notes if isinstance(n, ChoiceNote | TypedNote)]
    assert len(parsed) == len(questions) == len(notes)
    text = gift_text(decks)
    for deck in decks:  # (the parser reads a category name only up to its first space)
        if any(isinstance(n, ChoiceNote | TypedNote) for n in deck.notes):
            assert f"\n$CATEGORY: Rapport/{deck.name}\n" in text
    for note in notes:
        question = questions[note.id]
        assert question.markup == "html" and question.cat.startswith("Rapport/")
        options = question.answers.answers
        if isinstance(note, ChoiceNote):
            assert type(question.answers).__name__ == "SelectSet"
            assert plain(question.text) == expected_html(note.question, note)
            got = {plain(o.answer): (o.fraction, plain(o.feedback)) for o in options}
            assert got == {
                expected_html(o.text, note): (100 if o.correct else 0, expected_html(o.why, note))
                for o in note.options
            }
        else:
            assert type(question.answers).__name__ == "ShortSet"
            assert plain(question.text) == expected_html(note.prompt, note)
            got_answers = [plain(o.answer) for o in options]
            assert got_answers == list(dict.fromkeys([note.answer, *note.accept]))
            assert all(o.fraction == 100 for o in options)
    return len(notes)


def test_gift_of_the_shipped_deck_parses_with_every_rationale(shipped: list[Deck]) -> None:
    assert check_gift(shipped) > 20


def test_gift_escapes_special_characters(write_deck: WriteDeck) -> None:
    # GIFT's own specials in a question, an option and a rationale, and in an answer.
    notes = (
        NOTES.replace("Who headed the APA task force?", "Who {headed} the APA: task = force?")
        .replace("He headed it & defined", "He ~headed~ it #1 & \\\\ defined")
        .replace('text = "Carl Rogers"', 'text = "Carl = Rogers {}"')
        .replace('"common factor"]', '"common: factor = #1"]')
    )
    deck = load_deck(write_deck(notes))
    text = gift_text([deck])
    assert "$CATEGORY: Rapport/Mini Export" in text
    assert "common\\: factor \\= \\#1" in text
    assert check_gift([deck]) == 2


def qti_documents(data: bytes) -> tuple[Any, list[Any]]:
    with zipfile.ZipFile(BytesIO(data)) as package:
        manifest = etree.fromstring(package.read("imsmanifest.xml"))
        hrefs = [f.get("href") for f in manifest.iter("{*}file")]
        documents = [etree.fromstring(package.read(href)) for href in hrefs]
    return manifest, documents


def without_namespace(document: Any) -> Any:
    """The document with its default namespace dropped (the DTD predates namespaces)."""
    copy = etree.fromstring(re.sub(rb' xmlns="[^"]*"', b"", etree.tostring(document)))
    return copy


def test_qti_of_the_shipped_deck_is_valid_qti_1_2(shipped: list[Deck]) -> None:
    dtd = etree.DTD(str(DTD))
    manifest, documents = qti_documents(qti_zip(shipped))
    assert len(documents) == 1
    [document] = documents
    bare = without_namespace(document)
    assert dtd.validate(bare), dtd.error_log.filter_from_errors()
    broken = without_namespace(document)  # the check can fail: a cardinality QTI lacks
    broken.find(".//response_lid").set("rcardinality", "Several")
    assert not dtd.validate(broken)

    notes = {n.id: n for d in shipped for n in d.notes if isinstance(n, ChoiceNote | TypedNote)}
    items = bare.findall(".//item")
    assert len(items) == len(notes)
    for item in items:
        note = notes[item.get("title")]
        kind = item.findtext(".//qtimetadatafield[fieldlabel='question_type']/fieldentry")
        question = unescape(item.findtext("presentation/material/mattext"))
        scored = item.findall(".//respcondition[setvar='100']//varequal")
        if isinstance(note, ChoiceNote):
            assert kind == "multiple_choice_question"
            assert question == expected_html(note.question, note)
            labels = {
                label.get("ident"): unescape(label.findtext("material/mattext"))
                for label in item.iter("response_label")
            }
            feedback = {
                fb.get("ident"): unescape(fb.findtext("flow_mat/material/mattext"))
                for fb in item.iter("itemfeedback")
            }
            assert {labels[i]: feedback[f"{i}_fb"] for i in labels} == {
                expected_html(o.text, note): expected_html(o.why, note) for o in note.options
            }
            [right] = scored
            assert labels[right.text] == expected_html(note.answer.text, note)
        else:
            assert kind == "short_answer_question"
            assert question == expected_html(note.prompt, note)
            assert [v.text for v in scored] == list(dict.fromkeys([note.answer, *note.accept]))


def test_cli_writes_gift_and_qti(
    shipped: list[Deck], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    gift, qti = tmp_path / "quiz.gift", tmp_path / "quiz.zip"
    assert main(["export", "--format", "gift", "-o", str(gift)]) == 0
    assert main(["export", "--format", "qti", "-o", str(qti)]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0].startswith("exported ") and out[0].endswith("of other kinds left out")
    assert "multiple choice" in out[0] and f"to {gift} as GIFT" in out[0]
    assert f"to {qti} as QTI" in out[1]
    assert gift.read_text(encoding="utf-8") == gift_text(shipped)
    assert zipfile.is_zipfile(qti)


def test_wrong_suffix_or_no_questions_is_refused(mini_deck: Deck, tmp_path: Path) -> None:
    with pytest.raises(ExportError, match="must end in .zip"):
        export_quiz([mini_deck], tmp_path / "quiz.gift", "qti")
    basic_only = Deck(
        id=mini_deck.id,
        name=mini_deck.name,
        description="",
        path=mini_deck.path,
        sources=mini_deck.sources,
        summaries={},
        notes=tuple(n for n in mini_deck.notes if not isinstance(n, ChoiceNote | TypedNote)),
    )
    with pytest.raises(ExportError, match="no choice or typed notes"):
        export_quiz([basic_only], tmp_path / "quiz.gift", "gift")
    assert list(tmp_path.glob("quiz*")) == []
