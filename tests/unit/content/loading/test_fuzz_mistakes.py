"""Hypothesis makes every kind of mistake in a valid deck; each is named precisely.

Starting from a valid note of each kind, one mistake is applied to one field (removed,
emptied, wrong type, misspelt key, broken cloze, lost anchor, too few distractors...).
Loading never raises a traceback: a DeckError comes back whose problems name the file,
the note and the field that was spoiled.
"""

from __future__ import annotations

import copy
import shutil
import tempfile
from pathlib import Path
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from rapport.content import DeckError, load_deck
from rapport.paths import resources_dir

ESSAY = "the-relationship-in-therapy.txt"
ANCHOR = "Dr. John Norcross, whom headed up"
OPTION = {"text": "Option", "why": "Because."}

VALID: dict[str, dict[str, Any]] = {
    "basic": {"front": "Question?", "back": "Answer."},
    "reversed": {"front": "Term", "back": "Definition."},
    "cloze": {"text": "Agreement on {{c1::goals}} and {{c2::tasks::what}}."},
    "choice": {
        "question": "Which?",
        "answer": {"text": "Right", "why": "It is."},
        "distractors": [{"text": f"Wrong {i}", "why": "It is not."} for i in range(3)],
    },
    "typed": {"prompt": "Who?", "answer": "Norcross", "accept": ["John Norcross"]},
}


def note(kind: str) -> dict[str, Any]:
    return {
        "id": "the-note",
        "kind": kind,
        "concept": "alliance",
        "tags": ["a::b"],
        "source": {"paragraph": 5, "anchor": ANCHOR},
        **copy.deepcopy(VALID[kind]),
    }


def value(v: Any) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, int):
        return str(v)
    if isinstance(v, str):
        return '"' + v.replace("\\", "\\\\").replace('"', '\\"') + '"'
    if isinstance(v, list):
        return "[" + ", ".join(value(x) for x in v) + "]"
    return "{" + ", ".join(f"{k} = {value(x)}" for k, x in v.items()) + "}"


def deck_text(notes: list[dict[str, Any]]) -> str:
    head = f'id = "d"\nname = "D"\nessay = "{ESSAY}"\n[paragraphs]\n5 = "Summary."\n'
    body = "".join(
        "[[notes]]\n" + "".join(f"{k} = {value(v)}\n" for k, v in n.items()) for n in notes
    )
    return head + body


# A mistake: (name, function spoiling a note in place, the field the report must name)
def remove(key: str) -> Any:
    return lambda n: n.pop(key)


def set_to(key: str, v: Any) -> Any:
    return lambda n: n.__setitem__(key, v)


def misspell(key: str) -> Any:
    return lambda n: n.__setitem__(key + "x", n.pop(key))


COMMON_MISTAKES: list[tuple[str, Any, str]] = [
    ("no kind", remove("kind"), "kind"),
    ("unknown kind", set_to("kind", "flashcard"), "kind"),
    ("no concept", remove("concept"), "concept"),
    ("empty concept", set_to("concept", " "), "concept"),
    ("concept not a slug", set_to("concept", "Two Words"), "concept"),
    ("tags not a list", set_to("tags", "a"), "tags"),
    ("bad tag", set_to("tags", ["a b"]), "tags"),
    ("no source", remove("source"), "source"),
    ("anchor elsewhere", set_to("source", {"paragraph": 4, "anchor": ANCHOR}), "source.anchor"),
    (
        "no such paragraph",
        set_to("source", {"paragraph": 40, "anchor": ANCHOR}),
        "source.paragraph",
    ),
    (
        "unsummarised paragraph",
        set_to("source", {"paragraph": 13, "anchor": "Daniel Siegel"}),
        "source.paragraph",
    ),
    ("extension not bool", set_to("extension", "yes"), "extension"),
    ("unknown key", set_to("colour", "red"), "colour"),
]


def kind_mistakes(kind: str) -> list[tuple[str, Any, str]]:
    out: list[tuple[str, Any, str]] = []
    for key, v in VALID[kind].items():
        if key == "accept":
            out.append(("accept not text", set_to(key, [1]), key))
            continue
        out += [(f"no {key}", remove(key), key), (f"misspelt {key}", misspell(key), key + "x")]
        if isinstance(v, str):
            out += [
                (f"empty {key}", set_to(key, ""), key),
                (f"{key} a number", set_to(key, 7), key),
            ]
    if kind == "cloze":
        out += [
            ("unnumbered cloze", set_to("text", "{{::goals}}"), "text"),
            ("unclosed cloze", set_to("text", "{{c1::goals"), "text"),
            ("cloze c0", set_to("text", "{{c0::goals}}"), "text"),
        ]
    if kind == "choice":
        out += [
            ("two distractors", lambda n: n["distractors"].pop(), "distractors"),
            (
                "distractor without why",
                lambda n: n["distractors"][0].pop("why"),
                "distractors[1].why",
            ),
            ("answer not a table", set_to("answer", "Right"), "answer"),
        ]
    return out


MISTAKES = st.sampled_from(sorted(VALID)).flatmap(
    lambda kind: st.tuples(st.just(kind), st.sampled_from(COMMON_MISTAKES + kind_mistakes(kind)))
)

_folder = Path(tempfile.mkdtemp(prefix="rapport-mistakes-"))
shutil.copy(resources_dir() / ESSAY, _folder / ESSAY)


def test_the_valid_notes_are_valid() -> None:
    path = _folder / "valid.toml"
    notes = [dict(note(k), id=f"n-{k}") for k in VALID]
    path.write_text(deck_text(notes))
    assert len(load_deck(path).notes) == len(VALID)


def check_mistake(kind: str, mistake: tuple[str, Any, str], position: int) -> None:
    _name, spoil, field = mistake
    spoilt = note(kind)
    spoil(spoilt)
    good = [dict(note(k), id=f"good-{i}") for i, k in enumerate(sorted(VALID)[:position])]
    path = _folder / "deck.toml"
    path.write_text(deck_text([*good, spoilt]))
    try:
        load_deck(path)
    except DeckError as exc:
        named = {(p.file, p.note, p.field) for p in exc.problems}
        assert (str(path), "the-note", field) in named, (named, _name)
        assert all(p.note == "the-note" for p in exc.problems), exc.problems
    else:
        raise AssertionError(f"mistake {_name!r} was not reported")


@settings(max_examples=250, deadline=None)
@given(MISTAKES, st.integers(min_value=0, max_value=3))
def test_each_mistake_is_named_by_file_note_and_field(
    mistake: tuple[str, tuple[str, Any, str]], position: int
) -> None:
    check_mistake(mistake[0], mistake[1], position)


def test_every_listed_mistake_once() -> None:
    for kind in VALID:
        for mistake in COMMON_MISTAKES + kind_mistakes(kind):
            check_mistake(kind, mistake, 1)
