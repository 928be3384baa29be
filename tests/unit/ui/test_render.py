"""Card rendering: every kind's question and answer, escaping, typed comparison, times."""

from __future__ import annotations

import random
import re
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest

from rapport.content.notes.answers import Verdict
from rapport.content.notes.model import (
    BasicNote,
    Card,
    ChoiceNote,
    ClozeNote,
    Deck,
    Essay,
    Option,
    ReversedNote,
    Source,
    TypedNote,
)
from rapport.study import timetext
from rapport.ui import render
from rapport.ui.theme import LIGHT

SRC = Source(5, "anchor")


def text_of(markup: str) -> str:
    """The text of rich text, tags removed (entities kept)."""
    return re.sub(r"<[^>]+>", "", markup)


def basic(front: str = "Q?", back: str = "A.", *, html: bool = False) -> Card:
    note = BasicNote("b", "c", (), SRC, False, html, "", front, back)
    return Card("deck", note, 0)


def cloze(text: str, ordinal: int = 0) -> Card:
    return Card("deck", ClozeNote("z", "c", (), SRC, False, False, "", text), ordinal)


def typed(
    answer: str = "common factor", accept: tuple[str, ...] = ("a common factor",)
) -> TypedNote:
    return TypedNote("t", "c", (), SRC, False, False, "", "Which?", answer, accept)


def choice() -> Card:
    options = (
        Option("Right one", "Because the essay says so.", True),
        Option("Wrong A", "Not in the essay.", False),
        Option("Wrong B", "Contradicts paragraph 5.", False),
        Option("Wrong C", "Too narrow.", False),
    )
    note = ChoiceNote("ch", "c", (), SRC, False, False, "", "Pick one", options, False)
    return Card("deck", note, 0)


def test_plain_text_is_escaped() -> None:
    card = basic("<script>alert(1)</script>", "a<b and c>d")
    assert "<script>" not in render.question_html(card, c=LIGHT)
    assert "&lt;script&gt;" in render.question_html(card, c=LIGHT)
    assert "a&lt;b and c&gt;d" in render.answer_html(card, c=LIGHT)


def test_html_notes_are_sanitised_not_escaped() -> None:
    card = basic("<b>bold</b><script>alert(1)</script>", "x", html=True)
    out = render.question_html(card, c=LIGHT)
    assert "<b>bold</b>" in out
    assert "script" not in out and "alert" not in out


def test_reversed_card_swaps_sides() -> None:
    note = ReversedNote("r", "c", (), SRC, False, False, "", "Term", "Definition")
    assert "Definition" in render.question_html(Card("d", note, 1), c=LIGHT)
    assert "<b>Term</b>" in render.answer_html(Card("d", note, 1), c=LIGHT)


def test_cloze_question_hides_the_active_deletion_only() -> None:
    card = cloze("The {{c1::alliance}} has {{c2::three}} parts", 0)
    q = render.question_html(card, c=LIGHT)
    assert "[...]" in q and "alliance" not in q and "three" in q


def test_cloze_hint_shows_in_brackets() -> None:
    card = cloze("our {{c1::true selves::two words}}")
    q = render.question_html(card, c=LIGHT)
    assert "[two words]" in q and "true selves" not in q


def test_cloze_answer_highlights_the_deletion() -> None:
    card = cloze("The {{c1::alliance}} matters")
    a = render.answer_html(card, c=LIGHT)
    assert f'<b><span style="color:{LIGHT.accent}">alliance</span></b>' in a


def test_cloze_text_is_escaped() -> None:
    card = cloze("a<b {{c1::c>d}} <i>")
    assert "a&lt;b" in render.question_html(card, c=LIGHT)
    assert "c&gt;d" in render.answer_html(card, c=LIGHT)


@pytest.mark.parametrize(
    "given",
    ["common factor", "Common Factor", "  common   factor. ", "a common factor", "COMMON FACTOR!"],
)
def test_typed_accepts_answer_and_alternatives_loosely(given: str) -> None:
    assert render.typed_check(given, typed()).verdict is Verdict.RIGHT
    assert render.compare_typed(given, typed(), LIGHT).right


def test_typed_slip_is_close_and_compared_char_by_char() -> None:
    result = render.compare_typed("comon factr", typed(), LIGHT)
    assert result.check.verdict is Verdict.CLOSE and result.right
    assert f"color:{LIGHT.good}" in result.html  # the characters that match
    assert f"color:{LIGHT.missed}" in result.html  # the missing 'm' and 'o'
    assert "&darr;" in result.html
    assert text_of(result.html).endswith("common factor")  # the expected line, in full


def test_typed_wrong_characters_are_red() -> None:
    result = render.compare_typed("commun factor", typed(), LIGHT)
    assert f'color:{LIGHT.bad}; text-decoration: line-through">u<' in result.html


def test_typed_wrong_answer_is_compared_char_by_char() -> None:
    result = render.compare_typed("alliance", typed(), LIGHT)
    assert result.check.verdict is Verdict.WRONG and not result.right
    assert "&darr;" in result.html and text_of(result.html).endswith("common factor")


def test_typed_empty_answer_shows_expected() -> None:
    result = render.compare_typed("  ", typed(), LIGHT)
    assert not result.right and "nothing typed" in result.html and "common factor" in result.html


def test_typed_comparison_escapes() -> None:
    result = render.compare_typed("<b>", typed("x<y"), LIGHT)
    assert "<b>" not in result.html.replace("<b><span", "").replace("</span></b>", "")
    assert text_of(result.html).endswith("x&lt;y")


def test_typed_answer_side_shows_comparison_and_answer() -> None:
    card = Card("deck", typed(), 0)
    a = render.answer_html(card, typed="comon factor", c=LIGHT)
    assert "&darr;" in a and "Close" in a and text_of(a).endswith("common factor")
    wrong = render.answer_html(card, typed="bond", c=LIGHT)
    assert "Not quite." in wrong


def test_choice_question_lists_options_in_the_given_order() -> None:
    card = choice()
    q = render.question_html(card, order=(3, 0, 1, 2), c=LIGHT)
    assert q.index("Wrong C") < q.index("Right one") < q.index("Wrong A")
    assert 'href="pick:1"' in q and 'href="pick:4"' in q
    assert "Because the essay" not in q  # rationales only after the pick


def test_choice_order_is_a_shuffle() -> None:
    note = choice().note
    assert isinstance(note, ChoiceNote)
    orders = {render.choice_order(note, random.Random(seed)) for seed in range(20)}
    assert len(orders) > 1
    assert all(sorted(o) == [0, 1, 2, 3] for o in orders)


def test_choice_answer_marks_right_and_picked_with_rationales() -> None:
    card = choice()
    order = (1, 0, 2, 3)  # position 1 = "Wrong A", position 2 = "Right one"
    a = render.answer_html(card, order=order, picked=1, c=LIGHT)
    assert "Not quite." in a and "(your answer)" in a
    assert "&#10003;" in a and "&#10007;" in a
    for why in ("Because the essay says so.", "Not in the essay.", "Too narrow."):
        assert why in a
    assert isinstance(card.note, ChoiceNote)
    assert render.choice_verdict(card.note, order, 2) is Verdict.RIGHT
    assert "Right." in render.answer_html(card, order=order, picked=2, c=LIGHT)


def test_passage_shows_summary_then_source_as_received() -> None:
    essay = Essay.from_text(Path("e.txt"), "Title\n\nGarbled <source> text", caveat="garbled")
    deck = Deck("d", "D", "", Path("d.toml"), (essay,), {("essay", 2): "Plain summary."}, ())
    out = render.passage_html(deck, Source(2, "Garbled"), LIGHT)
    assert out.index("Plain summary.") < out.index("Garbled &lt;source&gt; text")
    assert "as received" in out and "Garbled." in out
    assert "Received text (not for quoting)" in out
    assert out.index("Our summary: The essay, paragraph 2") < out.index("Received text")


def test_passage_of_a_clean_text_without_summary_says_no_garbling() -> None:
    essay = Essay.from_text(Path("w.txt"), "Week 3\n\nClean notes.", "w", "Week 3 reading")
    deck = Deck("d", "D", "", Path("d.toml"), (essay,), {}, ())
    out = render.passage_html(deck, Source(2, "Clean", "w"), LIGHT)
    assert "Week 3 reading, paragraph 2" in out and "Clean notes." in out
    assert "garbled" not in out and "plain English" not in out


@pytest.mark.parametrize(
    ("delta", "label"),
    [
        (timedelta(seconds=30), "<1m"),
        (timedelta(minutes=1), "1m"),
        (timedelta(minutes=10), "10m"),
        (timedelta(hours=3), "3h"),
        (timedelta(days=3), "3d"),
        (timedelta(days=36), "1.2mo"),
        (timedelta(days=60), "2mo"),
        (timedelta(days=548), "1.5y"),
    ],
)
def test_interval_labels_like_anki(delta: timedelta, label: str) -> None:
    assert timetext.format_interval(delta) == label


def test_due_in_words_local_time() -> None:
    tz = timezone(timedelta(hours=1))
    now = datetime(2026, 3, 2, 20, 0, tzinfo=UTC)  # 21:00 local
    assert timetext.format_due(now + timedelta(minutes=8), now, tz) == "in 8 minutes"
    assert timetext.format_due(now + timedelta(seconds=10), now, tz) == "now"
    assert timetext.format_due(now + timedelta(hours=12, minutes=12), now, tz) == (
        "tomorrow at 09:12"
    )
    assert timetext.format_due(now + timedelta(days=3), now, tz).startswith("on Thursday")
    assert timetext.format_due(now + timedelta(days=30), now, tz) == "on 1 April 2026 at 21:00"


def test_durations() -> None:
    assert timetext.format_duration(5) == "5 seconds"
    assert timetext.format_duration(61) == "1 minute"
    assert timetext.format_duration(3900) == "1 h 5 min"
