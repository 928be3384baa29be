"""``rapport report`` killed (SIGKILL by strace) at its flushes and renames: the class
file or PDF is whole or absent, never half-written, and a run again writes it whole with
the same pseudonym as any run that finished keeping one, and removes the hidden ``.part``
file the killed run left beside it."""

from __future__ import annotations

import json
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from rapport.content import discover, load_decks
from rapport.paths import decks_dir
from rapport.study import Collection, Rating
from tests.support.faults import injected, killed, run

pytestmark = pytest.mark.slow


def _studied(data_dir: Path) -> None:
    now = datetime.now(UTC) - timedelta(hours=1)
    col = Collection.open(data_dir, load_decks(discover([decks_dir()])).decks, now)
    try:
        session = col.session(None, now)
        for n in range(6):
            card = session.next_card(now)
            assert card is not None
            rating = Rating.AGAIN if n % 3 == 0 else Rating.GOOD
            session.answer(card, rating, now, timedelta(seconds=5), certainty=1 + n % 3)
            now += timedelta(seconds=10)
    finally:
        col.close(now)


def _report(
    data_dir: Path, out: Path, *extra: str, inject: tuple[str, int] | None = None
) -> tuple[int, bool]:
    """``rapport report`` run to ``out``, killed at ``inject`` (a call and its 1-based
    count) if given: its exit code, and whether it was killed."""
    command = [sys.executable, "-m", "rapport", "report", "-o", str(out), "--data-dir",
               str(data_dir), *extra]  # fmt: skip
    env = {"PATH": "/usr/bin:/bin", "HOME": str(data_dir), "QT_QPA_PLATFORM": "offscreen",
           "XDG_STATE_HOME": str(data_dir / "state")}  # fmt: skip
    if inject is None:
        done = run(command, env=env, timeout=120)
    else:
        done = injected(*inject, command, env=env, timeout=120)
    return done.returncode, killed(done)


@pytest.mark.parametrize(("kind", "syscall"), [("json", "rename"), ("json", "fsync"),
                                               ("pdf", "rename"), ("pdf", "fsync")])  # fmt: skip
def test_report_killed_at_any_step(tmp_path: Path, kind: str, syscall: str) -> None:
    data_dir = tmp_path / "data"
    _studied(data_dir)
    extra = ("--json",) if kind == "json" else ("--name", "Sam Example")
    killed_at = []
    kept: str | None = None  # the pseudonym of a run that got as far as keeping it
    for when in range(1, 10):
        out = tmp_path / f"{syscall}{when}" / f"report.{kind}"
        out.parent.mkdir()
        code, was_killed = _report(data_dir, out, *extra, inject=(syscall, when))
        if out.exists():  # whole, never half
            if kind == "json":
                content = json.loads(out.read_text(encoding="utf-8"))
                assert len(content["items"]) == 6
                kept = kept or content["trainee"]
                assert content["trainee"] == kept
            else:
                assert out.read_bytes().startswith(b"%PDF") and b"%%EOF" in out.read_bytes()[-64:]
        if not was_killed:
            assert code == 0
            assert out.exists()
            break
        killed_at.append(when)
        assert _report(data_dir, out, *extra)[0] == 0  # a run again writes it whole
        assert _parts(out) == [], "the run again left the killed run's temporary file"
        if kind == "json":
            content = json.loads(out.read_text(encoding="utf-8"))
            kept = kept or content["trainee"]
            assert content["trainee"] == kept and len(content["items"]) == 6
        else:
            assert out.read_bytes().startswith(b"%PDF")
    else:
        raise AssertionError("rapport report never ran to its end")
    assert killed_at, "never killed: the step was not reached"


@pytest.mark.parametrize("kind", ["json", "pdf"])
def test_the_part_a_killed_report_left_goes_with_the_next_run(tmp_path: Path, kind: str) -> None:
    """Killed between writing the report and renaming it into place, ``rapport report``
    leaves a hidden ``.report.pdf.<random>.part`` beside the chosen file (outside the data
    folder, where the start-up clean-up does not look); the next report there removes it."""
    data_dir = tmp_path / "data"
    _studied(data_dir)
    extra = ("--json",) if kind == "json" else ("--name", "Sam Example")
    # once, elsewhere: the deck cache is written, so the report's rename comes first
    (tmp_path / "warm").mkdir()
    assert _report(data_dir, tmp_path / "warm" / f"report.{kind}", *extra)[0] == 0
    out = tmp_path / "out" / f"report.{kind}"
    out.parent.mkdir()
    for when in range(1, 6):
        _, was_killed = _report(data_dir, out, *extra, inject=("rename", when))
        assert was_killed, "the rename was not reached"
        if _parts(out):
            break
    else:
        raise AssertionError("no killed run left its temporary file")
    assert not out.exists()
    assert _report(data_dir, out, *extra)[0] == 0
    assert out.exists() and _parts(out) == []


def _parts(out: Path) -> list[str]:
    """The hidden temporary files beside ``out`` (``.report.pdf.<random>.part``)."""
    return sorted(p.name for p in out.parent.iterdir() if p.name.endswith(".part"))
