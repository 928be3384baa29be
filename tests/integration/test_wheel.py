"""A non-editable install carries the decks and the essay: ``rapport check`` works from it."""

from __future__ import annotations

import subprocess
import sys
import venv
import zipfile
from pathlib import Path

import pytest

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
    installed = (ROOT / "resources" / "the-relationship-in-therapy.txt").read_bytes()
    shipped = zipfile.ZipFile(wheel).read("rapport/_data/resources/the-relationship-in-therapy.txt")
    assert shipped == installed
