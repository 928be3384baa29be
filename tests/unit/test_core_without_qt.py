"""The core works without Qt: nothing outside rapport.ui imports PySide6."""

from __future__ import annotations

import pkgutil
import subprocess
import sys
from pathlib import Path

import rapport

BLOCKER = """
import importlib.abc, sys
class Block(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if name.split('.')[0] in ('PySide6', 'shiboken6'):
            raise ImportError('PySide6 is blocked in this test')
        return None
sys.meta_path.insert(0, Block())
import importlib
for name in sys.argv[1:]:
    importlib.import_module(name)
print('ok')
"""


def core_modules() -> list[str]:
    root = Path(rapport.__file__).parent
    names = ["rapport"]
    for info in pkgutil.walk_packages([str(root)], prefix="rapport."):
        if info.name.startswith("rapport.ui") or info.name.endswith("__main__"):
            continue
        names.append(info.name)
    return names


def test_every_core_module_imports_with_pyside6_blocked() -> None:
    modules = core_modules()
    assert "rapport.content.loading.loader" in modules and "rapport.cli" in modules
    done = subprocess.run(
        [sys.executable, "-c", BLOCKER, *modules], capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "ok"


def test_no_core_source_mentions_pyside6() -> None:
    root = Path(rapport.__file__).parent
    offenders = [
        str(p.relative_to(root))
        for p in root.rglob("*.py")
        if "ui" not in p.relative_to(root).parts[:1] and "PySide6" in p.read_text()
    ]
    assert not offenders


COMMANDS = """
import importlib.abc, sys
class Block(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if name.split('.')[0] in ('PySide6', 'shiboken6'):
            raise ImportError('PySide6 is blocked in this test')
        return None
sys.meta_path.insert(0, Block())
from rapport.cli import main
try:
    main(['--version'])
except SystemExit as stop:
    assert stop.code == 0, stop.code
assert main(['check', '--data-dir', sys.argv[1]]) == 0
print('ok')
"""


def test_version_and_check_run_without_pyside6(tmp_path: Path) -> None:
    """Each command imports only what it needs: ``rapport --version`` and ``rapport check``
    (the shipped decks) never load Qt."""
    done = subprocess.run(
        [sys.executable, "-c", COMMANDS, str(tmp_path / "data")],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[-1] == "ok"
