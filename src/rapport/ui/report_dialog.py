"""File > Progress report: the supervisor's PDF, or the class file for a course leader.

The same core as ``rapport report`` (:mod:`rapport.study.progress`); the PDF is printed by
:mod:`rapport.ui.pdf`. The report names the trainee as they type it here, nothing else.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from rapport.errors import RapportError
from rapport.interop.reports import save_report
from rapport.study.progress import build_progress, class_file, parse_period, progress_html
from rapport.ui.pdf import write_pdf

if TYPE_CHECKING:
    from rapport.study import Collection

PERIOD_CHOICES = (("Last 7 days", "7d"), ("Last 30 days", "30d"), ("Last 90 days", "90d"),
                  ("Last year", "365d"), ("Everything", "all"))  # fmt: skip
KINDS = (
    ("Progress report for a supervisor (PDF)", ".pdf"),
    ("Progress report as a web page (HTML)", ".html"),
    ("Class file for a course leader (JSON, a pseudonym unless named)", ".json"),
)
PREF_REPORT_NAME = "report.name"


class ReportDialog(QDialog):
    """Choose the name, period and kind; Save writes the file and says where."""

    def __init__(
        self,
        collection: Collection,
        clock: Callable[[], datetime],
        folder: Path,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.collection = collection
        self.clock = clock
        self.setWindowTitle("Progress report")
        self.setAccessibleName("Progress report")
        self.setMinimumWidth(560)
        layout = QVBoxLayout(self)
        intro = QLabel(
            "A report of your progress per deck and concept: mastery, true retention, time "
            "studied, calibration and confident errors. It names you as you type it below "
            "and holds nothing else about you."
        )
        intro.setWordWrap(True)
        layout.addWidget(intro)
        form = QFormLayout()
        self.name_edit = QLineEdit(collection.get_pref(PREF_REPORT_NAME, "") or "")
        self.name_edit.setAccessibleName("Your name")
        self.name_edit.setPlaceholderText("as your supervisor knows you (optional)")
        form.addRow("&Name", self.name_edit)
        self.period = QComboBox()
        self.period.setAccessibleName("Period")
        for label, _ in PERIOD_CHOICES:
            self.period.addItem(label)
        self.period.setCurrentIndex(1)
        form.addRow("&Period", self.period)
        self.kind = QComboBox()
        self.kind.setAccessibleName("Kind of report")
        for label, _ in KINDS:
            self.kind.addItem(label)
        self.kind.currentIndexChanged.connect(self._kind_changed)
        form.addRow("&Kind", self.kind)
        row = QHBoxLayout()
        self.path_edit = QLineEdit(str(folder / "rapport-progress-report.pdf"))
        self.path_edit.setAccessibleName("Save as")
        row.addWidget(self.path_edit, 1)
        choose = QPushButton("C&hoose…")
        choose.setAutoDefault(False)  # (Enter saves; only a click or Alt+H chooses)
        choose.clicked.connect(self._choose)
        row.addWidget(choose)
        form.addRow("Save &as", row)
        layout.addLayout(form)
        self.status = QLabel()
        self.status.setWordWrap(True)
        self.status.setAccessibleName("Result")
        layout.addWidget(self.status)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.save_button = self.buttons.addButton("&Save", QDialogButtonBox.ButtonRole.ActionRole)
        self.save_button.clicked.connect(self.save)
        self.buttons.rejected.connect(self.reject)
        # Enter in a field saves (no button is a dialog default, so Enter never closes).
        for button in self.buttons.buttons():
            if isinstance(button, QPushButton):
                button.setAutoDefault(False)
        self.name_edit.returnPressed.connect(self.save)
        self.path_edit.returnPressed.connect(self.save)
        layout.addWidget(self.buttons)
        self.written: Path | None = None

    def _suffix(self) -> str:
        return KINDS[self.kind.currentIndex()][1]

    def _kind_changed(self) -> None:
        path = Path(self.path_edit.text().strip() or "rapport-progress-report")
        stem = "rapport-class-file" if self._suffix() == ".json" else "rapport-progress-report"
        if path.stem in {"rapport-class-file", "rapport-progress-report"}:
            path = path.with_name(stem)
        self.path_edit.setText(str(path.with_suffix(self._suffix())))

    def _choose(self) -> None:
        suffix = self._suffix()
        path, _filter = QFileDialog.getSaveFileName(
            self, "Save the report", self.path_edit.text(), f"*{suffix}"
        )
        if path:
            self.path_edit.setText(path if path.lower().endswith(suffix) else path + suffix)

    def save(self) -> bool:
        """Write the chosen report; say where, or what went wrong."""
        path = Path(self.path_edit.text().strip()).expanduser()
        name = self.name_edit.text().strip()
        period = parse_period(PERIOD_CHOICES[self.period.currentIndex()][1])
        now = self.clock()
        try:
            if self._suffix() == ".json":
                content = class_file(self.collection, now, name=name or None, period_days=period)
                text = json.dumps(content, indent=1, ensure_ascii=False) + "\n"
                save_report(path, text.encode("utf-8"))
            else:
                report = build_progress(self.collection, now, name=name, period_days=period)
                html = progress_html(report)
                if self._suffix() == ".html":
                    save_report(path, html.encode("utf-8"))
                else:
                    write_pdf(html, path, "Rapport progress report")
            if name and not self.collection.read_only:
                self.collection.set_pref(PREF_REPORT_NAME, name)
        except RapportError as error:
            self.status.setText(f"<b>Not saved.</b> {error}")
            return False
        self.written = path
        self.status.setText(f"Saved {path}")
        return True
