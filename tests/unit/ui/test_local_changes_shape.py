"""Issue 20 items 6 and 9: a file of local changes of the wrong shape is kept aside (with
a message) like an unparsable one, and a second damaged file never replaces the first
one's kept-aside copy."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from rapport.content.editing.local import FILE_NAME, LocalChanges
from rapport.study import Collection
from tests.support.clock import Clock
from tests.support.qt import ModalCatcher

GOOD = {"deck": "d", "note": "n", "base": {"front": "a"}, "local": {"front": "b"}}


@pytest.mark.parametrize(
    "data",
    [
        {"version": 1, "changes": [{k: v for k, v in GOOD.items() if k != "note"}]},
        {"version": 1, "changes": [{**GOOD, "base": ["front", "a"]}]},
        {"version": 1, "changes": [{**GOOD, "local": "b"}]},
        {"version": 1, "changes": [{**GOOD, "deck": 3}]},
        {"version": 1, "changes": ["d/n"]},
        {"version": 1, "changes": {"d": GOOD}},
        {"version": 1},
        [GOOD],
        "changes",
    ],
)
@pytest.mark.logs_errors  # (the error is the point of the test)
def test_a_file_of_the_wrong_shape_is_kept_aside_with_a_message(
    tmp_path: Path, data: object
) -> None:
    path = tmp_path / FILE_NAME
    text = json.dumps(data)
    path.write_text(text, encoding="utf-8")
    local = LocalChanges(tmp_path)
    assert len(local) == 0 and not path.exists()
    (kept,) = tmp_path.glob("local-changes.damaged-*.json")
    assert kept.read_text(encoding="utf-8") == text
    assert local.notice is not None and kept.name in local.notice
    local.set("d", "n", {"front": "a"}, {"front": "b"})  # and a new file is made
    assert len(LocalChanges(tmp_path)) == 1


@pytest.mark.logs_errors  # (the error is the point of the test)
def test_a_second_damaged_file_never_replaces_the_first_ones_copy(tmp_path: Path) -> None:
    path = tmp_path / FILE_NAME
    for text in ("{ damaged one", "{ damaged two", '{"changes": [{"deck": "x"}]}'):
        path.write_text(text, encoding="utf-8")
        LocalChanges(tmp_path)
    kept = sorted(p.read_text(encoding="utf-8") for p in tmp_path.glob("local-changes.*"))
    assert kept == sorted(["{ damaged one", "{ damaged two", '{"changes": [{"deck": "x"}]}'])


@pytest.mark.logs_errors  # (the error is the point of the test)
def test_the_app_starts_and_says_so(
    qtbot: QtBot, collection: Collection, clock: Clock, modals: ModalCatcher
) -> None:
    """A wrong-shaped file at start-up: the window opens and a message names the copy."""
    from rapport.ui.main_window import MainWindow

    path = collection.data_dir / FILE_NAME
    path.write_text(json.dumps({"version": 1, "changes": [{"deck": "d"}]}), encoding="utf-8")
    window = MainWindow(collection, (), clock, deck_dirs=[])
    qtbot.addWidget(window)
    window.show()
    qtbot.waitUntil(lambda: "Your own changes to notes" in modals.titles(), timeout=5000)
    text = dict(modals.seen)["Your own changes to notes"]
    assert "local-changes.damaged-" in text and not path.exists()
