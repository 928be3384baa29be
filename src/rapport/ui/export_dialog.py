"""File > Export to Anki...: choose decks and a file, watch the progress, see the result.

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

from rapport.content.model import Deck
from rapport.errors import RapportError

if TYPE_CHECKING:
    from rapport.export.progress import StudyProgress


class ExportDialog(QDialog):
    """Choose decks and where to save; Export writes the ``.apkg`` with a progress bar."""

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
        # Where the record of earlier exports lives (see rapport.export.record): with it,
        # unchanged notes are skipped by Anki and removed ones are marked withdrawn.
        self.data_dir = data_dir
        # Reads the trainee's progress when an export with progress is asked for.
        self.study = study
        self.result_path: Path | None = None
        self.setWindowTitle("Export to Anki")
        self.setAccessibleName("Export to Anki")
        self.resize(560, 420)
        layout = QVBoxLayout(self)
        layout.setSpacing(10)

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
        self._update_enabled()
        self.export_button.setFocus()

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
        path, _filter = QFileDialog.getSaveFileName(
            self, "Export to Anki", self.path_edit.text(), "Anki package (*.apkg)"
        )
        if path:
            if not path.lower().endswith(".apkg"):
                path += ".apkg"
            self.path_edit.setText(path)

    def _progress(self, done: int, total: int) -> None:
        self.progress.setRange(0, max(total, 1))
        self.progress.setValue(done)
        self.status.setText(f"Writing notes: {done} of {total}")
        QApplication.processEvents()

    def export(self) -> bool:
        """Write the package; show the result or the error in the dialog."""
        from rapport.export import export_decks
        from rapport.export.record import load_record, save_record

        decks = self.chosen_decks()
        path = Path(self.path_edit.text().strip()).expanduser()
        if not decks:
            return False
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
        withdrawn = (
            f" {result.withdrawn} note{'s' * (result.withdrawn != 1)} no longer in the deck "
            "will show as withdrawn in Anki."
            if result.withdrawn
            else ""
        )
        self.status.setText(
            f"Exported {result.notes} notes ({result.cards} cards) from {result.decks} "
            f"deck{'s' * (result.decks != 1)} to {result.path}. In Anki: File > Import"
            + (', ticking "Import any learning progress".' if study is not None else ".")
            + withdrawn
        )
        self._update_enabled()
        return True
