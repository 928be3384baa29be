"""Quiz export for learning platforms: Moodle's GIFT and QTI 1.2 (what Canvas imports).

Course leaders run quizzes in Moodle and Canvas. Two kinds of note make quiz questions:

* choice notes become multiple-choice questions, each option with its rationale as its
  feedback (the right option scores full marks);
* typed notes become short-answer questions accepting the answer and every ``accept``
  alternative.

Other kinds (basic, reversed, cloze) have no machine-markable answer and are left out;
:class:`QuizResult` counts them. Text goes through :func:`rapport.content.notes.html.field_html`
(escaped, or sanitised for ``html = true`` notes), so both formats carry the same safe
HTML the Anki export does.

GIFT (https://docs.moodle.org/en/GIFT_format): one question per block, ``::title::`` with
the note's id, ``[html]`` text, ``=right#feedback`` and ``~wrong#feedback`` options. In
the HTML text ``= ~ { }`` are character references and ``# : \\`` are escaped with a
backslash; short answers (plain text, no HTML) escape all of ``~ = # { } : \\``. Each deck is a
``$CATEGORY: Rapport/<deck name>``.

QTI 1.2 (IMS Question and Test Interoperability, the version Canvas imports): a zip with
``imsmanifest.xml`` and one assessment per deck, items marked with Canvas's
``question_type`` metadata (``multiple_choice_question``, ``short_answer_question``).
Identifiers are derived from the deck and note ids, so re-exports keep them.
"""

from __future__ import annotations

import hashlib
import io
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO
from xml.etree import ElementTree as ET

from rapport.content.notes.html import field_html
from rapport.content.notes.model import ChoiceNote, Deck, Note, TypedNote
from rapport.interop.anki.fields import option_order
from rapport.interop.anki.package import ExportError, check_target, write_atomically

FORMATS = ("gift", "qti")
SUFFIXES = {"gift": (".gift", ".txt"), "qti": (".zip",)}
GIFT_SPECIAL = "\\~=#{}:"


@dataclass(frozen=True, slots=True)
class QuizResult:
    """What a quiz export wrote."""

    path: Path
    format: str
    decks: int
    choice: int
    short_answer: int
    left_out: int  # notes of other kinds

    @property
    def questions(self) -> int:
        return self.choice + self.short_answer


def _quiz_notes(deck: Deck) -> list[ChoiceNote | TypedNote]:
    return [n for n in deck.notes if isinstance(n, ChoiceNote | TypedNote)]


def _html(text: str, note: Note) -> str:
    # Line breaks inside sanitised HTML mean nothing; GIFT would end the question at a
    # blank line, so they become spaces.
    return " ".join(field_html(text, html=note.html).splitlines())


def _accepted(note: TypedNote) -> list[str]:
    answers = [note.answer, *note.accept]
    return list(dict.fromkeys(a.strip() for a in answers if a.strip()))


# -- GIFT ----------------------------------------------------------------------------------


def gift_escape(text: str) -> str:
    """Plain ``text`` with GIFT's special characters escaped by a backslash."""
    return "".join("\\" + c if c in GIFT_SPECIAL else c for c in text)


def gift_category(name: str) -> str:
    """A deck name as one level of a GIFT category path. Moodle reads the ``$CATEGORY:``
    line after replacing escapes by placeholders that it never turns back for categories
    (question/format/gift/format.php, ``readquestion``), so the name is written as it is,
    with no escape: only a "/" is doubled (a single one separates levels) and line
    breaks become spaces."""
    return " ".join(name.split()).replace("/", "//")


# In HTML text, the characters that end an option or its feedback are written as
# character references (their "#" escaped), so that no reader has to get escapes right
# inside feedback; Moodle shows them as the characters.
_GIFT_HTML = {c: f"&\\#{ord(c)};" for c in "=~{}"}


def gift_html(html: str) -> str:
    """HTML text for a GIFT question, option or feedback."""
    return "".join(_GIFT_HTML.get(c) or ("\\" + c if c in GIFT_SPECIAL else c) for c in html)


def gift_text(decks: Sequence[Deck]) -> str:
    """The GIFT file of the decks' choice and typed notes."""
    blocks = ["// Rapport quiz export (Moodle GIFT): choice and typed notes."]
    for deck in decks:
        notes = _quiz_notes(deck)
        if not notes:
            continue
        blocks.append(f"$CATEGORY: Rapport/{gift_category(deck.name)}")
        for note in notes:
            title = f"::{gift_escape(note.id)}::[html]"
            if isinstance(note, ChoiceNote):
                question = gift_html(_html(note.question, note))
                options = [
                    f"{'=' if o.correct else '~'}{gift_html(_html(o.text, note))}"
                    f"#{gift_html(_html(o.why, note))}"
                    for o in option_order(deck.id, note)
                ]
            else:
                question = gift_html(_html(note.prompt, note))
                # plain text, compared with what the student types: GIFT's escapes only
                options = [f"={gift_escape(a)}" for a in _accepted(note)]
            blocks.append(title + question + " {\n" + "\n".join(options) + "\n}")
    return "\n\n".join(blocks) + "\n"


# -- QTI 1.2 -------------------------------------------------------------------------------


def _ident(*parts: str) -> str:
    digest = hashlib.blake2b("/".join(parts).encode(), digest_size=10).hexdigest()
    return f"g{digest}"


def _sub(parent: ET.Element, tag: str, text: str | None = None, **attrs: str) -> ET.Element:
    element = ET.SubElement(parent, tag, attrs)
    if text is not None:
        element.text = text
    return element


def _material(parent: ET.Element, html: str) -> None:
    material = _sub(parent, "material")
    _sub(material, "mattext", html, texttype="text/html")


def _metadata(item: ET.Element, question_type: str) -> None:
    fields = _sub(_sub(item, "itemmetadata"), "qtimetadata")
    for label, entry in (("question_type", question_type), ("points_possible", "1.0")):
        field = _sub(fields, "qtimetadatafield")
        _sub(field, "fieldlabel", label)
        _sub(field, "fieldentry", entry)


def _outcomes(processing: ET.Element) -> None:
    outcomes = _sub(processing, "outcomes")
    _sub(outcomes, "decvar", maxvalue="100", minvalue="0", varname="SCORE", vartype="Decimal")


def _choice_item(section: ET.Element, deck: Deck, note: ChoiceNote) -> None:
    item = _sub(section, "item", ident=_ident(deck.id, note.id), title=note.id)
    _metadata(item, "multiple_choice_question")
    presentation = _sub(item, "presentation")
    _material(presentation, _html(note.question, note))
    response = _sub(presentation, "response_lid", ident="response1", rcardinality="Single")
    render = _sub(response, "render_choice")
    options = option_order(deck.id, note)
    idents = [_ident(deck.id, note.id, "option", str(i)) for i in range(len(options))]
    for ident, option in zip(idents, options, strict=True):
        label = _sub(render, "response_label", ident=ident)
        _material(label, _html(option.text, note))
    processing = _sub(item, "resprocessing")
    _outcomes(processing)
    for ident in idents:
        condition = _sub(processing, "respcondition", **{"continue": "Yes"})
        _sub(_sub(condition, "conditionvar"), "varequal", ident, respident="response1")
        _sub(condition, "displayfeedback", feedbacktype="Response", linkrefid=f"{ident}_fb")
    right = next(i for i, o in zip(idents, options, strict=True) if o.correct)
    condition = _sub(processing, "respcondition", **{"continue": "No"})
    _sub(_sub(condition, "conditionvar"), "varequal", right, respident="response1")
    _sub(condition, "setvar", "100", action="Set", varname="SCORE")
    for ident, option in zip(idents, options, strict=True):
        feedback = _sub(item, "itemfeedback", ident=f"{ident}_fb")
        _material(_sub(feedback, "flow_mat"), _html(option.why, note))


def _short_answer_item(section: ET.Element, deck: Deck, note: TypedNote) -> None:
    item = _sub(section, "item", ident=_ident(deck.id, note.id), title=note.id)
    _metadata(item, "short_answer_question")
    presentation = _sub(item, "presentation")
    _material(presentation, _html(note.prompt, note))
    response = _sub(presentation, "response_str", ident="response1", rcardinality="Single")
    _sub(_sub(response, "render_fib"), "response_label", ident="answer1", rshuffle="No")
    processing = _sub(item, "resprocessing")
    _outcomes(processing)
    condition = _sub(processing, "respcondition", **{"continue": "No"})
    variables = _sub(condition, "conditionvar")
    for answer in _accepted(note):
        _sub(variables, "varequal", answer, respident="response1")
    _sub(condition, "setvar", "100", action="Set", varname="SCORE")


def qti_assessment(deck: Deck) -> tuple[str, bytes]:
    """The deck's assessment: its identifier and its QTI 1.2 XML document."""
    ident = _ident("assessment", deck.id)
    root = ET.Element("questestinterop", {"xmlns": "http://www.imsglobal.org/xsd/ims_qtiasiv1p2"})
    assessment = _sub(root, "assessment", ident=ident, title=deck.name.strip())
    section = _sub(assessment, "section", ident="root_section")
    for note in _quiz_notes(deck):
        if isinstance(note, ChoiceNote):
            _choice_item(section, deck, note)
        else:
            _short_answer_item(section, deck, note)
    ET.indent(root)
    return ident, ET.tostring(root, encoding="utf-8", xml_declaration=True)


def qti_manifest(idents: Sequence[tuple[str, str]]) -> bytes:
    """The package's ``imsmanifest.xml`` naming each (assessment ident, title)."""
    root = ET.Element(
        "manifest",
        {
            "identifier": _ident("manifest", *(i for i, _ in idents)),
            "xmlns": "http://www.imsglobal.org/xsd/imsccv1p1/imscp_v1p1",
        },
    )
    metadata = _sub(root, "metadata")
    _sub(metadata, "schema", "IMS Content")
    _sub(metadata, "schemaversion", "1.1.3")
    _sub(root, "organizations")
    resources = _sub(root, "resources")
    for ident, _title in idents:
        resource = _sub(resources, "resource", identifier=ident, type="imsqti_xmlv1p2")
        _sub(resource, "file", href=f"{ident}/{ident}.xml")
    ET.indent(root)
    return bytes(ET.tostring(root, encoding="utf-8", xml_declaration=True))


def qti_zip(decks: Sequence[Deck]) -> bytes:
    """The QTI 1.2 package (zip) of the decks that have quiz questions."""
    buffer = io.BytesIO()
    idents = []
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as package:
        for deck in decks:
            if not _quiz_notes(deck):
                continue
            ident, xml = qti_assessment(deck)
            idents.append((ident, deck.name))
            package.writestr(f"{ident}/{ident}.xml", xml)
        package.writestr("imsmanifest.xml", qti_manifest(idents))
    return buffer.getvalue()


def export_quiz(decks: Sequence[Deck], path: Path, format: str) -> QuizResult:
    """Write the decks' choice and typed notes as a ``format`` ("gift" or "qti") quiz.

    Raises :class:`ExportError` (nothing written) for an unknown format, a file name that
    does not fit it, decks without quiz questions, or a write that fails.
    """
    path = Path(path)
    if format not in FORMATS:
        raise ExportError(path, f"unknown quiz format '{format}' (use gift or qti).")
    check_target(path, decks, SUFFIXES[format], f"a {format.upper()} file")
    choice = sum(isinstance(n, ChoiceNote) for d in decks for n in d.notes)
    typed = sum(isinstance(n, TypedNote) for d in decks for n in d.notes)
    total = sum(len(d.notes) for d in decks)
    if not choice + typed:
        raise ExportError(path, "the decks have no choice or typed notes to make questions of.")
    data = gift_text(decks).encode("utf-8") if format == "gift" else qti_zip(decks)

    def write(out: IO[bytes]) -> None:
        out.write(data)

    write_atomically(path, write)
    return QuizResult(path, format, len(decks), choice, typed, total - choice - typed)
