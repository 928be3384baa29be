"""What every kind's Anki templates share: the card frame, the answer-side footer (Source,
Concept, Extra) and Rapport's fixed card script (``resources/anki-cards.js``).

Each kind module builds its own templates from these (``KindRules.anki_templates``);
:mod:`rapport.interop.anki.models` turns them into genanki models.
"""

from __future__ import annotations

from functools import cache

from rapport.paths import resources_dir

SCRIPT_NAME = "anki-cards.js"

# The answer-side footer every note type shares.
FOOTER = (
    '{{#Extra}}<div class="extra">{{Extra}}</div>{{/Extra}}\n'
    '<div class="provenance"><span class="source">{{Source}}</span>'
    '{{#Concept}}<span class="concept">{{Concept}}</span>{{/Concept}}</div>'
)


@cache
def _script() -> str:
    """The shipped card script, or '' if it cannot be read: the cards are complete
    without it."""
    try:
        return (resources_dir() / SCRIPT_NAME).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return ""


def script(call: str) -> str:
    """The whole card script and one call of it, to end an interactive template. The
    script never contains two braces in a row, so Anki's template language leaves it
    alone."""
    return (
        "\n<script>\n"
        + _script()
        + f"\nif (typeof rapport !== 'undefined') {{ rapport.{call}(); }}\n</script>"
    )


def card(kind: str, body: str) -> str:
    """A side of a card: ``body`` in the frame the stylesheet styles by kind."""
    return f'<div class="rapport {kind}">\n{body}\n</div>'


def back(kind: str, body: str) -> str:
    """An answer side that repeats the front, then ``body`` and the footer."""
    return '{{FrontSide}}\n<hr id="answer">\n' + card(kind, f"{body}\n{FOOTER}")
