"""Turn a deck's text fields into HTML that is safe to hand to Anki (or to a Qt view).

Anki's reviewer is a web view that runs any script it finds in card HTML, so nothing from a
deck file reaches it unfiltered:

* plain-text fields (the default) are HTML-escaped, so ``a<b and c>d`` shows exactly as
  written, and their line breaks become ``<br>``;
* fields of notes marked ``html = true`` pass an allow-list sanitiser (nh3): only the
  inline and list tags in :data:`ALLOWED_TAGS` survive, with no attributes at all, so no
  event handler, ``style``, link or ``javascript:`` URL can get through; ``<script>`` and
  ``<style>`` elements are dropped together with their content.

This module is Qt-free; the UI may reuse :func:`field_html` to show the same HTML.
"""

from __future__ import annotations

from functools import cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import nh3

ALLOWED_TAGS: frozenset[str] = frozenset(
    {"b", "i", "em", "strong", "u", "sub", "sup", "br", "p", "ul", "ol", "li", "code"}
)
# Elements removed together with everything inside them (not just unwrapped).
DROPPED_WITH_CONTENT: frozenset[str] = frozenset({"script", "style"})


def escape_text(text: str) -> str:
    """Plain text as HTML: ``&``, ``<`` and ``>`` escaped, line breaks as ``<br>``.

    Quotes stay as they are: fields only ever land in element content, never in attributes.
    """
    escaped = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    if "\n" in escaped:
        escaped = escaped.replace("\r\n", "\n").replace("\n", "<br>")
    return escaped


@cache
def _cleaner() -> nh3.Cleaner:
    """The allow-list cleaner, built on first use: building one costs several times more
    than a clean() with it, and plain-text cards (and start-up) never need it."""
    import nh3

    return nh3.Cleaner(
        tags=set(ALLOWED_TAGS),
        clean_content_tags=set(DROPPED_WITH_CONTENT),
        attributes={},
        url_schemes=set(),
        strip_comments=True,
        link_rel=None,
    )


def sanitise(markup: str) -> str:
    """Author-written HTML reduced to :data:`ALLOWED_TAGS`, with no attributes."""
    return str(_cleaner().clean(markup))


def field_html(text: str, *, html: bool) -> str:
    """A deck field as safe HTML: sanitised if the note is ``html = true``, else escaped."""
    return sanitise(text) if html else escape_text(text)
