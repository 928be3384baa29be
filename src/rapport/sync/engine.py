"""Two-way sync with Anki, AnkiDroid and AnkiMobile through Anki's own sync server.

Rapport keeps a *mirror*: an Anki collection (``sync/collection.anki2`` in the data
folder, opened with Anki's own library, the optional ``anki`` extra) that holds
Rapport's notes with the same mapping as the package export (note types, GUIDs, card
ordinals, decks, tags: :mod:`rapport.interop.anki`; card states, FSRS memory states and review
log rows: :mod:`rapport.interop.anki.progress`). Anki's library syncs the mirror with the
server exactly as Anki desktop does. A sync (:func:`sync`):

1. makes a backup of Rapport's progress (the store's backup);
2. syncs the mirror with the server: a normal sync, a full upload when the server is
   empty, a full download when the mirror is new and the server is not; when Anki
   requires a full sync of two changed sides, the caller says which side wins
   (``choose_full``), as Anki asks;
3. saves the edits other devices made to Rapport's notes as the trainee's own edits
   (given the app's :class:`~rapport.content.editing.authoring.Authoring`), then brings the
   mirror's notes up to date with Rapport's decks (the package export, imported by
   Anki's importer: new notes, edits, withdrawn notes);
4. merges, card by card, Rapport's store and the mirror:

   * the review log is the truth: when the mirror holds answers Rapport has not seen
     (another device's), the card's log becomes the union of both, and its FSRS state
     is recomputed by replaying that union in time order through Rapport's scheduler
     (:func:`rapport.interop.anki.importer.replay`, the Anki import's replay), so the outcome does
     not depend on which side synced first. Rapport's answers missing from the mirror
     are written to it as review log rows whose id is the answer's millisecond
     (:func:`rapport.interop.anki.progress.revlog_id`), stable across syncs, and the card's
     columns and memory state are written from Rapport's (merged) state;
   * suspension, burial and flag: a three-way merge against what the last sync left
     (``sync/state.json``): the side that changed since then wins; if both did,
     Rapport's.

   Everything that changes in Rapport is one operation (:mod:`rapport.study.ops`: one
   transaction, one undo step named "Sync"); the mirror's changes are one Anki
   transaction;
5. syncs the mirror again, so the server gets the merged result.

Every step is idempotent: a sync killed anywhere loses nothing, and the next one
redoes what was missing. Notes Rapport does not know (the trainee's own Anki notes)
stay in the mirror untouched. Media files are not synced.
"""

from __future__ import annotations

import json
import logging
import shutil
import sys
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from rapport.content.editing.deckfile import DeckWriteError, note_table
from rapport.content.loading.loader import DeckError
from rapport.content.notes.kinds import registered
from rapport.content.notes.model import CardKey
from rapport.interop.anki.identity import note_guid
from rapport.interop.anki.importer import read_own_note, replay
from rapport.interop.anki.plan import Change
from rapport.interop.anki.progress import (
    QUEUE_NEW,
    AnkiTime,
    CardProgress,
    StudyProgress,
    card_columns,
    revlog_id,
    revlog_values,
)
from rapport.interop.anki.record import load_record, save_record
from rapport.store import Phase
from rapport.store.records import Hold, to_us
from rapport.study.days import day_start, study_date
from rapport.study.ops import scope_of
from rapport.sync.account import (
    Account,
    SyncError,
    SyncStatus,
    load_account,
    load_key,
    save_account,
    save_key,
    save_status,
    sync_dir,
    write_file,
)

if TYPE_CHECKING:
    from rapport.content.editing.authoring import Authoring
    from rapport.store import ReviewRecord
    from rapport.study import Collection

__all__ = [
    "Account",
    "SyncError",
    "SyncReport",
    "load_account",
    "login",
    "sync",
]

log = logging.getLogger(__name__)

MIRROR_NAME = "collection.anki2"
STATE_NAME = "state.json"
NOTES_PACKAGE = "notes.apkg"
MAX_MIRROR_SCHEMA = 18  # Anki's collection schema version this release reads and writes
QUEUE_SUSPENDED, QUEUE_SCHED_BURIED, QUEUE_USER_BURIED = -1, -2, -3
FLAG_MASK = 7  # Anki keeps the flag in the low three bits of ``cards.flags``
RAPPORT_FLAGS = 4  # Rapport's flags: 1 red, 2 orange, 3 green, 4 blue (as Anki's first four)
TIMEOUT_SECS = 60

FullChoice = Callable[[], str | None]
"""Asked when Anki requires a full sync: ``"upload"`` (Rapport's copy wins),
``"download"`` (the server's wins) or ``None`` (cancel)."""


@dataclass
class SyncReport:
    """What one sync did (the log and the status line keep these counts)."""

    reviews_in: int = 0  # answers from other devices added to Rapport
    reviews_out: int = 0  # Rapport's answers written to the mirror
    replayed: int = 0  # cards whose state was recomputed from the union of both logs
    holds_in: int = 0  # suspensions, burials and flags taken from other devices
    holds_out: int = 0  # Rapport's written to the mirror
    notes: int = 0  # notes added to or updated in the mirror
    edits_in: int = 0  # Rapport notes edited in Anki, saved as the trainee's edits
    full: str = ""  # "upload" or "download" when a full sync happened

    def counts(self) -> dict[str, int]:
        return {k: v for k, v in asdict(self).items() if isinstance(v, int)}

    def __str__(self) -> str:
        parts = [
            f"{count} {what}"
            for count, what in (
                (self.reviews_in, "answers from other devices added"),
                (self.replayed, "cards rescheduled from both logs"),
                (self.holds_in, "suspensions, burials or flags taken"),
                (self.edits_in, "notes edited in Anki saved"),
                (self.reviews_out, "answers sent"),
                (self.holds_out, "suspensions, burials or flags sent"),
                (self.notes, "notes added or updated in Anki"),
            )
            if count
        ]
        text = "synced: " + (", ".join(parts) if parts else "nothing to change")
        return text + (f" (full {self.full})" if self.full else "")


def _load_anki() -> Any:
    try:
        import anki.collection
    except ImportError as exc:
        frozen = getattr(sys, "frozen", False)
        raise SyncError(
            "Syncing with Anki needs Anki's library, which "
            + (
                "this download leaves out (its licence is the AGPL): install Rapport with "
                "pipx install 'rapport[anki]'."
                if frozen
                else "is not installed: pip install 'rapport[anki]'."
            )
        ) from exc
    return anki.collection


def _message(exc: BaseException, endpoint: str) -> str:
    """An error of Anki's sync in words fit to show."""
    text = str(exc).strip() or type(exc).__name__
    name = type(exc).__name__
    if name == "NetworkError":
        return f"Could not reach the sync server {endpoint}: {text}"
    if name == "SyncError":
        return f"The sync server {endpoint} refused the sync: {text}"
    return f"Sync with {endpoint} failed: {text}"


def check_endpoint(endpoint: str) -> str:
    """The endpoint as Anki's library wants it (ending in ``/``); refuses a malformed
    one and AnkiWeb's (see the README: its terms speak of Anki's approved clients, and
    Rapport is not one)."""

    endpoint = endpoint.strip()
    parts = urlsplit(endpoint)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise SyncError(
            f"The sync server '{endpoint}' is not a web address: write it as "
            "http://HOST:PORT/ (the address of your python -m anki.syncserver)."
        )
    host = parts.hostname.lower()
    if host == "ankiweb.net" or host.endswith(".ankiweb.net"):
        raise SyncError(
            "Rapport does not sync with AnkiWeb: AnkiWeb's terms admit Anki's own approved "
            "clients, and Rapport is not one. Run your own server (python -m "
            "anki.syncserver, see the README) and point Rapport and your phone at it."
        )
    return endpoint if endpoint.endswith("/") else endpoint + "/"


def login(data_dir: Path, endpoint: str, username: str, password: str) -> str:
    """Log in to ``endpoint`` (a self-hosted ``anki.syncserver``); keep the key the
    server returns (never the password) and the account; return where the key is kept."""
    _load_anki()
    from anki._backend import RustBackend
    from anki.sync_pb2 import SyncLoginRequest

    endpoint = check_endpoint(endpoint)
    try:
        auth = RustBackend().sync_login(
            SyncLoginRequest(username=username, password=password, endpoint=endpoint)
        )
    except Exception as exc:  # Anki's own errors: wrong password, no server
        raise SyncError(_message(exc, endpoint)) from exc
    where = save_key(data_dir, username, auth.hkey)
    account = load_account(data_dir)
    save_account(data_dir, Account(endpoint, username, account.on_open_close))
    log.info("logged in to %s as %s; the key is kept in %s", endpoint, username, where)
    return where


def sync(
    collection: Collection,
    data_dir: Path,
    *,
    now: datetime | None = None,
    choose_full: FullChoice | None = None,
    authoring: Authoring | None = None,
    reload: Callable[[], None] | None = None,
) -> SyncReport:
    """Sync Rapport's progress with the server (see the module doc). Raises
    :class:`SyncError` (the status line shows it) when it cannot.

    With ``authoring`` (where the app writes notes) and ``reload`` (which makes the
    collection use the deck files as they now are), edits made in Anki to Rapport's own
    notes are saved as the trainee's edits (into their own deck, or as a local change to
    a shipped one) before Rapport's notes go to the mirror."""
    now = now or datetime.now(UTC)
    data_dir = Path(data_dir)
    try:
        report = _sync(collection, data_dir, now, choose_full, authoring, reload)
    except SyncError as exc:
        save_status(data_dir, SyncStatus(now.isoformat(), str(exc)))
        log.warning("sync failed: %s", exc)
        raise
    save_status(data_dir, SyncStatus(now.isoformat(), "", report.counts()))
    log.info("sync done%s: %s", f" (full {report.full})" if report.full else "", report.counts())
    return report


def _sync(
    collection: Collection,
    data_dir: Path,
    now: datetime,
    choose_full: FullChoice | None,
    authoring: Authoring | None,
    reload: Callable[[], None] | None,
) -> SyncReport:
    account = load_account(data_dir)
    if not account.logged_in:
        raise SyncError(
            "Not logged in to a sync server: set one in Settings (Sync), or run "
            "rapport sync --endpoint URL --username NAME --password-stdin."
        )
    check_endpoint(account.endpoint)
    hkey = load_key(data_dir, account.username)
    if hkey is None:
        raise SyncError(f"The key for {account.username} is missing: log in again.")
    if collection.store.in_transaction:
        raise SyncError("A sync cannot run in the middle of an answer; try again.")
    collection.check_writable()
    _load_anki()
    from anki.sync import SyncAuth

    collection.backup(now)
    folder = sync_dir(data_dir)
    auth = SyncAuth(hkey=hkey, endpoint=account.endpoint, io_timeout_secs=TIMEOUT_SECS)
    col = _open_mirror(folder, collection, now)
    report = SyncReport()
    try:
        _server_sync(col, auth, account, data_dir, report, choose_full)
        if authoring is not None and _read_note_edits(col, collection, folder, authoring, report):
            if reload is not None:
                reload()
        _refresh_notes(col, collection, folder, now, report)
        _mirror_options(col, collection)
        merge = Merge(col, collection, _load_state(folder), now, report)
        state = merge.run()
        _save_state(folder, state)
        _server_sync(col, auth, account, data_dir, report, choose_full)
    finally:
        col.close()
    return report


# -- the mirror ----------------------------------------------------------------------


def _open_mirror(folder: Path, collection: Collection, now: datetime) -> Any:
    """The mirror collection, made (in a side folder, then moved in) if there is none:
    its days start at the trainee's day start hour, with FSRS on."""
    anki_collection = _load_anki()
    path = folder / MIRROR_NAME
    if not path.exists():
        _make_mirror(folder, collection, now)
    try:
        col = anki_collection.Collection(str(path))
    except Exception as exc:  # a damaged file, or one from a newer Anki
        raise SyncError(
            f"Rapport's Anki copy {path} cannot be opened ({exc}). Move it away and "
            "sync again to download a fresh copy from the server."
        ) from exc
    version = int(col.db.scalar("SELECT ver FROM col"))
    if version > MAX_MIRROR_SCHEMA:
        col.close()
        raise SyncError(
            f"Rapport's Anki copy {path} has schema version {version}, newer than the "
            f"{MAX_MIRROR_SCHEMA} this Rapport understands: update Rapport."
        )
    return col


def _make_mirror(folder: Path, collection: Collection, now: datetime) -> None:
    anki_collection = _load_anki()
    side = folder / "new-mirror"
    shutil.rmtree(side, ignore_errors=True)
    side.mkdir(parents=True)
    col = anki_collection.Collection(str(side / MIRROR_NAME))
    try:
        settings = collection.settings
        hour = settings.day_start_hour
        first = study_date(now, hour, collection.tz)
        col.crt = int(day_start(first, hour, collection.tz).timestamp())
        col.set_config("rollover", hour)
        col.set_config("fsrs", True)
        _mirror_options(col, collection)
    finally:
        col.close()
    (side / MIRROR_NAME).replace(folder / MIRROR_NAME)
    shutil.rmtree(side, ignore_errors=True)


def _mirror_options(col: Any, collection: Collection) -> None:
    """Anki's default deck options (which Rapport's decks use in Anki) as Rapport's
    settings: desired retention, learning and relearning steps and the FSRS parameters
    (the optimised ones, or none for FSRS's defaults), so that Anki's FSRS schedules as
    Rapport's does. Saved (and so synced) only when they differ."""
    settings = collection.settings
    conf = col.decks.config_dict_for_deck_id(1)
    wanted = {
        "desiredRetention": settings.desired_retention,
        "fsrsParams6": list(settings.parameters),
    }
    new = [s.total_seconds() / 60 for s in settings.learning_steps]
    lapse = [s.total_seconds() / 60 for s in settings.relearning_steps]
    if (
        all(conf.get(k) == v for k, v in wanted.items())
        and conf["new"]["delays"] == new
        and conf["lapse"]["delays"] == lapse
    ):
        return
    conf.update(wanted)
    conf["new"]["delays"] = new
    conf["lapse"]["delays"] = lapse
    col.decks.save(conf)


def _server_sync(
    col: Any,
    auth: Any,
    account: Account,
    data_dir: Path,
    report: SyncReport,
    choose_full: FullChoice | None,
) -> None:
    from anki.sync import SyncOutput

    try:
        out = col.sync_collection(auth, False)
    except Exception as exc:
        raise SyncError(_message(exc, account.endpoint)) from exc
    if out.new_endpoint:  # the server moved the account (AnkiWeb's shards)
        auth.endpoint = out.new_endpoint
        save_account(data_dir, Account(out.new_endpoint, account.username, account.on_open_close))
    if out.required in (SyncOutput.NO_CHANGES, SyncOutput.NORMAL_SYNC):
        return
    if out.required == SyncOutput.FULL_UPLOAD:
        upload = True
    elif out.required == SyncOutput.FULL_DOWNLOAD:
        upload = False
    elif not col.card_count():
        # Both sides empty (Anki asks for a full sync; with an empty server and
        # cards here it says upload, with an empty copy here it says download).
        upload = True
    else:
        choice = choose_full() if choose_full is not None else None
        if choice not in ("upload", "download"):
            raise SyncError(
                "Anki needs a full sync: the server's collection and Rapport's copy have "
                "both changed in a way it cannot merge. Choose which side wins: upload "
                "(Rapport's copy replaces the server's; the other devices then download "
                "it) or download (the server's replaces Rapport's copy; Rapport's own "
                "reviews are kept and sent again). On the command line: rapport sync "
                "--full upload or --full download."
            )
        upload = choice == "upload"
    col.close_for_full_sync()
    try:
        col.full_upload_or_download(auth=auth, server_usn=out.server_media_usn, upload=upload)
    except Exception as exc:
        raise SyncError(_message(exc, account.endpoint)) from exc
    finally:
        col.reopen(after_full_sync=True)
    report.full = "upload" if upload else "download"


def _refresh_notes(
    col: Any, collection: Collection, folder: Path, now: datetime, report: SyncReport
) -> None:
    """Bring the mirror's notes up to date with Rapport's decks: the package export
    (unchanged notes keep their time, so Anki's importer skips them) imported by Anki."""
    from anki.import_export_pb2 import (
        ImportAnkiPackageOptions,
        ImportAnkiPackageRequest,
        ImportAnkiPackageUpdateCondition,
    )

    from rapport.interop.anki.package import export_decks

    decks = list(collection.decks)
    if not decks:
        return
    package = folder / NOTES_PACKAGE
    result = export_decks(decks, package, now=now, previous=load_record(folder))
    try:
        assert result.plan is not None and result.record is not None
        have = set(col.db.list("SELECT guid FROM notes"))
        changed = [
            p for p in result.plan.notes if p.change != Change.UNCHANGED or p.guid not in have
        ]
        if changed:
            newer = ImportAnkiPackageUpdateCondition.IMPORT_ANKI_PACKAGE_UPDATE_CONDITION_IF_NEWER
            options = ImportAnkiPackageOptions(
                update_notes=newer, update_notetypes=newer, with_scheduling=False
            )
            try:
                col.import_anki_package(
                    ImportAnkiPackageRequest(package_path=str(package), options=options)
                )
            except Exception as exc:
                raise SyncError(f"Could not bring Rapport's notes into Anki: {exc}") from exc
            report.notes = len(changed)
        save_record(folder, result.record)
    finally:
        package.unlink(missing_ok=True)


def _read_note_edits(
    col: Any, collection: Collection, folder: Path, authoring: Authoring, report: SyncReport
) -> int:
    """Save the edits other devices made to Rapport's notes: a mirror note whose fields
    read back by its kind (:func:`rapport.interop.anki.importer.read_own_note`) into other values
    than what Rapport last wrote (the export record in the sync folder). A note edited
    in Anki into something that is no valid note of its kind is left in Anki and
    logged. Returns the number saved."""
    record = load_record(folder)
    if not record.notes:
        return 0
    notes = {
        note_guid(deck.id, note.id): (deck, note)
        for deck in collection.decks
        for note in deck.notes
    }
    kinds = {rules.anki.model_id: rules for rules in registered().values()}
    saved = 0
    for guid, mid, fields in col.db.all("SELECT guid, mid, flds FROM notes"):
        entry = record.get(guid)
        found = notes.get(guid)
        rules = kinds.get(mid)
        values = fields.split("\x1f")
        if entry is None or found is None or rules is None or entry.withdrawn:
            continue
        if mid != entry.model_id or tuple(values) == entry.fields:
            continue
        deck, note = found
        names = [str(f["name"]) for f in col.models.get(mid)["flds"]]
        own = read_own_note(rules, dict(zip(names, values, strict=False)))
        if own is not None and own == read_own_note(
            rules, dict(zip(names, entry.fields, strict=False))
        ):
            continue  # (the same note, only written differently)
        if own is None:
            log.warning(
                "an edit in Anki of note %s/%s is not a valid note; kept in Anki only",
                deck.id,
                note.id,
            )
            continue
        table = note_table(note)
        table.pop("extra", None)
        table.update(own)
        try:
            authoring.save_note(deck, table, replacing=note.id)
        except (DeckError, DeckWriteError) as exc:
            log.warning("an edit in Anki of note %s/%s was not saved: %s", deck.id, note.id, exc)
            continue
        saved += 1
    report.edits_in = saved
    return saved


# -- the three-way state of holds ------------------------------------------------------

Holds = tuple[bool, int, bool]  # suspended, flag, buried


def _load_state(folder: Path) -> dict[str, Holds]:
    try:
        raw = json.loads((folder / STATE_NAME).read_text(encoding="utf-8"))
        return {k: (bool(v[0]), int(v[1]), bool(v[2])) for k, v in raw["holds"].items()}
    except FileNotFoundError:
        return {}
    except (OSError, ValueError, KeyError, TypeError, IndexError) as exc:
        log.warning("ignoring the damaged sync state in %s: %s", folder, exc)
        return {}


def _save_state(folder: Path, state: dict[str, Holds]) -> None:
    text = json.dumps({"version": 1, "holds": {k: list(v) for k, v in sorted(state.items())}})
    write_file(folder / STATE_NAME, text, 0o644)


# -- the merge -------------------------------------------------------------------------


@dataclass
class _Card:
    anki_id: int
    card_id: int  # Rapport's
    key: str  # "deck/note/ordinal": the three-way state's key
    deck_id: str
    queue: int
    flag: int


BUMP_MS = 10  # how far a log id may be moved off its millisecond (see _write_mirror)


def _moved(rapport_id: int, anki_id: int, taken: set[int]) -> bool:
    """Whether the mirror's entry ``anki_id`` is Rapport's answer ``rapport_id`` written a
    few milliseconds on, because another card's entry in ``taken`` (the mirror's ids of
    other cards) had that millisecond."""
    return rapport_id in taken and 0 < anki_id - rapport_id <= BUMP_MS


class Merge:
    """One merge of Rapport's store and the mirror (see the module doc, step 4)."""

    def __init__(
        self,
        col: Any,
        collection: Collection,
        base: dict[str, Holds],
        now: datetime,
        report: SyncReport,
    ) -> None:
        self.col = col
        self.collection = collection
        self.base = base
        self.now = now
        self.report = report

    def _cards(self) -> list[_Card]:
        guids = {
            note_guid(deck.id, note.id): (deck.id, note.id)
            for deck in self.collection.decks
            for note in deck.notes
        }
        out = []
        for anki_id, guid, ordinal, queue, flags in self.col.db.all(
            "SELECT c.id, n.guid, c.ord, c.queue, c.flags FROM cards c JOIN notes n ON n.id = c.nid"
        ):
            found = guids.get(guid)
            if found is None:
                continue  # the trainee's own Anki note: left alone
            card_id = self.collection.card_id(CardKey(found[0], found[1], ordinal))
            if card_id is None:
                continue
            key = f"{found[0]}/{found[1]}/{ordinal}"
            out.append(_Card(anki_id, card_id, key, found[0], queue, flags & FLAG_MASK))
        return out

    def _mirror_log(self) -> dict[int, list[tuple[int, int, int, int]]]:
        log_: dict[int, list[tuple[int, int, int, int]]] = {}
        for rid, cid, ease, taken, kind in self.col.db.all(
            "SELECT id, cid, ease, time, type FROM revlog ORDER BY id"
        ):
            if 1 <= ease <= 4 and kind in (0, 1, 2, 3):
                log_.setdefault(cid, []).append((rid, ease, taken, kind))
        return log_

    def _rapport_log(self) -> dict[int, list[ReviewRecord]]:
        out: dict[int, list[ReviewRecord]] = {}
        for review in self.collection.store.review_log():
            out.setdefault(review.card_id, []).append(review)
        return out

    def run(self) -> dict[str, Holds]:
        cards = self._cards()
        mirror = self._mirror_log()
        rapport = self._rapport_log()
        store = self.collection.store
        holds = {h.card_id: h for h in store.holds([c.card_id for c in cards])}
        every = set(self.col.db.list("SELECT id FROM revlog"))
        now_us = to_us(self.now)

        replays: dict[int, tuple[str, list[tuple[int, int, int, int]], dict[int, str]]] = {}
        pull: dict[int, Holds] = {}  # Rapport card id -> holds to take from the mirror
        final: dict[str, Holds] = {}
        push: dict[int, Holds] = {}  # Anki card id -> holds to write to the mirror
        for card in cards:
            mine = rapport.get(card.card_id, [])
            ids = {revlog_id(r.time) for r in mine}
            theirs_log = mirror.get(card.anki_id, [])
            their_ids = {e[0] for e in theirs_log}
            taken = every - their_ids
            extra = [
                e
                for e in theirs_log
                if e[0] not in ids and not any(_moved(i, e[0], taken) for i in ids)
            ]
            sent = {
                i
                for i in ids
                if i not in their_ids and not any(_moved(i, t, taken) for t in their_ids)
            }
            if extra or sent:
                # Either side has answers the other lacks: the card's state becomes the
                # replay of the union, on both sides (the same on every computer).
                union = [
                    (revlog_id(r.time), r.rating, round(r.duration.total_seconds() * 1000), 0)
                    for r in mine
                ]
                responses = {revlog_id(r.time): r.response for r in mine if r.response}
                replays[card.card_id] = (card.deck_id, sorted(union + extra), responses)
                self.report.reviews_in += len(extra)
            hold = holds.get(card.card_id)
            ours: Holds = (
                bool(hold and hold.suspended),
                store.flag(card.card_id),
                bool(hold and hold.buried_until_us is not None and hold.buried_until_us > now_us),
            )
            theirs: Holds = (
                card.queue == QUEUE_SUSPENDED,
                card.flag if card.flag <= RAPPORT_FLAGS else ours[1],
                card.queue in (QUEUE_SCHED_BURIED, QUEUE_USER_BURIED),
            )
            base = self.base.get(card.key, (False, 0, False))
            merged = tuple(
                t if (o == b and t != b) else o for o, t, b in zip(ours, theirs, base, strict=True)
            )
            result: Holds = (bool(merged[0]), int(merged[1]), bool(merged[2]))
            if result != ours:
                pull[card.card_id] = result
            if result != theirs:
                push[card.anki_id] = result
            final[card.key] = result

        self._write_rapport(replays, pull)
        self._write_mirror(cards, mirror, push, set(replays))
        return final

    def _write_rapport(
        self,
        replays: dict[int, tuple[str, list[tuple[int, int, int, int]], dict[int, str]]],
        pull: dict[int, Holds],
    ) -> None:
        """Every change to Rapport's store as one operation (one transaction)."""
        if not replays and not pull:
            return
        collection = self.collection
        store = collection.store
        _, day_end = collection.today_bounds(self.now)

        def write() -> None:
            for card_id, (deck_id, union, responses) in replays.items():
                reviews = replay(collection.scheduler_for(deck_id), card_id, union)
                store.replace_reviews(
                    card_id,
                    [
                        r._replace(response=responses.get(entry[0]))
                        for r, entry in zip(reviews, union, strict=True)
                    ],
                )
            for card_id, (suspended, flag, buried) in pull.items():
                until = to_us(day_end) if buried else None
                store.restore_holds([Hold(card_id, suspended, until)])
                store.set_flag(card_id, flag)

        collection.ops.perform("Sync", scope_of([*replays, *pull]), write, now=self.now)
        self.report.replayed = len(replays)
        self.report.holds_in = len(pull)
        collection.mark_changed()

    def _write_mirror(
        self,
        cards: Sequence[_Card],
        mirror: dict[int, list[tuple[int, int, int, int]]],
        push: dict[int, Holds],
        replayed: set[int],
    ) -> None:
        """Rapport's answers, states and holds into the mirror, in one Anki transaction."""
        collection = self.collection
        store = collection.store
        settings = collection.settings
        progress = StudyProgress(
            cards={},
            desired_retention=settings.desired_retention,
            day_start_hour=settings.day_start_hour,
            learning_steps=len(settings.learning_steps),
            relearning_steps=len(settings.relearning_steps),
            tz=collection.tz,
        )
        db = self.col.db
        time = AnkiTime(progress, self.now, int(self.col.crt))
        rapport = self._rapport_log()  # (after the replays)
        states = {row.id: row for row in store.card_table()}
        used = set(db.list("SELECT id FROM revlog"))
        every = set(used)
        mod = int(self.now.timestamp())
        rows: list[tuple[Any, ...]] = []
        updates: list[tuple[int, dict[str, int | str]]] = []
        for card in cards:
            mine = rapport.get(card.card_id, [])
            have = {e[0] for e in mirror.get(card.anki_id, [])}
            taken = every - have
            missing = [
                r
                for r in mine
                if revlog_id(r.time) not in have
                and not any(_moved(revlog_id(r.time), t, taken) for t in have)
            ]
            row = states.get(card.card_id)
            hold = push.get(card.anki_id)
            if row is None or (not missing and hold is None and card.card_id not in replayed):
                continue
            for review in missing:
                entry = revlog_id(review.time)
                while entry in used:  # another card's answer in the same millisecond
                    entry += 1
                if entry - revlog_id(review.time) > BUMP_MS:
                    raise SyncError(
                        f"More than {BUMP_MS} answers at {review.time:%Y-%m-%d %H:%M:%S.%f}: "
                        "the review log cannot hold them (a wrong clock?)."
                    )
                used.add(entry)
                rows.append((entry, card.anki_id, *revlog_values(review, time)))
            suspended = hold[0] if hold is not None else card.queue == QUEUE_SUSPENDED
            columns = card_columns(
                CardProgress(row.state, suspended, tuple(mine)), 0, time, progress
            )
            if row.state.phase == Phase.NEW:  # keep Anki's own new-card position
                columns = {"queue": QUEUE_SUSPENDED if suspended else QUEUE_NEW}
            if hold is not None:
                if hold[2] and not suspended:
                    columns["queue"] = QUEUE_USER_BURIED
                columns["flags"] = hold[1]
            elif card.queue in (QUEUE_SCHED_BURIED, QUEUE_USER_BURIED) and not suspended:
                columns["queue"] = card.queue
            updates.append((card.anki_id, columns))
        if not rows and not updates:
            return

        def write() -> None:
            db.executemany(
                "INSERT INTO revlog (id, cid, usn, ease, ivl, lastIvl, factor, time, type) "
                "VALUES (?, ?, -1, ?, ?, ?, ?, ?, ?)",
                rows,
            )
            for anki_id, columns in updates:
                sets = ", ".join(f"{name} = ?" for name in columns)
                if "flags" in columns:  # (keep Anki's other bits of the column)
                    sets = sets.replace("flags = ?", f"flags = (flags & ~{FLAG_MASK}) | ?")
                db.execute(
                    f"UPDATE cards SET {sets}, mod = ?, usn = -1 WHERE id = ?",
                    *columns.values(),
                    mod,
                    anki_id,
                )

        db.transact(write)
        self.report.reviews_out += len(rows)
        self.report.holds_out += len(push)
