"""The app's small dialogs: errors, the crash report, deck problems, shortcuts, About.

The core raises :class:`~rapport.errors.RapportError` with text fit to show; these
dialogs show it. An unexpected exception reaches :mod:`rapport.ui.crash`, which shows the
traceback in a :class:`CrashDialog` the trainee can copy from; answers are already
committed by the core, so a crash loses nothing.
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QDialogButtonBox,
    QLabel,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from rapport import __version__
from rapport.logs import log_file
from rapport.ui.theme import ensure_theme

SHORTCUTS: tuple[tuple[str, str], ...] = (
    (
        "Home",
        "Enter or S: study the selected deck · Shift+A: study all decks · O: deck options "
        "(its preset) · C: custom study · F2: rename · Delete: delete the deck · D: put the "
        "first-run welcome away",
    ),
    (
        "Main window",
        "A: add a note · Ctrl+N: new deck · Ctrl+I: import a spreadsheet · Ctrl+Y: sync",
    ),
    (
        "Review",
        "Space or Enter: show the answer; on the answer side, the default grade (Good, or "
        "the suggested one)",
    ),
    (
        "Review",
        "1 Again · 2 Hard · 3 Good · 4 Easy; before the answer, 1…N pick an option of a "
        "multiple-choice card, and Enter in the answer box compares what you typed",
    ),
    (
        "Review",
        "J low · K mid · L high: how sure you are, before the answer shows "
        "(certainty-based marking, in Settings)",
    ),
    (
        "Review",
        "E: edit the card's note · P: the essay passage it comes from · Up/Down, PgUp/PgDn, "
        "Home/End: scroll the card (or the passage)",
    ),
    (
        "Review",
        "- bury the card · = bury the note (until tomorrow) · @ suspend the card · ! suspend "
        "the note · * mark the note",
    ),
    ("Review", "Ctrl+1 red · Ctrl+2 orange · Ctrl+3 green · Ctrl+4 blue flag (again: remove)"),
    ("Session summary", "Enter: back to Home · C: custom study"),
    (
        "Browse",
        "Ctrl+F: search (Anki's search language; picked:WORD and typed:WORD find the cards "
        "whose answers picked or typed it) · Ctrl+Shift+F: the sidebar · Enter: edit",
    ),
    (
        "Browse",
        "Ctrl+J: suspend or unsuspend · Ctrl+Shift+I: card info · Ctrl+Alt+N: forget · "
        "Ctrl+Shift+D: set due date · Ctrl+Shift+S: reposition",
    ),
    ("Statistics", "S: study the confident errors now (custom study of those cards)"),
    (
        "Practice test",
        "1…N: pick · Enter: submit · Escape: end the test · PgUp/PgDn scroll; after the "
        "score, S studies the missed cards and N starts a new test",
    ),
    (
        "Anywhere",
        "Ctrl+Z (Edit > Undo) undoes the last change, named in the menu · Ctrl+Shift+Z "
        "(Edit > Redo) does it again · Escape: back to Home",
    ),
    (
        "Anywhere",
        "Ctrl+H Home · Ctrl+B Browse · Ctrl+T Statistics · Ctrl+P Practice test · Ctrl+O "
        "Add deck file · Ctrl+E Export · Ctrl+, Settings · Ctrl+Q Quit · F1 this list",
    ),
)


def _styled(parent: QWidget | None) -> QWidget | None:
    """``parent``; with no window yet (an error met at start-up), the default look first."""
    if parent is None:
        app = QApplication.instance()
        if isinstance(app, QApplication):
            ensure_theme(app)
    return parent


def show_error(parent: QWidget | None, title: str, message: str) -> None:
    """A plain error dialog with a user-fit message."""
    parent = _styled(parent)
    box = QMessageBox(
        QMessageBox.Icon.Warning, title, message, QMessageBox.StandardButton.Ok, parent
    )
    box.setTextFormat(Qt.TextFormat.PlainText)  # messages quote deck names and file paths
    box.setAccessibleName(title)
    box.exec()


def show_info(parent: QWidget | None, title: str, message: str) -> None:
    """A plain message that something went as asked."""
    parent = _styled(parent)
    box = QMessageBox(
        QMessageBox.Icon.Information, title, message, QMessageBox.StandardButton.Ok, parent
    )
    box.setTextFormat(Qt.TextFormat.PlainText)  # messages quote deck names and file paths
    box.setAccessibleName(title)
    box.exec()


def ask_restore(parent: QWidget | None, message: str, has_backup: bool) -> bool:
    """Tell the trainee the database is damaged; True if they choose to restore the backup."""
    parent = _styled(parent)
    box = QMessageBox(parent)
    box.setIcon(QMessageBox.Icon.Critical)
    box.setWindowTitle("Rapport cannot open your progress")
    box.setTextFormat(Qt.TextFormat.PlainText)  # the message quotes file paths
    box.setText(message)
    box.setAccessibleName("Damaged progress file")
    restore = None
    if has_backup:
        restore = box.addButton("Restore newest backup", QMessageBox.ButtonRole.AcceptRole)
        restore.setAccessibleName("Restore newest backup")
    quit_button = box.addButton("Quit", QMessageBox.ButtonRole.RejectRole)
    quit_button.setAccessibleName("Quit")
    box.setDefaultButton(restore or quit_button)
    box.exec()
    return restore is not None and box.clickedButton() is restore


def ask_replace_or_add(parent: QWidget | None, message: str) -> str:
    """Ask what to do with a deck an import matches: "replace", "add" or "" (cancel,
    the default, so that Enter or Escape changes nothing)."""
    box = QMessageBox(_styled(parent))
    box.setIcon(QMessageBox.Icon.Question)
    box.setWindowTitle("The deck is already there")
    box.setTextFormat(Qt.TextFormat.PlainText)
    box.setText(message)
    box.setAccessibleName("The deck is already there")
    replace = box.addButton("&Replace", QMessageBox.ButtonRole.DestructiveRole)
    add = box.addButton("&Add to it", QMessageBox.ButtonRole.AcceptRole)
    cancel = box.addButton("Cancel", QMessageBox.ButtonRole.RejectRole)
    box.setDefaultButton(cancel)
    box.setEscapeButton(cancel)
    box.exec()
    clicked = box.clickedButton()
    return "replace" if clicked is replace else "add" if clicked is add else ""


class DetailsDialog(QDialog):
    """A message with copyable details beneath it (used for crashes and deck problems)."""

    def __init__(
        self, title: str, message: str, details: str, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.setAccessibleName(title)
        self.resize(720, 460)
        layout = QVBoxLayout(self)
        self.message = QLabel(message)
        self.message.setTextFormat(Qt.TextFormat.PlainText)  # it may quote deck files
        self.message.setWordWrap(True)
        self.message.setAccessibleName("Message")
        layout.addWidget(self.message)
        self.details = QPlainTextEdit(details)
        self.details.setReadOnly(True)
        self.details.setAccessibleName("Details")
        layout.addWidget(self.details, 1)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        copy = QPushButton("Copy details")
        copy.setAccessibleName("Copy details")
        copy.clicked.connect(self.copy_details)
        buttons.addButton(copy, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.rejected.connect(self.reject)
        buttons.accepted.connect(self.accept)
        layout.addWidget(buttons)

    def copy_details(self) -> None:
        """Put the details on the clipboard."""
        QGuiApplication.clipboard().setText(self.details.toPlainText())


class CrashDialog(DetailsDialog):
    """What an unexpected error shows: an apology, the traceback, a copy button."""

    def __init__(self, details: str, parent: QWidget | None = None) -> None:
        super().__init__(
            "Rapport hit an unexpected error",
            "Something went wrong inside Rapport. Your answers so far are saved. "
            "You can keep working; if this happens again, copy the details below and send "
            "them to whoever looks after Rapport. They are also in Rapport's log file, "
            f"{log_file()}.",
            details,
            parent,
        )


def deck_problems_dialog(
    parent: QWidget | None,
    problems: Sequence[str],
    title: str = "Deck problems",
    *,
    refused: bool = False,
) -> DetailsDialog:
    """A dialog listing deck-file problems, one per line, or saying all decks are valid.

    ``refused``: the problems are why a file given to File > Add deck file was not added.
    """
    if problems:
        count = len(problems)
        found = f"{count} problem{'s' * (count != 1)} found (file:line: note: field: problem)."
        message = (
            f"{found} The deck was not added. Fix the file, then add it again with "
            "File > Add deck file."
            if refused
            else f"{found} A deck with problems is left out; the other decks work as usual. "
            "Fix the file and restart Rapport."
        )
    else:
        message = "All decks valid."
    dialog = DetailsDialog(title, message, "\n".join(problems), parent)
    dialog.details.setVisible(bool(problems))
    if not problems:
        dialog.resize(420, 140)
    return dialog


class ShortcutsDialog(QDialog):
    """Help > Keyboard shortcuts."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Keyboard shortcuts")
        self.setAccessibleName("Keyboard shortcuts")
        layout = QVBoxLayout(self)
        self.table = table = QTableWidget(len(SHORTCUTS), 2)
        table.setAccessibleName("Shortcut list")
        table.setHorizontalHeaderLabels(["Where", "Keys"])
        table.verticalHeader().hide()
        table.horizontalHeader().setStretchLastSection(True)
        table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        table.setWordWrap(True)  # a long line wraps in its row rather than being cut
        table.setTextElideMode(Qt.TextElideMode.ElideNone)
        table.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        for row, (where, keys) in enumerate(SHORTCUTS):
            table.setItem(row, 0, QTableWidgetItem(where))
            table.setItem(row, 1, QTableWidgetItem(keys))
        table.resizeColumnToContents(0)
        layout.addWidget(table)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        buttons.button(QDialogButtonBox.StandardButton.Close).setAccessibleName("Close")
        layout.addWidget(buttons)
        self.fit()

    def fit(self) -> None:
        """As big as the list (within the screen): every line shown whole, no scrolling."""
        table = self.table
        table.resizeColumnToContents(0)
        screen = self.screen().availableGeometry() if self.screen() else None
        width = min(900, screen.width() - 40) if screen else 900
        keys_width = width - table.columnWidth(0) - 60
        table.setColumnWidth(1, keys_width)
        table.resizeRowsToContents()
        rows = sum(table.rowHeight(r) for r in range(table.rowCount()))
        height = rows + table.horizontalHeader().height() + 4
        limit = (screen.height() - 140) if screen else 900
        table.setMinimumHeight(min(height, limit))
        table.setMinimumWidth(width - 40)
        self.adjustSize()

    def showEvent(self, event: Any) -> None:
        super().showEvent(event)
        self.fit()  # (again with the fonts and style in force once shown)


def about_text(data_dir: Path | None = None) -> str:
    """The About box text: the version, the data folder (``data_dir``) and the log's."""
    data = (
        f"<p>Data folder (your progress and backups): {html.escape(str(data_dir))}</p>"
        if data_dir is not None
        else ""
    )

    return (
        f"<h3>Rapport {__version__}</h3>"
        "<p>A flashcard trainer for counselling trainees, built on one essay about the "
        "therapeutic relationship.</p>"
        "<p>Reviews are scheduled with FSRS, the algorithm Anki offers; every answer is "
        "saved as you give it, and decks export to Anki.</p>"
        f"{data}<p>Log folder: {html.escape(str(log_file().parent))}<br>"
        f"Log file: {html.escape(str(log_file()))}</p>"
    )


def show_about(parent: QWidget | None, data_dir: Path | None = None) -> None:
    """Help > About."""
    box = QMessageBox(parent)
    box.setWindowTitle("About Rapport")
    box.setTextFormat(Qt.TextFormat.RichText)
    box.setText(about_text(data_dir))
    box.setAccessibleName("About Rapport")
    box.exec()
