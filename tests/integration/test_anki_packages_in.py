"""Import from Anki: packages that real Anki writes, in each format it writes (legacy
``collection.anki21`` inside an .apkg, the current zstd ``collection.anki21b``, and a
whole-collection .colpkg), become Rapport decks with their notes, cards, tags and review
history; importing the same package again creates no duplicates.
"""

from __future__ import annotations

import zipfile
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from anki.collection import Collection, DeckIdLimit, ExportAnkiPackageOptions
from anki.scheduler.v3 import CardAnswer

from rapport.cli import main
from rapport.content import Kind, discover, load_decks
from rapport.content.notes.model import CardKey
from rapport.interop.anki.importer import import_anki_package
from rapport.paths import deck_folders, own_decks_dir
from rapport.study import Collection as RapportCollection
from tests.integration.test_anki_import import db, scheduler

pytestmark = pytest.mark.slow

ANSWERS = (CardAnswer.GOOD, CardAnswer.AGAIN, CardAnswer.GOOD, CardAnswer.EASY)


def add(col: Collection, notetype: str, deck: str, tags: list[str], **fields: str) -> None:
    note = col.new_note(col.models.by_name(notetype))  # type: ignore[arg-type]
    for name, value in fields.items():
        note[name] = value
    note.tags = tags
    col.add_note(note, col.decks.id(deck))  # type: ignore[arg-type]


@pytest.fixture(scope="module")
def anki_collection(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Collection, Path]]:
    """A real Anki collection: standard note types, a nested deck, tags, a custom note
    type, an image, and some reviews."""
    folder = tmp_path_factory.mktemp("anki-source")
    col = Collection(str(folder / "collection.anki2"))
    add(
        col,
        "Basic",
        "Psychology::Week 1",
        ["alliance", "week1"],
        Front="What are the three parts of the alliance?",
        Back="Goals, tasks and a bond",
    )
    add(
        col,
        "Basic (and reversed card)",
        "Psychology::Week 1",
        ["terms"],
        Front="Rapport",
        Back="A relationship of <b>mutual</b> trust",
    )
    add(
        col,
        "Basic (type in the answer)",
        "Psychology::Week 2",
        [],
        Front="Who headed the APA task force?",
        Back="John Norcross",
    )
    add(
        col,
        "Cloze",
        "Psychology::Week 2",
        ["cloze"],
        Text="Agreement on {{c1::goals}} and {{c2::tasks}}",
        **{"Back Extra": "Bordin, 1979"},
    )
    add(
        col,
        "Basic (optional reversed card)",
        "Psychology",
        [],
        Front="Empathy",
        Back="Feeling with the client",
        **{"Add Reverse": "y"},
    )
    add(
        col,
        "Basic",
        "Psychology",
        ["media"],
        Front='Who is this? <img src="norcross.jpg">',
        Back="Norcross [sound:name.mp3]",
    )
    models = col.models
    custom = models.new("Vocabulary")  # a note type of the trainee's own, not a stock one
    for name in ("Word", "Meaning", "Example"):
        models.add_field(custom, models.new_field(name))
    template = models.new_template("Card 1")
    template["qfmt"], template["afmt"] = "{{Word}}", "{{FrontSide}}<hr id=answer>{{Meaning}}"
    models.add_template(custom, template)
    models.add_dict(custom)
    add(
        col,
        "Vocabulary",
        "Psychology::Week 1",
        ["vocab"],
        Word="Congruence",
        Meaning="Being genuine",
        Example="Saying what one feels",
    )
    sched = scheduler(col)
    reviewed = 0
    for answer in ANSWERS:
        for cid in sorted(col.find_cards("deck:Psychology"))[:3]:
            card = col.get_card(cid)
            card.start_timer()
            states = col._backend.get_scheduling_states(card.id)
            sched.answer_card(sched.build_answer(card=card, states=states, rating=answer))
            reviewed += 1
    try:
        yield col, folder
    finally:
        col.close()


def write_package(col: Collection, out: Path, *, legacy: bool) -> Path:
    options = ExportAnkiPackageOptions(
        with_scheduling=True, with_deck_configs=True, with_media=False, legacy=legacy
    )
    top = col.decks.id_for_name("Psychology")
    assert top is not None
    col.export_anki_package(out_path=str(out), options=options, limit=DeckIdLimit(top))
    return out


@pytest.fixture(params=["legacy", "anki21b", "colpkg"])
def package(
    request: pytest.FixtureRequest, anki_collection: tuple[Collection, Path], tmp_path: Path
) -> Path:
    col, folder = anki_collection
    if request.param == "colpkg":
        out = tmp_path / "collection.colpkg"
        col.export_collection_package(str(out), include_media=False, legacy=False)
        col.reopen()
        with zipfile.ZipFile(out) as z:
            assert "collection.anki21b" in z.namelist()
        return out
    out = write_package(col, tmp_path / f"{request.param}.apkg", legacy=request.param == "legacy")
    with zipfile.ZipFile(out) as z:
        names = z.namelist()
    if request.param == "legacy":
        assert "collection.anki21" in names or "collection.anki2" in names
        assert "collection.anki21b" not in names
    else:
        assert "collection.anki21b" in names
    return out


def anki_reviews(col: Collection) -> int:
    return int(db(col).scalar("SELECT count() FROM revlog WHERE ease BETWEEN 1 AND 4"))


def test_anki_packages_arrive_with_history_and_no_duplicates(
    package: Path, anki_collection: tuple[Collection, Path], tmp_path: Path
) -> None:
    col, _ = anki_collection
    data_dir = tmp_path / "data"
    now = datetime.now(UTC)
    report = import_anki_package(package, data_dir, now=now)
    assert report.notes == 7 and report.updated == 0
    text = str(report)
    assert "note type 'Vocabulary' is not a standard one: 1 notes mapped by position" in text
    assert "its fields are Word, Meaning, Example" in text
    assert "norcross.jpg" in text and "name.mp3" in text

    loaded = load_decks(discover([own_decks_dir(data_dir)]))
    assert loaded.errors == ()
    decks = {d.name: d for d in loaded.decks}
    assert set(decks) == {"Psychology", "Psychology::Week 1", "Psychology::Week 2"}
    kinds = sorted(str(n.kind) for d in decks.values() for n in d.notes)
    assert kinds == ["basic", "basic", "basic", "cloze", "reversed", "reversed", "typed"]
    week1 = decks["Psychology::Week 1"]
    basic = next(n for n in week1.notes if n.kind is Kind.BASIC and "alliance" in n.tags)
    assert basic.tags == ("alliance", "week1") and basic.concept == "alliance"
    assert sum(len(d.cards()) for d in decks.values()) == col.card_count() == report.cards == 10
    cloze = next(n for d in decks.values() for n in d.notes if n.kind is Kind.CLOZE)
    assert cloze.ordinals == (0, 1) and cloze.extra == "Bordin, 1979"

    # The review history arrived: every Anki answer, replayed into Rapport's FSRS state.
    assert report.reviews == anki_reviews(col) > 0
    all_decks = list(load_decks(discover(deck_folders(data_dir))).decks)
    rapport = RapportCollection.open(data_dir, all_decks, now)
    try:
        rows = [r for r in rapport.store.card_table() if r.deck_id.startswith("psychology")]
        assert sum(r.reviews for r in rows) == report.reviews
        studied = [r for r in rows if r.reviews]
        assert studied and all(r.state.stability is not None for r in studied)
        key = CardKey(week1.id, basic.id, 0)
        assert rapport.card_id(key) is not None
    finally:
        rapport.close(now)

    # Again: the same notes, updated in place; no duplicates and no history twice.
    again = import_anki_package(package, data_dir, now=now)
    assert again.notes == 7 and again.updated == 7 and again.reviews == 0
    loaded = load_decks(discover([own_decks_dir(data_dir)]))
    assert sum(len(d.notes) for d in loaded.decks) == 7


def test_rapport_import_command_takes_an_anki_package(
    anki_collection: tuple[Collection, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    col, _ = anki_collection
    package = write_package(col, tmp_path / "deck.apkg", legacy=False)
    assert main(["import", str(package), "--data-dir", str(tmp_path / "data")]) == 0
    out = capsys.readouterr().out
    assert out.startswith("imported 7 notes (10 cards, 0 already there and updated)")


def test_a_damaged_package_is_refused_by_name(tmp_path: Path) -> None:
    from rapport.interop.anki.importer import AnkiImportError

    bad = tmp_path / "bad.apkg"
    bad.write_bytes(b"not a zip at all")
    with pytest.raises(AnkiImportError, match="bad.apkg"):
        import_anki_package(bad, tmp_path / "data")
    assert not own_decks_dir(tmp_path / "data").exists() or not any(
        own_decks_dir(tmp_path / "data").iterdir()
    )


def test_a_note_type_of_ones_own_is_mapped_as_asked(
    anki_collection: tuple[Collection, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    col, _ = anki_collection
    package = write_package(col, tmp_path / "deck.apkg", legacy=False)
    data_dir = tmp_path / "data"
    args = ["import", str(package), "--data-dir", str(data_dir)]
    assert main([*args, "--note-type", "Vocabulary=Example,Word"]) == 0
    assert (
        "note type 'Vocabulary': 1 notes mapped by the fields you chose" in capsys.readouterr().out
    )
    notes = [n for d in load_decks(discover([own_decks_dir(data_dir)])).decks for n in d.notes]
    vocab = next(n for n in notes if "vocab" in n.tags)
    assert vocab.kind is Kind.BASIC
    assert (vocab.front, vocab.back, vocab.extra) == (  # type: ignore[attr-defined]
        "Saying what one feels",
        "Congruence",
        "Being genuine",
    )
    assert main([*args, "--note-type", "Vocabulary=Nope,Word"]) == 1
    assert "has no field 'Nope' (its fields: Word, Meaning, Example)" in capsys.readouterr().err


def test_rapport_import_says_why_a_package_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "bad.apkg"
    bad.write_bytes(b"PK but not really")
    assert main(["import", str(bad), "--data-dir", str(tmp_path / "data")]) == 1
    err = capsys.readouterr().err
    assert err.startswith("not imported: Cannot read the Anki package") and "bad.apkg" in err
