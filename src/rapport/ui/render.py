"""Card sides as Qt rich text, and the small formatting the review views share.

Pure functions: they take a card (and what the trainee did) and return HTML for a
``QTextBrowser``. Card text is escaped unless its note says ``html = true``, in which case
it passes the nh3 allow-list; a note's ``<script>`` or ``a<b and c>d`` shows as written.
Qt's rich text supports only a subset of CSS, so styling is inline and simple.
"""

from __future__ import annotations

import html
import random
from collections.abc import Collection, Sequence
from typing import Any, NamedTuple

from rapport.content.notes.answers import AnswerCheck, Verdict, check_choice, check_typed
from rapport.content.notes.html import field_html
from rapport.content.notes.kinds import (
    Interaction,
    KindRules,
    PickKind,
    RespondKind,
    rules_for,
    rules_of,
)
from rapport.content.notes.model import Card, Deck, Note, Option, Source
from rapport.ui.theme import Colours, colours


def field(text: str, *, is_html: bool) -> str:
    """One text field as safe rich text: escaped, or sanitised when the note is HTML.

    The same rule as the Anki export (:func:`rapport.content.notes.html.field_html`), so a card
    shows the same in Rapport and in Anki.
    """

    return field_html(text, html=is_html)


def _f(card: Card, text: str) -> str:
    return field(text, is_html=card.note.html)


def _page(body: str) -> str:
    return f'<div align="center">{body}</div>'


def _muted(text: str, c: Colours) -> str:
    return f'<span style="color:{c.muted}">{text}</span>'


class _Marks:
    """How the app marks text in a card (:class:`rapport.content.notes.kinds.Marks`)."""

    def __init__(self, c: Colours) -> None:
        self.c = c

    def accent(self, html: str) -> str:
        return f'<b><span style="color:{self.c.accent}">{html}</span></b>'

    def muted(self, html: str) -> str:
        return _muted(html, self.c)


def _rules(card: Card) -> KindRules[Any]:
    return rules_for(card.kind)


def cloze_question_html(card: Card, c: Colours | None = None) -> str:
    """A card's prompt as its kind draws it (a cloze: the active deletion as ``[...]``)."""
    return _rules(card).question_html(card.note, card.ordinal, _Marks(c or colours()))


def cloze_answer_html(card: Card, c: Colours | None = None) -> str:
    """A card's answer as its kind draws it (a cloze: the deletion filled in)."""
    return _rules(card).answer_html(card.note, card.ordinal, _Marks(c or colours()))


# --- typed -------------------------------------------------------------------------------


# A named tuple: see "Start-up budget" in tests/benchmarks/README.md.
class TypedComparison(NamedTuple):
    """A checked typed answer (:func:`rapport.content.notes.answers.check_typed`) and its HTML."""

    html: str
    check: AnswerCheck

    @property
    def right(self) -> bool:
        """Right or close (a small slip): the trainee knew it."""
        return self.check.counts_as_known


def typed_check(given: str, note: Note, ordinal: int = 0) -> AnswerCheck:
    """The core's verdict on what was typed for a card of the note."""
    return check_typed(given, rules_of(note).accepted(note, ordinal))


def compare_typed(
    given: str, note: Note, c: Colours | None = None, ordinal: int = 0
) -> TypedComparison:
    """Draw the core's comparison of what was typed, as Anki's type-in comparison does.

    A right answer shows the expected spelling in green alone. Otherwise the typed line
    shows matching characters green and wrong ones red; beneath an arrow the expected
    answer shows the characters that were missing underlined.
    """
    c = c or colours()
    check = typed_check(given, note, ordinal)
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


# --- pick --------------------------------------------------------------------------------


def _pick(note: Note) -> PickKind[Any]:
    rules = rules_of(note)
    assert isinstance(rules, PickKind), f"a {note.kind} card has no options"
    return rules


def options_of(note: Note) -> tuple[Option, ...]:
    """The options of a card's note whose kind is answered by a pick."""
    return _pick(note).options(note)


def choice_order(note: Note, rng: random.Random | None = None) -> tuple[int, ...]:
    """A fresh shuffled order of a pick note's options (indices into its options)."""
    order = list(range(len(options_of(note))))
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
    options = options_of(card.note)
    rows: list[str] = []
    for position, index in enumerate(order, start=1):
        option: Option = options[index]
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


def choice_verdict(note: Note, order: Sequence[int], picked: int) -> Verdict:
    """The core's verdict on the option at 1-based ``picked`` position in ``order``."""
    return check_choice(options_of(note)[order[picked - 1]].correct)


# --- whole sides -------------------------------------------------------------------------


class Answered(NamedTuple):
    """What the trainee did before the answer side shows: the text typed (typed and
    respond cards), the option order shown and the 1-based position picked (pick cards),
    the rubric lines ticked (0-based) and the response the trainee gave last time
    (respond cards)."""

    typed: str | None = None
    order: Sequence[int] | None = None
    picked: int | None = None
    ticked: Collection[int] = ()
    last_response: str | None = None


class KindRenderer:
    """How the cards of one :class:`~rapport.content.notes.kinds.Interaction` are drawn: the
    prompt, the rest of the question side and the answer (above the extra). The kind
    module gives the texts (``question_html``, ``answer_html``, options, rubric...)."""

    def prompt(self, card: Card, c: Colours) -> str:
        return _rules(card).question_html(card.note, card.ordinal, _Marks(c))

    def question_extra(self, card: Card, order: Sequence[int] | None, c: Colours) -> str:
        return ""

    def answer(self, card: Card, done: Answered, c: Colours) -> str:
        rules = _rules(card)
        shown = rules.answer_html(card.note, card.ordinal, _Marks(c))
        if rules.answer_replaces_question:
            return f'<p><a name="answer"></a>{shown}</p>'
        return f'<p>{self.prompt(card, c)}</p><hr><p><a name="answer"></a><b>{shown}</b></p>'


class _RevealRenderer(KindRenderer):
    """Think, then show the answer: the question, a rule, the answer in bold (a cloze
    shows its passage filled in instead)."""


class _PickRenderer(KindRenderer):
    def prompt(self, card: Card, c: Colours) -> str:
        lead = _pick(card.note).question_lead(card.note, _Marks(c))
        return (lead + "<br>" if lead else "") + super().prompt(card, c)

    def question_extra(self, card: Card, order: Sequence[int] | None, c: Colours) -> str:
        return choice_html(card, order or range(len(options_of(card.note))), c=c)

    def answer(self, card: Card, done: Answered, c: Colours) -> str:
        parts = [f"<p>{self.prompt(card, c)}</p>"]
        if done.picked is not None and done.order is not None:
            verdict = verdict_html(choice_verdict(card.note, done.order, done.picked), c)
            parts.append(f'<p><a name="answer"></a>{verdict}</p>')
        order = done.order or range(len(options_of(card.note)))
        parts.append(choice_html(card, order, picked=done.picked or 0, c=c))
        return "".join(parts)


class _TypeRenderer(KindRenderer):
    def answer(self, card: Card, done: Answered, c: Colours) -> str:
        result = compare_typed(done.typed or "", card.note, c, card.ordinal)
        return (
            f"<p>{self.prompt(card, c)}</p><hr>"
            f'<p><a name="answer"></a>{verdict_html(result.check.verdict, c)}</p>'
            f'<a name="right"></a>{result.html}'
        )


def _respond(note: Note) -> RespondKind[Any]:
    rules = rules_of(note)
    assert isinstance(rules, RespondKind), f"a {note.kind} card takes no response"
    return rules


def _quote(text: str, c: Colours) -> str:
    return (
        f'<table width="100%" cellpadding="6" style="background-color:{c.alt_base}">'
        f"<tr><td>{text}</td></tr></table>"
    )


class _RespondRenderer(KindRenderer):
    """A client statement answered in one's own words. The answer side shows what was
    typed (and last time's response), the risk note if any, the rubric (each line
    numbered for its key and ticked as the trainee ticks it) and then the model responses
    with their styles; the rubric comes first so that it is in view for ticking."""

    def answer(self, card: Card, done: Answered, c: Colours) -> str:
        note = card.note
        rules = _respond(note)
        mine = field(done.typed or "", is_html=False) or _muted("(nothing typed)", c)
        parts = [f"<p>{self.prompt(card, c)}</p><hr>"]
        parts.append(f'<p><a name="answer"></a><b>Your response</b></p>{_quote(mine, c)}')
        if done.last_response:
            last = field(done.last_response, is_html=False)
            parts.append(f"<p><b>Your last response</b></p>{_quote(_muted(last, c), c)}")
        risk = rules.risk(note)
        if risk:
            parts.append(
                f'<p><span style="color:{c.bad}"><b>Risk and confidentiality:</b></span> '
                f"{_f(card, risk)}</p>"
            )
        rubric = rules.rubric(note)
        parts.append(
            "<p><b>Tick what your response did</b> "
            + _muted(f"(keys 1-{len(rubric)}, Enter confirms)", c)
            + "</p>"
        )
        rows = []
        for i, line in enumerate(rubric):
            on = i in done.ticked
            box = f'<span style="color:{c.good}">&#9745;</span>' if on else "&#9744;"
            last_row = '<a name="right"></a>' if i == len(rubric) - 1 else ""
            rows.append(
                f'<tr><td style="padding: 3px 4px">{last_row}<a href="tick:{i + 1}" '
                f'style="text-decoration:none; color:{c.text}">'
                f"<b>{box} {i + 1}.</b>&nbsp; {_f(card, line.line)}</a> "
                + _muted(f"<small>[{html.escape(line.concept)}]</small>", c)
                + "</td></tr>"
            )
        parts.append(f'<table width="100%" cellspacing="2">{"".join(rows)}</table>')
        parts.append("<p><b>Model responses</b></p>")
        for model in rules.models(note):
            parts.append(
                f'<p><span style="color:{c.accent}"><b>{_f(card, model.style)}</b></span><br>'
                f"{_f(card, model.text)}</p>"
            )
        return "".join(parts)


_RENDERERS: dict[Interaction, KindRenderer] = {
    Interaction.REVEAL: _RevealRenderer(),
    Interaction.PICK: _PickRenderer(),
    Interaction.TYPE: _TypeRenderer(),
    Interaction.RESPOND: _RespondRenderer(),
}


def register_renderer(interaction: Interaction, renderer: KindRenderer) -> None:
    """Draw the cards of a new interaction with ``renderer``."""
    _RENDERERS[interaction] = renderer


def renderer_for(kind: str) -> KindRenderer:
    """The renderer of a kind: the one of its interaction (a test checks that every
    interaction has one)."""
    return _RENDERERS[rules_for(kind).interaction]


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
    ticked: Collection[int] = (),
    last_response: str | None = None,
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
    done = Answered(typed, order, picked, ticked, last_response)
    parts = [renderer_for(card.kind).answer(card, done, c)]
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
