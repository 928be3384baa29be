"""How Moodle reads a GIFT file: a port of the lines of Moodle's
question/format/gift/format.php (``readquestion``, ``escapedchar_pre``/``_post``,
``commentparser``, ``parse_text_with_format``) and question/format.php (questions split
at blank lines) that concern categories, multiple-choice and short-answer questions.

Used by the quiz tests to read Rapport's GIFT as Moodle will, not as a lenient parser
does: a category keeps whatever escape it was written with (Moodle turns its escapes into
placeholders and never back for ``$CATEGORY:``), an answer is compared as written.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

_ESCAPED = ("\\:", "\\#", "\\=", "\\{", "\\}", "\\~", "\\n")
_PLACEHOLDERS = ("&&058;", "&&035;", "&&061;", "&&123;", "&&125;", "&&126;", "&&010")
_CHARACTERS = (":", "#", "=", "{", "}", "~", "\n")
_WEIGHT = re.compile(r"^%\-*([0-9]{1,2})\.?([0-9]*)%")


def escapedchar_pre(text: str) -> str:
    text = text.replace("\\\\", "&&092;")
    for escaped, placeholder in zip(_ESCAPED, _PLACEHOLDERS, strict=True):
        text = text.replace(escaped, placeholder)
    return text.replace("&&092;", "\\")


def escapedchar_post(text: str) -> str:
    for placeholder, character in zip(_PLACEHOLDERS, _CHARACTERS, strict=True):
        text = text.replace(placeholder, character)
    return text


def parse_text_with_format(text: str, default: str = "moodle") -> tuple[str, str]:
    """(text, format): a leading ``[html]`` names the format; escapes are undone."""
    form = default
    if text.startswith("["):
        end = text.find("]")
        name = text[1:end]
        if name in ("html", "moodle", "plain", "markdown"):
            form, text = name, text[end + 1 :]
    return escapedchar_post(text).strip(), form


@dataclass
class GiftQuestion:
    qtype: str
    name: str = ""
    category: str = ""
    text: str = ""
    answers: list[str] = field(default_factory=list)
    feedback: list[str] = field(default_factory=list)
    fractions: list[float] = field(default_factory=list)


def read_questions(gift: str) -> list[GiftQuestion]:
    """Every question block of a GIFT file, as Moodle's importer reads it."""
    questions: list[GiftQuestion] = []
    block: list[str] = []
    for line in [*gift.splitlines(), ""]:
        if line.strip():
            block.append(line)
        elif block:
            question = readquestion(block)
            if question is not None:
                questions.append(question)
            block = []
    return questions


def readquestion(lines: list[str]) -> GiftQuestion | None:
    lines = [" " if line.strip().startswith("//") else line for line in lines]
    text = "\n".join(lines).strip()
    if not text:
        return None
    text = escapedchar_pre(text)
    if re.match(r"^\$CATEGORY:", text):
        return GiftQuestion("category", category=text[10:].strip())
    name = ""
    if text.startswith("::"):
        text = text[2:]
        end = text.find("::")
        name = escapedchar_post(text[:end])
        text = text[end + 2 :].strip()
    start, finish = text.find("{"), text.find("}")
    assert start >= 0 and finish > start, f"braces: {text!r}"
    answertext = text[start + 1 : finish].strip()
    questiontext = text[:start] + text[finish + 1 :]
    question_text, form = parse_text_with_format(questiontext)
    if "~" in answertext:
        question = GiftQuestion("multichoice", name, text=question_text)
        answers = answertext.replace("=", "~=").split("~")
        if answers and not answers[0].strip():
            answers = answers[1:]
        for answer in answers:
            answer = answer.strip()
            weight = 0.0
            if answer.startswith("="):
                weight, answer = 1.0, answer[1:]
            shown, feedback = _comment(answer, form)
            question.answers.append(shown)
            question.feedback.append(feedback)
            question.fractions.append(weight)
        return question
    question = GiftQuestion("shortanswer", name, text=question_text)
    answers = answertext.split("=")
    if answers and not answers[0].strip():
        answers = answers[1:]
    for answer in answers:
        answer = answer.strip()
        weight = 1.0
        if match := _WEIGHT.match(answer):
            weight = float(f"{match.group(1)}.{match.group(2) or 0}") / 100
            answer = answer[match.end() :]
        shown, feedback = _comment(answer, "moodle")
        question.answers.append(shown)
        question.feedback.append(feedback)
        question.fractions.append(weight)
    return question


def _comment(answer: str, form: str) -> tuple[str, str]:
    bits = answer.split("#", 1)
    shown, _ = parse_text_with_format(bits[0].strip(), form)
    feedback = parse_text_with_format(bits[1].strip(), form)[0] if len(bits) > 1 else ""
    return shown, feedback
