"""Issue 20: spreadsheets and Anki packages (written with real Anki's library) full of
hostile values -- control characters, NUL bytes, formula cells, markup, path-like and
taken deck names, huge column numbers, odd review dates -- are either refused with one
clear line or imported with nothing written outside the data folder and no other deck
touched (property-based, bounded)."""

from __future__ import annotations

import contextlib
import io
import os
import shutil
from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from rapport.cli import main
from rapport.content import discover, load_decks
from rapport.paths import deck_folders, own_decks_dir
from tests.support.decks import copy_essay, every_kind_notes, header

pytestmark = pytest.mark.slow

HOSTILE = st.sampled_from(
    ["=HYPERLINK(\"http://x\")", "+cmd|' /C calc'!A0", "@SUM(1)", "-1", "\t", "\r", "\0",
     "\x1f", "\x07", "../../etc/passwd", "/tmp/x", "<script>alert(1)</script>",
     "<img src=x onerror=alert(1)>", "{{c1::x}}", "{{c999999::", "'", '"', ",", ";",
     "\u202e", "\ufeff", "x" * 5000, "Week 1", "My own", "Default", "", " ", "\n"]
)  # fmt: skip
CELL = st.one_of(HOSTILE, st.text(max_size=40), st.lists(HOSTILE, max_size=3).map("".join))
HEADERS = st.lists(
    st.sampled_from(
        ["#separator:comma", "#separator:tab", "#separator:\0", "#html:true",
         "#deck:../../outside", "#deck:Week 1", "#deck:My own", "#notetype:cloze",
         "#notetype:choice", "#guid column:300000000", "#deck column:1", "#tags column:2",
         "#columns:id,kind,deck,front,back", "#tags:a b ../c"]
    ),
    max_size=4,
)  # fmt: skip

HANDOUT = header("week-1", "Week 1") + every_kind_notes(extension=False, scenario=False)


def _snapshot(root: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(root)): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file() and not p.is_symlink()
    }


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A data folder with a handed-out deck and an own deck, inside a folder of its own."""
    root = tmp_path_factory.mktemp("world")
    handout = root / "handout" / "week-1.toml"
    handout.parent.mkdir()
    copy_essay(handout.parent)
    handout.write_text(HANDOUT, encoding="utf-8")
    data = root / "data"
    with contextlib.redirect_stdout(io.StringIO()):
        assert main(["add", str(handout), "--data-dir", str(data)]) == 0
    own = own_decks_dir(data)
    own.mkdir(parents=True)
    (own / "my-own.toml").write_text(
        'id = "my-own"\nname = "My own"\n\n[[notes]]\nid = "a"\nkind = "basic"\n'
        'concept = "c"\nfront = "F"\nback = "B"\n',
        encoding="utf-8",
    )
    return root


def _check(world: Path, run: Path, args: list[str]) -> None:
    """Run ``rapport`` on a copy of the world; check the promise."""
    data = run / "data"
    before_outside = _snapshot(run)
    before_decks = {k: v for k, v in _snapshot(data).items() if k.endswith(".toml")}
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main([*args, "--data-dir", str(data)])
    after = _snapshot(run)
    outside = {k for k in set(before_outside) | set(after) if not k.startswith("data" + os.sep)}
    assert all(before_outside.get(k) == after.get(k) for k in outside), "wrote outside data"
    for name, content in before_decks.items():  # no other deck touched
        assert after.get(str(Path("data") / name)) == content, name
    if code != 0:
        lines = err.getvalue().strip().splitlines()
        assert code in (1, 2) and lines and lines[-1].startswith("not imported"), lines
        assert "Traceback" not in err.getvalue()
    else:
        loaded = load_decks(discover(deck_folders(data)))
        assert loaded.errors == (), [str(e) for e in loaded.errors]


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    headers=HEADERS,
    rows=st.lists(st.lists(CELL, min_size=1, max_size=6), min_size=1, max_size=8),
    raw=st.one_of(st.none(), st.binary(max_size=200)),
    name=st.sampled_from(["week 1.csv", "My own.tsv", "x.txt", "sheet.csv"]),
)
def test_hostile_spreadsheets(
    world: Path,
    tmp_path_factory: pytest.TempPathFactory,
    headers: list[str],
    rows: list[list[str]],
    raw: bytes | None,
    name: str,
) -> None:
    import csv

    run = tmp_path_factory.mktemp("run")
    shutil.copytree(world, run, dirs_exist_ok=True)
    sheet = run / "data" / "in" / name  # the input lives in the data folder's subfolder
    sheet.parent.mkdir(parents=True)
    if raw is not None:
        sheet.write_bytes(raw)
    else:
        body = io.StringIO()
        csv.writer(body, lineterminator="\n").writerows(rows)
        sheet.write_text("\n".join([*headers, body.getvalue()]), encoding="utf-8")
    _check(world, run, ["import", str(sheet)])


@settings(
    max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    deck=st.sampled_from(
        [
            "Week 1",
            "My own",
            "Default",
            "a::b::c",
            "../../x",
            "The Relationship in Therapy",
            "<b>x</b>",
        ]
    ),
    fields=st.lists(st.tuples(CELL, CELL), min_size=1, max_size=4),
    tags=st.lists(st.sampled_from(["../x", "leech", "a::b", "\u202e", "x" * 300]), max_size=3),
    odd=st.sampled_from([None, -62_135_596_800_000, 0, 4_102_444_800_000]),
)
@example(deck="Week 1", fields=[("=HYPERLINK(1)", "\x80")], tags=[], odd=None)  # found by it
def test_hostile_anki_packages(
    world: Path,
    tmp_path_factory: pytest.TempPathFactory,
    deck: str,
    fields: list[tuple[str, str]],
    tags: list[str],
    odd: int | None,
) -> None:
    from anki.collection import Collection, DeckIdLimit, ExportAnkiPackageOptions

    run = tmp_path_factory.mktemp("run")
    shutil.copytree(world, run, dirs_exist_ok=True)
    source = run / "data" / "in"
    source.mkdir(parents=True)
    col = Collection(str(source / "collection.anki2"))
    try:
        did = col.decks.id(deck)
        assert did is not None
        for front, back in fields:
            note = col.new_note(col.models.by_name("Basic"))  # type: ignore[arg-type]
            note["Front"], note["Back"] = front, back
            note.tags = tags
            col.add_note(note, did)
        if odd is not None and col.db is not None:
            cid = col.db.scalar("SELECT min(id) FROM cards")
            col.db.execute("INSERT INTO revlog VALUES (?, ?, -1, 3, 1, 0, 2500, 1000, 0)", odd, cid)
        package = source / "hostile.apkg"
        options = ExportAnkiPackageOptions(
            with_scheduling=True, with_deck_configs=False, with_media=False, legacy=True
        )
        col.export_anki_package(out_path=str(package), options=options, limit=DeckIdLimit(did))
    except Exception:  # Anki itself refused the value: nothing to import
        return
    finally:
        col.close()
    _check(world, run, ["import", str(package)])
