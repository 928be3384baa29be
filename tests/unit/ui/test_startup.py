"""Start-up as ``run_app`` does it: decks, collection, theme, Home; and the theme applied
once, in its final look, before any widget exists."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from rapport.content import DeckSet
from rapport.study import Collection
from rapport.ui import app as app_module
from rapport.ui import theme
from tests.support.clock import Clock
from tests.support.qt import ModalCatcher
from tests.support.startup import FIRST_CARD, STUDY_START, late_imports, loaded_by


def qapplication() -> QApplication:
    instance = QApplication.instance()
    assert isinstance(instance, QApplication)
    return instance


def test_applying_the_same_look_again_leaves_the_style_sheet_alone(qapp: object) -> None:
    app = qapplication()
    theme.apply_theme(app, "light", 18)
    sheet = app.styleSheet()
    app.setStyleSheet(sheet + "\n/* marker */")
    theme.apply_theme(app, "light", 18)
    assert app.styleSheet().endswith("/* marker */")  # not set again
    theme.apply_theme(app, "light", 20)
    assert "marker" not in app.styleSheet() and "font-size: 20pt" in app.styleSheet()
    theme.apply_theme(app, "dark", 20)
    assert theme.colours() is theme.DARK
    theme.apply_theme(app, "light", 18)


def test_ensure_theme_applies_the_default_only_when_none_is_in_force(qapp: object) -> None:
    app = qapplication()
    theme.apply_theme(app, "dark", 24)
    theme.ensure_theme(app)
    assert theme.colours() is theme.DARK  # the look in force is kept
    theme._applied = None  # as at start-up, before any look is applied
    app.setStyleSheet("")
    theme.ensure_theme(app)
    assert "QPushButton" in app.styleSheet()
    theme.apply_theme(app, "light", 18)


def test_open_main_window_shows_home_in_the_stored_look(
    qtbot: QtBot, data_dir: Path, kinds_dir: Path, kinds_decks: DeckSet, clock: Clock
) -> None:
    app = qapplication()
    theme.apply_theme(app, "light", 18)
    first = Collection.open(data_dir, kinds_decks.decks, clock())
    first.set_pref("theme", "dark")
    first.set_pref("font_size", "26")
    first.close(clock())
    window = app_module.open_main_window(app, data_dir, [kinds_dir])
    assert window is not None
    qtbot.addWidget(window)
    try:
        assert window.isVisible() and window.current_view_name() == "home"
        assert window.windowTitle() == "Rapport"
        assert theme.colours() is theme.DARK
        # The card font size reaches the card's widgets only, never the chrome.
        assert "#typedAnswer { font-size: 26pt; }" in app.styleSheet()
        assert f"QWidget {{ font-size: {theme.UI_FONT_SIZE}pt; }}" in app.styleSheet()
        assert window.home.selected_deck_id() == "kinds"
        # The day's progress comes just after the first paint.
        qtbot.waitUntil(lambda: window.home.today_label.text().startswith("Today"))
        window.start_review(["kinds"])
        assert window.review.card_view.document().defaultFont().pointSize() == 26
    finally:
        app_module.close_collection(window.collection)
        theme.apply_theme(app, "light", 18)


@pytest.mark.logs_errors  # (the error is the point of the test)
def test_open_main_window_refuses_a_second_instance_with_a_dialog(
    collection: Collection, data_dir: Path, kinds_dir: Path, modals: ModalCatcher
) -> None:
    assert app_module.open_main_window(qapplication(), data_dir, [kinds_dir]) is None
    assert modals.titles() == ["Rapport is already running"]


def test_open_main_window_names_a_data_folder_it_cannot_create(
    tmp_path: Path, kinds_dir: Path, modals: ModalCatcher
) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    assert app_module.open_main_window(qapplication(), blocker / "data", [kinds_dir]) is None
    title, text = modals.seen[-1]
    assert title == "Rapport cannot start" and str(blocker / "data") in text


# Loaded where they are used, so that the first card never waits for them.
OFF_THE_START_PATH = {
    "rapport.ui.dialogs",  # only when a dialog is shown
    "rapport.ui.browse",
    "rapport.ui.stats_view",
    "rapport.ui.practice",
    "rapport.ui.settings",
    "rapport.ui.export_dialog",
    "PySide6.QtCharts",  # with the statistics view
    "genanki",  # with the first export
    "nh3",  # with the first card written in HTML
    "difflib",  # with the first typed answer
    "rapport.content.editing.authoring",  # with the first edit, or local changes to apply
    "rapport.ui.note_editor",
    "tomlkit",  # with the first deck written
    # with `rapport check` or the editor (its warnings, a new note's id): item cues import them late
    "rapport.content.notes.words",
    "rapport.content.notes.optioncues",
}


def test_the_first_card_loads_no_other_view(data_dir: Path, kinds_dir: Path) -> None:
    loaded = loaded_by(FIRST_CARD, data_dir, kinds_dir)
    assert "rapport.ui.review" in loaded
    assert not loaded & OFF_THE_START_PATH


# Entry modules that import late on purpose: each command of ``rapport.cli`` imports
# only what it needs, and ``rapport.ui.app`` loads the core before PySide6 (see below).
LATE_BY_DESIGN = {"rapport.cli", "rapport.ui.app"}

# What a module no start path loads still imports where it is used, so that the module's
# other uses never pay for it (``python -X importtime`` on this 2-core machine).
HEAVY_OR_OPTIONAL = {
    "anki": "the optional `anki` extra; anki.collection takes about 200 ms",
    "keyring": "the optional `keyring` extra",
    "rapport.interop.anki.package": "genanki, about 65 ms, for an export only",
    "PySide6.QtCharts": "about 80 ms; the statistics tables show before any chart",
}


def _heavy_or_optional(target: str) -> bool:
    return any(target == name or target.startswith(f"{name}.") for name in HEAVY_OR_OPTIONAL)


def test_each_late_import_waits_for_a_module_some_start_leaves_out(
    data_dir: Path, kinds_dir: Path
) -> None:
    """An import inside a function is kept only where a start-up path needs it (the rule
    in "Start-up budget", tests/benchmarks/README.md): a module imports at its top what it
    already imports there, and what every start that loads the module loads anyway. A
    module no start loads is imported late already, so it imports at its top everything
    but the heavy or optional packages above. The modules in ``LATE_BY_DESIGN`` are
    exempt."""
    paths = [loaded_by(script, data_dir, kinds_dir) for script in (FIRST_CARD, STUDY_START)]
    needless = []
    for late in late_imports():
        if late.module in LATE_BY_DESIGN:
            continue
        starts = [loaded for loaded in paths if late.module in loaded]
        if late.at_top or (starts and all(set(late.targets) <= loaded for loaded in starts)):
            flagged = list(late.targets)
        elif starts:
            flagged = []
        else:
            flagged = [t for t in late.targets if not _heavy_or_optional(t)]
        needless += [f"{late.module}:{late.line} {late.function}: {t}" for t in flagged]
    assert needless == [], "\n".join(needless)


def test_the_core_of_start_up_loads_before_qt() -> None:
    """run_app imports the Qt-free start-up modules before PySide6, which would otherwise
    read the source of each as it is imported."""
    probe = (
        "import sys; from rapport.ui.app import load_start_path; load_start_path(); "
        "print('PySide6' in sys.modules, 'rapport.study.collection' in sys.modules, "
        "'rapport.content.loading.cache' in sys.modules)"
    )
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["False", "True", "True"]


COLLECTOR = """
import gc, sys
from pathlib import Path
from rapport.ui.app import close_collection, load_start_path, open_main_window

load_start_path()
paused = not gc.isenabled()
from PySide6.QtWidgets import QApplication

app = QApplication(sys.argv)
window = open_main_window(app, Path(sys.argv[1]), [Path(sys.argv[2])])
during = not gc.isenabled()
app.processEvents()
print(paused, during, gc.isenabled())
close_collection(window.collection)
"""


def test_the_garbage_collector_pauses_for_start_up_only(data_dir: Path, kinds_dir: Path) -> None:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    done = subprocess.run(
        [sys.executable, "-c", COLLECTOR, str(data_dir), str(kinds_dir)],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["True", "True", "True"]


@pytest.mark.logs_errors  # (the error is the point of the test)
def test_a_failed_start_resumes_the_garbage_collector(
    collection: Collection, data_dir: Path, kinds_dir: Path, modals: ModalCatcher
) -> None:
    import gc

    app_module.load_start_path()
    try:
        assert not gc.isenabled()
        assert app_module.open_main_window(qapplication(), data_dir, [kinds_dir]) is None
        assert gc.isenabled()
    finally:
        app_module.resume_collector()
        gc.enable()
