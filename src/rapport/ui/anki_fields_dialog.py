"""Before importing an Anki package: which fields of each note type that is not a
standard one are the question and the answer (see rapport.interop.anki.importer)."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QVBoxLayout,
    QWidget,
)

from rapport.interop.anki.importer import NoteTypeInfo


class AnkiFieldsDialog(QDialog):
    """One row per note type: a question field and an answer field to choose."""

    def __init__(self, note_types: Sequence[NoteTypeInfo], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Choose the fields to import")
        self.setAccessibleName("Choose the fields to import")
        layout = QVBoxLayout(self)
        intro = QLabel(
            "These note types are not Anki's standard ones. Choose which field is the "
            "question and which the answer; the other fields become the card's remark."
        )
        intro.setWordWrap(True)
        layout.addWidget(intro)
        form = QFormLayout()
        self.choices: dict[str, tuple[QComboBox, QComboBox]] = {}
        for info in note_types:
            pair = []
            for role, default in (("question", 0), ("answer", 1)):
                box = QComboBox()
                box.addItems(list(info.fields))
                box.setCurrentIndex(min(default, len(info.fields) - 1))
                box.setAccessibleName(f"{info.name}: {role} field")
                form.addRow(f"{info.name} ({info.notes} notes), {role}:", box)
                pair.append(box)
            self.choices[info.name] = (pair[0], pair[1])
        layout.addLayout(form)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        ok = buttons.button(QDialogButtonBox.StandardButton.Ok)
        ok.setText("Import")
        ok.setDefault(True)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

    def mapping(self) -> dict[str, tuple[str, str]]:
        """Note type name -> (question field, answer field), as chosen."""
        return {
            name: (question.currentText(), answer.currentText())
            for name, (question, answer) in self.choices.items()
        }
