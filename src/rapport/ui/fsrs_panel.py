"""Deck options > FSRS: the preset's parameters, "Optimise" and "Evaluate" as Anki has
them (:mod:`rapport.study.optimize`), run in the background with a progress bar. Review
goes on meanwhile; an optimisation that finishes after the dialog closed still saves the
parameters it keeps.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime
from typing import TYPE_CHECKING

from PySide6.QtCore import Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from rapport.errors import RapportError
from rapport.study.optimize import Evaluated, Optimised, default_parameters, run_on_file
from rapport.ui.background import BackgroundJob

if TYPE_CHECKING:
    from rapport.study import Collection, Settings


def describe(result: Optimised | Evaluated) -> str:
    """The result in words: reviews used, log loss and RMSE of each set, what is kept."""

    def figures(label: str, log_loss: float, rmse: float) -> str:
        return f"{label}: log loss {log_loss:.4f}, RMSE (bins) {rmse:.2%}"

    lines = [f"{result.reviews:,} reviews."]
    lines.append(figures("Current", result.current.log_loss, result.current.rmse))
    if isinstance(result, Optimised):
        lines.append(figures("Fitted", result.fitted.log_loss, result.fitted.rmse))
        lines.append(
            "The fitted parameters are better: this preset uses them now (saved)."
            if result.kept == "fitted"
            else "The fit is not better: this preset keeps its current parameters."
        )
    return "\n".join(lines)


class FsrsPanel(QWidget):
    """The FSRS parameters of the preset shown, with Optimise (Alt+O) and Evaluate
    (Alt+E)."""

    fitted = Signal(str, tuple)  # preset name, the parameters it now uses

    def __init__(
        self, collection: Collection, clock: Callable[[], datetime], parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.collection = collection
        self.clock = clock
        self.preset_name = ""
        self.job: BackgroundJob | None = None
        layout = QVBoxLayout(self)
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        layout.addWidget(self.summary)
        self.parameters = QLineEdit()
        self.parameters.setReadOnly(True)
        self.parameters.setAccessibleName("FSRS parameters")
        layout.addWidget(self.parameters)
        row = QHBoxLayout()
        self.optimise_button = QPushButton("Optimise (Alt+O)")
        self.optimise_button.setToolTip(
            "Fit FSRS to the reviews of this preset's decks; kept only if better"
        )
        self.optimise_button.setAutoDefault(False)
        self.optimise_button.clicked.connect(self.optimise)
        self.evaluate_button = QPushButton("Evaluate (Alt+E)")
        self.evaluate_button.setToolTip("How well the current parameters predict your reviews")
        self.evaluate_button.setAutoDefault(False)
        self.evaluate_button.clicked.connect(self.evaluate)
        row.addWidget(self.optimise_button)
        row.addWidget(self.evaluate_button)
        row.addStretch(1)
        layout.addLayout(row)
        self.progress = QProgressBar()
        # fsrs-rs-python reports no steps while it fits: a busy bar with the stage named.
        self.progress.setRange(0, 0)
        self.progress.setTextVisible(True)
        self.progress.setAccessibleName("Optimising")
        self.progress.hide()
        layout.addWidget(self.progress)
        self.result = QLabel()
        self.result.setWordWrap(True)
        self.result.setAccessibleName("Optimiser result")
        layout.addWidget(self.result)
        for keys, action in (("Alt+O", self.optimise), ("Alt+E", self.evaluate)):
            QShortcut(QKeySequence(keys), self).activated.connect(action)

    def show_preset(self, name: str, settings: Settings, saved: bool) -> None:
        """Show preset ``name``'s parameters (``saved``: it exists in the collection)."""
        self.preset_name = name
        params: Sequence[float] = settings.parameters or default_parameters()
        self.summary.setText(
            "Fitted to your reviews." if settings.parameters else "FSRS's default parameters."
        )
        self.parameters.setText(", ".join(f"{p:.4f}" for p in params))
        self.parameters.setCursorPosition(0)
        ready = saved and self.job is None
        self.optimise_button.setEnabled(ready)
        self.evaluate_button.setEnabled(ready)
        if not saved:
            self.result.setText("Save this new preset (OK) before optimising it.")

    def optimise(self) -> None:
        self._start(evaluate_only=False)

    def evaluate(self) -> None:
        self._start(evaluate_only=True)

    def _start(self, *, evaluate_only: bool) -> None:
        name = self.preset_name
        if self.job is not None or not self.optimise_button.isEnabled():
            return

        collection = self.collection
        now = self.clock()
        work = collection.optimiser(name, now, evaluate_only=evaluate_only)
        # The Rust fit holds Python's lock while it runs: a worker process, not a thread,
        # keeps review going (a private in-memory copy can only be read here).
        process = None
        if not collection.read_only:
            arguments = collection.optimiser_arguments(name, now, evaluate_only=evaluate_only)
            process = (run_on_file, arguments)
        job = BackgroundJob(collection, lambda store, say: work(store, say), "optimiser", process)
        self.job = job
        self.progress.setFormat("Reading the review history…")
        self.progress.show()
        self.result.clear()
        self.optimise_button.setEnabled(False)
        self.evaluate_button.setEnabled(False)
        job.stage.connect(self._stage)
        # Saving the kept parameters does not depend on this panel still being open.
        job.finished.connect(lambda result: _keep(collection, name, result))
        job.finished.connect(self._finished)
        job.start()

    def _stage(self, text: str) -> None:
        self.progress.setFormat(f"{text}…")

    def _finished(self, result: object) -> None:
        self.job = None
        self.progress.hide()
        self.optimise_button.setEnabled(True)
        self.evaluate_button.setEnabled(True)
        if isinstance(result, RapportError):
            self.result.setText(str(result))
            return
        if isinstance(result, Exception):
            raise result  # (the app's handler reports it)
        assert isinstance(result, Optimised | Evaluated)
        self.result.setText(describe(result))
        if isinstance(result, Optimised) and result.kept == "fitted":
            self.fitted.emit(self.preset_name, result.parameters)


def _keep(collection: Collection, name: str, result: object) -> None:
    """Save the parameters an optimisation kept (on the UI thread, when it finishes)."""
    if isinstance(result, Optimised) and result.kept == "fitted" and not collection.closed:
        if name in collection.preset_names():
            collection.use_parameters(name, result.parameters)
