"""What earlier exports put into Anki: the record that keeps re-imports clean.

Anki updates a note it already has only when the incoming copy is newer (its modification
time), never deletes a note on import, and never changes a note's type. So to keep a
trainee's Anki collection in step with the decks, an export must know what the trainee
was given before:

* a note whose content did not change keeps the modification time it was first exported
  with, so Anki skips it (and keeps the trainee's own edits);
* a note that left the deck, or whose earlier identity no longer fits it (its kind
  changed, or a cloze deletion was dropped), is sent again as a *tombstone*: same GUID
  and note type, marked withdrawn, so nothing stale stays unmarked.

The record is a JSON file in the data folder (:data:`RECORD_NAME`), merged after every
export, or it is read from an earlier package (``rapport export --since OLD.apkg``).
Both give the same :class:`ExportRecord`: per note GUID, its note type, Anki deck id,
modification time, a digest of its content, its fields, tags and card ordinals.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import secrets
import sqlite3
import tempfile
import zipfile
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path

from rapport.errors import RapportError

log = logging.getLogger(__name__)

RECORD_NAME = "anki-export.json"
RECORD_VERSION = 1
FIELD_SEPARATOR = "\x1f"


class RecordError(RapportError):
    """An earlier export that cannot be read; the message names the file."""


def content_digest(model_id: int, fields: Sequence[str], tags: Iterable[str]) -> str:
    """A digest of everything Anki shows of a note: its type, fields and tags."""
    # Separators that field HTML and tags never hold (Anki's own field separator among them).
    text = f"{model_id}\x1e" + "\x1f".join(fields) + "\x1e" + " ".join(sorted(tags))
    return hashlib.blake2b(text.encode(), digest_size=16).hexdigest()


@dataclass(frozen=True, slots=True)
class ExportedNote:
    """One note as an earlier export wrote it."""

    guid: str
    model_id: int
    deck_id: int  # the Anki deck id the cards were written to
    mod: int  # modification time, seconds since the epoch
    fields: tuple[str, ...]
    tags: tuple[str, ...]
    ordinals: tuple[int, ...]
    withdrawn: bool = False
    digest: str = field(default="", compare=False)

    def __post_init__(self) -> None:
        if not self.digest:
            object.__setattr__(
                self, "digest", content_digest(self.model_id, self.fields, self.tags)
            )


@dataclass(frozen=True, slots=True)
class ExportRecord:
    """The notes earlier exports wrote, by GUID."""

    notes: Mapping[str, ExportedNote] = field(default_factory=dict)

    def get(self, guid: str) -> ExportedNote | None:
        return self.notes.get(guid)

    def merged(self, written: Iterable[ExportedNote]) -> ExportRecord:
        """This record with ``written`` notes added or replacing their earlier entries."""
        notes = dict(self.notes)
        notes.update((note.guid, note) for note in written)
        return ExportRecord(notes)


def record_path(data_dir: Path) -> Path:
    return data_dir / RECORD_NAME


def load_record(data_dir: Path) -> ExportRecord:
    """The record of earlier exports from ``data_dir`` (empty if there is none).

    A damaged record is logged and treated as empty: the export still works, it only
    cannot skip unchanged notes or withdraw removed ones this time.
    """
    path = record_path(data_dir)
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
        if raw.get("version") != RECORD_VERSION:
            raise ValueError(f"unknown version {raw.get('version')!r}")
        notes = {}
        for entry in raw["notes"]:
            note = ExportedNote(
                guid=str(entry["guid"]),
                model_id=int(entry["model_id"]),
                deck_id=int(entry["deck_id"]),
                mod=int(entry["mod"]),
                fields=tuple(str(f) for f in entry["fields"]),
                tags=tuple(str(t) for t in entry["tags"]),
                ordinals=tuple(int(o) for o in entry["ordinals"]),
                withdrawn=bool(entry["withdrawn"]),
            )
            notes[note.guid] = note
        return ExportRecord(notes)
    except FileNotFoundError:
        return ExportRecord()
    except (OSError, ValueError, KeyError, TypeError, AttributeError) as exc:
        log.warning("ignoring the damaged record of earlier Anki exports %s: %s", path, exc)
        return ExportRecord()


def save_record(data_dir: Path, record: ExportRecord) -> None:
    """Write ``record`` to ``data_dir`` atomically (a failure is logged, not raised: the
    package itself was written)."""
    path = record_path(data_dir)
    entries = []
    for note in sorted(record.notes.values(), key=lambda n: n.guid):
        entry = asdict(note)
        del entry["digest"]
        entries.append(entry)
    text = json.dumps({"version": RECORD_VERSION, "notes": entries}, ensure_ascii=False)
    temporary = path.with_name(f".{path.name}.{secrets.token_hex(4)}.part")
    try:
        data_dir.mkdir(parents=True, exist_ok=True)
        temporary.write_text(text, encoding="utf-8")
        os.replace(temporary, path)
    except OSError as exc:
        temporary.unlink(missing_ok=True)
        log.warning("could not save the record of this Anki export to %s: %s", path, exc)


def record_from_package(path: Path) -> ExportRecord:
    """The notes of an earlier Rapport package ``path`` (``.apkg``).

    Raises :class:`RecordError` if it is not a package Rapport can read.
    """
    try:
        with zipfile.ZipFile(path) as package:
            names = set(package.namelist())
            member = next(
                (n for n in ("collection.anki21", "collection.anki2") if n in names), None
            )
            if member is None:
                raise RecordError(
                    f"{path} holds no collection Rapport can read (a package exported by "
                    "Rapport has one; Anki's own newer packages are compressed)."
                )
            data = package.read(member)
    except (OSError, zipfile.BadZipFile) as exc:
        raise RecordError(f"Cannot read the earlier package {path}: {exc}") from exc
    with tempfile.TemporaryDirectory() as folder:
        copy = Path(folder) / "collection.anki2"
        copy.write_bytes(data)
        try:
            return _read_collection(copy)
        except sqlite3.Error as exc:
            raise RecordError(f"The earlier package {path} is damaged: {exc}") from exc


def _read_collection(path: Path) -> ExportRecord:
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        ordinals: dict[int, list[int]] = {}
        decks: dict[int, int] = {}
        for nid, did, ord_ in conn.execute("SELECT nid, did, ord FROM cards ORDER BY nid, ord"):
            ordinals.setdefault(nid, []).append(int(ord_))
            decks.setdefault(nid, int(did))
        notes = {}
        for nid, guid, mid, mod, tags, flds in conn.execute(
            "SELECT id, guid, mid, mod, tags, flds FROM notes"
        ):
            tag_list = tuple(t for t in str(tags).split() if t)
            note = ExportedNote(
                guid=str(guid),
                model_id=int(mid),
                deck_id=decks.get(nid, 0),
                mod=int(mod),
                fields=tuple(str(flds).split(FIELD_SEPARATOR)),
                tags=tag_list,
                ordinals=tuple(ordinals.get(nid, ())),
                withdrawn=WITHDRAWN_TAG in tag_list,
            )
            notes[note.guid] = note
        return ExportRecord(notes)
    finally:
        conn.close()


WITHDRAWN_TAG = "rapport::withdrawn"
