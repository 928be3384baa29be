"""Issue 20 on the Anki import: odd review dates are skipped and reported, never stored
(item 1); Anki notes never go into a handed-out deck file or a deck named like another
(item 3); two notes sharing a GUID are reported as skipped, against nothing unwritten
(item 11); the import is all or nothing."""

from __future__ import annotations

import sqlite3
import zipfile
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import pytest
from anki.collection import Collection, DeckIdLimit, ExportAnkiPackageOptions
from anki.scheduler.v3 import CardAnswer

from rapport.cli import main
from rapport.content import discover, load_decks
from rapport.interop.anki.importer import import_anki_package
from rapport.paths import deck_folders, own_decks_dir, user_decks_dir
from rapport.store import DB_NAME
from rapport.store.checks import full_check
from rapport.study import Collection as RapportCollection
from tests.integration.test_anki_import import db, scheduler
from tests.support.decks import every_kind_notes, header

pytestmark = pytest.mark.slow

ODD_DATES_MS = {
    "0001": -62_135_596_800_000,  # 0001-01-01
    "1970": 1_000,
    "2100": 4_102_444_800_000,
    "9999": 253_370_764_800_000,
}


def make_package(
    folder: Path,
    deck: str,
    fronts: list[str],
    *,
    reviews: int = 2,
    change: Callable[[Collection], None] | None = None,
    colpkg: bool = False,
) -> Path:
    """A real Anki package of basic notes in ``deck``, each card answered ``reviews`` times."""
    folder.mkdir(parents=True, exist_ok=True)
    col = Collection(str(folder / "collection.anki2"))
    try:
        did = col.decks.id(deck)
        assert did is not None
        for front in fronts:
            note = col.new_note(col.models.by_name("Basic"))  # type: ignore[arg-type]
            note["Front"], note["Back"] = front, f"Back of {front}"
            col.add_note(note, did)
        sched = scheduler(col)
        for _ in range(reviews):
            for cid in sorted(col.find_cards(f'"deck:{deck}"')):
                card = col.get_card(cid)
                card.start_timer()
                states = col._backend.get_scheduling_states(card.id)
                answer = sched.build_answer(card=card, states=states, rating=CardAnswer.GOOD)
                sched.answer_card(answer)
        if change is not None:
            change(col)
        if colpkg:
            out = folder / "whole.colpkg"
            col.export_collection_package(str(out), include_media=False, legacy=False)
            return out
        out = folder / "deck.apkg"
        options = ExportAnkiPackageOptions(
            with_scheduling=True, with_deck_configs=True, with_media=False, legacy=True
        )
        col.export_anki_package(out_path=str(out), options=options, limit=DeckIdLimit(did))
        return out
    finally:
        col.close()


def crafted(package: Path, sql: Callable[[sqlite3.Connection], None]) -> Path:
    """The package with its collection changed by ``sql``, as an attacker would (Anki
    itself refuses to export such values)."""
    with zipfile.ZipFile(package) as z:
        members = {name: z.read(name) for name in z.namelist()}
    name = next(n for n in ("collection.anki21", "collection.anki2") if n in members)
    work = package.with_suffix(".sqlite")
    work.write_bytes(members[name])
    conn = sqlite3.connect(work)
    sql(conn)
    conn.commit()
    conn.close()
    members[name] = work.read_bytes()
    out = package.with_name("crafted.apkg")
    with zipfile.ZipFile(out, "w") as z:
        for member, data in members.items():
            z.writestr(member, data)
    return out


def odd_dates(conn: sqlite3.Connection) -> None:
    """Move the first review of four cards to 0001, 1970, 2100 and 9999."""
    cards = [row[0] for row in conn.execute("SELECT id FROM cards ORDER BY id")]
    for cid, when in zip(cards, ODD_DATES_MS.values(), strict=False):
        (first,) = conn.execute("SELECT min(id) FROM revlog WHERE cid = ?", (cid,)).fetchone()
        conn.execute("UPDATE revlog SET id = ? WHERE id = ?", (when, first))


def test_reviews_dated_0001_1970_2100_or_9999_are_skipped_and_said(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    package = crafted(make_package(tmp_path / "anki", "Week 9", [f"Q{i}" for i in range(6)]),
                      odd_dates)  # fmt: skip
    data = tmp_path / "data"
    assert main(["import", str(package), "--data-dir", str(data)]) == 0
    out = capsys.readouterr().out
    assert "skipped: 4 reviews dated before 2006 or after today (the first on 0001-01-01)" in out
    assert "with 8 reviews" in out  # 6 cards x 2 answers, less the 4 odd ones
    decks = list(load_decks(discover(deck_folders(data))).decks)
    now = datetime.now(UTC)
    col = RapportCollection.open(data, decks, now)  # the app starts: no damage
    try:
        assert col.store.review_count() == 8
        assert full_check(col.store._conn) == []
    finally:
        col.close(now)
    assert main(["stats", "--data-dir", str(data)]) == 0


HANDOUT = header("week-1", "Week 1") + every_kind_notes(extension=False, scenario=False)


def test_anki_notes_never_go_into_a_handed_out_deck_or_one_named_like_a_shipped_deck(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from tests.support.decks import copy_essay

    data = tmp_path / "data"
    handout = tmp_path / "handout" / "week-1.toml"
    handout.parent.mkdir()
    copy_essay(handout.parent)
    handout.write_text(HANDOUT, encoding="utf-8")
    assert main(["add", str(handout), "--data-dir", str(data)]) == 0
    added = user_decks_dir(data) / "week-1.toml"
    before = added.read_bytes()
    shipped = load_decks(discover(deck_folders(data, None)[:1])).decks[0]
    for deck in ("Week 1", shipped.name):
        package = make_package(tmp_path / deck.replace(" ", "_"), deck, ["Anki A", "Anki B"])
        assert main(["import", str(package), "--data-dir", str(data)]) == 0
    assert added.read_bytes() == before  # the leader's file is untouched
    loaded = load_decks(discover(deck_folders(data)))
    assert loaded.errors == ()  # every file loads: none refused for a taken id or name
    mine = {d.name: d for d in loaded.decks if d.path.parent == own_decks_dir(data)}
    assert set(mine) == {"Week 1 (Anki)", f"{shipped.name} (Anki)"}
    assert all(len(d.notes) == 2 for d in mine.values())
    # importing again updates the same files (its own), with no duplicates
    assert main(["import", str(package), "--data-dir", str(data)]) == 0
    again = load_decks(discover(deck_folders(data)))
    assert again.errors == () and len(again.decks) == len(loaded.decks)


def test_two_notes_sharing_a_guid_are_reported_as_skipped(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    def same_guid(col: Collection) -> None:
        first, second = sorted(col.find_notes(""))[:2]
        guid = db(col).scalar("SELECT guid FROM notes WHERE id = ?", first)
        db(col).execute("UPDATE notes SET guid = ? WHERE id = ?", guid, second)

    package = make_package(tmp_path / "anki", "Twins", ["One", "Two", "Three"], change=same_guid,
                           colpkg=True)  # fmt: skip
    data = tmp_path / "data"
    assert main(["import", str(package), "--data-dir", str(data)]) == 0
    out = capsys.readouterr().out
    assert "skipped: a second note with the same GUID in 'Twins'" in out
    (deck,) = load_decks(discover([own_decks_dir(data)])).decks
    assert len(deck.notes) == 2


def test_an_import_whose_history_cannot_be_saved_writes_no_deck(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    package = make_package(tmp_path / "anki", "Week 7", ["Q1", "Q2"])
    data = tmp_path / "data"

    def failing(*args: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr("rapport.store.database.Store.record_review", failing)
    with pytest.raises(OSError):
        import_anki_package(package, data)
    assert not list(own_decks_dir(data).glob("*.toml"))
    assert (data / DB_NAME).exists()
