"""Help > About and ``rapport --version`` name the version, the data folder and the log."""

from __future__ import annotations

from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from rapport import __version__, cli
from rapport.content import DeckSet
from rapport.logs import log_file
from rapport.study import Collection
from rapport.ui.main_window import MainWindow
from tests.support.clock import Clock
from tests.support.qt import ModalCatcher


def test_help_about_shows_version_data_and_log_folders(
    qtbot: QtBot,
    collection: Collection,
    kinds_decks: DeckSet,
    clock: Clock,
    data_dir: Path,
    modals: ModalCatcher,
) -> None:
    window = MainWindow(collection, kinds_decks.errors, clock, deck_dirs=[])
    qtbot.addWidget(window)
    about = next(a for a in window.findChildren(type(window.undo_action)) if "About" in a.text())
    about.trigger()
    assert modals.titles() == ["About Rapport"]
    text = modals.seen[0][1]
    assert f"Rapport {__version__}" in text
    assert str(data_dir) in text
    assert str(log_file().parent) in text


def test_version_names_the_data_folder_given(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit):
        cli.main(["--data-dir", str(tmp_path), "--version"])
    lines = capsys.readouterr().out.splitlines()
    assert lines[:2] == [f"rapport {__version__}", f"data folder: {tmp_path}"]
