"""The choice and typed cards as Anki renders them, in headless Chromium: at phone width
(400 px) and desktop width, light and dark, with and without JavaScript.

The card HTML comes from real Anki (the package imported, ``card.question()`` and
``card.answer()``), put in a page the way Anki's reviewer does (``body.card``, plus
``nightMode`` in dark mode, and the type-in box for ``[[type:Answer]]``). Behaviour is
checked on Chromium's DOM after the scripts ran (``--dump-dom``); every screenshot is
written to the test's folder, whose path the test prints (``pytest -s`` shows it).
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from html import escape, unescape
from pathlib import Path

import pytest
from anki.collection import Collection

from rapport.content import ChoiceNote, Deck, TypedNote, load_decks
from rapport.interop.anki import export_decks
from rapport.interop.anki.identity import note_guid
from rapport.paths import decks_dir
from tests.integration.test_anki_import import db, import_package
from tests.support.collection import REPO_ROOT

pytestmark = pytest.mark.slow

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser") or "chromium"
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--hide-scrollbars",
]
WIDTHS = {"phone": 400, "desktop": 1280}
HEIGHT = 900
TYPED_ALTERNATIVE = "common factor"  # accepted, but not the note's main answer


def chromium(page: Path, profile: Path, *extra: str) -> str:
    result = subprocess.run(
        [CHROMIUM, *FLAGS, f"--user-data-dir={profile}", *extra, page.as_uri()],
        capture_output=True,
        text=True,
        timeout=90,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    return result.stdout


def dom(page: Path, profile: Path, *, width: int = 400) -> str:
    """The page's DOM after its scripts ran."""
    extra = [f"--window-size={width},{HEIGHT}", "--virtual-time-budget=3000", "--dump-dom"]
    return chromium(page, profile, *extra)


def static_dom(page: Path, profile: Path) -> str:
    """The DOM of the page's script-free twin (see :func:`no_script`), styles cut off."""
    markup = dom(no_script(page), profile)
    markup = re.sub(r"<style>.*?</style>|<script>.*?</script>", "", markup, flags=re.S)
    assert "data-height" not in markup  # no script ran, not even the page's own
    return markup


def no_script(page: Path) -> Path:
    """A twin of ``page`` in which the browser runs no script at all, as in an app with
    JavaScript off (a Content-Security-Policy of script-src 'none'; Chromium's own
    switches either stop its headless tools or leave page scripts on)."""
    twin = page.with_name(page.stem + "-noscript.html")
    twin.write_text(
        page.read_text(encoding="utf-8").replace(
            "<head>",
            '<head><meta http-equiv="Content-Security-Policy" content="script-src \'none\'">',
            1,
        ),
        encoding="utf-8",
    )
    return twin


def screenshot(page: Path, profile: Path, png: Path, width: int, *, script: bool) -> Path:
    extra = [f"--window-size={width},{HEIGHT}", "--virtual-time-budget=3000"]
    chromium(page if script else no_script(page), profile, *extra, f"--screenshot={png}")
    assert png.stat().st_size > 2000  # a real picture, not an empty page
    return png


def page_html(card_html: str, *, dark: bool, harness: str = "", typed: str = "") -> str:
    """A reviewer-like page around one side of a card; ``harness`` runs just before the
    card's own script (it plays the trainee: a pick, a typed answer). Anki's reviewer
    puts a type-in box in place of ``[[type:Answer]]`` on the front and its comparison
    of ``typed`` with the answer on the back (here simply the typed text)."""
    box = (
        f'<code id="typeans">{escape(typed)}</code>'
        if 'id="answer"' in card_html
        else '<input type="text" id="typeans">'
    )
    body = card_html.replace("[[type:Answer]]", box)
    if harness:
        body = body.replace("<script>\n/*", f"<script>{harness}</script>\n<script>\n/*", 1)
    night = " nightMode night_mode" if dark else ""
    return (
        '<!doctype html>\n<html><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1"></head>'
        f'<body class="card{night}">\n{body}\n'
        "<script>window.addEventListener('load', function () { var cards ="
        " document.querySelectorAll('.rapport'); var last = cards[cards.length - 1];"
        " document.body.setAttribute('data-height',"
        " Math.ceil(last.getBoundingClientRect().bottom + window.scrollY)); });</script>"
        "</body></html>"
    )


@pytest.fixture(scope="module")
def rendered(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, str]]:
    """Question and answer HTML of one choice and one typed card of the shipped deck."""
    folder = tmp_path_factory.mktemp("anki-render")
    loaded = load_decks([decks_dir()])
    deck: Deck = next(d for d in loaded.decks if d.id == "the-relationship-in-therapy")
    choice = max(
        (n for n in deck.notes if isinstance(n, ChoiceNote)),
        key=lambda n: sum(len(o.text) + len(o.why) for o in n.options),
    )
    typed = next(n for n in deck.notes if isinstance(n, TypedNote) and n.accept)
    package = folder / "deck.apkg"
    export_decks([deck], package)
    (folder / "anki").mkdir()
    col = Collection(str(folder / "anki" / "collection.anki2"))
    try:
        import_package(col, package)
        out = {"folder": str(folder), "typed_answer": typed.answer}
        for name, note in (("choice", choice), ("typed", typed)):
            [nid] = db(col).list("SELECT id FROM notes WHERE guid = ?", note_guid(deck.id, note.id))
            [card] = col.get_note(nid).cards()
            out[f"{name}_q"], out[f"{name}_a"] = card.question(), card.answer()
        out["choice_options"] = json.dumps([unescape(o.text) for o in choice.options])
        out["typed_accept"] = json.dumps(list(typed.accept))
        yield out
    finally:
        col.close()


def write(folder: Path, name: str, html: str) -> Path:
    path = folder / f"{name}.html"
    path.write_text(html, encoding="utf-8")
    return path


PICK = (
    "window.addEventListener('load', function () {"
    " document.querySelector('#rapport-options .option[data-option=\"1\"]').click(); });"
)
ORDERS = (
    "window.addEventListener('load', function () { var seen = [];"
    " for (var i = 0; i < 12; i += 1) { rapport.choiceFront();"
    " seen.push(window['rapport-choice'].order.join('')); }"
    " document.body.setAttribute('data-orders', seen.join(' ')); });"
)


def test_choice_front_shuffles_and_takes_a_tap(rendered: dict[str, str]) -> None:
    folder = Path(rendered["folder"])
    profile = folder / "profile"
    page = write(
        folder, "choice-front-pick", page_html(rendered["choice_q"], dark=False, harness=PICK)
    )
    after = dom(page, profile)
    assert 'class="options interactive"' in after
    picked = re.findall(r'class="option pickable picked" data-option="(\d)"', after)
    picked += re.findall(r'data-option="(\d)"[^>]*class="option pickable picked"', after)
    assert picked == ["1"]
    assert 'aria-pressed="true"' in after and 'id="rapport-hint"' in after
    letters = re.findall(r'<span class="letter">([A-Z])\.</span>', after)
    assert letters == ["A", "B", "C", "D"]  # relabelled in the shown order

    page = write(
        folder, "choice-front-orders", page_html(rendered["choice_q"], dark=False, harness=ORDERS)
    )
    orders = re.search(r'data-orders="([^"]*)"', dom(page, profile))
    assert orders is not None
    seen = orders.group(1).split()
    assert len(seen) == 12 and all(sorted(o) == ["0", "1", "2", "3"] for o in seen)
    assert len(set(seen)) > 1  # a fresh order on each review (12 draws of 24 orders)

    static = static_dom(page, profile)
    assert "interactive" not in static and "pickable" not in static
    assert re.findall(r'<span class="letter">([A-Z])\.</span>', static) == ["A", "B", "C", "D"]


def test_choice_back_marks_the_right_and_the_picked_option_once(rendered: dict[str, str]) -> None:
    folder = Path(rendered["folder"])
    profile = folder / "profile"
    back = rendered["choice_a"]
    options = json.loads(rendered["choice_options"])
    # Each option appears once on the back, with its rationale: no repeated answer.
    text = unescape(
        re.sub(r"<script>.*?</script>|<style>.*?</style>|<[^>]+>", " ", back, flags=re.S)
    )
    for option in options:
        assert " ".join(text.split()).count(" ".join(option.split())) == 1
    wrong = next(
        m.group(1) for m in re.finditer(r'<div class="rationale wrong" data-option="(\d)"', back)
    )
    harness = (
        "window['rapport-choice'] = {prompt: document.querySelector('.rapport.choice .prompt')"
        f".textContent.trim(), order: ['3', '2', '1', '0'], picked: '{wrong}'}};"
    )
    page = write(folder, "choice-back-picked", page_html(back, dark=False, harness=harness))
    after = dom(page, profile)
    assert re.search(rf'class="rationale wrong picked" data-option="{wrong}"', after)
    assert after.count('<span class="your-pick">Your answer</span>') == 1
    assert re.search(r'class="pick-verdict wrong"[^>]*>Not quite: you picked [A-D]\.<', after)
    shown = re.findall(r'class="rationale (?:right|wrong)(?: picked)?" data-option="(\d)"', after)
    assert shown == ["3", "2", "1", "0"]  # the order the front showed
    # Compact by structure, not by pixels of an unpinned browser and font set: after the
    # script ran, each option still shows once (one rationale block each) and nothing
    # else repeats an option's text.
    assert len(re.findall(r'data-option="\d"', after)) == len(options)
    shown_text = " ".join(
        unescape(
            re.sub(r"<script>.*?</script>|<style>.*?</style>|<[^>]+>", " ", after, flags=re.S)
        ).split()
    )
    for option in options:
        assert shown_text.count(" ".join(option.split())) == 1

    static = static_dom(page, profile)
    assert "your-pick" not in static and "Right:" in static and "Wrong:" in static


def test_typed_back_accepts_every_alternative(rendered: dict[str, str]) -> None:
    folder = Path(rendered["folder"])
    profile = folder / "profile"
    back = rendered["typed_a"]
    alternative = json.loads(rendered["typed_accept"])[0]
    harness = (
        "window['rapport-typed'] = {prompt: document.querySelector('.rapport.typed .prompt')"
        f".textContent.trim(), typed: {json.dumps(alternative.upper() + '!')}}};"
    )
    page = write(folder, "typed-back-alternative", page_html(back, dark=False, harness=harness))
    after = dom(page, profile)
    assert re.search(r'class="typed-verdict right"[^>]*>Right: \u201c', after)
    assert 'id="rapport-compare-note" hidden' in after
    harness = harness.replace(json.dumps(alternative.upper() + "!"), json.dumps("the alliance"))
    page = write(folder, "typed-back-wrong", page_html(back, dark=False, harness=harness))
    assert re.search(
        r'class="typed-verdict wrong"[^>]*>Not one of the accepted', dom(page, profile)
    )

    static = static_dom(page, profile)
    # Without script, the card says plainly what Anki's own check compares with.
    assert "compares your answer with \u201c" in unescape(static)
    assert 'class="typed-verdict' in static and "Right:" not in static


SHOTS = REPO_ROOT / "test-output" / "anki-render"


def test_screenshots_at_phone_and_desktop_width_light_and_dark(rendered: dict[str, str]) -> None:
    shots = SHOTS  # kept after the run (pytest's own folders are pruned), not committed
    shutil.rmtree(shots, ignore_errors=True)
    shots.mkdir(parents=True)
    pick = PICK
    alternative = json.loads(rendered["typed_accept"])[0]
    typed = (
        "window['rapport-typed'] = {prompt: document.querySelector('.rapport.typed .prompt')"
        f".textContent.trim(), typed: {json.dumps(alternative)}}};"
    )
    chosen = (
        "window['rapport-choice'] = {prompt: document.querySelector('.rapport.choice .prompt')"
        ".textContent.trim(), order: ['2', '0', '3', '1'], picked: '3'};"
    )
    sides = {
        "choice-front": (rendered["choice_q"], pick),
        "choice-back": (rendered["choice_a"], chosen),
        "typed-front": (rendered["typed_q"], ""),
        "typed-back": (rendered["typed_a"], typed),
    }
    # Each side three ways: phone width light with script, phone width dark without
    # script, desktop width dark with script: every width, theme and script setting is
    # seen on every side in 12 pictures (kept cheap: each is a browser start).
    views = (("phone", "light", True), ("phone", "dark", False), ("desktop", "dark", True))
    jobs = []
    for side, (html, harness) in sides.items():
        for width_name, theme, script in views:
            dark = theme == "dark"
            page = write(
                shots,
                f"{side}-{theme}",
                page_html(html, dark=dark, harness=harness, typed=alternative),
            )
            name = f"{side}-{width_name}-{theme}-{'script' if script else 'noscript'}"
            jobs.append((page, shots / f"{name}.png", WIDTHS[width_name], script))
    with ThreadPoolExecutor(max_workers=2) as pool:
        pngs = list(
            pool.map(
                lambda job: screenshot(
                    job[0], shots / f"profile-{job[1].stem}", job[1], job[2], script=job[3]
                ),
                jobs,
            )
        )
    assert len(pngs) == 12
    print(f"\nAnki card screenshots (400 px and 1280 px, light and dark, +/- script): {shots}")


KEY_B = (
    "window.addEventListener('load', function () {"
    " document.dispatchEvent(new KeyboardEvent('keydown', {key: 'b', bubbles: true})); });"
)


def test_choice_front_takes_an_option_letter_by_keyboard(rendered: dict[str, str]) -> None:
    """A key Anki's reviewer leaves to the card (a letter, not Enter or Space, which it
    takes for "show answer") picks the option shown with that letter."""
    folder = Path(rendered["folder"])
    page = write(
        folder, "choice-front-key", page_html(rendered["choice_q"], dark=False, harness=KEY_B)
    )
    after = dom(page, folder / "profile")
    picked = re.findall(
        r'<div class="option pickable picked"[^>]*>\s*<span class="letter">([A-Z])\.', after
    )
    assert picked == ["B"], after[:2000]
    assert after.count('aria-pressed="true"') == 1
