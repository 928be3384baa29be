"""File > Export...: choose decks, a format (Anki package with or without progress, a
spreadsheet, optionally for Excel, a Moodle GIFT quiz or a Canvas QTI quiz) and a file;
watch the progress, see the result. The same options as ``rapport export``, through the
same Qt-free functions.

The export runs in the UI thread with the progress callback pumping events: a package of
the shipped deck takes well under a second, and this keeps the dialog free of threads.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QApplication,
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from rapport.content.notes.model import Deck
from rapport.errors import RapportError
from rapport.interop.anki.anki_limits import progress_advice, withdrawn_advice
from rapport.interop.anki.record import load_record, save_record
from rapport.interop.quiz import export_quiz
from rapport.interop.sheetfile import export_sheet

if TYPE_CHECKING:
    from rapport.interop.anki.progress import StudyProgress


# (format key, label, file suffix, file filter)
FORMATS = (
    ("apkg", "Anki package (.apkg)", ".apkg", "Anki package (*.apkg)"),
    ("csv", "Spreadsheet (.csv, Anki's text format)", ".csv", "Spreadsheet (*.csv *.tsv)"),
    ("gift", "Moodle quiz (GIFT)", ".gift", "GIFT quiz (*.gift *.txt)"),
    ("qti", "Canvas quiz (QTI 1.2 .zip)", ".zip", "QTI package (*.zip)"),
)


class ExportDialog(QDialog):
    """Choose decks, a format and where to save; Export writes the file with a progress
    bar (Anki packages) and says what it wrote."""

    def __init__(
        self,
        decks: Sequence[Deck],
        default_dir: Path,
        parent: QWidget | None = None,
        *,
        data_dir: Path | None = None,
        study: Callable[[], StudyProgress] | None = None,
    ) -> None:
        super().__init__(parent)
        self.decks = tuple(decks)
        # Where the record of earlier exports lives (see rapport.interop.anki.record): with it,
        # unchanged notes are skipped by Anki and removed ones are marked withdrawn.
        self.data_dir = data_dir
        # Reads the trainee's progress when an export with progress is asked for.
        self.study = study
        self.result_path: Path | None = None
        self.setWindowTitle("Export")
        self.setAccessibleName("Export")
        self.resize(560, 460)
        layout = QVBoxLayout(self)
        layout.setSpacing(10)

        format_row = QHBoxLayout()
        format_label = QLabel("&Format:")
        self.format_box = QComboBox()
        self.format_box.setAccessibleName("Format")
        format_label.setBuddy(self.format_box)
        for key, label, _suffix, _filter in FORMATS:
            self.format_box.addItem(label, key)
        format_row.addWidget(format_label)
        format_row.addWidget(self.format_box, 1)
        layout.addLayout(format_row)

        layout.addWidget(QLabel("Decks to export:"))
        self.deck_list = QListWidget()
        self.deck_list.setAccessibleName("Decks to export")
        for deck in self.decks:
            item = QListWidgetItem(f"{deck.name}  ({len(deck.notes)} notes)")
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Checked)
            item.setData(Qt.ItemDataRole.UserRole, deck.id)
            self.deck_list.addItem(item)
        self.deck_list.itemChanged.connect(lambda _item: self._update_enabled())
        layout.addWidget(self.deck_list, 1)

        layout.addWidget(QLabel("Save as:"))
        row = QHBoxLayout()
        name = "rapport.apkg" if len(self.decks) != 1 else f"{self.decks[0].id}.apkg"
        self.path_edit = QLineEdit(str(default_dir / name))
        self.path_edit.setAccessibleName("File to save")
        self.path_edit.textChanged.connect(lambda _text: self._update_enabled())
        row.addWidget(self.path_edit, 1)
        browse = QPushButton("Choose...")
        browse.setAccessibleName("Choose file")
        browse.setAutoDefault(False)  # Enter exports, wherever the focus is
        browse.clicked.connect(self._choose)
        row.addWidget(browse)
        layout.addLayout(row)

        self.with_progress = QCheckBox(
            "Include my study progress (due dates, review history, FSRS memory)"
        )
        self.with_progress.setAccessibleName("Include my study progress")
        self.with_progress.setToolTip(
            'For moving to Anki: tick "Import any learning progress" when importing. '
            "Leave it off for a deck you hand out, so it carries no one's schedule."
        )
        self.with_progress.setChecked(False)
        self.with_progress.setVisible(study is not None)
        layout.addWidget(self.with_progress)
        self.excel = QCheckBox("For Excel (byte-order mark and Windows line ends)")
        self.excel.setAccessibleName("For Excel")
        self.excel.setToolTip(
            "Excel on Windows needs these to read accents and line breaks rightly; Google "
            "Sheets and LibreOffice read either."
        )
        layout.addWidget(self.excel)
        self.format_box.currentIndexChanged.connect(lambda _i: self._format_changed())

        self.progress = QProgressBar()
        self.progress.setAccessibleName("Export progress")
        self.progress.setValue(0)
        self.progress.setTextVisible(False)  # the status line below says it in words
        layout.addWidget(self.progress)
        self.status = QLabel("")
        self.status.setWordWrap(True)
        self.status.setAccessibleName("Export status")
        layout.addWidget(self.status)

        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.export_button = self.buttons.addButton(
            "Export", QDialogButtonBox.ButtonRole.AcceptRole
        )
        self.export_button.setAccessibleName("Export")
        self.export_button.setDefault(True)
        self.export_button.setProperty("role", "primary")
        self.buttons.accepted.connect(self.export)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        self._format_changed()
        self.export_button.setFocus()

    @property
    def format(self) -> str:
        return str(self.format_box.currentData())

    def set_format(self, key: str) -> None:
        self.format_box.setCurrentIndex([f[0] for f in FORMATS].index(key))

    def _format_changed(self) -> None:
        """Show the options of the chosen format; give the file name its suffix."""
        key = self.format
        self.with_progress.setVisible(key == "apkg" and self.study is not None)
        self.excel.setVisible(key == "csv")
        suffix = next(f[2] for f in FORMATS if f[0] == key)
        text = self.path_edit.text().strip()
        if text:
            path = Path(text)
            known = {f[2] for f in FORMATS} | {".tsv", ".txt"}
            if path.suffix.lower() in known and path.suffix.lower() != suffix:
                if not (key == "csv" and path.suffix.lower() in (".tsv", ".txt")):
                    self.path_edit.setText(str(path.with_suffix(suffix)))
        self.setWindowTitle(f"Export: {self.format_box.currentText()}")
        self._update_enabled()

    def chosen_decks(self) -> list[Deck]:
        """The ticked decks, in list order."""
        ids = {
            self.deck_list.item(i).data(Qt.ItemDataRole.UserRole)
            for i in range(self.deck_list.count())
            if self.deck_list.item(i).checkState() == Qt.CheckState.Checked
        }
        return [d for d in self.decks if d.id in ids]

    def _update_enabled(self) -> None:
        self.export_button.setEnabled(bool(self.chosen_decks() and self.path_edit.text().strip()))

    def _choose(self) -> None:
        _key, _label, suffix, filter_ = next(f for f in FORMATS if f[0] == self.format)
        path, _filter = QFileDialog.getSaveFileName(
            self, self.windowTitle(), self.path_edit.text(), filter_
        )
        if path:
            if "." not in Path(path).name:
                path += suffix
            self.path_edit.setText(path)

    def _progress(self, done: int, total: int) -> None:
        self.progress.setRange(0, max(total, 1))
        self.progress.setValue(done)
        self.status.setText(f"Writing notes: {done} of {total}")
        QApplication.processEvents()

    def export(self) -> bool:
        """Write the file in the chosen format; show the result or the error."""
        decks = self.chosen_decks()
        path = Path(self.path_edit.text().strip()).expanduser()
        if not decks:
            return False
        if self.format != "apkg":
            return self._export_other(decks, path)
        return self._export_package(decks, path)

    def _export_other(self, decks: list[Deck], path: Path) -> bool:
        """A spreadsheet or a quiz, as ``rapport export --csv/--format`` writes them."""
        self.export_button.setEnabled(False)
        try:
            if self.format == "csv":
                sheet = export_sheet(decks, path, excel=self.excel.isChecked())
                message = (
                    f"Exported {sheet.notes} notes from {sheet.decks} "
                    f"deck{'s' * (sheet.decks != 1)} to {sheet.path}"
                    + (" for Excel." if self.excel.isChecked() else ".")
                    + " Rapport reads it back (File > Import spreadsheet) as the same decks."
                )
                self.result_path = sheet.path
            else:
                quiz = export_quiz(decks, path, self.format)
                left = f"; {quiz.left_out} notes of other kinds left out" if quiz.left_out else ""
                message = (
                    f"Exported {quiz.questions} questions ({quiz.choice} multiple choice, "
                    f"{quiz.short_answer} short answer) to {quiz.path}{left}."
                )
                self.result_path = quiz.path
        except RapportError as error:
            self.status.setText(f"Export failed: {error}")
            self._update_enabled()
            return False
        self.progress.setRange(0, 1)
        self.progress.setValue(1)
        self.status.setText(message)
        self._update_enabled()
        return True

    def _export_package(self, decks: list[Deck], path: Path) -> bool:
        from rapport.interop.anki.package import export_decks

        self.export_button.setEnabled(False)
        try:
            previous = load_record(self.data_dir) if self.data_dir is not None else None
            study = (
                self.study() if self.study is not None and self.with_progress.isChecked() else None
            )
            result = export_decks(
                decks, path, progress=self._progress, previous=previous, study=study
            )
        except RapportError as error:
            self.status.setText(f"Export failed: {error}")
            self._update_enabled()
            return False
        self.result_path = result.path
        if self.data_dir is not None and result.record is not None:
            save_record(self.data_dir, result.record)

        withdrawn = " " + withdrawn_advice(result.withdrawn) if result.withdrawn else ""
        if study is not None:
            withdrawn += " " + progress_advice()
        self.status.setText(
            f"Exported {result.notes} notes ({result.cards} cards) from {result.decks} "
            f"deck{'s' * (result.decks != 1)} to {result.path}. In Anki: File > Import"
            + (', ticking "Import any learning progress".' if study is not None else ".")
            + withdrawn
        )
        self._update_enabled()
        return True
