"""The respond card as Anki renders it, in headless Chromium at phone (400 px) and desktop
width: the statement and its context on the front, the model responses (with their
styles), the rubric (each line with its concept and a box to tick) and the risk note on
the back, all readable without any script. Structure is asserted, not pixels; the
screenshots are written to the test's folder (``pytest -s`` prints it).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from anki.collection import Collection

from rapport.content import load_deck
from rapport.content.notes.model import RespondNote
from rapport.interop.anki import export_decks
from rapport.interop.anki.identity import note_guid
from tests.integration.test_anki_import import db, import_package
from tests.integration.test_anki_render import WIDTHS, dom, page_html, screenshot, write
from tests.support.decks import write_respond_deck

pytestmark = pytest.mark.slow

# How much wider than its window the page is (0: no sideways scrolling).
WIDTH = (
    "<script>window.addEventListener('load', function () { document.body.setAttribute("
    "'data-scroll-width', document.documentElement.scrollWidth - window.innerWidth); });"
    "</script></body>"
)


@pytest.fixture(scope="module")
def rendered(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, object]]:
    folder = tmp_path_factory.mktemp("respond-render")
    deck = load_deck(write_respond_deck(folder / "decks"))
    note = deck.note("wants-advice-partner")
    assert isinstance(note, RespondNote) and note.risk
    package = folder / "respond.apkg"
    export_decks([deck], package)
    (folder / "anki").mkdir()
    col = Collection(str(folder / "anki" / "collection.anki2"))
    try:
        import_package(col, package)
        [nid] = db(col).list("SELECT id FROM notes WHERE guid = ?", note_guid(deck.id, note.id))
        [card] = col.get_note(nid).cards()
        yield {"folder": folder, "note": note, "q": card.question(), "a": card.answer()}
    finally:
        col.close()


def _page(folder: Path, name: str, html: str, *, dark: bool) -> Path:
    return write(folder, name, page_html(html, dark=dark).replace("</body>", WIDTH, 1))


def _texts(markup: str, css_class: str) -> list[str]:
    pattern = rf'<(\w+) class="{css_class}">(.*?)</\1>'
    return [re.sub(r"<[^>]+>", "", m.group(2)).strip() for m in re.finditer(pattern, markup, re.S)]


@pytest.mark.parametrize("width", sorted(WIDTHS))
def test_the_respond_front_shows_the_statement_and_its_context(
    rendered: dict[str, object], width: str
) -> None:
    folder, note = rendered["folder"], rendered["note"]
    assert isinstance(folder, Path) and isinstance(note, RespondNote)
    page = _page(folder, f"respond-front-{width}", str(rendered["q"]), dark=False)
    after = dom(page, folder / "profile", width=WIDTHS[width])
    assert _texts(after, "context") == [note.context]
    [statement] = _texts(after, "prompt statement")
    assert note.statement in statement.replace("&#39;", "'").replace("&amp;", "&")
    assert 'class="model"' not in after and 'class="rubric"' not in after
    assert 'data-scroll-width="0"' in after  # no sideways scrolling
    screenshot(
        page, folder / "profile", folder / f"respond-front-{width}.png", WIDTHS[width], script=False
    )


@pytest.mark.parametrize("dark", [False, True], ids=["light", "dark"])
@pytest.mark.parametrize("width", sorted(WIDTHS))
def test_the_respond_back_shows_models_rubric_and_risk_without_script(
    rendered: dict[str, object], width: str, dark: bool
) -> None:
    folder, note = rendered["folder"], rendered["note"]
    assert isinstance(folder, Path) and isinstance(note, RespondNote)
    name = f"respond-back-{width}-{'dark' if dark else 'light'}"
    page = _page(folder, name, str(rendered["a"]), dark=dark)
    after = dom(page, folder / "profile", width=WIDTHS[width])
    assert "<script>" not in str(rendered["a"])  # nothing on the card needs a script
    assert _texts(after, "style") == [m.style for m in note.models]
    assert len(_texts(after, "text")) == len(note.models)
    lines = re.findall(r'<li class="rubric-line">(.*?)</li>', after, re.S)
    assert len(lines) == len(note.rubric)
    for markup, rubric in zip(lines, note.rubric, strict=True):
        assert '<input type="checkbox">' in markup  # ticks without a script
        assert rubric.concept in markup
        assert rubric.line.replace("'", "&#39;") in markup or rubric.line in markup
    [risk] = _texts(after, "risk")
    assert risk.startswith("Risk and confidentiality:") and "safety plan" in risk
    assert 'class="provenance"' in after  # the shared footer: source and concept
    assert 'data-scroll-width="0"' in after  # no sideways scrolling
    screenshot(page, folder / "profile", folder / f"{name}.png", WIDTHS[width], script=False)
    print(folder)
