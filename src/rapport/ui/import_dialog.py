"""File > Import spreadsheet: a CSV/TSV file read by Anki's conventions, its columns
mapped to a kind's fields, previewed, then written as a deck of the trainee's own. The
reading, checking and writing are :mod:`rapport.interop.spreadsheet`'s."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from rapport.content.editing.authoring import Authoring
from rapport.content.notes.kinds import registered
from rapport.content.notes.model import Deck
from rapport.errors import RapportError
from rapport.interop.sheetimport import Mode, matches, not_theirs, question, write_deck
from rapport.interop.spreadsheet import FIELDS, ROLES, Sheet, SheetError, read_sheet
from rapport.ui import dialogs

AUTO = "(as the file says)"


class ImportDialog(QDialog):
    """Map the columns, see the notes they make and every bad row, then import."""

    def __init__(
        self, path: Path, authoring: Authoring, decks: Sequence[Deck], parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.path = path
        self.authoring = authoring
        self.decks = list(decks)
        self.sheet: Sheet | None = None
        self.written: list[Deck] = []
        self.setWindowTitle(f"Import {path.name}")
        self.setAccessibleName("Import spreadsheet")
        self.resize(860, 600)
        layout = QVBoxLayout(self)
        form = QFormLayout()
        self.kind_box = QComboBox()
        self.kind_box.setAccessibleName("Kind of the rows")
        self.kind_box.addItem(AUTO, "")
        for kind in registered():
            self.kind_box.addItem(kind, kind)
        self.name_edit = QLineEdit()
        self.name_edit.setAccessibleName("Deck name")
        self.name_edit.setPlaceholderText("from the file")
        self.header_box = QComboBox()
        self.header_box.setAccessibleName("First row")
        for label, value in (
            ("detect (a row of column names such as Front,Back,Tags)", "auto"),
            ("names the columns", "yes"),
            ("is a note", "no"),
        ):
            self.header_box.addItem(label, value)
        form.addRow("&Kind of the rows:", self.kind_box)
        form.addRow("&First row:", self.header_box)
        form.addRow("Deck &name:", self.name_edit)
        layout.addLayout(form)
        self.columns_form = QFormLayout()
        layout.addWidget(QLabel("Columns (their role, as read):"))
        layout.addLayout(self.columns_form)
        self.column_boxes: list[QComboBox] = []
        self.preview = QPlainTextEdit()
        self.preview.setReadOnly(True)
        self.preview.setAccessibleName("Preview")
        layout.addWidget(self.preview, 1)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.import_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.import_button.setText("Import")
        self.buttons.accepted.connect(self.do_import)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        self.kind_box.currentIndexChanged.connect(lambda _i: self.refresh())
        self.header_box.currentIndexChanged.connect(lambda _i: self.refresh())
        self.name_edit.editingFinished.connect(self.refresh)
        self.refresh()

    def _mapping(self) -> dict[str, str]:
        mapping: dict[str, str] = {}
        for i, box in enumerate(self.column_boxes):
            role = box.currentData()
            if role:
                mapping[role] = str(i + 1)
        return mapping

    def refresh(self) -> None:
        kind = self.kind_box.currentData()
        try:
            sheet = read_sheet(
                self.path,
                kind=kind or None,
                mapping=self._mapping(),
                deck_name=self.name_edit.text().strip() or None,
                existing=self.authoring.own_decks(self.decks),
                header_row=str(self.header_box.currentData()),
            )
        except SheetError as error:
            self.preview.setPlainText(str(error))
            self.import_button.setEnabled(False)
            return
        self.sheet = sheet
        if len(self.column_boxes) != len(sheet.columns):
            self._build_columns(sheet.columns)
        lines = sheet.preview(8)
        if sheet.problems:
            lines += ["", f"{len(sheet.problems)} bad rows (nothing is imported until fixed):"]
            lines += sheet.problems
        self.preview.setPlainText("\n".join(lines))
        self.import_button.setEnabled(not sheet.problems and bool(sheet.decks))

    def _build_columns(self, roles: list[str]) -> None:
        while self.columns_form.rowCount():
            self.columns_form.removeRow(0)
        self.column_boxes = []
        choices = ["", *ROLES, *dict.fromkeys(f for names in FIELDS.values() for f in names)]
        for i, role in enumerate(roles):
            box = QComboBox()
            box.setAccessibleName(f"Column {i + 1}")
            for choice in choices:
                box.addItem(choice or "(a field, in order)", choice)
            if role in choices:
                box.setCurrentIndex(choices.index(role))
            box.currentIndexChanged.connect(lambda _i: self.refresh())
            self.columns_form.addRow(f"Column {i + 1}:", box)
            self.column_boxes.append(box)

    def do_import(self) -> None:
        self.refresh()
        if self.sheet is None or self.sheet.problems:
            return
        own_dir = self.authoring.own_dir
        refused = not_theirs(self.sheet, own_dir, self.decks)
        if refused:
            self.preview.setPlainText("Not imported: " + "\n".join(refused))
            return
        mode = Mode.ASK
        found = matches(self.sheet, own_dir)
        if found:
            choice = self.ask(question(found))
            if not choice:
                return
            mode = Mode(choice)
        try:
            for sheet_deck in self.sheet.decks:
                target = own_dir / f"{sheet_deck.id}.toml"
                done = write_deck(sheet_deck, target, self.authoring.data_dir, mode)
                self.written.append(done.written.deck)
        except RapportError as error:
            self.preview.setPlainText(str(error))
            return
        self.accept()

    def ask(self, message: str) -> str:
        """Replace, add or cancel (""), asked in a message box (tests replace this)."""
        return dialogs.ask_replace_or_add(self, message)
