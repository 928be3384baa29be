"""Load deck files (TOML) into validated, immutable :class:`Deck` values.

Every problem in a file is collected and reported at once, each naming the file, the note
(its id, or ``#N`` for the N-th note when it has none) and the field. A broken deck never
stops the other decks from loading: :func:`load_decks` returns the good decks beside the
errors of the bad ones.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from types import MappingProxyType
from typing import Any, Literal, NamedTuple

from rapport.content.loading import files, lookalikes, tomltext
from rapport.content.notes.kinds import CommonFields, KindRules, find_rules, registered
from rapport.content.notes.model import (
    Change,
    Deck,
    Essay,
    Note,
    Source,
    _lower_first,
)
from rapport.errors import RapportError
from rapport.paths import resources_dir

SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
TAG = re.compile(r"^[A-Za-z0-9_-]+(?:::[A-Za-z0-9_-]+)*$")

DECK_KEYS = {
    "format",
    "id",
    "name",
    "description",
    "version",
    "changelog",
    "source_label",
    "essay",
    "sources",
    "paragraphs",
    "summaries",
    "notes",
}
COMMON_KEYS = {"id", "kind", "concept", "tags", "source", "extension", "html", "extra", "allow"}


class Problem(NamedTuple):
    """One thing wrong with a deck file, at a line of it (0: the file as a whole)."""

    file: str
    note: str
    field: str
    message: str
    line: int = 0

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        return f"{where}: {self.note}: {self.field}: {self.message}"


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

    __slots__ = ("file", "problems", "layout", "table")

    def __init__(
        self,
        file: str,
        problems: list[Problem] | None = None,
        layout: tomltext.Layout | None = None,
    ) -> None:
        self.file = file
        self.problems: list[Problem] = [] if problems is None else problems
        self.layout = layout
        self.table: tomltext.Table = ("", 0)  # where the checking is, for line numbers

    def add(self, note: str, field_name: str, message: str, line: int | None = None) -> None:
        if line is None:
            line = self.line(field_name)
        self.problems.append(Problem(self.file, note, field_name, message, line))

    def line(self, field_name: str) -> int:
        """The line of ``field_name`` in the table being checked (0 if unknown)."""
        if self.layout is None:
            return 0
        first = field_name.split(".")[0].split("[")[0]
        if self.table == ("", 0) and (first, 0) in self.layout.tables:
            rest = field_name.partition(".")[2]
            return self.layout.line((first, 0), rest or None)
        if self.table[0] in ("sources", "summaries", "changelog"):
            first = field_name.rpartition(".")[2]
        return self.layout.line(self.table, first)

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


_GARBLED = (
    "the essay file is garbled in places (a paraphraser reworded it); "
    "the summary above says what it means"
)
SUPPORTED_FORMATS = (1, 2)


def _foreign(path: Path, data: bytes) -> str | None:
    """What a file that is not a deck file is, and the command that takes it (or None)."""
    suffix = path.suffix.lower()
    if data.startswith(b"PK\x03\x04") or suffix in {".apkg", ".colpkg"}:
        return (
            "this is an Anki package (a zip file), not a Rapport deck file: "
            f"import it with `rapport import {path}`"
        )
    if suffix in {".csv", ".tsv"}:
        return (
            "this is a spreadsheet (CSV) file, not a Rapport deck file: "
            f"import it with `rapport import {path}`"
        )
    return None


def _find_essay(name: str, deck_path: Path) -> Path:
    """Beside the deck, else shipped; never elsewhere (raises files.FileRefused)."""
    return files.source_path(name, deck_path)


def _read_essay(path: Path, cache: dict[Path, Essay], id: str, label: str, caveat: str) -> Essay:
    essay = cache.get(path)
    if essay is None:
        data = files.read_limited(path, files.MAX_SOURCE_BYTES, "source text")
        essay = Essay.from_text(path, data.decode("utf-8"))
        cache[path] = essay
    return essay._replace(id=id, label=label, caveat=caveat)


def load_deck(path: Path, *, essays: dict[Path, Essay] | None = None) -> Deck:
    """Load and validate one deck file; raise :class:`DeckError` listing every problem."""
    path = Path(path)
    try:
        data_bytes = files.read_limited(path, files.MAX_DECK_BYTES, "deck file")
    except OSError as exc:
        raise DeckError(
            path, [Problem(str(path), "-", "-", f"cannot read: {exc.strerror or exc}")]
        ) from exc
    foreign = _foreign(path, data_bytes)
    if foreign:
        raise DeckError(path, [Problem(str(path), "-", "-", foreign)])
    try:
        raw = data_bytes.decode("utf-8").removeprefix("\ufeff")
    except UnicodeDecodeError as exc:
        raise DeckError(
            path,
            [Problem(str(path), "-", "-", f"not UTF-8 text ({exc.reason} at byte {exc.start})")],
        ) from exc
    if "\n" not in raw and "\r" in raw:
        raw = raw.replace("\r", "\n")
    try:
        data, syntax = tomltext.parse(raw)
    except RecursionError as exc:
        message = "arrays or tables nested too deeply to read"
        raise DeckError(path, [Problem(str(path), "-", "-", message)]) from exc
    check = _Checker(str(path), layout=tomltext.layout(raw))
    for note_label, field_name, message, table in files.structure_problems(data, data_bytes):
        check.table = table  # for the problem's line number
        check.add(note_label, field_name, message)
    check.table = ("", 0)
    for error in syntax:
        check.add("-", "-", f"TOML syntax error: {error.message}", line=error.line)
    return _deck(path, data, check, essays if essays is not None else {}, bool(syntax))


def _deck(
    path: Path, data: dict[str, Any], check: _Checker, essays: dict[Path, Essay], broken: bool
) -> Deck:
    deck_id = check.text(data, "id", "deck", required=not broken)
    if deck_id and not SLUG.match(deck_id):
        check.add("deck", "id", "must be a slug of a-z, 0-9 and '-'" + lookalikes.hint(deck_id))
    name = check.text(data, "name", "deck", required=not broken)
    description = check.text(data, "description", "deck", required=False)
    source_label = check.text(data, "source_label", "deck", required=False)
    check.unknown_keys(data, DECK_KEYS, "deck")
    form = data.get("format", 1)
    if form not in SUPPORTED_FORMATS or isinstance(form, bool):
        check.add(
            "deck",
            "format",
            f"this Rapport reads deck formats 1 and 2, not {form!r}: update Rapport, "
            "or ask for the deck in format 2",
        )
    version = _version(data, check)
    changelog = _changelog(data, version, check)

    sources, sources_ok = _sources(data, path, essays, check, broken)
    summaries = _summaries(data, sources, check) if sources_ok else {}

    raw_notes = data.get("notes", [])
    notes: list[Note] = []
    if not isinstance(raw_notes, list) or not all(isinstance(n, dict) for n in raw_notes):
        check.add("deck", "notes", "must be a list of [[notes]] tables")
        raw_notes = []
    elif len(raw_notes) > files.MAX_NOTES:
        raw_notes = []  # too many to check (files.structure_problems says so)
    seen: dict[str, int] = {}
    context = _Context(sources, sources_ok, summaries, bool(summaries))
    for index, table in enumerate(raw_notes, start=1):
        check.table = ("notes", index - 1)
        if table.get(tomltext.UNREADABLE):
            continue
        note = _note(table, index, context, check)
        if note is None:
            continue
        if note.id in seen:
            check.add(note.id, "id", f"duplicate note id (note #{seen[note.id]} has it too)")
            continue
        seen[note.id] = index
        notes.append(note)
    check.table = ("", 0)

    if check.problems or not sources_ok:
        raise DeckError(path, check.problems)
    return Deck(
        id=deck_id,
        name=name,
        description=description,
        path=path,
        sources=tuple(sources),
        summaries=MappingProxyType(summaries),
        notes=tuple(notes),
        source_label=source_label,
        version=version,
        changelog=changelog,
    )


def check_note_table(
    table: dict[str, Any], deck: Deck, *, replacing: str | None = None
) -> tuple[Note | None, list[Problem]]:
    """Check one ``[[notes]]`` table as if it were in ``deck`` (the note editor and the
    spreadsheet import use this): the note, or None and every problem found."""
    check = _Checker(str(deck.path))
    context = _Context(list(deck.sources), True, deck.summaries, bool(deck.summaries))
    label = str(table.get("id") or f"#{len(deck.notes) + 1}")
    for key, value in table.items():  # as the file's own check would refuse them
        for text in _strings(value):
            message = files.control_message(text)
            if message is not None:
                check.add(label, str(key), message)
                break
    note = _note(table, len(deck.notes) + 1, context, check)
    if note is not None and note.id != replacing and deck.note(note.id) is not None:
        check.add(note.id, "id", "another note of this deck has this id")
        note = None
    return (note if not check.problems else None), check.problems


def _strings(value: Any) -> Iterator[str]:
    """Every string in a note table's value (nested lists and tables included)."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _strings(key)
            yield from _strings(item)
    elif isinstance(value, list | tuple):
        for item in value:
            yield from _strings(item)


class _Context(NamedTuple):
    """What notes are checked against: the deck's source texts and summaries."""

    sources: list[Essay]
    sources_ok: bool  # False: a source text could not be read (anchors are not checked)
    summaries: Mapping[tuple[str, int], str]
    summarised: bool  # the deck summarises paragraphs, so every cited one needs a summary


def _version(data: Mapping[str, Any], check: _Checker) -> int:
    version = data.get("version", 0)
    if "version" in data and (
        not isinstance(version, int) or isinstance(version, bool) or version < 1
    ):
        check.add("deck", "version", "must be a whole number from 1 (raise it at each revision)")
        return 0
    return int(version)


def _changelog(data: Mapping[str, Any], version: int, check: _Checker) -> tuple[Change, ...]:
    raw = data.get("changelog", [])
    if not isinstance(raw, list) or not all(isinstance(e, dict) for e in raw):
        check.add("deck", "changelog", "must be a list of [[changelog]] tables")
        return ()
    entries: list[Change] = []
    for i, entry in enumerate(raw):
        check.table = ("changelog", i)
        where = f"changelog[{i + 1}]"
        for key in sorted(set(entry) - {"version", "date", "changes"}):
            check.add("deck", f"{where}.{key}", "unknown key (expected version, date, changes)")
        number = entry.get("version")
        if not isinstance(number, int) or isinstance(number, bool) or number < 1:
            check.add("deck", f"{where}.version", "must be the whole number of a version")
            continue
        if version and number > version:
            check.add("deck", f"{where}.version", f"is above the deck's version = {version}")
        if any(e.version == number for e in entries):
            check.add("deck", f"{where}.version", f"version {number} has two entries")
        date = entry.get("date", "")
        if not isinstance(date, str):
            date = str(date)  # a TOML date is fine
        changes = entry.get("changes")
        if isinstance(changes, str) and changes.strip():
            text = changes.strip()
        elif isinstance(changes, list) and changes and all(isinstance(c, str) for c in changes):
            text = "\n".join(f"- {c.strip()}" for c in changes)
        else:
            check.add("deck", f"{where}.changes", "must be text, or a list of text")
            continue
        entries.append(Change(number, date, text))
    check.table = ("", 0)
    if entries and not version:
        check.add("deck", "version", "a deck with a changelog states its version = N")
    return tuple(sorted(entries, key=lambda e: -e.version))


def _sources(
    data: Mapping[str, Any],
    path: Path,
    essays: dict[Path, Essay],
    check: _Checker,
    broken: bool,
) -> tuple[list[Essay], bool]:
    """The deck's source texts (v1 ``essay``, or format 2 ``[[sources]]``), and whether
    every one could be read."""
    found: list[Essay] = []
    ok = True
    if "essay" in data and "sources" in data:
        check.add("deck", "essay", "give either essay or [[sources]], not both")
    if "essay" in data:
        name = check.text(data, "essay", "deck", required=True)
        if not name:
            return [], False
        essay_path = Path(name)
        try:
            essay_path = _find_essay(name, path)
            shipped = _resolved_parent(essay_path) == _resolved(resources_dir())
            caveat = _GARBLED if shipped else ""
            found.append(_read_essay(essay_path, essays, "essay", "The essay", caveat))
        except (OSError, UnicodeDecodeError) as exc:
            check.add("deck", "essay", _unreadable_source(essay_path, path, exc))
            ok = False
        return found, ok
    raw = data.get("sources", [])
    if not isinstance(raw, list) or not all(isinstance(s, dict) for s in raw):
        check.add("deck", "sources", 'must be a list of [[sources]] tables (file = "...")')
        return [], False
    for i, table in enumerate(raw):
        check.table = ("sources", i)
        where = f"sources[{i + 1}]"
        for key in sorted(set(table) - {"id", "file", "label", "caveat"}):
            hint = _closest(key, {"id", "file", "label", "caveat"})
            check.add(
                "deck",
                f"{where}.{key}",
                "unknown key" + (f" (did you mean '{hint}'?)" if hint else ""),
            )
        name = check.text(table, "file", "deck", required=True)
        if not name:
            ok = False
            continue
        text_id = check.text(table, "id", "deck", required=False) or Path(name).stem
        if not SLUG.match(text_id):
            check.add("deck", f"{where}.id", "must be a slug of a-z, 0-9 and '-'")
        if any(s.id == text_id for s in found):
            check.add("deck", f"{where}.id", f"two sources have the id '{text_id}'")
        default = "The source text" if len(raw) == 1 else Path(name).stem
        label = check.text(table, "label", "deck", required=False) or default
        caveat = check.text(table, "caveat", "deck", required=False)
        source_path = Path(name)
        try:
            source_path = _find_essay(name, path)
            found.append(_read_essay(source_path, essays, text_id, label, caveat))
        except (OSError, UnicodeDecodeError) as exc:
            check.add("deck", f"{where}.file", _unreadable_source(source_path, path, exc))
            ok = False
    check.table = ("", 0)
    return found, ok


def _unreadable_source(source: Path, deck: Path, exc: Exception) -> str:
    if isinstance(exc, files.FileRefused):
        return f"refused: {exc}"
    if isinstance(exc, FileNotFoundError):
        return (
            f"the source text {source.name} is not in the deck's folder {deck.parent} "
            "(put it beside the deck file)"
        )
    if isinstance(exc, UnicodeDecodeError):
        return f"cannot read source text {source}: not UTF-8 text"
    return f"cannot read source text {source}: {getattr(exc, 'strerror', None) or exc}"


def _resolved(path: Path) -> Path:
    try:
        return path.resolve()
    except OSError:
        return path.absolute()


def _resolved_parent(path: Path) -> Path:
    return _resolved(path.parent)


def _summaries(
    data: Mapping[str, Any], sources: list[Essay], check: _Checker
) -> dict[tuple[str, int], str]:
    summaries: dict[tuple[str, int], str] = {}
    if "paragraphs" in data:
        _numbered_summaries(data["paragraphs"], sources, check, summaries)
    raw = data.get("summaries", [])
    if not isinstance(raw, list) or not all(isinstance(s, dict) for s in raw):
        check.add("deck", "summaries", "must be a list of [[summaries]] tables (anchor, text)")
        return summaries
    if raw and not sources:
        check.add("deck", "summaries", "the deck cites no source text to summarise")
        return summaries
    for i, table in enumerate(raw):
        check.table = ("summaries", i)
        where = f"summaries[{i + 1}]"
        for key in sorted(set(table) - {"anchor", "text", "from", "paragraph"}):
            check.add("deck", f"{where}.{key}", "unknown key (expected anchor, text, from)")
        text = check.text(table, "text", "deck", required=True)
        place = _place(table, "deck", where, sources, check)
        if place is None or not text:
            continue
        if place in summaries:
            check.add(
                "deck", where, f"paragraph {place[1]} already has a summary (one per paragraph)"
            )
            continue
        summaries[place] = text
    check.table = ("", 0)
    return summaries


def _numbered_summaries(
    raw: object,
    sources: list[Essay],
    check: _Checker,
    summaries: dict[tuple[str, int], str],
) -> None:
    """Format 1's ``[paragraphs]`` table: paragraph number = summary, of the one source."""
    if not isinstance(raw, dict):
        check.add("deck", "paragraphs", "must be a table of paragraph number = summary")
        return
    if len(sources) > 1:
        check.add(
            "deck", "paragraphs", "with several sources, use [[summaries]] with an anchor each"
        )
        return
    essay = sources[0] if sources else None
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
        summaries[(essay.id if essay else "essay", int(key))] = value


def _place(
    raw: Mapping[str, Any], label: str, where: str, sources: list[Essay], check: _Checker
) -> tuple[str, int] | None:
    """The (source id, paragraph) a verbatim ``anchor`` points at, the paragraph found in
    the text (a stated ``paragraph`` is checked); None, with a problem, if it cannot be."""
    anchor = check.text(raw, "anchor", label, required=False)
    if "anchor" not in raw:
        check.add(label, f"{where}.anchor", "missing field")
    paragraph = raw.get("paragraph")
    if paragraph is not None and (
        not isinstance(paragraph, int) or isinstance(paragraph, bool) or paragraph < 1
    ):
        check.add(label, f"{where}.paragraph", "must be a paragraph number from 1")
        return None
    wanted = raw.get("from")
    texts = sources
    if wanted is not None:
        texts = [s for s in sources if s.id == wanted]
        if not texts:
            ids = ", ".join(s.id for s in sources) or "none"
            check.add(label, f"{where}.from", f"no source has the id {wanted!r} (the ids: {ids})")
            return None
    if not anchor or not texts:
        return None
    name = _lower_first(texts[0].label) if len(texts) == 1 else "the deck's sources"
    if paragraph is not None:
        inside = [s for s in texts if paragraph <= len(s.paragraphs)]
        if not inside:
            check.add(
                label,
                f"{where}.paragraph",
                f"{name} has only {max(len(s.paragraphs) for s in texts)} paragraphs",
            )
            return None
        for text in inside:
            if anchor in text.paragraph(paragraph):
                return (text.id, paragraph)
    found = [(s.id, n) for s in texts for n, p in enumerate(s.paragraphs, 1) if anchor in p]
    if paragraph is not None:
        check.add(
            label,
            f"{where}.anchor",
            f"{anchor!r} is not in paragraph {paragraph} of {name}"
            + _elsewhere(anchor, found, texts, stated=True),
        )
        return None
    if len(found) == 1:
        return found[0]
    if found:
        numbers = _numbers([n for _, n in found])
        check.add(
            label,
            f"{where}.anchor",
            f"{anchor!r} is in paragraphs {numbers} of {name}: "
            "make the anchor longer, or add paragraph = N",
        )
        return None
    check.add(
        label,
        f"{where}.anchor",
        f"{anchor!r} is not in {name}" + _elsewhere(anchor, [], texts, stated=False),
    )
    return None


def _numbers(numbers: list[int]) -> str:
    words = [str(n) for n in numbers]
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1]


def _elsewhere(
    anchor: str, found: list[tuple[str, int]], texts: list[Essay], *, stated: bool
) -> str:
    """Where an anchor that is not where it was looked for is, in words."""
    if found:
        numbers = [n for _, n in found]
        plural = "s" * (len(numbers) != 1)
        return f" (it is in paragraph{plural} {_numbers(numbers)})"
    loose = _loose(anchor)
    near = [n for s in texts for n, p in enumerate(s.paragraphs, 1) if loose in _loose(p)]
    odd = lookalikes.found_in(anchor)
    if near:
        plural = "s" * (len(near) != 1)
        has = "; the anchor has " + "; ".join(odd) if odd else ""
        return (
            f" (paragraph{plural} {_numbers(near)} has it with other quotes, dashes or "
            f"spaces{has}: copy it from the text file as it is)"
        )
    if odd:
        return " (the anchor has " + "; ".join(odd) + ")"
    return " (nor anywhere else in it)" if stated and len(texts) == 1 else ""


def _loose(text: str) -> str:
    return " ".join(lookalikes.plain(text).split())


def _note(table: dict[str, Any], index: int, context: _Context, check: _Checker) -> Note | None:
    label = f"#{index}"
    raw_id = table.get("id")
    if isinstance(raw_id, str) and raw_id.strip():
        label = raw_id
    note_id = check.text(table, "id", label, required=True)
    if note_id and not SLUG.match(note_id):
        check.add(label, "id", "must be a slug of a-z, 0-9 and '-'" + lookalikes.hint(note_id))

    rules: KindRules[Any] | None = None
    raw_kind = check.text(table, "kind", label, required=True)
    if raw_kind:
        rules = find_rules(raw_kind)
        if rules is None:
            kinds = ", ".join(registered())
            check.add(
                label,
                "kind",
                f"unknown kind '{raw_kind}' (expected one of {kinds})" + lookalikes.hint(raw_kind),
            )

    # Concepts, tags and anchors repeat across notes: one shared string each keeps big
    # collections (and the deck cache, which pickles shared objects once) smaller.
    concept = sys.intern(check.text(table, "concept", label, required=True))
    if concept and not SLUG.match(concept):
        check.add(label, "concept", "must be a slug of a-z, 0-9 and '-'" + lookalikes.hint(concept))
    tags = tuple(map(sys.intern, check.strings(table, "tags", label)))
    for tag in tags:
        if not TAG.match(tag):
            check.add(
                label, "tags", f"tag '{tag}' may hold only letters, digits, '-', '_' and '::'"
            )
    extension = check.flag(table, "extension", label)
    source = _source(table, label, context, check, extension=extension)
    html = check.flag(table, "html", label)
    extra = check.text(table, "extra", label, required=False)
    if "allow" in table:
        # Only `rapport check` reads it (rapport.content.checks.itemcheck); the note keeps nothing.
        # The checks' names are imported here: a deck-cache hit at start-up never needs them.
        from rapport.content.notes.checknames import allow_problems

        for message in allow_problems(table["allow"]):
            check.add(label, "allow", message)

    if rules is None:
        every_key = COMMON_KEYS.union(*(r.keys for r in registered().values()))
        check.unknown_keys(table, every_key, label)
        return None
    check.unknown_keys(table, COMMON_KEYS | rules.keys, label)
    before = len(check.problems)
    common = CommonFields(
        id=note_id,
        concept=concept,
        tags=tags,
        source=source or None,
        extension=extension,
        html=html,
        extra=extra,
    )
    note: Note = rules.read(table, common, label, check)
    if source is False or len(check.problems) > before:
        return None
    return note


def _source(
    table: Mapping[str, Any], label: str, context: _Context, check: _Checker, *, extension: bool
) -> Source | None | Literal[False]:
    """The note's provenance; None for a note citing no source (its deck's own words, or an
    extension beyond the deck's sources); False, with a problem, when it is wrong."""
    raw = table.get("source")
    if raw is None:
        if context.sources and not extension and context.sources_ok:
            check.add(
                label,
                "source",
                "missing field (a note of a deck with source texts cites one; "
                "extension = true marks a note from beyond them)",
            )
            return False
        return None
    if not isinstance(raw, dict):
        check.add(label, "source", 'must be a table { anchor = "..." } (paragraph = N optional)')
        return False
    allowed = {"paragraph", "anchor", "from"}
    for key in sorted(set(raw) - allowed):
        hint = _closest(key, allowed)
        suggestion = f" (did you mean '{hint}'?)" if hint else ""
        check.add(label, f"source.{key}", "unknown key" + suggestion)
    if not context.sources:
        if context.sources_ok:
            check.add(
                label,
                "source",
                "the deck cites no source text: name it in [[sources]], or remove this source",
            )
        return False
    if not context.sources_ok:
        return False
    place = _place(raw, label, "source", context.sources, check)
    if place is None:
        return False
    text_id, paragraph = place
    if context.summarised and place not in context.summaries:
        table_name = "[paragraphs] table" if len(context.sources) == 1 else "[[summaries]]"
        check.add(
            label,
            "source.paragraph",
            f"the deck has no summary of paragraph {paragraph} ({table_name})",
        )
    anchor = raw.get("anchor", "")
    return Source(paragraph, sys.intern(anchor), text_id)


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
    essays: dict[Path, Essay] = {}
    return assemble((path, load_one(path, essays)) for path in discover(paths))


def load_one(path: Path, essays: dict[Path, Essay] | None = None) -> Deck | DeckError:
    """One deck file loaded on its own: the deck, or the error listing its problems."""
    try:
        return load_deck(path, essays=essays)
    except DeckError as exc:
        return exc


def assemble(loaded: Iterable[tuple[Path, Deck | DeckError]]) -> DeckSet:
    """Deck files loaded one by one (:func:`load_one`), as one set: a deck whose id an
    earlier file already has is an error."""
    decks: list[Deck] = []
    errors: list[DeckError] = []
    ids: dict[str, Path] = {}
    for path, deck in loaded:
        if isinstance(deck, DeckError):
            errors.append(deck)
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
