"""A non-editable install (what ``pipx install .`` and ``pip install --user .`` make)
carries the decks, the essay, the icons and the desktop files: ``rapport --version``,
``rapport check`` and ``rapport install-desktop`` work from it."""

from __future__ import annotations

import os
import subprocess
import sys
import venv
import zipfile
from pathlib import Path

import pytest

from rapport import __version__

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.slow
def test_wheel_install_checks_the_shipped_decks(tmp_path: Path) -> None:
    wheels = tmp_path / "wheels"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--quiet",
            "--no-deps",
            "-w",
            str(wheels),
            str(ROOT),
        ],
        check=True,
        capture_output=True,
    )
    (wheel,) = wheels.glob("rapport-*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    assert "rapport/_data/decks/the-relationship-in-therapy.toml" in names
    assert "rapport/_data/resources/the-relationship-in-therapy.txt" in names
    for shipped_file in (ROOT / "resources" / "icons").iterdir():
        assert f"rapport/_data/resources/icons/{shipped_file.name}" in names
    for shipped_file in (ROOT / "resources" / "desktop").iterdir():
        assert f"rapport/_data/resources/desktop/{shipped_file.name}" in names
    metadata = next(n for n in names if n.endswith(".dist-info/METADATA"))
    requires = [
        line
        for line in zipfile.ZipFile(wheel).read(metadata).decode().splitlines()
        if line.startswith("Requires-Dist:")
    ]
    # PyInstaller only with the dist extra, the test tools only with the test extra.
    assert all("extra ==" in line for line in requires if "pyinstaller" in line.lower())
    assert all("extra ==" in line for line in requires if "pytest" in line)

    env_dir = tmp_path / "venv"
    venv.create(env_dir, with_pip=True)
    pip = [str(env_dir / "bin" / "python"), "-m", "pip", "install", "--quiet"]
    # The check command needs only platformdirs; the GUI dependencies are not wanted here.
    subprocess.run([*pip, "--no-deps", str(wheel), "platformdirs==4.14.5"], check=True)
    done = subprocess.run(
        [str(env_dir / "bin" / "rapport"), "check"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "0 with problems" in done.stdout
    rapport = env_dir / "bin" / "rapport"
    version = subprocess.run([str(rapport), "--version"], capture_output=True, text=True)
    assert version.returncode == 0, version.stderr
    assert version.stdout.startswith(f"rapport {__version__}\n")
    # The launcher: the entry starts this install's rapport, wherever the desktop's PATH.
    data_home = tmp_path / "share"
    desktop = subprocess.run(
        [str(rapport), "install-desktop"],
        env=dict(os.environ, XDG_DATA_HOME=str(data_home)),
        capture_output=True,
        text=True,
    )
    assert desktop.returncode == 0, desktop.stderr
    entry = (data_home / "applications" / "io.github.rapport.Rapport.desktop").read_text()
    assert f"Exec={rapport}\n" in entry
    assert (data_home / "icons/hicolor/48x48/apps/io.github.rapport.Rapport.png").is_file()
    installed = (ROOT / "resources" / "the-relationship-in-therapy.txt").read_bytes()
    shipped = zipfile.ZipFile(wheel).read("rapport/_data/resources/the-relationship-in-therapy.txt")
    assert shipped == installed


@pytest.mark.slow
def test_pip_install_user_gives_the_rapport_command(tmp_path: Path) -> None:
    """``pip install --user .``, as a trainee without a venv would: the ``rapport`` script
    lands in the user's bin folder and works (a temporary PYTHONUSERBASE stands in for
    ~/.local)."""
    base_python = getattr(sys, "_base_executable", sys.executable)
    user_base = tmp_path / "local"
    env = dict(os.environ, PYTHONUSERBASE=str(user_base))
    env.pop("VIRTUAL_ENV", None)
    env.pop("PYTHONNOUSERSITE", None)
    subprocess.run(
        [
            base_python,
            "-m",
            "pip",
            "install",
            "--quiet",
            "--disable-pip-version-check",
            "--user",
            "--no-deps",  # the check command needs only platformdirs, not Qt
            str(ROOT),
            "platformdirs==4.14.5",
        ],
        check=True,
        capture_output=True,
        env=env,
        cwd=tmp_path,
    )
    rapport = user_base / "bin" / "rapport"
    assert rapport.is_file()
    done = subprocess.run(
        [str(rapport), "check"], capture_output=True, text=True, env=env, cwd=tmp_path
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "0 with problems" in done.stdout
    version = subprocess.run([str(rapport), "--version"], capture_output=True, text=True, env=env)
    assert version.stdout.startswith(f"rapport {__version__}\n")
