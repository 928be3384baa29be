"""Import from Anki: an ``.apkg`` or ``.colpkg`` becomes Rapport decks, with progress.

Packages are read with Anki's own library (the ``anki`` package, an optional extra:
``pip install 'rapport[anki]'``; ``make run`` installs it), imported lazily here and
nowhere else. Anki imports the package into a throwaway collection in a temporary folder,
which reads every format Anki writes (legacy ``collection.anki2``/``collection.anki21``
and the current zstd-compressed ``collection.anki21b``); Rapport then reads the notes,
cards and review log from that collection.

* Notes of Rapport's own note types (an earlier export) come back as the notes they were:
  each kind module reads its own fields back (``KindRules.from_anki``), the concept, tags
  and flags from Rapport's tags.
* Notes of the standard note types become Rapport notes: Basic -> basic, Basic (and
  reversed card) -> reversed, Basic (optional reversed card) -> reversed when "Add
  Reverse" is filled (else basic), Basic (type in the answer) -> typed, Cloze -> cloze
  (its "Back Extra" as the remark). Notes of other note types are mapped by position
  (first field the question, second the answer, the rest the remark) and the report
  says which note types were mapped so.
* Each Anki deck becomes a Rapport deck file in the trainee's decks folder, named with
  its full path (``Psychology::Week 1``); the notes keep their tags (made valid).
* Note ids come from the Anki GUID (as the spreadsheet import makes them), so importing
  the same package again updates the same notes instead of adding duplicates.
* With progress: each card's review log is replayed through Rapport's FSRS scheduler
  (every answer at its time and rating), which gives Rapport's memory state and due date;
  suspended cards stay suspended. Cards that already have reviews in Rapport keep them.
* Media (images, sounds) cannot be shown by Rapport: the report lists each note that
  had some, and the file names, rather than dropping them in silence.

Licence: the ``anki`` package is AGPL-3.0-or-later; see the README's licence section.
"""

from __future__ import annotations

import hashlib
import random
import re
import sys
import tempfile
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from html import unescape
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rapport.content import discover, load_decks
from rapport.content.editing.deckfile import DeckFile, deck_text, slugify, unique_id, write_text
from rapport.content.loading.loader import check_note_table
from rapport.content.notes.kinds import registered
from rapport.content.notes.model import CardKey, Deck
from rapport.errors import RapportError
from rapport.interop.anki.progress import MAX_ANSWER_MS, revlog_time
from rapport.paths import deck_folders, own_decks_dir, user_decks_dir
from rapport.store import CardState, ReviewRecord, Scope
from rapport.store.checks import time_in_range
from rapport.store.records import opt_us
from rapport.study import Collection, Rating

if TYPE_CHECKING:
    from rapport.study.ops import FileImage
    from rapport.study.scheduling import Scheduler

PACKAGE_SUFFIXES = (".apkg", ".colpkg")
STEP = "Import Anki package"  # the undo step's name
# Anki's stock note kinds (notetype "originalStockKind").
STOCK_BASIC, STOCK_REVERSED, STOCK_OPTIONAL_REVERSED, STOCK_TYPED, STOCK_CLOZE = 1, 2, 3, 4, 5
_STOCK_BY_NAME = {
    "basic": STOCK_BASIC,
    "basic (and reversed card)": STOCK_REVERSED,
    "basic (optional reversed card)": STOCK_OPTIONAL_REVERSED,
    "basic (type in the answer)": STOCK_TYPED,
    "cloze": STOCK_CLOZE,
}
_MEDIA = re.compile(r"<img\b[^>]*>|\[sound:[^\]]*\]|<audio\b.*?</audio>|<video\b.*?</video>", re.S)
_MEDIA_NAME = re.compile(r"""src\s*=\s*["']?([^"'\s>]+)|\[sound:([^\]]*)\]""")
_MARKUP = re.compile(r"<[a-zA-Z/][^>]*>")
_TAG_BAD = re.compile(r"[^A-Za-z0-9_:-]+")


class AnkiImportError(RapportError):
    """A package that could not be imported; the message names the file and why."""


@dataclass
class ImportReport:
    """What an import did, for the trainee."""

    package: Path
    decks: list[tuple[str, Path, int]] = field(default_factory=list)  # name, file, notes
    notes: int = 0
    updated: int = 0
    cards: int = 0
    reviews: int = 0
    cards_with_history_kept: int = 0
    by_position: dict[str, int] = field(default_factory=dict)  # note type -> notes
    field_names: dict[str, list[str]] = field(default_factory=dict)  # note type -> fields
    mapped: dict[str, int] = field(default_factory=dict)  # note type -> notes, as asked
    media: list[tuple[str, str]] = field(default_factory=list)  # note, file names
    skipped: list[str] = field(default_factory=list)
    preview: bool = False  # nothing was written: what an import would do

    def __str__(self) -> str:
        verb = "preview only, nothing written: would import" if self.preview else "imported"
        lines = [
            f"{verb} {self.notes} note{'s' * (self.notes != 1)} ({self.cards} cards, "
            f"{self.updated} already there and updated) from {self.package} "
            f"into {len(self.decks)} deck{'s' * (len(self.decks) != 1)}:"
        ]
        lines += [f"  {name}: {count} notes in {path}" for name, path, count in self.decks]
        if self.reviews:
            lines.append(f"with {self.reviews} reviews of study history (replayed with FSRS)")
        if self.cards_with_history_kept:
            lines.append(
                f"{self.cards_with_history_kept} cards already studied in Rapport kept "
                "their own history"
            )
        for name, count in sorted(self.by_position.items()):
            fields = ", ".join(self.field_names.get(name, []))
            lines.append(
                f"note type '{name}' is not a standard one: {count} notes mapped by position "
                "(first field the question, second the answer, the rest the remark); its "
                f"fields are {fields}: choose with --note-type '{name}=QUESTION,ANSWER'"
            )
        for name, count in sorted(self.mapped.items()):
            lines.append(f"note type '{name}': {count} notes mapped by the fields you chose")
        if self.media:
            lines.append(
                f"{len(self.media)} notes had images or sounds, which Rapport cannot show "
                "(left out):"
            )
            lines += [f"  {note}: {files}" for note, files in self.media[:20]]
            if len(self.media) > 20:
                lines.append(f"  and {len(self.media) - 20} more")
        lines += [f"skipped: {reason}" for reason in self.skipped]
        return "\n".join(lines)


@dataclass
class _Imported:
    deck_name: str
    table: dict[str, Any]
    cards: list[tuple[int, int]]  # (Anki card id, Rapport ordinal)


def _load_anki() -> Any:
    try:
        import anki.collection
    except ImportError as exc:
        if getattr(sys, "frozen", False):  # the bundle leaves Anki's AGPL library out
            raise AnkiImportError(
                "This download of Rapport cannot read Anki packages: Anki's library is "
                "left out of it (its licence is the AGPL). Install Rapport with "
                "pipx install 'rapport[anki]' to import them, or export the deck from Anki "
                "as Notes in Plain Text and use File > Import spreadsheet."
            ) from exc
        raise AnkiImportError(
            "Importing Anki packages needs Anki's library: install it with "
            "pip install 'rapport[anki]' (make run installs it)."
        ) from exc
    return anki.collection


def _open_package(path: Path, folder: Path) -> Any:
    """A throwaway Anki collection in ``folder`` holding the package's contents."""
    collection = _load_anki()
    from anki.import_export_pb2 import (
        ImportAnkiPackageOptions,
        ImportAnkiPackageRequest,
        ImportAnkiPackageUpdateCondition,
    )

    col_path = folder / "collection.anki2"
    try:
        if path.suffix.lower() == ".colpkg":
            from anki._backend import RustBackend

            RustBackend().import_collection_package(
                col_path=str(col_path),
                backup_path=str(path),
                media_folder=str(folder / "collection.media"),
                media_db=str(folder / "collection.media.db2"),
            )
            return collection.Collection(str(col_path))
        col = collection.Collection(str(col_path))
        always = ImportAnkiPackageUpdateCondition.IMPORT_ANKI_PACKAGE_UPDATE_CONDITION_ALWAYS
        options = ImportAnkiPackageOptions(
            update_notes=always, update_notetypes=always, with_scheduling=True
        )
        col.import_anki_package(ImportAnkiPackageRequest(package_path=str(path), options=options))
        return col
    except Exception as exc:  # Anki's own errors: a damaged or foreign file
        raise AnkiImportError(f"Cannot read the Anki package {path}: {exc}") from exc


def _note_id(guid: str) -> str:
    return "n-" + hashlib.blake2b(guid.encode(), digest_size=6).hexdigest()


def _tags(tags: Sequence[str]) -> list[str]:
    out = []
    for tag in tags:
        clean = "::".join(
            p for p in (_TAG_BAD.sub("-", part).strip("-") for part in tag.split("::")) if p
        )
        if clean and clean.lower() not in ("leech", "marked") and clean not in out:
            out.append(clean)
    return out


def _text(value: str, media: list[str]) -> str:
    """A field without its media (whose names go to ``media``)."""
    for match in _MEDIA.finditer(value):
        found = _MEDIA_NAME.search(match.group(0))
        if found:
            media.append(found.group(1) or found.group(2))
    return _MEDIA.sub("", value).strip()


def _plain(value: str) -> str:
    text = re.sub(r"<br\s*/?>", "\n", value, flags=re.I)
    text = re.sub(r"</?div[^>]*>", "\n", text, flags=re.I)
    return "\n".join(
        line.strip() for line in unescape(text).replace("\xa0", " ").splitlines()
    ).strip()


# The shape of each stock note type: fields and card templates.
_STOCK_SHAPE = {
    STOCK_BASIC: (2, 1),
    STOCK_REVERSED: (2, 2),
    STOCK_OPTIONAL_REVERSED: (3, 2),
    STOCK_TYPED: (2, 1),
}


def _stock_kind(notetype: dict[str, Any]) -> int | None:
    """Which stock note type ``notetype`` is, if any. Anki marks note types made from a
    stock one (even an empty new one) with its kind, so the shape must fit too."""
    if notetype.get("type") == 1:
        return STOCK_CLOZE
    stock = notetype.get("originalStockKind") or _STOCK_BY_NAME.get(
        str(notetype.get("name", "")).strip().lower()
    )
    shape = (len(notetype.get("flds", [])), len(notetype.get("tmpls", [])))
    if stock in _STOCK_SHAPE and _STOCK_SHAPE[stock] == shape:
        return int(stock)
    return None


def _read_note(
    col: Any, nid: int, report: ImportReport, mapping: Mapping[str, tuple[str, str]]
) -> _Imported | None:
    note = col.get_note(nid)
    notetype = note.note_type()
    values = list(note.fields)
    media: list[str] = []
    fields = [_text(v, media) for v in values]
    html = any(_MARKUP.search(f) for f in fields)
    shown = fields if html else [_plain(f) for f in fields]
    cards = sorted(note.cards(), key=lambda c: c.ord)
    deck_name = col.decks.name(cards[0].did) if cards else "Default"
    stock = _stock_kind(notetype)
    table: dict[str, Any] = {"id": _note_id(note.guid)}
    first, second = (shown + ["", ""])[:2]
    own = _rapport_kind(notetype)
    names = [str(f["name"]) for f in notetype.get("flds", [])]
    by_name = dict(zip(names, values, strict=False))
    own_values = read_own_note(own, by_name) if own is not None else None
    if own is not None and own_values is not None:
        table.update(own_values)
        html = False  # Rapport's own markup, read back by the kind module
        ordinals = {c.ord: c.ord for c in cards}
        tags, flags = _rapport_tags(note.tags)
        concept = _plain(by_name.get("Concept", "")) or flags.get("concept", "")
        if concept:
            table["concept"] = concept
        for flag in ("extension", "scenario"):
            if flag in flags and flag in own.keys | {"extension"}:
                table[flag] = True
        if tags:
            table["tags"] = tags
        mapped = [(c.id, ordinals[c.ord]) for c in cards]
        return _Imported(deck_name, table, mapped)
    if stock == STOCK_CLOZE:
        table.update(kind="cloze", text=first)
        if second:
            table["extra"] = second
        ordinals = {c.ord: c.ord for c in cards}
    elif stock == STOCK_TYPED:
        table.update(
            kind="typed", prompt=first, answer=_plain(fields[1]) if len(fields) > 1 else ""
        )
        ordinals = {0: 0}
    elif stock in (STOCK_REVERSED, STOCK_OPTIONAL_REVERSED):
        two_way = stock == STOCK_REVERSED or (len(shown) > 2 and shown[2].strip())
        table.update(kind="reversed" if two_way else "basic", front=first, back=second)
        ordinals = {0: 0, 1: 1} if two_way else {0: 0}
    else:
        name = str(notetype.get("name", "?"))
        names = [str(f["name"]) for f in notetype.get("flds", [])]
        chosen = mapping.get(name) if stock is None else None
        if chosen is not None:
            question, answer = (names.index(f) if f in names else -1 for f in chosen)
            if question < 0 or answer < 0:
                raise AnkiImportError(
                    f"note type '{name}' has no field "
                    f"'{chosen[0] if question < 0 else chosen[1]}' (its fields: {', '.join(names)})"
                )
            first, second = shown[question], shown[answer]
            rest = [f for i, f in enumerate(shown) if i not in (question, answer) and f.strip()]
            report.mapped[name] = report.mapped.get(name, 0) + 1
        else:
            rest = [f for f in shown[2:] if f.strip()] if stock is None else []
            if stock is None:
                report.by_position[name] = report.by_position.get(name, 0) + 1
                report.field_names[name] = names
        table.update(kind="basic", front=first, back=second)
        if rest:
            table["extra"] = "\n".join(rest)
        ordinals = {0: 0}
    if html:
        table["html"] = True
    tags = _tags(note.tags)
    if tags:
        table["tags"] = tags
    if media:
        report.media.append((f"{deck_name}: {_short(first)}", ", ".join(media)))
    required = [
        table.get(k, "") for k in ("front", "back", "text", "prompt", "answer") if k in table
    ]
    if not all(str(v).strip() for v in required):
        report.skipped.append(f"a note with an empty field ({deck_name}: {_short(first)!r})")
        return None
    mapped = [(c.id, ordinals[c.ord]) for c in cards if c.ord in ordinals]
    return _Imported(deck_name, table, mapped)


def _rapport_kind(notetype: Mapping[str, Any]) -> Any:
    """The kind whose Anki note type this is (Rapport's own export), if any and if it
    still has the kind's fields (a trainee may have renamed one in Anki: then its notes
    are read by position, as any other note type's)."""

    model_id = notetype.get("id")
    names = {str(f.get("name")) for f in notetype.get("flds", [])}
    return next(
        (
            r
            for r in registered().values()
            if r.anki.model_id == model_id and set(r.anki.fields) <= names
        ),
        None,
    )


def read_own_note(rules: Any, fields: Mapping[str, str]) -> dict[str, Any] | None:
    """The ``[[notes]]`` values (kind, the kind's own, extra) of an Anki note of the
    Rapport note type of ``rules``, read from its fields by name; ``None`` if they do not
    read back into a valid note of that kind. The import and the sync use it."""
    if not _reads_back(rules, fields):
        return None
    values: dict[str, Any] = {"kind": str(rules.name), **rules.from_anki(fields)}
    extra = _plain(fields.get("Extra", ""))
    if extra:
        values["extra"] = extra
    return values


def _reads_back(rules: Any, fields: Mapping[str, str]) -> bool:
    """Whether an Anki note of a Rapport note type reads back into a valid note of its
    kind (a trainee may have edited Rapport's markup in Anki: then it is read by
    position, as any other note type's)."""

    table = {"id": "n", "kind": str(rules.name), "concept": "c", **rules.from_anki(fields)}
    skeleton = Deck("anki", "Anki", "", Path("anki.toml"), (), {}, ())
    return not check_note_table(table, skeleton)[1]


def _rapport_tags(tags: Sequence[str]) -> tuple[list[str], dict[str, str]]:
    """A Rapport-exported note's own tags, and its concept and flags, from the tags the
    export writes (``rapport::concept::X``, ``rapport::tag::T``, ``rapport::extension``)."""
    own: list[str] = []
    flags: dict[str, str] = {}
    for tag in tags:
        parts = tag.split("::")
        if len(parts) >= 3 and parts[0].lower() == "rapport" and parts[1] == "concept":
            flags["concept"] = parts[2]
        elif len(parts) >= 3 and parts[0].lower() == "rapport" and parts[1] == "tag":
            own.append("::".join(parts[2:]))
        elif len(parts) == 2 and parts[0].lower() == "rapport":
            flags[parts[1]] = "true"
        else:
            own.extend(_tags([tag]))
    return own, flags


def _short(text: str, limit: int = 50) -> str:
    text = " ".join(re.sub(r"<[^>]*>", " ", text).split())
    return text if len(text) <= limit else text[: limit - 1] + "\u2026"


@dataclass(frozen=True)
class NoteTypeInfo:
    """A note type of a package that is not a standard one: its name, fields, notes."""

    name: str
    fields: tuple[str, ...]
    notes: int


def other_note_types(path: Path) -> list[NoteTypeInfo]:
    """The package's note types that are not standard ones (whose question and answer
    fields the trainee may choose: ``mapping`` of :func:`import_anki_package`)."""
    path = Path(path)
    if path.suffix.lower() not in PACKAGE_SUFFIXES or not path.is_file():
        raise AnkiImportError(f"{path} is not an Anki package (.apkg or .colpkg).")
    with tempfile.TemporaryDirectory(prefix="rapport-anki-") as folder:
        col = _open_package(path, Path(folder))
        try:
            out = []
            for notetype in col.models.all():
                if _stock_kind(notetype) is not None:
                    continue
                notes = len(col.find_notes(f'"note:{notetype["name"]}"'))
                if notes:
                    fields = tuple(str(f["name"]) for f in notetype["flds"])
                    out.append(NoteTypeInfo(str(notetype["name"]), fields, notes))
            return sorted(out, key=lambda info: info.name)
        finally:
            col.close()


def import_anki_package(
    path: Path,
    data_dir: Path,
    *,
    now: datetime | None = None,
    with_progress: bool = True,
    collection: Collection | None = None,
    reload: Callable[[], None] | None = None,
    mapping: Mapping[str, tuple[str, str]] | None = None,
    preview: bool = False,
) -> ImportReport:
    """Import the Anki package ``path`` into the trainee's decks in ``data_dir``.

    The app passes its open ``collection`` and a ``reload`` that makes it use the deck
    files as they now are; without them (the command line) the collection is opened,
    and closed, here. Raises :class:`AnkiImportError` (nothing written) if the package
    cannot be read. ``mapping`` names, for a note type that is not a standard one, its
    question and answer fields (by default the first two). ``preview``: read the package
    and report what an import would do, writing nothing (no deck, no progress, no backup).
    """

    path = Path(path)
    if path.suffix.lower() not in PACKAGE_SUFFIXES:
        raise AnkiImportError(f"{path} is not an Anki package (.apkg or .colpkg).")
    if not path.is_file():
        raise AnkiImportError(f"{path} does not exist.")
    started = datetime.now(UTC)
    now = now or started
    report = ImportReport(path, preview=preview)
    with tempfile.TemporaryDirectory(prefix="rapport-anki-") as folder:
        col = _open_package(path, Path(folder))
        try:
            imported = [
                n
                for n in (_read_note(col, nid, report, mapping or {}) for nid in col.find_notes(""))
                if n
            ]
            revlog = _read_revlog(col, now, started, report)
            suspended = set(col.db.list("SELECT id FROM cards WHERE queue = -1"))
        finally:
            col.close()

    by_deck: dict[str, list[_Imported]] = {}
    for item in imported:
        by_deck.setdefault(item.deck_name, []).append(item)
    known = list(load_decks(discover(deck_folders(data_dir))).decks)
    plans, deck_ids = _plan_decks(path, data_dir, by_deck, known, report)
    if preview:  # what the import would write; nothing is
        for plan in plans:
            report.decks.append((plan.name, plan.target, len(plan.tables)))
            report.notes += len(plan.tables)
            report.cards += sum(len(i.cards) for i in plan.items)
        return report
    # In the app: the deck files and the history are one undo step (rapport.study.ops).
    files = collection.ops.capture_files() if collection is not None else None
    written = _write_decks(plans, report)
    try:
        if collection is not None and reload is not None:
            reload()
        if with_progress and (revlog or suspended):
            progress = (by_deck, deck_ids, revlog, suspended)
            if collection is not None:
                _import_progress(collection, *progress, now, report, files)
            else:
                decks = list(load_decks(discover(deck_folders(data_dir))).decks)
                opened = Collection.open(data_dir, decks, now)
                try:
                    _import_progress(opened, *progress, now, report)
                finally:
                    opened.close(now)
        elif collection is not None and files is not None:
            collection.ops.push_files(STEP, files)
    except BaseException:
        _undo_writes(written)  # all or nothing: the decks go with their history
        if collection is not None and reload is not None:
            reload()
        raise
    return report


# Anki's first release; a review dated before it (or after now) is not a real one.
_FIRST_ANKI_REVIEW = datetime(2006, 1, 1, tzinfo=UTC)


def _read_revlog(
    col: Any, now: datetime, started: datetime, report: ImportReport
) -> dict[int, list[tuple[int, int, int, int]]]:
    """Each card's answers, in order; answers dated before Anki existed or after ``now``
    (Anki keeps its review times as the id) and unknown ratings are skipped and reported."""
    revlog: dict[int, list[tuple[int, int, int, int]]] = {}
    low = int(_FIRST_ANKI_REVIEW.timestamp() * 1000)
    # Not after the import began (by the later of the two clocks, so that a clock set
    # behind refuses no real answer): Anki's own import moves an answer dated in the
    # future to the moment it imports it, which is after that.
    high = int(max(now, started).timestamp() * 1000)
    odd_dates: list[int] = []
    odd_other = 0
    for cid, rid, ease, taken, kind in col.db.all(
        "SELECT cid, id, ease, time, type FROM revlog ORDER BY id"
    ):
        if not (isinstance(rid, int) and isinstance(ease, int) and isinstance(kind, int)):
            odd_other += 1
        elif not low <= rid <= high:
            odd_dates.append(rid)
        elif 1 <= ease <= 4 and kind in (0, 1, 2, 3):
            taken = min(max(int(taken) if isinstance(taken, int) else 0, 0), MAX_ANSWER_MS)
            revlog.setdefault(cid, []).append((rid, ease, taken, kind))
    if odd_dates:
        first = min(odd_dates)
        when = (
            datetime(1970, 1, 1, tzinfo=UTC) + timedelta(milliseconds=first)
            if -62_135_596_800_000 <= first <= 253_402_300_799_000
            else None
        )
        shown = when.date().isoformat() if when is not None else str(first)
        report.skipped.append(
            f"{len(odd_dates)} review{'s' * (len(odd_dates) != 1)} dated before 2006 or after "
            f"today (the first on {shown}): not real answers, left out"
        )
    if odd_other:
        report.skipped.append(f"{odd_other} review(s) with values Anki never writes: left out")
    return revlog


@dataclass
class _DeckPlan:
    name: str
    deck_id: str
    target: Path
    tables: list[dict[str, Any]]
    items: list[_Imported]
    update: bool  # an earlier import of this deck: its file is updated


def _plan_decks(
    path: Path,
    data_dir: Path,
    by_deck: dict[str, list[_Imported]],
    known: Sequence[Any],
    report: ImportReport,
) -> tuple[list[_DeckPlan], dict[str, str]]:
    """Where each Anki deck goes, and its notes checked by the deck loader's own rules.

    A deck goes into the trainee's own decks (``my-decks``); an earlier import of it
    (a file made by this import, ``source_label = "Anki"``, in ``my-decks`` or ``decks``)
    is updated. A deck whose id or name is that of any other deck (shipped, handed out by
    a course leader, or made in Rapport) gets its own (``...-anki``): no file the import
    did not make is ever written. Notes that would not load, and a second note with the
    same GUID, are skipped and reported.
    """
    own = own_decks_dir(data_dir)
    earlier = [d for d in known if d.source_label == ANKI_LABEL and _in_data(d, data_dir)]
    ours = {d.name.casefold(): d for d in earlier}  # by name, as this import names them
    taken_ids = {d.id for d in known if d not in earlier} | _stems(own)
    taken_names = {d.name.casefold() for d in known if d not in earlier}
    plans: list[_DeckPlan] = []
    deck_ids: dict[str, str] = {}
    for deck_name, items in sorted(by_deck.items()):
        name = path.stem if deck_name == "Default" else deck_name
        base = slugify(name.replace("::", " "), "anki")
        again = ours.get(name.casefold()) or ours.get(f"{name} (Anki)".casefold())
        if again is not None:
            deck_id, name, target, update = again.id, again.name, again.path, True
        else:
            deck_id = base if base not in taken_ids else unique_id(f"{base}-anki", taken_ids)
            if name.casefold() in taken_names:
                name = f"{name} (Anki)"
            target, update = own / f"{deck_id}.toml", False
        taken_ids.add(deck_id)
        taken_names.add(name.casefold())
        deck_ids[deck_name] = deck_id
        skeleton = Deck(deck_id, name, "", target, (), {}, ())
        tables: list[dict[str, Any]] = []
        kept: list[_Imported] = []
        seen: set[str] = set()
        for item in items:
            tags = item.table.get("tags") or []
            if "concept" not in item.table:
                item.table["concept"] = slugify(tags[0].replace("::", "-")) if tags else deck_id
            label = _short(str(item.table.get("front") or item.table.get("text") or ""))
            if item.table["id"] in seen:
                report.skipped.append(
                    f"a second note with the same GUID in '{name}' ({label!r}): left out"
                )
                continue
            _note, problems = check_note_table(item.table, skeleton)
            if problems:
                why = "; ".join(f"{p.field}: {p.message}" for p in problems[:3])
                report.skipped.append(
                    f"a note of '{name}' that Rapport cannot hold ({label!r}): {why}"
                )
                continue
            seen.add(item.table["id"])
            tables.append(item.table)
            kept.append(item)
        by_deck[deck_name] = kept
        if tables:
            plans.append(_DeckPlan(name, deck_id, target, tables, kept, update))
    return plans, deck_ids


ANKI_LABEL = "Anki"


def _in_data(deck: Any, data_dir: Path) -> bool:
    parent = deck.path.parent.resolve()
    return parent in (own_decks_dir(data_dir).resolve(), user_decks_dir(data_dir).resolve())


def _stems(folder: Path) -> set[str]:
    return {p.stem for p in folder.glob("*.toml")} if folder.is_dir() else set()


def _write_decks(plans: Sequence[_DeckPlan], report: ImportReport) -> list[tuple[Path, str | None]]:
    """Write the planned deck files (each checked as it is written); what each file held
    before (None: it did not exist), for :func:`_undo_writes`. A failure undoes the files
    already written and raises."""
    written: list[tuple[Path, str | None]] = []
    try:
        for plan in plans:
            if plan.update and plan.target.exists():
                before = plan.target.read_text(encoding="utf-8")
                file = DeckFile(plan.target)
                existing = {t.get("id") for t in file.doc.get("notes", [])}
                for table in plan.tables:
                    if table["id"] in existing:
                        file.replace_note(table["id"], table)
                        report.updated += 1
                    else:
                        file.add_note(table)
                file.save()
                written.append((plan.target, before))
            else:
                header = {
                    "id": plan.deck_id,
                    "name": plan.name,
                    "description": f"Imported from the Anki package {report.package.name}.",
                    "source_label": ANKI_LABEL,
                }
                write_text(plan.target, deck_text(header, plan.tables), check=True)
                written.append((plan.target, None))
            report.decks.append((plan.name, plan.target, len(plan.tables)))
            report.notes += len(plan.tables)
            report.cards += sum(len(i.cards) for i in plan.items)
    except BaseException:
        _undo_writes(written)
        raise
    return written


def _undo_writes(written: Sequence[tuple[Path, str | None]]) -> None:
    """Put the deck files an import wrote back as they were."""
    for target, before in reversed(written):
        try:
            if before is None:
                target.unlink(missing_ok=True)
            else:
                write_text(target, before)
        except Exception:  # (logged by write_text; the rest are still put back)
            continue


def _import_progress(
    collection: Collection,
    by_deck: dict[str, list[_Imported]],
    deck_ids: dict[str, str],
    revlog: dict[int, list[tuple[int, int, int, int]]],
    suspended: set[int],
    now: datetime,
    report: ImportReport,
    files: FileImage | None = None,
) -> None:
    """Replay each imported card's Anki review log through Rapport's scheduler (the
    preset of the card's deck), as one operation: every review and suspension in one
    transaction and one undo step, so a killed import leaves none of it. Each card's
    replay is checked first against the damage check's time rule: a card whose answers
    give a time it would refuse keeps no history (reported)."""
    collection.check_writable()
    store = collection.store
    found: list[tuple[int, int, str]] = []  # (card id, Anki card id, deck id)
    for deck_name, items in by_deck.items():
        for item in items:
            for anki_id, ordinal in item.cards:
                key = CardKey(deck_ids[deck_name], item.table["id"], ordinal)
                card_id = collection.card_id(key)
                if card_id is not None and (anki_id in suspended or revlog.get(anki_id)):
                    found.append((card_id, anki_id, key.deck_id))
    if not found:
        if files is not None:
            collection.ops.push_files(STEP, files)
        return
    suspend: list[int] = []
    records: list[ReviewRecord] = []
    kept = out_of_range = 0
    for card_id, anki_id, deck_id in found:
        if anki_id in suspended:
            suspend.append(card_id)
        entries = revlog.get(anki_id, [])
        if not entries:
            continue
        if store.reviews_of(card_id):
            kept += 1
            continue
        try:
            replayed = replay(collection.scheduler_for(deck_id), card_id, entries)
            state = replayed[-1].after
            if not all(time_in_range(opt_us(t)) for t in (state.due, state.last_review)):
                raise OverflowError("a time out of range")
        except (OverflowError, ValueError):
            out_of_range += 1
            continue
        records += replayed
    if out_of_range:
        report.skipped.append(
            f"the history of {out_of_range} card{'s' * (out_of_range != 1)} whose answers "
            "give a due date Rapport cannot store: the cards start new"
        )

    def write() -> None:
        for card_id in suspend:
            store.set_suspended(card_id, True)
        for record in records:
            store.record_review(record)

    scope = Scope(tuple(dict.fromkeys(card_id for card_id, _, _ in found)))
    collection.ops.perform(STEP, scope, write, now=now, files=files)
    report.reviews += len(records)
    report.cards_with_history_kept += kept
    collection.mark_changed()


def replay(
    scheduler: Scheduler, card_id: int, entries: Sequence[tuple[int, int, int, int]]
) -> list[ReviewRecord]:
    """A card's Anki review log ``(revlog id, ease, time taken in ms, kind)``, oldest
    first, replayed through Rapport's FSRS scheduler from a new card: every answer at its
    moment and rating. The Anki import and the sync (:mod:`rapport.sync`) both use it.

    The same log gives the same result on every computer: the interval fuzz of each
    answer is drawn from a random generator seeded by the answer's log id (py-fsrs draws
    from the ``random`` module's generator, whose state is put back afterwards)."""

    out = []
    state = CardState()
    saved = random.getstate()
    try:
        for rid, ease, taken, _kind in entries:
            when = revlog_time(rid)
            random.seed(f"rapport-replay:{rid}:{ease}")
            after = scheduler.review(card_id, state, Rating(ease), when)
            duration = timedelta(milliseconds=taken)
            out.append(ReviewRecord(card_id, when, ease, duration, state, after))
            state = after
    finally:
        random.setstate(saved)
    return out
