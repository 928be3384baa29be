"""Run by ``test_read_every_card.py`` inside a real X server (Xvfb, 800x600).

Opens the app's main window on the shipped decks at 800x600 and, for every card, by key
presses sent to the widget that has the keyboard focus (as a trainee's keys are): shows
it and pages down (PgDn) to the end of the question, answers it (a choice card: option
1; a typed card: Enter on an empty answer), pages down to the end of the answer and saves
a screenshot of the window there; then opens the passage (P), pages down to its end and
saves another. Prints one JSON line per card: its key, the PgDn presses, whether each
end was reached, and the card text area's height.

Usage: ``python -m tests.integration.read_every_card DATA_DIR SHOTS_DIR``
"""

from __future__ import annotations

import json
import sys
from datetime import UTC, datetime
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QTextBrowser, QWidget

from rapport.content import load_decks
from rapport.paths import decks_dir
from rapport.study import Collection
from rapport.ui.main_window import MainWindow
from rapport.ui.theme import apply_theme

MAX_PAGES = 40


def main(data_dir: Path, shots: Path) -> int:
    app = QApplication(sys.argv[:1])
    apply_theme(app, "light", 18)
    now = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)
    decks = load_decks([decks_dir()]).decks
    collection = Collection.open(data_dir, decks, now)
    window = MainWindow(collection, clock=lambda: now)
    window.setMinimumSize(0, 0)
    window.resize(800, 600)
    window.move(0, 0)
    window.show()
    QTest.qWaitForWindowExposed(window)
    window.start_review([])
    review = window.review
    shots.mkdir(parents=True, exist_ok=True)

    def key(k: Qt.Key) -> None:
        target: QWidget = QApplication.focusWidget() or review
        QTest.keyClick(target, k)
        app.processEvents()

    def page_down(view: QTextBrowser) -> tuple[int, bool]:
        """PgDn until ``view`` shows its end: (presses, whether the end was reached)."""
        bar = view.verticalScrollBar()
        pages = 0
        while bar.value() < bar.maximum() and pages < MAX_PAGES:
            key(Qt.Key.Key_PageDown)
            pages += 1
        return pages, bar.value() == bar.maximum()

    for deck in decks:
        for number, card in enumerate(deck.cards()):
            review.show_question(card)
            app.processEvents()
            question_pages, question_end = page_down(review.card_view)
            if card.note.kind == "choice":
                key(Qt.Key.Key_1)
            else:
                key(Qt.Key.Key_Return)
            pages, at_end = page_down(review.card_view)
            name = f"{number:03d}-{card.note.id}-{card.ordinal}.png"
            window.grab().save(str(shots / name))
            passage_end = None
            if review.passage_button.isVisible():
                key(Qt.Key.Key_P)
                passage_end = page_down(review.passage_view)[1]
                window.grab().save(str(shots / name.replace(".png", "-passage.png")))
                key(Qt.Key.Key_P)
            print(
                json.dumps(
                    {
                        "card": f"{card.note.id}/{card.ordinal}",
                        "kind": str(card.note.kind),
                        "revealed": review.revealed,
                        "question_pages": question_pages,
                        "question_end": question_end,
                        "pages": pages,
                        "at_end": at_end,
                        "passage_end": passage_end,
                        "view_height": review.card_view.viewport().height(),
                        "window": [window.width(), window.height()],
                        "shot": name,
                    }
                ),
                flush=True,
            )
    collection.close(now)
    return 0


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1]), Path(sys.argv[2])))
