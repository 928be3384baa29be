"""Property-based tests: no input ever makes the loader raise anything but DeckError."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rapport.content import DeckError, load_deck
from rapport.paths import resources_dir

ESSAY = "the-relationship-in-therapy.txt"
KEYS = [
    "id",
    "kind",
    "concept",
    "tags",
    "source",
    "extension",
    "html",
    "extra",
    "front",
    "back",
    "text",
    "question",
    "answer",
    "distractors",
    "scenario",
    "prompt",
    "accept",
    "paragraph",
    "anchor",
    "why",
    "name",
    "description",
    "essay",
    "notes",
    "paragraphs",
]

scalars = st.one_of(
    st.text(max_size=30),
    st.sampled_from(
        [
            "basic",
            "reversed",
            "cloze",
            "choice",
            "typed",
            ESSAY,
            "{{c1::x}}",
            "{{c0::}}",
            "{{c1::a::b",
            "Dr. John Norcross",
        ]
    ),
    st.integers(min_value=-5, max_value=20),
    st.booleans(),
    st.floats(allow_nan=False),
)
keys = st.one_of(st.sampled_from(KEYS), st.text(min_size=1, max_size=8))
values = st.recursive(
    scalars,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(keys, inner, max_size=6),
    max_leaves=25,
)
documents = st.dictionaries(keys, values, max_size=8)


def _toml_key(key: str) -> str:
    return '"' + key.encode("unicode_escape").decode("ascii").replace('"', '\\"') + '"'


def to_toml(value: object) -> str:
    """Inline TOML for any value hypothesis builds."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value) if isinstance(value, int) else repr(float(value)).replace("inf", "inf")
    if isinstance(value, str):
        return _toml_key(value)
    if isinstance(value, list):
        return "[" + ", ".join(to_toml(v) for v in value) + "]"
    assert isinstance(value, dict)
    return "{" + ", ".join(f"{_toml_key(k)} = {to_toml(v)}" for k, v in value.items()) + "}"


_folder = Path(tempfile.mkdtemp(prefix="rapport-fuzz-"))
shutil.copy(resources_dir() / ESSAY, _folder / ESSAY)


def check(raw: bytes) -> None:
    path = _folder / "deck.toml"
    path.write_bytes(raw)
    try:
        load_deck(path)
    except DeckError as exc:
        for p in exc.problems:
            assert p.file == str(path) and p.note and p.field and p.message


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(documents)
def test_structured_toml_never_raises_anything_but_deck_error(doc: dict[str, object]) -> None:
    lines = [f"{_toml_key(k)} = {to_toml(v)}" for k, v in doc.items()]
    check("\n".join(lines).encode())


@settings(max_examples=200, deadline=None)
@given(st.lists(st.dictionaries(keys, values, max_size=8), max_size=4), st.booleans())
def test_note_tables_never_raise_anything_but_deck_error(
    notes: list[dict[str, object]], with_header: bool
) -> None:
    head = (
        f'id = "d"\nname = "D"\nessay = "{ESSAY}"\n[paragraphs]\n5 = "s"\n' if with_header else ""
    )
    body = "".join(
        "[[notes]]\n" + "".join(f"{_toml_key(k)} = {to_toml(v)}\n" for k, v in n.items())
        for n in notes
    )
    check((head + body).encode())


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=200) | st.text(max_size=200).map(str.encode))
def test_arbitrary_bytes_never_raise_anything_but_deck_error(raw: bytes) -> None:
    check(raw)
