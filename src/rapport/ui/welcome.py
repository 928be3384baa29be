"""The first-run welcome on Home: what the deck is, the keys, where progress is kept and
how to add a course deck or import from Anki.

Shown when a trainee opens Rapport on a fresh data folder (no answer given yet and never
dismissed); D dismisses it for good (a preference in the collection), and so does its
button. A data folder that already holds answers (an upgrade, a restored backup) never
sees it.
"""

from __future__ import annotations

import html
import importlib.util
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from rapport.errors import RapportError

if TYPE_CHECKING:
    from rapport.study import Collection

PREF_WELCOME_DISMISSED = "welcome_dismissed"
DISMISS_KEY = Qt.Key.Key_D


def wants_welcome(collection: Collection) -> bool:
    """True on a fresh data folder: never dismissed, and no answer given yet."""
    if collection.get_pref(PREF_WELCOME_DISMISSED) is not None:
        return False
    return not collection.store.has_answers()


def anki_library_installed() -> bool:
    """Whether Anki's library (the optional ``anki`` extra) is there to read .apkg files;
    found without importing it."""

    return importlib.util.find_spec("anki") is not None


def welcome_html(collection: Collection) -> str:
    """The welcome's text, naming the trainee's decks and data folder."""
    decks = collection.decks
    if decks:
        names = ", ".join(f"<b>{html.escape(d.name)}</b>" for d in decks[:3])
        cards = sum(len(d.cards()) for d in decks)
        deck_line = (
            f"Your deck{'s' * (len(decks) != 1)}: {names} ({cards} cards); what each one "
            "covers is written under the list. Every answer says where its card comes from "
            "(a paragraph of the essay, or your course's notes), and P shows that passage."
        )
    else:
        deck_line = "No deck is installed yet: add one as below."
    folder = html.escape(str(collection.data_dir))
    plain_text = (
        "export Notes in Plain Text from Anki and use File &gt; Import spreadsheet (Ctrl+I)."
    )
    if anki_library_installed():
        from_anki = f"File &gt; Import Anki package (Ctrl+Shift+I), or {plain_text}"
    else:  # the bundle, or an install without the [anki] extra
        from_anki = plain_text[0].upper() + plain_text[1:]
    return (
        "<h3 style='margin:0'>Welcome to Rapport</h3>"
        "<p>Rapport drills you on the therapeutic relationship with flashcards and "
        "schedules each card for the day you are about to forget it.</p>"
        f"<p>{deck_line}</p>"
        "<p><b>Keys:</b> Enter studies the selected deck · Space shows the answer · "
        "1 Again, 2 Hard, 3 Good, 4 Easy · Escape back to Home · F1 every key.</p>"
        "<p><b>Your progress</b> is saved at each answer, with automatic backups, on this "
        f"computer only, in {folder}.</p>"
        "<p><b>A course deck:</b> File &gt; Add deck file (Ctrl+O) adds the .toml file your "
        f"course leader gives you. <b>From Anki:</b> {from_anki}</p>"
    )


class WelcomePanel(QFrame):
    """The welcome box at the top of Home. Emits ``dismissed`` when put away for good."""

    dismissed = Signal()

    def __init__(self, collection: Collection, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.collection = collection
        self.setObjectName("welcome")
        self.setAccessibleName("Welcome")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 12, 16, 12)
        self.text = QLabel(welcome_html(collection))
        self.text.setTextFormat(Qt.TextFormat.RichText)
        self.text.setWordWrap(True)
        self.text.setAccessibleName("Welcome to Rapport")
        layout.addWidget(self.text)
        row = QHBoxLayout()
        row.addStretch(1)
        self.button = QPushButton("Got it, don't show again  (D)")
        self.button.setAccessibleName("Dismiss the welcome")
        self.button.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # the deck list keeps the keys
        self.button.clicked.connect(self.dismiss)
        row.addWidget(self.button)
        layout.addLayout(row)

    def dismiss(self) -> None:
        """Hide the welcome and remember that it was seen."""

        self.hide()
        try:
            self.collection.set_pref(PREF_WELCOME_DISMISSED, "1")
        except RapportError:
            pass  # a read-only collection: hidden for this run, shown again next time
        self.dismissed.emit()
