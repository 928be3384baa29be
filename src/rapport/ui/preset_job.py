"""What the Deck options panels that compute from the preset as edited share (the exam
outlook, :mod:`rapport.ui.exam_panel`; the simulator, :mod:`rapport.ui.simulator_panel`):
the preset they ask for, one background job at a time with a busy bar, and its button
disabled while it runs."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING, Any

from PySide6.QtWidgets import QProgressBar, QPushButton, QWidget

from rapport.ui.background import BackgroundJob

if TYPE_CHECKING:
    from rapport.store import Store
    from rapport.study import Collection, Settings


class PresetJobPanel(QWidget):
    """A panel that runs one computation on the preset shown (``preset()``: its name and
    settings as edited, or None) in the background. A subclass names the busy bar's text
    (``BUSY_TEXT``), builds its controls in :meth:`build` and shows the result in
    :meth:`show_result`."""

    BUSY_TEXT = "Working…"

    def __init__(
        self,
        collection: Collection,
        clock: Callable[[], datetime],
        preset: Callable[[], tuple[str, Settings] | None],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.collection = collection
        self.clock = clock
        self.preset = preset
        self.job: BackgroundJob | None = None
        self.progress = QProgressBar()
        self.progress.setRange(0, 0)
        self.progress.setFormat(self.BUSY_TEXT)
        self.progress.setTextVisible(True)
        self.progress.hide()
        self.build()

    def build(self) -> None:
        """Lay out the panel's controls (the busy bar :attr:`progress` among them)."""

    def run(self, work: Callable[[Store], Any], name: str, button: QPushButton) -> None:
        """Run ``work`` on a store in the background (``name`` names its thread), with
        the busy bar shown and ``button`` disabled until :meth:`show_result` gets its
        result (or the exception it raised)."""
        job = BackgroundJob(self.collection, lambda store, _say: work(store), name)
        self.job = job
        self.progress.show()
        button.setEnabled(False)

        def finished(result: object) -> None:
            self.job = None
            self.progress.hide()
            button.setEnabled(True)
            self.show_result(result)

        job.finished.connect(finished)
        job.start()

    def show_result(self, result: object) -> None:
        """Show what the job returned; an exception it raised is re-raised for the app's
        handler to report, unless the subclass says it in words first."""
        if isinstance(result, Exception):
            raise result
