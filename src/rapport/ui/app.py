"""Starting the Qt application."""

from __future__ import annotations

import sys
from pathlib import Path

from PySide6.QtWidgets import QApplication, QLabel, QMainWindow


def run_app(data_dir: Path) -> int:
    """Open the main window and run the event loop until it closes."""
    from rapport.content import load_decks
    from rapport.paths import decks_dir

    app = QApplication.instance() or QApplication(sys.argv)
    result = load_decks([decks_dir()])
    window = QMainWindow()
    window.setWindowTitle("Rapport")
    names = "\n".join(f"{d.name}: {len(d.cards())} cards" for d in result.decks)
    window.setCentralWidget(QLabel(names or "No decks"))
    window.resize(900, 640)
    window.show()
    return app.exec()
