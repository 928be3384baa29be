"""Card sides as Qt rich text, and the small formatting the review views share.

Pure functions: they take a card (and what the trainee did) and return HTML for a
``QTextBrowser``. Card text is escaped unless its note says ``html = true``, in which case
it passes the nh3 allow-list; a note's ``<script>`` or ``a<b and c>d`` shows as written.
Qt's rich text supports only a subset of CSS, so styling is inline and simple.
"""

from __future__ import annotations

import html
import random
from collections.abc import Sequence
from typing import NamedTuple, assert_never

from rapport.content.answers import AnswerCheck, Verdict, check_typed
from rapport.content.cloze import render_cloze
from rapport.content.kinds import choice as choice_rules
from rapport.content.kinds import rules_of
from rapport.content.model import (
    Card,
    ChoiceNote,
    ClozeNote,
    Deck,
    Kind,
    Option,
    Source,
    TypedNote,
)
from rapport.ui.theme import Colours, colours


def field(text: str, *, is_html: bool) -> str:
    """One text field as safe rich text: escaped, or sanitised when the note is HTML.

    The same rule as the Anki export (:func:`rapport.export.html.field_html`), so a card
    shows the same in Rapport and in Anki.
    """
    from rapport.export.html import field_html

    return field_html(text, html=is_html)


def _f(card: Card, text: str) -> str:
    return field(text, is_html=card.note.html)


def _page(body: str) -> str:
    return f'<div align="center">{body}</div>'


def _muted(text: str, c: Colours) -> str:
    return f'<span style="color:{c.muted}">{text}</span>'


# --- cloze -------------------------------------------------------------------------------


def cloze_question_html(card: Card, c: Colours | None = None) -> str:
    """The cloze text with the active deletion shown as ``[...]`` or ``[hint]``."""
    c = c or colours()
    note = card.note
    assert isinstance(note, ClozeNote)

    def hidden(hint: str | None) -> str:
        label = f"[{_f(card, hint)}]" if hint else "[...]"
        return f'<b><span style="color:{c.accent}">{label}</span></b>'

    return render_cloze(
        note.text, card.ordinal + 1, revealed=False, hidden=hidden, plain=lambda s: _f(card, s)
    )


def cloze_answer_html(card: Card, c: Colours | None = None) -> str:
    """The cloze text with the active deletion filled in, bold and coloured."""
    c = c or colours()
    note = card.note
    assert isinstance(note, ClozeNote)
    return render_cloze(
        note.text,
        card.ordinal + 1,
        revealed=True,
        shown=lambda body: f'<b><span style="color:{c.accent}">{_f(card, body)}</span></b>',
        plain=lambda s: _f(card, s),
    )


# --- typed -------------------------------------------------------------------------------


# A named tuple: see "Start-up budget" in tests/benchmarks/README.md.
class TypedComparison(NamedTuple):
    """A checked typed answer (:func:`rapport.content.answers.check_typed`) and its HTML."""

    html: str
    check: AnswerCheck

    @property
    def right(self) -> bool:
        """Right or close (a small slip): the trainee knew it."""
        return self.check.counts_as_known


def typed_check(given: str, note: TypedNote, ordinal: int = 0) -> AnswerCheck:
    """The core's verdict on what was typed for a card of the note."""
    return check_typed(given, rules_of(note).accepted(note, ordinal))


def compare_typed(given: str, note: TypedNote, c: Colours | None = None) -> TypedComparison:
    """Draw the core's comparison of what was typed, as Anki's type-in comparison does.

    A right answer shows the expected spelling in green alone. Otherwise the typed line
    shows matching characters green and wrong ones red; beneath an arrow the expected
    answer shows the characters that were missing underlined.
    """
    c = c or colours()
    check = typed_check(given, note)
    return TypedComparison(comparison_html(check, c), check)


def comparison_html(check: AnswerCheck, c: Colours | None = None) -> str:
    """The difference of a checked typed answer as rich text."""
    c = c or colours()
    good = f"color:{c.good}"
    bad = f"color:{c.bad}; text-decoration: line-through"
    missed = f"color:{c.missed}; text-decoration: underline"

    def span(style: str, text: str) -> str:
        return f'<span style="{style}">{html.escape(text, quote=False)}</span>' if text else ""

    mono = "font-family: 'DejaVu Sans Mono', monospace"
    if check.verdict is Verdict.RIGHT:
        body = f"<b>{span(good, check.response or check.expected)}</b>"
        if check.accepted_alternative:
            body += "<br>" + _muted(f"(accepted for: {html.escape(check.answer)})", c)
        return f'<p style="{mono}">{body}</p>'
    if not check.response:
        body = _muted("(nothing typed)", c) + "<br>&darr;<br>" + span(missed, check.expected)
        return f'<p style="{mono}">{body}</p>'
    typed_line = "".join(span(good if s.ok else bad, s.text) for s in check.typed)
    wanted_line = "".join(span(good if s.ok else missed, s.text) for s in check.wanted)
    return f'<p style="{mono}">{typed_line}<br>&darr;<br>{wanted_line}</p>'


def verdict_html(verdict: Verdict, c: Colours | None = None) -> str:
    """The verdict line above an answer: Right, Close (a small slip) or Not quite."""
    c = c or colours()
    if verdict is Verdict.RIGHT:
        return f'<b><span style="color:{c.good}">Right.</span></b>'
    if verdict is Verdict.CLOSE:
        return (
            f'<b><span style="color:{c.good}">Close</span></b>'
            f'<span style="color:{c.muted}"> (right but for a small slip, shown below).</span>'
        )
    return f'<b><span style="color:{c.bad}">Not quite.</span></b>'


# --- choice ------------------------------------------------------------------------------


def choice_order(note: ChoiceNote, rng: random.Random | None = None) -> tuple[int, ...]:
    """A fresh shuffled order of a choice note's options (indices into ``note.options``)."""
    order = list(range(len(note.options)))
    (rng or random).shuffle(order)
    return tuple(order)


def choice_html(
    card: Card,
    order: Sequence[int],
    *,
    picked: int | None = None,
    c: Colours | None = None,
) -> str:
    """The options, numbered 1..N in ``order``; once ``picked`` (a position), the answer.

    Before a pick each option is a link ``pick:N``. After it the right option is marked,
    the picked one too, and every option shows its rationale.
    """
    c = c or colours()
    note = card.note
    assert isinstance(note, ChoiceNote)
    rows: list[str] = []
    for position, index in enumerate(order, start=1):
        option: Option = note.options[index]
        text = _f(card, option.text)
        if picked is None:
            cell = (
                f'<a href="pick:{position}" style="text-decoration:none; color:{c.text}">'
                f'<b><span style="color:{c.accent}">{position}.</span></b>&nbsp; {text}</a>'
            )
        else:
            was_picked = position == picked
            if option.correct:
                mark, colour = '<a name="right"></a>&#10003;', c.good
            elif was_picked:
                mark, colour = "&#10007;", c.bad
            else:
                mark, colour = "&nbsp;", c.muted
            label = " (your answer)" if was_picked else ""
            weight = "<b>" if option.correct or was_picked else ""
            end = "</b>" if weight else ""
            cell = (
                f'<span style="color:{colour}"><b>{mark} {position}.</b>&nbsp; '
                f"{weight}{text}{end}{label}</span>"
                f'<br><span style="color:{c.muted}; font-size: small">{_f(card, option.why)}</span>'
            )
        rows.append(f'<tr><td style="padding: 6px 4px">{cell}</td></tr>')
    return f'<table width="100%" cellspacing="4">{"".join(rows)}</table>'


def choice_verdict(note: ChoiceNote, order: Sequence[int], picked: int) -> Verdict:
    """The core's verdict on the option at 1-based ``picked`` position in ``order``."""
    return choice_rules.verdict(note, order[picked - 1])


# --- whole sides -------------------------------------------------------------------------


class Answered(NamedTuple):
    """What the trainee did before the answer side shows: the text typed (typed cards),
    the option order shown and the 1-based position picked (choice cards)."""

    typed: str | None = None
    order: Sequence[int] | None = None
    picked: int | None = None


class KindRenderer:
    """How one kind of card is drawn: its prompt, the rest of its question side and its
    answer (above the extra). One subclass per kind; :func:`renderer_for` picks it."""

    def prompt(self, card: Card, c: Colours) -> str:
        return _f(card, card.question_text())

    def question_extra(self, card: Card, order: Sequence[int] | None, c: Colours) -> str:
        return ""

    def answer(self, card: Card, done: Answered, c: Colours) -> str:
        return (
            f"<p>{self.prompt(card, c)}</p><hr>"
            f'<p><a name="answer"></a><b>{_f(card, card.answer_text())}</b></p>'
        )


class _PlainRenderer(KindRenderer):
    """Basic and reversed cards: the question, a rule, the answer in bold."""


class _ClozeRenderer(KindRenderer):
    def prompt(self, card: Card, c: Colours) -> str:
        return cloze_question_html(card, c)

    def answer(self, card: Card, done: Answered, c: Colours) -> str:
        return f'<p><a name="answer"></a>{cloze_answer_html(card, c)}</p>'


class _ChoiceRenderer(KindRenderer):
    def prompt(self, card: Card, c: Colours) -> str:
        note = card.note
        assert isinstance(note, ChoiceNote)
        lead = _muted("<i>Scenario</i>", c) + "<br>" if note.scenario else ""
        return lead + _f(card, note.question)

    def question_extra(self, card: Card, order: Sequence[int] | None, c: Colours) -> str:
        note = card.note
        assert isinstance(note, ChoiceNote)
        return choice_html(card, order or range(len(note.options)), c=c)

    def answer(self, card: Card, done: Answered, c: Colours) -> str:
        note = card.note
        assert isinstance(note, ChoiceNote)
        parts = [f"<p>{self.prompt(card, c)}</p>"]
        if done.picked is not None and done.order is not None:
            verdict = verdict_html(choice_verdict(note, done.order, done.picked), c)
            parts.append(f'<p><a name="answer"></a>{verdict}</p>')
        order = done.order or range(len(note.options))
        parts.append(choice_html(card, order, picked=done.picked or 0, c=c))
        return "".join(parts)


class _TypedRenderer(KindRenderer):
    def answer(self, card: Card, done: Answered, c: Colours) -> str:
        note = card.note
        assert isinstance(note, TypedNote)
        result = compare_typed(done.typed or "", note, c)
        return (
            f"<p>{self.prompt(card, c)}</p><hr>"
            f'<p><a name="answer"></a>{verdict_html(result.check.verdict, c)}</p>'
            f'<a name="right"></a>{result.html}'
        )


def renderer_for(kind: str) -> KindRenderer:
    """The renderer of a kind; mypy checks that every shipped kind has one, and a kind
    registered at run time is drawn as a plain question and answer."""
    try:
        shipped = Kind(kind)
    except ValueError:  # a kind registered at run time (rapport.content.kinds.register)
        return _PLAIN
    match shipped:
        case Kind.BASIC | Kind.REVERSED:
            return _PLAIN
        case Kind.CLOZE:
            return _CLOZE
        case Kind.CHOICE:
            return _CHOICE
        case Kind.TYPED:
            return _TYPED
        case _:
            assert_never(shipped)


_PLAIN: KindRenderer = _PlainRenderer()
_CLOZE: KindRenderer = _ClozeRenderer()
_CHOICE: KindRenderer = _ChoiceRenderer()
_TYPED: KindRenderer = _TypedRenderer()


def question_body(card: Card, c: Colours | None = None) -> str:
    """The question side's prompt (without choice options or the typed box)."""
    return renderer_for(card.kind).prompt(card, c or colours())


def question_html(
    card: Card, *, order: Sequence[int] | None = None, c: Colours | None = None
) -> str:
    """The whole question side as rich text."""
    c = c or colours()
    renderer = renderer_for(card.kind)
    return _page(f"<p>{renderer.prompt(card, c)}</p>" + renderer.question_extra(card, order, c))


def answer_html(
    card: Card,
    *,
    typed: str | None = None,
    order: Sequence[int] | None = None,
    picked: int | None = None,
    c: Colours | None = None,
) -> str:
    """The whole answer side: the question again, a rule, the answer and the extra.

    Anchors name what the reviewer scrolls into view: ``answer`` (the verdict, or the
    answer itself) and ``right`` (the right option, the typed comparison).

    Where the card comes from (:meth:`Deck.source_label_of`) shows beside the passage
    control.
    """
    c = c or colours()
    note = card.note
    parts = [renderer_for(card.kind).answer(card, Answered(typed, order, picked), c)]
    if note.extra:
        extra = _f(card, note.extra)
        parts.append(f'<p><small><span style="color:{c.muted}">{extra}</span></small></p>')
    return _page("".join(parts))


def passage_html(deck: Deck, source: Source, c: Colours | None = None) -> str:
    """Our plain-English summary of the paragraph first (if the deck has one), then the
    paragraph as received, set apart and labelled: it is the card's provenance, and where
    the deck says the text is unreliable (its ``caveat``, e.g. garbled), not for quoting."""
    c = c or colours()
    text = deck.source_text(source.text_id)
    label = text.label if text is not None else source.text_id
    passage = deck.passage(source) or "(The source file has no such paragraph.)"
    caveat = text.caveat if text is not None else ""
    where = f"{html.escape(label)}, paragraph {source.paragraph}"
    received = (
        f'<p><span style="color:{c.muted}"><i>{html.escape(passage, quote=False)}</i></span></p>'
    )
    summary = deck.summary(source)
    if not summary and not caveat:  # a clean text the deck does not summarise
        return f"<p><b>{where}</b></p>{received}"
    parts = []
    if summary:
        parts.append(
            f"<p><b>Our summary: {where}</b></p><p>{html.escape(summary, quote=False)}</p>"
        )
    heading = "Received text (not for quoting)" if caveat else f"Received text: {where}"
    why = f". {html.escape(caveat[:1].upper() + caveat[1:])}" if caveat else ""
    parts.append(
        f'<table width="100%" cellpadding="8" style="background-color:{c.alt_base};'
        f' border: 1px solid {c.border}"><tr><td>'
        f'<p><b>{heading}</b><br><span style="color:{c.muted}">The paragraph as received, '
        f"kept to show where the card comes from{why}.</span></p>{received}</td></tr></table>"
    )
    return "".join(parts)
