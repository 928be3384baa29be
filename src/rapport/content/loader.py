"""Load deck files (TOML) into validated, immutable :class:`Deck` values.

Every problem in a file is collected and reported at once, each naming the file, the note
(its id, or ``#N`` for the N-th note when it has none) and the field. A broken deck never
stops the other decks from loading: :func:`load_decks` returns the good decks beside the
errors of the bad ones.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Iterable, Mapping
from pathlib import Path
from types import MappingProxyType
from typing import Any, NamedTuple, TypedDict

from rapport.content.cloze import cloze_problems
from rapport.content.model import (
    BasicNote,
    ChoiceNote,
    ClozeNote,
    Deck,
    Essay,
    Kind,
    Note,
    Option,
    ReversedNote,
    Source,
    TypedNote,
)
from rapport.errors import RapportError
from rapport.paths import resources_dir

SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
TAG = re.compile(r"^[A-Za-z0-9_-]+(?:::[A-Za-z0-9_-]+)*$")

DECK_KEYS = {"id", "name", "description", "essay", "paragraphs", "notes"}
COMMON_KEYS = {"id", "kind", "concept", "tags", "source", "extension", "html", "extra", "allow"}
KIND_KEYS: dict[Kind, set[str]] = {
    Kind.BASIC: {"front", "back"},
    Kind.REVERSED: {"front", "back"},
    Kind.CLOZE: {"text"},
    Kind.CHOICE: {"question", "answer", "distractors", "scenario"},
    Kind.TYPED: {"prompt", "answer", "accept"},
}
# The required text fields of each kind (a choice's options are checked on their own).
TEXT_FIELDS: dict[Kind, tuple[str, ...]] = {
    Kind.BASIC: ("front", "back"),
    Kind.REVERSED: ("front", "back"),
    Kind.CLOZE: ("text",),
    Kind.CHOICE: ("question",),
    Kind.TYPED: ("prompt", "answer"),
}
MIN_DISTRACTORS = 3


class _Common(TypedDict):
    """The fields every kind of note has."""

    id: str
    concept: str
    tags: tuple[str, ...]
    source: Source
    extension: bool
    html: bool
    extra: str


class Problem(NamedTuple):
    """One thing wrong with a deck file."""

    file: str
    note: str
    field: str
    message: str

    def __str__(self) -> str:
        return f"{self.file}: {self.note}: {self.field}: {self.message}"


class DeckError(RapportError):
    """A deck file that cannot be used, with every problem found in it."""

    def __init__(self, path: Path, problems: Iterable[Problem]) -> None:
        self.path = path
        self.problems = tuple(problems)
        count = len(self.problems)
        lines = "\n".join(str(p) for p in self.problems)
        super().__init__(f"{path}: {count} problem{'s' * (count != 1)} in this deck\n{lines}")

    def __reduce__(self) -> tuple[type[DeckError], tuple[Path, tuple[Problem, ...]]]:
        return (DeckError, (self.path, self.problems))


class DeckSet(NamedTuple):
    """The result of loading several deck files: the good decks and the bad files."""

    decks: tuple[Deck, ...]
    errors: tuple[DeckError, ...]

    @property
    def problems(self) -> tuple[Problem, ...]:
        return tuple(p for e in self.errors for p in e.problems)


class _Checker:
    """Collects problems while reading one deck file."""

    __slots__ = ("file", "problems")

    def __init__(self, file: str, problems: list[Problem] | None = None) -> None:
        self.file = file
        self.problems: list[Problem] = [] if problems is None else problems

    def add(self, note: str, field_name: str, message: str) -> None:
        self.problems.append(Problem(self.file, note, field_name, message))

    def text(self, table: Mapping[str, Any], key: str, note: str, *, required: bool) -> str:
        """A non-empty string field; '' (and a problem) when it is missing or wrong."""
        if key not in table:
            if required:
                self.add(note, key, "missing field")
            return ""
        value = table[key]
        if not isinstance(value, str):
            self.add(note, key, f"must be text, not {_type_name(value)}")
            return ""
        if not value.strip():
            self.add(note, key, "is empty")
            return ""
        return value

    def flag(self, table: Mapping[str, Any], key: str, note: str) -> bool:
        value = table.get(key, False)
        if not isinstance(value, bool):
            self.add(note, key, f"must be true or false, not {_type_name(value)}")
            return False
        return value

    def strings(self, table: Mapping[str, Any], key: str, note: str) -> tuple[str, ...]:
        value = table.get(key, [])
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            self.add(note, key, "must be a list of text")
            return ()
        if any(not v.strip() for v in value):
            self.add(note, key, "has an empty entry")
        return tuple(v for v in value if v.strip())

    def unknown_keys(self, table: Mapping[str, Any], allowed: set[str], note: str) -> None:
        for key in sorted(set(table) - allowed):
            hint = _closest(key, allowed)
            suggestion = f" (did you mean '{hint}'?)" if hint else ""
            self.add(note, key, f"unknown key{suggestion}")


def _type_name(value: object) -> str:
    return {
        str: "text",
        bool: "true/false",
        int: "a number",
        float: "a number",
        list: "a list",
        dict: "a table",
    }.get(type(value), type(value).__name__)


def _closest(key: str, allowed: Iterable[str]) -> str | None:
    import difflib

    matches = difflib.get_close_matches(key, sorted(allowed), n=1, cutoff=0.6)
    return matches[0] if matches else None


def _find_essay(name: str, deck_path: Path) -> Path:
    beside = deck_path.parent / name
    return beside if beside.is_file() else resources_dir() / name


def _read_essay(path: Path, cache: dict[Path, Essay]) -> Essay:
    essay = cache.get(path)
    if essay is None:
        essay = Essay.from_text(path, path.read_text(encoding="utf-8"))
        cache[path] = essay
    return essay


def load_deck(path: Path, *, essays: dict[Path, Essay] | None = None) -> Deck:
    """Load and validate one deck file; raise :class:`DeckError` listing every problem."""
    import tomllib  # not at start-up, which reads the deck cache (rapport.content.cache)

    path = Path(path)
    check = _Checker(str(path))
    try:
        raw = path.read_bytes().decode("utf-8")
        data = tomllib.loads(raw)
    except OSError as exc:
        raise DeckError(
            path, [Problem(str(path), "-", "-", f"cannot read: {exc.strerror or exc}")]
        ) from exc
    except UnicodeDecodeError as exc:
        raise DeckError(
            path,
            [Problem(str(path), "-", "-", f"not UTF-8 text ({exc.reason} at byte {exc.start})")],
        ) from exc
    except tomllib.TOMLDecodeError as exc:
        raise DeckError(path, [Problem(str(path), "-", "-", f"TOML syntax error: {exc}")]) from exc

    deck_id = check.text(data, "id", "deck", required=True)
    if deck_id and not SLUG.match(deck_id):
        check.add("deck", "id", "must be a slug of a-z, 0-9 and '-'")
    name = check.text(data, "name", "deck", required=True)
    description = check.text(data, "description", "deck", required=False)
    check.unknown_keys(data, DECK_KEYS, "deck")

    essay: Essay | None = None
    essay_name = check.text(data, "essay", "deck", required=True)
    if essay_name:
        essay_path = _find_essay(essay_name, path)
        try:
            essay = _read_essay(essay_path, essays if essays is not None else {})
        except (OSError, UnicodeDecodeError) as exc:
            check.add("deck", "essay", f"cannot read essay file {essay_path}: {exc}")

    summaries = _summaries(data.get("paragraphs", {}), essay, check)

    raw_notes = data.get("notes", [])
    notes: list[Note] = []
    if not isinstance(raw_notes, list) or not all(isinstance(n, dict) for n in raw_notes):
        check.add("deck", "notes", "must be a list of [[notes]] tables")
        raw_notes = []
    elif not raw_notes:
        check.add("deck", "notes", "the deck has no notes")
    seen: dict[str, int] = {}
    for index, table in enumerate(raw_notes, start=1):
        note = _note(table, index, essay, summaries, check)
        if note is None:
            continue
        if note.id in seen:
            check.add(note.id, "id", f"duplicate note id (note #{seen[note.id]} has it too)")
            continue
        seen[note.id] = index
        notes.append(note)

    if check.problems or essay is None:
        raise DeckError(path, check.problems)
    return Deck(
        id=deck_id,
        name=name,
        description=description,
        path=path,
        essay=essay,
        summaries=MappingProxyType(summaries),
        notes=tuple(notes),
    )


def _summaries(raw: object, essay: Essay | None, check: _Checker) -> dict[int, str]:
    if not isinstance(raw, dict):
        check.add("deck", "paragraphs", "must be a table of paragraph number = summary")
        return {}
    summaries: dict[int, str] = {}
    for key, value in raw.items():
        label = f"paragraphs.{key}"
        if not key.isdigit() or int(key) < 1:
            check.add("deck", label, "paragraph numbers are whole numbers from 1")
            continue
        if essay is not None and int(key) > len(essay.paragraphs):
            check.add("deck", label, f"the essay has only {len(essay.paragraphs)} paragraphs")
            continue
        if not isinstance(value, str) or not value.strip():
            check.add("deck", label, "the summary must be non-empty text")
            continue
        summaries[int(key)] = value
    return summaries


def _note(
    table: dict[str, Any],
    index: int,
    essay: Essay | None,
    summaries: Mapping[int, str],
    check: _Checker,
) -> Note | None:
    label = f"#{index}"
    raw_id = table.get("id")
    if isinstance(raw_id, str) and raw_id.strip():
        label = raw_id
    note_id = check.text(table, "id", label, required=True)
    if note_id and not SLUG.match(note_id):
        check.add(label, "id", "must be a slug of a-z, 0-9 and '-'")

    kind: Kind | None = None
    raw_kind = check.text(table, "kind", label, required=True)
    if raw_kind:
        try:
            kind = Kind(raw_kind)
        except ValueError:
            kinds = ", ".join(k.value for k in Kind)
            check.add(label, "kind", f"unknown kind '{raw_kind}' (expected one of {kinds})")

    # Concepts, tags and anchors repeat across notes: one shared string each keeps big
    # collections (and the deck cache, which pickles shared objects once) smaller.
    concept = sys.intern(check.text(table, "concept", label, required=True))
    if concept and not SLUG.match(concept):
        check.add(label, "concept", "must be a slug of a-z, 0-9 and '-'")
    tags = tuple(map(sys.intern, check.strings(table, "tags", label)))
    for tag in tags:
        if not TAG.match(tag):
            check.add(
                label, "tags", f"tag '{tag}' may hold only letters, digits, '-', '_' and '::'"
            )
    source = _source(table, label, essay, summaries, check)
    extension = check.flag(table, "extension", label)
    html = check.flag(table, "html", label)
    extra = check.text(table, "extra", label, required=False)
    if "allow" in table:
        # Only `rapport check` reads it (rapport.content.itemcheck); the note keeps nothing.
        from rapport.content.itemcheck import allow_problems

        for message in allow_problems(table["allow"]):
            check.add(label, "allow", message)

    if kind is None:
        check.unknown_keys(table, COMMON_KEYS.union(*KIND_KEYS.values()), label)
        return None
    check.unknown_keys(table, COMMON_KEYS | KIND_KEYS[kind], label)
    before = len(check.problems)
    texts = {k: check.text(table, k, label, required=True) for k in TEXT_FIELDS[kind]}
    common = _Common(
        id=note_id,
        concept=concept,
        tags=tags,
        source=source or Source(0, ""),
        extension=extension,
        html=html,
        extra=extra,
    )
    note: Note
    if kind is Kind.BASIC:
        note = BasicNote(**common, front=texts["front"], back=texts["back"])
    elif kind is Kind.REVERSED:
        note = ReversedNote(**common, front=texts["front"], back=texts["back"])
    elif kind is Kind.CLOZE:
        if texts["text"]:
            for message in cloze_problems(texts["text"]):
                check.add(label, "text", message)
        note = ClozeNote(**common, text=texts["text"])
    elif kind is Kind.TYPED:
        accept = check.strings(table, "accept", label)
        note = TypedNote(**common, prompt=texts["prompt"], answer=texts["answer"], accept=accept)
    else:
        note = ChoiceNote(
            **common,
            question=texts["question"],
            options=_options(table, label, check),
            scenario=check.flag(table, "scenario", label),
        )
    if source is None or len(check.problems) > before:
        return None
    return note


def _source(
    table: Mapping[str, Any],
    label: str,
    essay: Essay | None,
    summaries: Mapping[int, str],
    check: _Checker,
) -> Source | None:
    raw = table.get("source")
    if raw is None:
        check.add(label, "source", "missing field")
        return None
    if not isinstance(raw, dict):
        check.add(label, "source", 'must be a table { paragraph = N, anchor = "..." }')
        return None
    check.unknown_keys(raw, {"paragraph", "anchor"}, label)
    paragraph = raw.get("paragraph")
    anchor = check.text(raw, "anchor", label, required=True)
    if not isinstance(paragraph, int) or isinstance(paragraph, bool) or paragraph < 1:
        check.add(label, "source.paragraph", "must be a paragraph number from 1")
        return None
    if essay is not None:
        if paragraph > len(essay.paragraphs):
            check.add(
                label, "source.paragraph", f"the essay has only {len(essay.paragraphs)} paragraphs"
            )
            return None
        if anchor and anchor not in essay.paragraph(paragraph):
            check.add(
                label, "source.anchor", f"{anchor!r} is not in paragraph {paragraph} of the essay"
            )
            return None
    if paragraph not in summaries:
        check.add(
            label,
            "source.paragraph",
            f"the deck has no summary of paragraph {paragraph} ([paragraphs] table)",
        )
    if not anchor:
        return None
    return Source(paragraph, sys.intern(anchor))


def _options(table: Mapping[str, Any], label: str, check: _Checker) -> tuple[Option, ...]:
    options: list[Option] = []
    answer = table.get("answer")
    if answer is None:
        check.add(label, "answer", "missing field")
    elif not isinstance(answer, dict):
        check.add(label, "answer", 'must be a table { text = "...", why = "..." }')
    else:
        options.append(_option(answer, "answer", label, check, correct=True))
    distractors = table.get("distractors")
    if distractors is None:
        check.add(label, "distractors", "missing field")
    elif not isinstance(distractors, list) or not all(isinstance(d, dict) for d in distractors):
        check.add(label, "distractors", 'must be a list of { text = "...", why = "..." } tables')
    else:
        if len(distractors) < MIN_DISTRACTORS:
            check.add(
                label,
                "distractors",
                f"has {len(distractors)}; a choice needs at least {MIN_DISTRACTORS}",
            )
        for i, d in enumerate(distractors, start=1):
            options.append(_option(d, f"distractors[{i}]", label, check, correct=False))
    texts = [o.text.strip().casefold() for o in options if o.text]
    if len(set(texts)) != len(texts):
        check.add(label, "distractors", "two options have the same text")
    return tuple(options)


def _option(
    raw: Mapping[str, Any], where: str, label: str, check: _Checker, *, correct: bool
) -> Option:
    for key in sorted(set(raw) - {"text", "why"}):
        check.add(label, f"{where}.{key}", "unknown key (expected text and why)")
    text = check.text(raw, "text", label, required=False)
    why = check.text(raw, "why", label, required=False)
    if "text" not in raw:
        check.add(label, f"{where}.text", "missing field")
    if "why" not in raw:
        check.add(label, f"{where}.why", "missing rationale")
    return Option(text=text, why=why, correct=correct)


def discover(paths: Iterable[Path]) -> list[Path]:
    """Deck files named by ``paths``: files as they are, folders expanded to ``*.toml``."""
    found: list[Path] = []
    for p in map(Path, paths):
        if p.is_dir():
            found.extend(sorted(p.glob("*.toml")))
        else:
            found.append(p)
    return found


def load_decks(paths: Iterable[Path]) -> DeckSet:
    """Load every deck named by ``paths`` (files or folders); bad files never stop good ones."""
    decks: list[Deck] = []
    errors: list[DeckError] = []
    essays: dict[Path, Essay] = {}
    ids: dict[str, Path] = {}
    for path in discover(paths):
        try:
            deck = load_deck(path, essays=essays)
        except DeckError as exc:
            errors.append(exc)
            continue
        if deck.id in ids:
            problem = Problem(
                str(path), "deck", "id", f"deck id '{deck.id}' is used by {ids[deck.id]} too"
            )
            errors.append(DeckError(path, [problem]))
            continue
        ids[deck.id] = path
        decks.append(deck)
    return DeckSet(tuple(decks), tuple(errors))
