"""Rapport as a desktop application: the entry and the AppStream file pass their
validators, name the same identity as the app, and `rapport install-desktop` puts them
(and the icons) in the user's XDG folders and takes them away again."""

from __future__ import annotations

import configparser
import re
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from rapport import __version__
from rapport.cli import main
from rapport.desktop import (
    APP_ID,
    APP_NAME,
    ICON_SIZES,
    desktop_entry,
    entry_text,
    icon_png,
    icons_dir,
    metainfo,
    xdg_data_home,
)
from rapport.paths import resources_dir

ROOT = Path(__file__).resolve().parents[2]


def tool(name: str, package: str) -> str:
    found = shutil.which(name)
    assert found, f"{name} is missing: install the Debian package {package} (make test does)"
    return found


def validate_entry(path: Path) -> None:
    done = subprocess.run(
        [tool("desktop-file-validate", "desktop-file-utils"), str(path)],
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0 and not done.stdout.strip(), done.stdout + done.stderr


def read_entry(text: str) -> configparser.SectionProxy:
    parser = configparser.ConfigParser(interpolation=None, delimiters=("=",))
    parser.optionxform = str  # type: ignore[assignment,method-assign]
    parser.read_string(text)
    return parser["Desktop Entry"]


def test_the_shipped_entry_is_valid() -> None:
    validate_entry(desktop_entry())


def test_the_metainfo_is_valid() -> None:
    done = subprocess.run(
        [tool("appstreamcli", "appstream"), "validate", "--no-net", str(metainfo())],
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stdout + done.stderr


def test_entry_metainfo_and_app_share_one_identity() -> None:
    entry = read_entry(desktop_entry().read_text(encoding="utf-8"))
    assert desktop_entry().name == f"{APP_ID}.desktop"  # setDesktopFileName(APP_ID)
    assert entry["Name"] == APP_NAME  # setApplicationName(APP_NAME)
    assert entry["StartupWMClass"] == APP_NAME  # Qt's WM_CLASS class is the app name
    assert entry["Icon"] == APP_ID
    root = ET.parse(metainfo()).getroot()
    assert root.findtext("id") == APP_ID
    assert root.findtext("launchable") == desktop_entry().name
    assert root.findtext("name") == APP_NAME
    # The app sets exactly these (src/rapport/ui/app.py).
    app = (ROOT / "src/rapport/ui/app.py").read_text(encoding="utf-8")
    assert "app.setApplicationName(APP_NAME)" in app
    assert "app.setDesktopFileName(APP_ID)" in app


def test_every_icon_size_is_shipped() -> None:
    assert (icons_dir() / "rapport.svg").is_file()
    for size in ICON_SIZES:
        data = icon_png(size).read_bytes()
        assert data[:8] == b"\x89PNG\r\n\x1a\n"
        width, height = int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")
        assert (width, height) == (size, size)


def test_install_and_uninstall_in_xdg_data_home(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    home = tmp_path / "share"
    monkeypatch.setenv("XDG_DATA_HOME", str(home))
    assert xdg_data_home() == home
    launcher = tmp_path / "my apps" / "rapport"  # a space: Exec must quote it
    launcher.parent.mkdir()
    launcher.write_text("#!/bin/sh\n")
    monkeypatch.setattr("sys.argv", [str(launcher)])

    assert main(["install-desktop"]) == 0
    out = capsys.readouterr().out
    entry_path = home / "applications" / f"{APP_ID}.desktop"
    assert str(entry_path) in out
    validate_entry(entry_path)
    entry = read_entry(entry_path.read_text(encoding="utf-8"))
    assert entry["Exec"] == f'"{launcher}"'
    assert entry["TryExec"] == str(launcher)
    assert entry["Icon"] == APP_ID
    for size in ICON_SIZES:
        placed = home / "icons/hicolor" / f"{size}x{size}" / "apps" / f"{APP_ID}.png"
        assert placed.read_bytes() == icon_png(size).read_bytes()
    assert (home / "icons/hicolor/scalable/apps" / f"{APP_ID}.svg").is_file()
    assert (home / "metainfo" / f"{APP_ID}.metainfo.xml").read_bytes() == metainfo().read_bytes()
    assert not list(home.rglob("*.part"))

    assert main(["install-desktop"]) == 0  # again: replaced, nothing added
    capsys.readouterr()

    assert main(["install-desktop", "--uninstall"]) == 0
    assert "removed 9 files" in capsys.readouterr().out
    assert not [p for p in home.rglob("*") if p.is_file()]


def test_install_falls_back_to_python_m_rapport(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("sys.argv", ["/somewhere/pytest"])
    monkeypatch.setattr("sys.executable", "/opt/py 3/bin/python3")
    entry = read_entry(entry_text(__import__("rapport.desktop").desktop.launch_command()))
    assert entry["Exec"] == '"/opt/py 3/bin/python3" -m rapport'


def test_relative_xdg_data_home_is_ignored(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_DATA_HOME", "relative/share")
    assert xdg_data_home() == Path.home() / ".local" / "share"


def test_an_unwritable_folder_is_a_clear_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    home = tmp_path / "share"
    home.write_text("a file where the folder should be")
    monkeypatch.setenv("XDG_DATA_HOME", str(home))
    assert main(["install-desktop"]) == 1
    err = capsys.readouterr().err
    assert "Cannot write into" in err and str(home) in err


def test_resources_carry_the_desktop_files() -> None:
    assert desktop_entry().parent == resources_dir() / "desktop"


def test_changelog_top_section_is_the_current_version() -> None:
    text = (ROOT / "CHANGELOG.md").read_text(encoding="utf-8")
    headings = re.findall(r"^## (.+)$", text, re.M)
    assert headings, "CHANGELOG.md has no release sections"
    top = re.match(r"\[?(\d+\.\d+\.\d+[^\]\s]*)\]?", headings[0])
    assert top is not None, f"the top section {headings[0]!r} names no version"
    assert top.group(1) == __version__, (
        f"CHANGELOG.md's top section is {top.group(1)}, the version is {__version__}"
    )


@pytest.mark.parametrize("frozen", [False, True])
def test_without_ankis_library_the_message_fits_the_install(
    monkeypatch: pytest.MonkeyPatch, frozen: bool
) -> None:
    from rapport.interop.anki.importer import AnkiImportError, _load_anki

    monkeypatch.setitem(sys.modules, "anki", None)  # import anki raises ImportError
    monkeypatch.setitem(sys.modules, "anki.collection", None)
    if frozen:
        monkeypatch.setattr(sys, "frozen", True, raising=False)
    with pytest.raises(AnkiImportError) as error:
        _load_anki()
    if frozen:  # the bundle: no pip to run, so say what does work
        assert "left out" in str(error.value) and "Import spreadsheet" in str(error.value)
    else:
        assert "pip install 'rapport[anki]'" in str(error.value)
