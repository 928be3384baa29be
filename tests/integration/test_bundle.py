"""The self-contained bundle (``make dist``): built with PyInstaller from
packaging/rapport.spec, unpacked from its archive, run with no Python on PATH and a fresh
data folder under Xvfb, one card studied by keyboard, the answer found in the database.

About 1-2 minutes on a 2-core machine (the build is most of it). Skipped where Xvfb or
xdotool is missing; ``make test`` installs both on Debian, and PyInstaller (the ``dist``
extra) with the test set-up.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import sys
import tarfile
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from rapport import __version__
from rapport.desktop import APP_NAME, WM_INSTANCE
from rapport.store import DB_NAME
from tests.support.screen import xvfb
from tests.support.waiting import wait_for_title, wait_for_window, wait_until
from tests.support.waiting import xdotool as support_xdotool

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        not (shutil.which("Xvfb") and shutil.which("xdotool")), reason="needs Xvfb and xdotool"
    ),
]
ROOT = Path(__file__).resolve().parents[2]
# What the bundle must not carry: test-only and development packages, Anki's AGPL
# library, and Qt modules Rapport does not use.
NOT_SHIPPED = ("pytest", "_pytest", "pytestqt", "hypothesis", "mypy", "ruff", "lxml", "anki")
QT_NOT_SHIPPED = ("WebEngine", "Pdf", "Quick", "Qml", "Multimedia", "3D", "Network")


@pytest.fixture(scope="module")
def bundle(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """The bundle, built as ``make dist`` builds it and unpacked from its archive."""
    work = tmp_path_factory.mktemp("dist")
    started = time.monotonic()
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "PyInstaller",
            "--noconfirm",
            "--log-level",
            "WARN",
            "--distpath",
            str(work / "dist"),
            "--workpath",
            str(work / "build"),
            str(ROOT / "packaging" / "rapport.spec"),
        ],
        cwd=work,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stderr[-4000:]
    archives = list((work / "dist").glob("*.tar.gz"))
    assert [a.name for a in archives] == [f"rapport-{__version__}-linux-x86_64.tar.gz"]
    unpacked = work / "unpacked"
    with tarfile.open(archives[0]) as archive:
        archive.extractall(unpacked, filter="tar")
    assert [p.name for p in unpacked.iterdir()] == [f"rapport-{__version__}"]
    folder = unpacked / f"rapport-{__version__}"
    size = sum(p.stat().st_size for p in folder.rglob("*") if p.is_file() and not p.is_symlink())
    print(
        f"\nbundle built in {time.monotonic() - started:.0f} s: {size / 2**20:.0f} MiB, "
        f"archive {archives[0].stat().st_size / 2**20:.0f} MiB"
    )
    yield folder


def bare_env(tmp_path: Path) -> dict[str, str]:
    """A trainee's environment: a fresh home and XDG folders, a PATH with no Python."""
    home = tmp_path / "home"
    empty_bin = tmp_path / "bin"
    empty_bin.mkdir(exist_ok=True)
    env = {
        "HOME": str(home),
        "PATH": str(empty_bin),
        "LANG": "C.UTF-8",
        "XDG_DATA_HOME": str(home / "data"),
        "XDG_STATE_HOME": str(home / "state"),
        "XDG_CONFIG_HOME": str(home / "config"),
        "XDG_CACHE_HOME": str(home / "cache"),
    }
    return env


def test_bundle_is_lean_and_complete(bundle: Path) -> None:
    launcher = bundle / "rapport"
    assert launcher.is_file() and os.access(launcher, os.X_OK)
    internal = bundle / "_internal"
    names = {p.name for p in internal.iterdir()}
    assert not names & set(NOT_SHIPPED), names & set(NOT_SHIPPED)
    qt_libs = [p.name for p in internal.rglob("libQt6*")]
    assert "libQt6Widgets.so.6" in qt_libs and "libQt6Charts.so.6" in qt_libs
    unwanted = [n for n in qt_libs if any(m in n for m in QT_NOT_SHIPPED)]
    assert not unwanted, unwanted
    plugins = internal / "PySide6" / "Qt" / "plugins"
    assert (plugins / "platforms" / "libqxcb.so").is_file()
    assert (plugins / "platforms" / "libqwayland.so").is_file()
    data = internal / "rapport" / "_data"
    assert (data / "decks" / "the-relationship-in-therapy.toml").is_file()
    assert (data / "resources" / "the-relationship-in-therapy.txt").is_file()
    assert (data / "resources" / "icons" / "rapport-256.png").is_file()
    assert (data / "resources" / "desktop" / "io.github.rapport.Rapport.desktop").is_file()


def test_bundle_commands_run_without_python(bundle: Path, tmp_path: Path) -> None:
    env = bare_env(tmp_path)
    version = subprocess.run(
        [str(bundle / "rapport"), "--version"], env=env, capture_output=True, text=True
    )
    assert version.returncode == 0, version.stderr
    assert version.stdout.splitlines()[0] == f"rapport {__version__}"
    assert f"data folder: {env['XDG_DATA_HOME']}/rapport" in version.stdout
    check = subprocess.run(
        [str(bundle / "rapport"), "check"], env=env, capture_output=True, text=True
    )
    assert check.returncode == 0, check.stdout + check.stderr
    assert "0 with problems" in check.stdout
    # Anki's AGPL library is left out: importing an .apkg says so, and what works instead.
    package = tmp_path / "deck.apkg"
    package.write_bytes(b"")
    imported = subprocess.run(
        [str(bundle / "rapport"), "import", str(package)], env=env, capture_output=True, text=True
    )
    assert imported.returncode == 1
    assert "Anki's library is left out" in imported.stdout + imported.stderr
    installed = subprocess.run(
        [str(bundle / "rapport"), "install-desktop"], env=env, capture_output=True, text=True
    )
    assert installed.returncode == 0, installed.stderr
    entry = Path(env["XDG_DATA_HOME"]) / "applications" / "io.github.rapport.Rapport.desktop"
    assert f"Exec={bundle / 'rapport'}\n" in entry.read_text(encoding="utf-8")


def test_bundle_studies_a_card_by_keyboard(bundle: Path, tmp_path: Path) -> None:
    env = bare_env(tmp_path)
    data_dir = Path(env["XDG_DATA_HOME"]) / "rapport"
    with xvfb("1280x800") as display:
        env["DISPLAY"] = display["DISPLAY"]
        app = subprocess.Popen(
            [str(bundle / "rapport")],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        try:

            def xdotool(*args: str, timeout: float = 10) -> str:
                return support_xdotool(display, *args, timeout=timeout)

            def answers_saved() -> int:
                conn = sqlite3.connect(f"file:{data_dir / DB_NAME}?mode=ro", uri=True)
                try:
                    return int(conn.execute("SELECT COUNT(*) FROM revlog").fetchone()[0])
                finally:
                    conn.close()

            window = wait_for_window(display, "^Rapport")
            # The WM class the desktop entry names (StartupWMClass), both halves.
            assert xdotool("search", "--class", f"^{APP_NAME}$")
            assert xdotool("search", "--classname", f"^{WM_INSTANCE}$")
            # The process runs the bundle's own Python, nothing from outside it.
            maps = Path(f"/proc/{app.pid}/maps").read_text()
            pythons = {line.split()[-1] for line in maps.splitlines() if "libpython" in line}
            assert pythons and all(p.startswith(str(bundle)) for p in pythons), pythons
            assert str(ROOT / ".venv") not in maps
            # No window manager: give the window the X input focus, so that Qt sees it
            # active and its shortcuts (Ctrl+Q) work, as on a desktop. (Home's deck list
            # has the keyboard focus before the window is mapped.) Each key waits for what
            # it does where that shows outside the app: the title, the answer saved.

            def key(name: str) -> None:
                xdotool("key", name)

            xdotool("windowfocus", "--sync", window)
            key("d")  # put the first-run welcome away
            key("t")  # the essay deck, by the deck list's type-ahead ("The Relationship...")
            key("Return")  # study it
            wait_for_title(display, window, "Reviewing")
            key("space")  # show the answer
            key("3")  # Good
            wait_until(lambda: answers_saved() == 1, "the answer saved", alive=app)
            key("ctrl+q")
            app.wait(timeout=60)
        finally:
            if app.poll() is None:
                app.kill()
                app.wait()
    output = app.stdout.read() if app.stdout else ""
    assert app.returncode == 0, output

    conn = sqlite3.connect(f"file:{data_dir / DB_NAME}?mode=ro", uri=True)
    try:
        reviews = conn.execute("SELECT COUNT(*) FROM revlog").fetchone()[0]
        dismissed = conn.execute(
            "SELECT value FROM prefs WHERE key = 'welcome_dismissed'"
        ).fetchone()
    finally:
        conn.close()
    assert reviews == 1, output
    assert dismissed == ("1",)
