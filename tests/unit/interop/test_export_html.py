"""Field HTML: plain text is escaped exactly, author HTML passes the allow-list only."""

from __future__ import annotations

import html
import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from rapport.content.notes.html import ALLOWED_TAGS, escape_text, field_html, sanitise

TAG = re.compile(r"<\s*/?\s*([a-zA-Z0-9]+)([^>]*)>")


def test_plain_text_shows_as_written() -> None:
    assert field_html("a<b and c>d", html=False) == "a&lt;b and c&gt;d"
    assert field_html('Tom & Jerry\'s "show"', html=False) == 'Tom &amp; Jerry\'s "show"'


def test_plain_text_markup_is_not_interpreted() -> None:
    assert field_html("<b>x</b><script>y</script>", html=False) == (
        "&lt;b&gt;x&lt;/b&gt;&lt;script&gt;y&lt;/script&gt;"
    )


def test_newlines_become_line_breaks() -> None:
    assert escape_text("one\ntwo\r\nthree") == "one<br>two<br>three"


def test_allowed_markup_is_kept() -> None:
    markup = "<p><b>b</b> <i>i</i> <em>e</em> <strong>s</strong> <u>u</u> H<sub>2</sub>O "
    markup += "x<sup>2</sup><br><code>c</code></p><ul><li>one</li></ul><ol><li>two</li></ol>"
    assert field_html(markup, html=True) == markup


@pytest.mark.parametrize(
    ("markup", "expected"),
    [
        ("<b>Bold</b><script>alert(1)</script>", "<b>Bold</b>"),
        ('<img src="x" onerror="alert(2)">after', "after"),
        ('<b onclick="alert(3)">b</b>', "<b>b</b>"),
        ('<a href="javascript:alert(4)">link</a>', "link"),
        ('<p style="color:red" class="x">p</p>', "<p>p</p>"),
        ("<style>body{display:none}</style>text", "text"),
        ("<iframe src='https://example.org'></iframe>ok", "ok"),
        ("<!-- note -->ok", "ok"),
    ],
)
def test_sanitiser_removes_what_is_not_allowed(markup: str, expected: str) -> None:
    assert sanitise(markup) == expected


@given(st.text())
def test_escaping_round_trips_any_text(text: str) -> None:
    out = escape_text(text)
    assert not set(TAG.findall(out)) - {("br", "")}
    assert html.unescape(out.replace("<br>", "\n")) == text.replace("\r\n", "\n")


@given(
    st.lists(
        st.sampled_from(
            [
                "<script>",
                "</script>",
                "<b>",
                "</b>",
                "<img src=x onerror=alert(1)>",
                '<a href="javascript:x()">',
                "</a>",
                "<p onmouseover='x'>",
                "<svg onload=x>",
                "text",
                "<",
                ">",
                "&",
                '"',
                "javascript:",
            ]
        )
    ).map("".join)
)
def test_sanitised_html_has_only_allowed_tags_without_attributes(markup: str) -> None:
    out = sanitise(markup)
    for name, attributes in TAG.findall(out):
        assert name.lower() in ALLOWED_TAGS
        assert attributes.strip() in ("", "/")
    assert "<script" not in out.lower()
