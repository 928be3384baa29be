"""An Anki import of 2,000 reviews killed (SIGKILL by strace) at several of its writes
leaves either none of the history or all of it, and an import run again afterwards
brings all of it: the reviews are one operation, one transaction (rapport.study.ops)."""

from __future__ import annotations

import re
import shutil
import sqlite3
import sys
from pathlib import Path

import pytest
from anki.collection import Collection, DeckIdLimit, ExportAnkiPackageOptions

from rapport.store import DB_NAME
from tests.support.faults import injected, killed, run, spread, traced

pytestmark = pytest.mark.slow

NOTES, PER_CARD = 200, 10  # 2,000 reviews
DAY_MS = 86_400_000
START_MS = 1_700_000_000_000


@pytest.fixture(scope="module")
def package(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A real Anki package: 200 Basic notes, each card with 10 reviews a day apart."""
    folder = tmp_path_factory.mktemp("anki-source")
    col = Collection(str(folder / "collection.anki2"))
    deck_id = col.decks.id("Fault")
    assert deck_id is not None
    model = col.models.by_name("Basic")
    assert model is not None
    for i in range(NOTES):
        note = col.new_note(model)
        note["Front"] = f"Question {i}?"
        note["Back"] = f"Answer {i}."
        col.add_note(note, deck_id)
    rows = []
    review_id = START_MS
    for card_id in col.find_cards(""):
        for day in range(PER_CARD):
            review_id += 1
            ease = 1 if day == 3 else 3
            kind = 0 if day == 0 else 1
            rows.append((review_id + day * DAY_MS, card_id, ease, 8000, kind))
    db = col.db
    assert db is not None
    db.executemany(
        "INSERT INTO revlog (id, cid, usn, ease, ivl, lastIvl, factor, time, type) "
        "VALUES (?, ?, -1, ?, 1, 0, 2500, ?, ?)",
        rows,
    )
    db.execute("UPDATE cards SET type = 2, queue = 2, ivl = 10, due = 100")
    out = folder / "fault.apkg"
    options = ExportAnkiPackageOptions(
        with_scheduling=True, with_deck_configs=True, with_media=False, legacy=False
    )
    col.export_anki_package(out_path=str(out), options=options, limit=DeckIdLimit(deck_id))
    col.close()
    return out


def import_command(data_dir: Path, package: Path) -> list[str]:
    return [sys.executable, "-m", "rapport", "--data-dir", str(data_dir), "import", str(package)]


def reviews(data_dir: Path) -> int:
    path = data_dir / DB_NAME
    if not path.exists():
        return 0
    conn = sqlite3.connect(path)  # (recovers the write-ahead log as the app would)
    try:
        if not conn.execute("SELECT 1 FROM sqlite_master WHERE name = 'revlog'").fetchone():
            return 0  # (killed while the new database was being made: none of it)
        return int(conn.execute("SELECT count(*) FROM revlog").fetchone()[0])
    finally:
        conn.close()


def database_writes(data_dir: Path, package: Path) -> tuple[list[int], list[int]]:
    """Which of the import's ``pwrite64`` and ``fdatasync`` calls (1-based, in the order
    strace counts them) go to the progress database's write-ahead log (a traced dry run)."""
    done = traced("pwrite64,fdatasync", import_command(data_dir, package))
    assert done.returncode == 0, done.stderr[-2000:]
    writes: list[int] = []
    syncs: list[int] = []
    count = {"pwrite64": 0, "fdatasync": 0}
    for line in done.stderr.splitlines():
        found = re.search(r"\b(pwrite64|fdatasync)\((\d+)<([^>]*)>", line)
        if not found:
            continue
        call, _, path = found.groups()
        count[call] += 1
        if path.endswith(DB_NAME + "-wal"):
            (writes if call == "pwrite64" else syncs).append(count[call])
    shutil.rmtree(data_dir)
    return writes, syncs


def test_an_anki_import_killed_at_any_write_keeps_none_or_all_of_its_history(
    package: Path, tmp_path: Path
) -> None:
    total = NOTES * PER_CARD
    writes, syncs = database_writes(tmp_path / "dry" / "data", package)
    assert len(writes) > 10 and syncs, (writes, syncs)
    # Several points across the import's writes to the log, first and last included,
    # and each of its flushes.
    points = [("pwrite64", w) for w in spread(writes, 6)]
    points += [("fdatasync", s) for s in syncs]
    outcomes: list[int | str] = []
    for call, when in points:
        data_dir = tmp_path / f"{call}{when}" / "data"
        done = injected(call, when, import_command(data_dir, package))
        was_killed = killed(done)
        found = reviews(data_dir)
        assert found in (0, total), (call, when, found)
        if not was_killed:  # (the closing backup's thread makes the last flushes vary)
            assert done.returncode == 0 and found == total, done.stderr[-1000:]
        outcomes.append(found if was_killed else "done")
        # Run again, not killed: every review is there (none kept from a partial run).
        again = run(import_command(data_dir, package))
        assert again.returncode == 0, again.stderr[-1000:]
        assert reviews(data_dir) == total
    print(f"killed at {points}: {outcomes}")
    assert 0 in outcomes  # at least one kill fell inside the transaction


IMPORT_THEN_UNDO = """
import sys
from datetime import UTC, datetime
from pathlib import Path

from rapport.interop.anki.importer import import_anki_package
from rapport.library import load_library, open_collection

data_dir, package = Path(sys.argv[1]), Path(sys.argv[2])
now = datetime.now(UTC)
col = open_collection(load_library(data_dir, cached=False), now)
reload = lambda: col.replace_decks(load_library(data_dir, cached=False).decks)
import_anki_package(package, data_dir, now=now, collection=col, reload=reload)
print("UNDO", flush=True)
assert col.ops.undo_name == "Import Anki package"
col.ops.undo()
print("UNDONE", flush=True)
col.close(now)
"""


def test_undoing_an_anki_import_killed_at_any_write_keeps_none_or_all_of_its_history(
    package: Path, tmp_path: Path
) -> None:
    """Ctrl+Z after an import is one transaction too: killed at its writes to the log,
    the history is all there (the undo did not happen) or all gone."""
    total = NOTES * PER_CARD
    dry = tmp_path / "dry" / "data"
    child = [sys.executable, "-c", IMPORT_THEN_UNDO]
    done = traced("pwrite64,write", [*child, str(dry), str(package)])
    assert done.returncode == 0, done.stderr[-2000:]
    assert reviews(dry) == 0
    writes: list[int] = []
    started, count = False, 0
    for line in done.stderr.splitlines():
        if re.search(r'\bwrite\(1<[^>]*>, "UNDO",', line):  # (the marker the child prints)
            started = True
        call = re.search(r"\bpwrite64\((\d+)<([^>]*)>", line)
        if not call:
            continue
        count += 1
        if started and call.group(2).endswith(DB_NAME + "-wal"):
            writes.append(count)
    assert len(writes) > 3, writes
    outcomes: list[int] = []
    points = spread(writes, 5)
    for when in points:
        data_dir = tmp_path / f"pwrite{when}" / "data"
        killed_run = injected("pwrite64", when, [*child, str(data_dir), str(package)])
        assert "UNDO" in killed_run.stdout, killed_run.stderr[-1000:]  # killed in the undo
        found = reviews(data_dir)
        assert found in (0, total), (when, found)
        outcomes.append(found)
    print(f"undo killed at {points}: {outcomes}")
    assert total in outcomes  # at least one kill fell inside the undo's transaction
