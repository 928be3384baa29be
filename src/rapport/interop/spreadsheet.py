"""Spreadsheets (CSV and TSV) in and out, following Anki's text-import conventions.

A file may start with Anki's header lines: ``#separator:comma`` (or tab, semicolon,
pipe, colon, space, or the character itself), ``#html:true``, ``#tags:a b`` (tags for
every note), ``#columns:`` (the column names), ``#notetype:`` / ``#deck:`` (for every
row) and ``#notetype column:N``, ``#deck column:N``, ``#tags column:N``,
``#guid column:N`` (columns numbered from 1). Columns not given a role are the note's
fields in order, as in Anki: ``front, back`` for basic and reversed notes, ``text`` for
cloze, ``prompt, answer, accept`` for typed (accept separated by ``;``), and
``question, answer, answer why`` then pairs of ``distractor, why`` for choice notes (each
kind module's ``columns``).
Columns named ``id``, ``kind``, ``deck``, ``concept``, ``source``, ``extension``,
``extra``, ``tags`` or a field name take that role; ``--map ROLE=COLUMN`` sets one.

:func:`read_sheet` turns a file into deck tables, checking every row with the loader's
own rules and naming each bad row by its line; :func:`sheet_text` writes decks back in
the layout :func:`read_sheet` reads, with a note id column, so that a deck kept in a
spreadsheet round-trips with stable ids (the rows come back byte for byte).
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import re
import tempfile
import tomllib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any

import tomlkit

from rapport.content.editing.deckfile import (
    DeckFile,
    _fill,
    deck_text,
    readable_id,
    slugify,
    write_text,
)
from rapport.content.editing.revision import deck_changes
from rapport.content.loading.loader import SLUG, DeckError, check_note_table, load_deck
from rapport.content.notes.kinds import KindTable, registered, rules_for, rules_of
from rapport.content.notes.model import Deck, Essay, Kind, Note
from rapport.errors import RapportError


def field_names(kind: str) -> tuple[str, ...]:
    """A kind's own fields in spreadsheet order (the kind module's text columns)."""
    return tuple(key for key, _label, _multi in rules_for(kind).columns)


FIELDS: Mapping[str, tuple[str, ...]] = KindTable(
    lambda rules: tuple(key for key, _label, _multi in rules.columns)
)
SHEET_SUFFIXES = (".csv", ".tsv", ".txt", ".tab")
ROLES = (
    "id",
    "kind",
    "deck",
    "concept",
    "source",
    "extension",
    "extra",
    "tags",
    "scenario",
    "allow",
)
# Rapport's own header line (Anki ignores a ``#key:`` it does not know): one per deck,
# the deck's own keys (id, name, description, source_label, version, changelog, sources,
# summaries...) as one line of JSON, so that a deck comes back as the same deck.
DECK_LINE = "rapport-deck"
HEADER_CHOICES = ("auto", "yes", "no")
_ROLE_NAMES = {"guid": "id", "notetype": "kind", "note type": "kind", "type": "kind"}
SEPARATORS = {
    "comma": ",",
    "semicolon": ";",
    "tab": "\t",
    "space": " ",
    "pipe": "|",
    "colon": ":",
}
# Anki's own note type names, lower case, for Rapport's kinds.
_ANKI_NOTETYPES: Mapping[str, str] = MappingProxyType(
    {"basic (and reversed card)": Kind.REVERSED, "basic (type in the answer)": Kind.TYPED}
)


def notetype_kind(name: str) -> str | None:
    """The kind a note type name (any case) means: a kind's own name, its Anki note type's
    name ("Rapport Cloze"), or one of Anki's ("Basic (type in the answer)")."""
    wanted = name.strip().lower()
    for kind, rules in registered().items():
        if wanted in (kind, rules.anki.name.lower(), f"rapport {kind}"):
            return kind
    return _ANKI_NOTETYPES.get(wanted)


_MARKUP = re.compile(r"</?[A-Za-z][^>]*>")
# Limits checked while reading (a spreadsheet is refused as soon as it passes one); the
# note limit is a deck file's own (rapport.content.loading.files).
MAX_SHEET_BYTES = 16 * 1024 * 1024
MAX_SHEET_ROWS = 50_000
MAX_SHEET_COLUMNS = 64
# A cell a spreadsheet program would run as a formula (OWASP "CSV injection"): written
# with a leading apostrophe, which the import removes again.
_FORMULA = re.compile(r"'*[=+\-@\t\r]")
_GUARDED = re.compile(r"'+[=+\-@\t\r]")


class SheetError(RapportError):
    """A spreadsheet that cannot be read at all (not a file of rows)."""


def guard_formula(cell: str) -> str:
    """``cell`` as exported: one that a spreadsheet would run as a formula (it starts with
    ``= + - @``, a tab or a carriage return, after any apostrophes) gets a leading ``'``."""
    return "'" + cell if _FORMULA.match(cell) else cell


def unguard_formula(cell: str) -> str:
    """A cell as imported: the apostrophe :func:`guard_formula` put there is removed."""
    return cell[1:] if _GUARDED.match(cell) else cell


def _read_limited(path: Path) -> bytes:
    """The file's bytes, refused before reading more than :data:`MAX_SHEET_BYTES`."""
    try:
        with open(path, "rb") as handle:
            raw = handle.read(MAX_SHEET_BYTES + 1)
    except OSError as exc:
        raise SheetError(f"Cannot read {path}: {exc.strerror or exc}.") from exc
    if len(raw) > MAX_SHEET_BYTES:
        raise SheetError(
            f"{path} is larger than {MAX_SHEET_BYTES // (1024 * 1024)} MiB, the most a "
            "spreadsheet import reads: split it into several files."
        )
    return raw


def _checked_row(path: Path, line: int, row: list[str], count: int) -> list[str]:
    """A row read, with the limits checked as it comes (``count``: rows so far)."""
    if count > MAX_SHEET_ROWS:
        raise SheetError(
            f"{path} has more than {MAX_SHEET_ROWS} rows, the most a deck holds: split it "
            "into several files."
        )
    if len(row) > MAX_SHEET_COLUMNS:
        raise SheetError(
            f"{path}:{line}: has {len(row)} columns, more than the {MAX_SHEET_COLUMNS} a "
            "spreadsheet import reads."
        )
    return [unguard_formula(cell) for cell in row]


class _Ids:
    """Unique note ids per deck, made in linear time (``unique_id`` rescans from 2)."""

    def __init__(self) -> None:
        self.taken: dict[str, set[str]] = {}
        self.next: dict[tuple[str, str], int] = {}

    def make(self, deck_id: str, base: str) -> str:
        taken = self.taken.setdefault(deck_id, set())
        candidate, n = base, self.next.get((deck_id, base), 2)
        while candidate in taken:
            candidate, n = f"{base}-{n}", n + 1
        self.next[(deck_id, base)] = n
        return candidate

    def add(self, deck_id: str, note_id: str) -> None:
        self.taken.setdefault(deck_id, set()).add(note_id)


@dataclass
class SheetDeck:
    """The notes of one deck read from a spreadsheet, with each note's line."""

    name: str
    id: str
    notes: list[dict[str, Any]] = field(default_factory=list)
    lines: list[int] = field(default_factory=list)
    meta: dict[str, Any] = field(default_factory=dict)  # its #rapport-deck keys, if any


@dataclass
class Sheet:
    """What a spreadsheet holds: its decks, its problems (one line each, by row) and how
    its columns were read."""

    path: Path
    separator: str
    html: bool
    columns: list[str]  # the role of each column, in order
    decks: list[SheetDeck]
    problems: list[str]
    rows: int

    def preview(self, count: int = 5) -> list[str]:
        """The columns' roles and the first ``count`` notes as they will be written."""
        sep = {v: k for k, v in SEPARATORS.items()}.get(self.separator, repr(self.separator))
        lines = [
            f"separator: {sep}; columns: "
            + ", ".join(f"{i + 1}={role}" for i, role in enumerate(self.columns))
        ]
        shown = 0
        for deck in self.decks:
            lines.append(f"deck '{deck.name}' (id {deck.id}): {len(deck.notes)} notes")
            for note, line in zip(deck.notes, deck.lines, strict=True):
                if shown >= count:
                    break
                values = "; ".join(
                    f"{k} = {v!r}" for k, v in note.items() if k not in ("id", "kind")
                )
                lines.append(f"  line {line}: {note['kind']} '{note['id']}': {values}")
                shown += 1
        return lines


def _separator(value: str) -> str:
    value = value.strip()
    return SEPARATORS.get(value.lower(), value[:1] or ",")


def _column(value: str, names: list[str], where: str, problems: list[str]) -> int | None:
    """A column given by its number (from 1) or its name; None (and a problem) if neither."""
    value = value.strip()
    if value.isdigit() and int(value) > MAX_SHEET_COLUMNS:
        problems.append(
            f"{where}: no column {value} (a spreadsheet has {MAX_SHEET_COLUMNS} at most)"
        )
        return None
    if value.isdigit() and int(value) >= 1:
        return int(value) - 1
    lowered = [n.lower() for n in names]
    if value.lower() in lowered:
        return lowered.index(value.lower())
    problems.append(f"{where}: no column {value!r} (give its number from 1, or its name)")
    return None


def read_sheet(
    path: Path,
    *,
    kind: str | None = None,
    mapping: Mapping[str, str] | None = None,
    deck_name: str | None = None,
    deck_id: str | None = None,
    existing: Iterable[Deck] = (),
    sources: Sequence[Essay] = (),
    header_row: str = "auto",
) -> Sheet:
    """Read a CSV/TSV file into deck tables, checking every row (see the module doc).

    ``mapping`` maps a role or field name to a column (its number from 1, or its name);
    ``existing`` decks are matched by name so that a re-import keeps a deck's id.
    ``header_row``: whether the first row names the columns (``yes``, ``no``, or ``auto``:
    when there is no ``#columns`` line and every cell of the first row is a column name
    Rapport knows, such as ``Front,Back,Tags``).
    """
    path = Path(path)
    raw = _read_limited(path)
    try:
        text = raw.decode("utf-8").removeprefix("\ufeff")
    except UnicodeDecodeError as exc:
        raise SheetError(
            f"{path} is not UTF-8 text (at byte {exc.start}): save the spreadsheet as "
            "'CSV UTF-8' and import it again."
        ) from exc
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    lines = text.split("\n")
    header, metas, skip = _header_lines(lines)
    problems: list[str] = []
    where = str(path)
    if "separator" in header:
        sep = _separator(header["separator"])
    elif path.suffix.lower() in (".tsv", ".tab"):
        sep = "\t"
    else:
        sample = next((line for line in lines[skip:] if line.strip()), "")
        sep = max(("\t", ",", ";", "|"), key=sample.count) if sample else ","
    html = header.get("html", "false").lower() in ("true", "yes", "1")
    rows: list[tuple[int, list[str]]] = []
    reader = csv.reader(io.StringIO("\n".join(lines[skip:])), delimiter=sep, strict=True)
    previous = 0
    try:
        for row in reader:
            start = skip + previous + 1
            previous = reader.line_num
            if any(cell.strip() for cell in row):
                rows.append((start, _checked_row(path, start, row, len(rows) + 1)))
    except csv.Error as exc:
        problems.append(f"{where}:{skip + reader.line_num}: cannot read this row ({exc})")

    names = header["columns"].split(sep) if "columns" in header else []
    names = [n.strip() for n in names]
    if header_row not in HEADER_CHOICES:
        problems.append(f"header: {header_row!r} is not one of {', '.join(HEADER_CHOICES)}")
    elif rows and (header_row == "yes" or (header_row == "auto" and _is_header(rows[0][1]))):
        if not names:
            names = [cell.strip() for cell in rows[0][1]]
        rows = rows[1:]
    width = max([len(names), *(len(r) for _, r in rows)], default=0)
    roles: list[str] = [""] * width
    for i, name in enumerate(names):
        lowered = _ROLE_NAMES.get(name.lower(), name.lower())
        roles[i] = lowered if lowered in ROLES or _is_field(lowered) else ""
    for key, role in (
        ("guid column", "id"),
        ("notetype column", "kind"),
        ("deck column", "deck"),
        ("tags column", "tags"),
    ):
        if key in header:
            col = _column(header[key], names, f"{where}: #{key}", problems)
            if col is not None and col < width:
                roles[col] = role
    for role, value in (mapping or {}).items():
        col = _column(value, names, f"--map {role}={value}", problems)
        role = _ROLE_NAMES.get(role.lower(), role.lower())
        if not (role in ROLES or _is_field(role)):
            problems.append(
                f"--map {role}={value}: unknown role (use one of {', '.join(ROLES)}, "
                "or a field name such as front, back, text, question)"
            )
        elif col is not None:
            while col >= len(roles):
                roles.append("")
            roles[col] = role
    positional = [i for i, r in enumerate(roles) if not r]
    free = iter(range(1, len(positional) + 1))
    for i in positional:
        roles[i] = f"field {next(free)}"

    default_kind = kind
    if "notetype" in header:
        default_kind = notetype_kind(header["notetype"]) or default_kind
        if notetype_kind(header["notetype"]) is None:
            problems.append(
                f"{where}: #notetype:{header['notetype']} is not a kind Rapport has "
                f"({', '.join(registered())})"
            )
    extra_tags = header.get("tags", "").split()
    fallback_name = deck_name or header.get("deck") or path.stem.replace("_", " ").strip()
    by_name = {d.name: d.id for d in existing}
    decks: dict[str, SheetDeck] = {}
    seen_ids: dict[tuple[str, str], int] = {}
    ids = _Ids()
    for line, row in rows:
        values = {role: row[i] if i < len(row) else "" for i, role in enumerate(roles)}
        if len(row) > len(roles):
            problems.append(f"{where}:{line}: has {len(row)} columns; the others have {len(roles)}")
            continue
        name = (values.get("deck") or "").strip() or fallback_name
        if name not in decks:
            meta = metas.get(name, {})
            new_id = deck_id or str(meta.get("id") or "") or by_name.get(name) or slugify(name)
            decks[name] = SheetDeck(name, new_id, meta=meta)
        deck = decks[name]
        table, row_problems = _note_table(values, default_kind, extra_tags, html, deck.id)
        problems.extend(f"{where}:{line}: {p}" for p in row_problems)
        if table is None or row_problems:
            continue
        if not values.get("id", "").strip():  # an id made from the text: made unique
            table["id"] = ids.make(deck.id, table["id"])
        note_key = (deck.id, table["id"])
        if note_key in seen_ids:
            problems.append(
                f"{where}:{line}: id: '{table['id']}' is the id of the note on line "
                f"{seen_ids[note_key]} too"
            )
            continue
        seen_ids[note_key] = line
        ids.add(deck.id, table["id"])
        skeleton = _skeleton(deck, path, sources)
        _checked, found = check_note_table(table, skeleton)
        if found:
            problems.extend(f"{where}:{line}: {p.field}: {p.message}" for p in found)
            continue
        deck.notes.append(table)
        deck.lines.append(line)
    return Sheet(path, sep, html, roles, list(decks.values()), problems, len(rows))


def deck_tables(deck: Deck) -> tuple[dict[str, Any], dict[str, list[str]]]:
    """A deck's own keys as its file has them (everything but the notes: id, name,
    description, source_label, version, changelog, sources, summaries...) and each note's
    ``allow`` entries. A deck without a readable file gives its id and name."""
    try:
        data: dict[str, Any] = tomllib.loads(deck.path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        data = {}
    meta = {k: v for k, v in data.items() if k != "notes"} or {"id": deck.id}
    meta["id"], meta["name"] = deck.id, deck.name
    allows = {
        str(t["id"]): [str(a) for a in t["allow"]]
        for t in data.get("notes", [])
        if isinstance(t, dict) and isinstance(t.get("allow"), list) and "id" in t
    }
    return meta, allows


def _header_lines(lines: list[str]) -> tuple[dict[str, str], dict[str, dict[str, Any]], int]:
    """The leading ``#key:value`` lines (Anki's, and Rapport's ``#rapport-deck``): their
    values by key, the decks' own keys by deck name, and how many lines they take.

    As Anki does, a value's trailing separators are dropped (a spreadsheet that saved the
    line as a row of cells adds them); a line a spreadsheet quoted (``"#columns:a,b"``)
    is read as the cells it holds, joined again."""
    header: dict[str, str] = {}
    metas: dict[str, dict[str, Any]] = {}
    skip = 0
    while skip < len(lines) and lines[skip].lstrip('"').startswith("#"):
        line = lines[skip]
        if line.startswith('"'):
            cells = next(csv.reader([line], delimiter=_line_separator(line)), [line])
            line = _line_separator(line).join(cells)
        key, _, value = line[1:].partition(":")
        key = key.strip().lower()
        if key == DECK_LINE:
            try:
                meta = json.loads(value.rstrip(",;\t|"))
            except ValueError:
                meta = None
            if isinstance(meta, dict) and isinstance(meta.get("name"), str):
                metas[meta["name"]] = meta
        elif key in ("tags", "columns", "deck", "notetype"):
            header[key] = value.strip()
        else:
            header[key] = value.strip().rstrip(",;\t|").strip()
        skip += 1
    sep = header.get("separator", "")
    trailing = SEPARATORS.get(sep.lower(), sep[:1]) or ","
    for key in ("tags", "columns", "deck", "notetype"):  # free text: only the separator
        if key in header:
            header[key] = header[key].rstrip(trailing).strip()
    return header, metas, skip


def _line_separator(line: str) -> str:
    return max((",", ";", "\t", "|"), key=line.count)


def _is_header(row: Sequence[str]) -> bool:
    """Whether a first row names columns: every cell a role, a field name or Anki's
    Front/Back/Text/Tags, and at least one that is not a note's likely text."""
    cells = [c.strip().lower() for c in row if c.strip()]
    if not cells:
        return False
    known = {*ROLES, *_ROLE_NAMES, "text", "extra", *(n for ns in FIELDS.values() for n in ns)}
    return all(c in known or c.startswith("field ") for c in cells)


def _skeleton(deck: SheetDeck, path: Path, sources: Sequence[Essay]) -> Deck:
    """The deck a row's note is checked against: with the sources its ``#rapport-deck``
    line names (read as the loader reads them), else with ``sources``."""
    if deck.meta and not sources and any(k in deck.meta for k in ("essay", "sources")):
        cached = _SKELETONS.get(json.dumps(deck.meta, sort_keys=True, default=str))
        if cached is not None:
            return cached
        loaded = _load_meta(deck.meta, path)
        if loaded is not None:
            _SKELETONS[json.dumps(deck.meta, sort_keys=True, default=str)] = loaded
            return loaded
    return Deck(deck.id, deck.name, "", path, tuple(sources), {}, ())


_SKELETONS: dict[str, Deck] = {}


def _load_meta(meta: Mapping[str, Any], path: Path) -> Deck | None:
    """A deck with ``meta``'s keys and no notes, loaded from a temporary file (its source
    texts found in Rapport's resources, or beside the spreadsheet)."""

    with tempfile.TemporaryDirectory(prefix="rapport-sheet-") as folder:
        trial = Path(folder) / "deck.toml"
        for key in ("essay",):
            value = meta.get(key)
            if isinstance(value, str) and (path.parent / value).is_file():
                (Path(folder) / value).write_bytes((path.parent / value).read_bytes())
        for source in meta.get("sources", []) if isinstance(meta.get("sources"), list) else []:
            name = source.get("file") if isinstance(source, dict) else None
            if isinstance(name, str) and (path.parent / name).is_file():
                (Path(folder) / name).write_bytes((path.parent / name).read_bytes())
        try:
            trial.write_text(deck_text(dict(meta), []), encoding="utf-8")
            return load_deck(trial)
        except (DeckError, OSError, ValueError, TypeError):
            return None


def _is_field(role: str) -> bool:
    return role.startswith("field ") or any(role in names for names in FIELDS.values())


def _kind_of(value: str, default: str | None, first: str) -> str | None:
    if value.strip():
        return notetype_kind(value)
    if default is not None:
        return default
    return Kind.CLOZE if "{{c" in first else Kind.BASIC


def _note_table(
    values: Mapping[str, str],
    default_kind: str | None,
    extra_tags: list[str],
    html: bool,
    deck_id: str,
) -> tuple[dict[str, Any] | None, list[str]]:
    """One row's values as a ``[[notes]]`` table, or None and why not."""
    problems: list[str] = []
    columns = [(role, value) for role, value in values.items() if _is_field(role)]
    kind = _kind_of(values.get("kind", ""), default_kind, columns[0][1] if columns else "")
    if kind is None:
        kinds = ", ".join(registered())
        problems.append(f"kind: unknown note type {values.get('kind')!r} (expected {kinds})")
        return None, problems
    names = FIELDS[kind]
    fields: dict[str, str] = {}
    for position, (role, value) in enumerate(columns, start=1):
        if role in names:
            fields[role] = value
        else:  # "field N", or another kind's field name: by position, as in Anki
            n = int(role.split()[1]) if role.startswith("field ") else position
            if n > len(names):
                if value.strip():
                    problems.append(
                        f"{role}: a {kind} note has {len(names)} field"
                        f"{'s' * (len(names) != 1)} ({', '.join(names)}); this row has more"
                    )
                continue
            fields[names[n - 1]] = value
    first = fields.get(names[0], "")
    table: dict[str, Any] = {}
    raw_id = values.get("id", "").strip()
    if raw_id and SLUG.match(raw_id):
        table["id"] = raw_id
    elif raw_id:  # an Anki guid: a stable slug made from it
        table["id"] = "n-" + hashlib.blake2b(raw_id.encode(), digest_size=6).hexdigest()
    else:
        table["id"] = readable_id(_MARKUP.sub(" ", first), set())
    table["kind"] = str(kind)
    tags = [*values.get("tags", "").split(), *extra_tags]
    concept = values.get("concept", "").strip() or (
        slugify(tags[0].replace("::", "-")) if tags else deck_id
    )
    table["concept"] = concept
    if tags:
        table["tags"] = tags
    anchor = values.get("source", "")
    if anchor.strip():
        table["source"] = {"anchor": anchor}
    if values.get("extension", "").strip().lower() in ("true", "yes", "1", "x"):
        table["extension"] = True
    if values.get("scenario", "").strip().lower() in ("true", "yes", "1", "x"):
        table["scenario"] = True
    allow = [line.strip() for line in values.get("allow", "").splitlines() if line.strip()]
    if allow:
        table["allow"] = allow
    if html and any(_MARKUP.search(t) for t in fields.values()):
        table["html"] = True
    table.update(rules_for(kind).from_columns(fields))
    extra = values.get("extra", "")
    if extra.strip():
        table["extra"] = extra
    return table, problems


def _fields_of(note: Note) -> list[str]:
    """The note's own values in column order, without empty trailing ones."""
    values = list(rules_of(note).to_columns(note).values())
    while values and not values[-1]:
        values.pop()
    return values


def sheet_text(decks: Sequence[Deck], *, separator: str = ",") -> str:
    """Decks as a spreadsheet in Anki's text format, in the layout :func:`read_sheet`
    reads: id, kind, deck, the fields, concept, source, extension, extra, tags."""
    notes = [(deck, note) for deck in decks for note in deck.notes]
    width = max([2, *(len(_fields_of(n)) for _, n in notes)])
    names = ["id", "kind", "deck", *(f"field {i}" for i in range(1, width + 1))]
    names += ["concept", "source", "extension", "scenario", "allow", "extra", "tags"]
    out = io.StringIO()
    label = {v: k for k, v in SEPARATORS.items()}.get(separator, separator)
    html = any(n.html for _, n in notes)
    out.write(f"#separator:{label}\n#html:{'true' if html else 'false'}\n")
    out.write(f"#columns:{separator.join(names)}\n")
    out.write(f"#guid column:1\n#notetype column:2\n#deck column:3\n#tags column:{len(names)}\n")
    allows: dict[tuple[str, str], list[str]] = {}
    for deck in decks:
        meta, deck_allows = deck_tables(deck)
        out.write(f"#{DECK_LINE}:{json.dumps(meta, ensure_ascii=False, default=str)}\n")
        allows.update({(deck.id, note_id): v for note_id, v in deck_allows.items()})
    writer = csv.writer(out, delimiter=separator, lineterminator="\n")
    for deck, note in notes:
        fields = _fields_of(note)
        fields += [""] * (width - len(fields))
        source = note.source.anchor if note.source is not None else ""
        writer.writerow(
            guard_formula(cell)
            for cell in [
                note.id,
                str(note.kind),
                deck.name,
                *fields,
                note.concept,
                source,
                "true" if note.extension else "",
                "true" if getattr(note, "scenario", False) else "",
                "\n".join(allows.get((deck.id, note.id), [])),
                note.extra,
                " ".join(note.tags),
            ]
        )
    return out.getvalue()


@dataclass
class Written:
    """A deck file written from a spreadsheet, and what it changed in an earlier one."""

    deck: Deck
    replaced: Deck | None
    changes: list[str]


def write_sheet_deck(
    sheet_deck: SheetDeck, target: Path, *, label: str = "", dry_run: bool = False
) -> Written:
    """Write one deck read from a spreadsheet to ``target``. An existing file there (an
    earlier import, perhaps edited by hand) keeps its deck-level keys and comments; its
    notes become the spreadsheet's. ``dry_run``: check and report only."""

    previous: Deck | None = None
    meta = {k: v for k, v in sheet_deck.meta.items() if k != "notes"}
    if target.exists():
        try:
            previous = load_deck(target)
        except DeckError:
            previous = None
        file = DeckFile(target)
        notes = tomlkit.aot()
        for values in sheet_deck.notes:
            table = tomlkit.table()
            _fill(table, values)
            notes.append(table)
        for key, value in meta.items():  # the spreadsheet's deck keys update the file's
            if key != "id" and (key not in file.doc or file.doc[key] != value):
                if key in file.doc:
                    del file.doc[key]
                file.doc[key] = value
        if "notes" in file.doc:
            del file.doc["notes"]
        file.doc.append("notes", notes)
        text = tomlkit.dumps(file.doc)
    else:
        header: dict[str, Any] = {**meta, "id": sheet_deck.id, "name": sheet_deck.name}
        if label:
            header["source_label"] = label
        text = deck_text(header, sheet_deck.notes)
    if dry_run:
        with tempfile.TemporaryDirectory() as folder:
            trial = Path(folder) / target.name
            trial.write_text(text, encoding="utf-8")
            deck = load_deck(trial)
    else:
        write_text(target, text, check=True)
        deck = load_deck(target)
    changes = deck_changes(previous, deck).lines() if previous is not None else []
    return Written(deck, previous, changes)
