"""The two ways into Rapport that the start-up import tests follow, and the imports
Rapport's modules make inside functions (see "Start-up budget" in
tests/benchmarks/README.md).

- :data:`FIRST_CARD`: the window as ``run_app`` opens it (its icon, the crash hook), to the
  first card of a session;
- :data:`STUDY_START`: the Qt-free core as the commands use it: a deck-cache hit, the
  collection opened, the counts, the first card.

Each script takes the data folder and a deck folder and prints the modules loaded.
"""

from __future__ import annotations

import ast
import importlib.util
import os
import subprocess
import sys
from pathlib import Path
from typing import NamedTuple

import rapport

FIRST_CARD = """
import sys
from pathlib import Path
from PySide6.QtWidgets import QApplication

app = QApplication(sys.argv)
from rapport.ui.app import close_collection, open_main_window
from rapport.ui.icons import app_icon

app.setWindowIcon(app_icon())
from rapport.ui import crash

window = open_main_window(app, Path(sys.argv[1]), [Path(sys.argv[2])])
crash.install_excepthook(lambda: window)
window.start_review([window.collection.decks[0].id])
assert window.review.card is not None
loaded = " ".join(sorted(sys.modules))
close_collection(window.collection)
print(loaded)
"""

STUDY_START = """
import sys
from datetime import UTC, datetime
from pathlib import Path

from rapport.content.loading.cache import load_decks_cached
from rapport.content.loading.loader import DeckError
from rapport.paths import deck_folders
from rapport.store import AlreadyRunning, DatabaseError
from rapport.study import Collection, Rating

data_dir, deck_dir = Path(sys.argv[1]), Path(sys.argv[2])
now = datetime.now(UTC)
decks = load_decks_cached(deck_folders(data_dir, [deck_dir]), data_dir)
collection = Collection.open(data_dir, decks.decks, now)
deck = collection.decks[0]
assert deck.cards() and deck.notes
collection.deck_counts(now)
collection.next_due(now)
collection.studied_today(now)
session = collection.session([deck.id], now)
assert session.next_card(now) is not None
session.remaining(now)
collection.close(now)
print(" ".join(sorted(sys.modules)))
"""


def loaded_by(script: str, data_dir: Path, deck_dir: Path) -> set[str]:
    """The modules ``script`` has loaded at its end, in a fresh process, as a returning
    trainee starts (the first run writes the deck cache; the second reads it)."""
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    args = [sys.executable, "-c", script, str(data_dir), str(deck_dir)]
    for _ in range(2):
        done = subprocess.run(args, capture_output=True, text=True, env=env, timeout=120)
        assert done.returncode == 0, done.stderr
    return set(done.stdout.split())


class LateImport(NamedTuple):
    """An import inside a function of one of Rapport's modules."""

    module: str  # the module whose function imports
    function: str
    line: int
    targets: tuple[str, ...]  # the modules it loads
    at_top: bool  # every one of them is imported at the top of the same module too


def _module_exists(name: str) -> bool:
    try:
        return importlib.util.find_spec(name) is not None
    except (ImportError, ValueError):
        return False


def _targets(node: ast.Import | ast.ImportFrom, module: str) -> list[str]:
    if isinstance(node, ast.Import):
        return [alias.name for alias in node.names]
    parts = module.split(".")
    base = node.module or ""
    if node.level:
        base = ".".join(parts[: len(parts) - node.level] + ([base] if base else []))
    out = []
    for alias in node.names:
        sub = f"{base}.{alias.name}"
        # PySide6 creates each Qt class on its first import: a class counts as a target
        # of its own (never a loaded module), so importing it late is never needless.
        out.append(sub if base.startswith("PySide6") or _module_exists(sub) else base)
    return out


def _visit(
    node: ast.AST, module: str, function: str, top: set[str], found: list[LateImport]
) -> None:
    for child in ast.iter_child_nodes(node):
        if isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef):
            _visit(child, module, child.name, top, found)
            continue
        if function and isinstance(child, ast.Import | ast.ImportFrom):
            targets = tuple(_targets(child, module))
            at_top = all(t in top for t in targets)
            found.append(LateImport(module, function, child.lineno, targets, at_top))
        _visit(child, module, function, top, found)


def late_imports() -> list[LateImport]:
    """Every import inside a function body in the ``rapport`` package."""
    root = Path(rapport.__file__).parent
    found: list[LateImport] = []
    for path in sorted(root.rglob("*.py")):
        parts = path.relative_to(root.parent).with_suffix("").parts
        module = ".".join(parts).removesuffix(".__init__")
        tree = ast.parse(path.read_text(encoding="utf-8"))
        top: set[str] = set()
        for node in tree.body:
            if isinstance(node, ast.Import | ast.ImportFrom):
                top.update(_targets(node, module))
                if isinstance(node, ast.ImportFrom) and node.module and not node.level:
                    top.add(node.module)
        _visit(tree, module, "", top, found)
    return found
