"""Card info (Ctrl+Shift+I in Browse), as Anki's: the card's dates and memory state, the
interval each grade would give now, and its whole history, newest first."""

from __future__ import annotations

from datetime import datetime
from html import escape

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QTextBrowser, QVBoxLayout, QWidget

from rapport.store.records import Phase, is_lapse
from rapport.study.cardops import CardInfo
from rapport.study.scheduling import Rating
from rapport.study.timetext import format_interval

RATING_NAMES = {1: "Again", 2: "Hard", 3: "Good", 4: "Easy"}
PHASE_NAMES = {
    Phase.NEW: "New",
    Phase.LEARNING: "Learning",
    Phase.REVIEW: "Review",
    Phase.RELEARNING: "Relearning",
}


def _when(moment: datetime | None) -> str:
    return "—" if moment is None else moment.astimezone().strftime("%Y-%m-%d %H:%M")


def _number(value: float | None, fmt: str, unit: str = "") -> str:
    return "—" if value is None else format(value, fmt) + unit


def _times(value: float | None, factor: float) -> float | None:
    return None if value is None else value * factor


def _percent_difficulty(difficulty: float | None) -> float | None:
    """FSRS's difficulty (1-10) as Anki shows it, 0-100%."""
    return None if difficulty is None else (difficulty - 1) / 9 * 100


def info_html(info: CardInfo) -> str:
    """Card info as HTML (every value escaped)."""
    state = info.state
    lapses = sum(1 for r in info.reviews if is_lapse(r.rating, r.before.phase))
    due = f"new card: position {info.position}" if state.phase == Phase.NEW else _when(state.due)
    rows = [
        ("Card", f"#{info.card_id}"),
        ("Deck", info.deck_name),
        ("Added", _when(info.added)),
        ("State", PHASE_NAMES[state.phase] + (" (suspended)" if info.suspended else "")),
        ("Due", due),
        ("Last review", _when(state.last_review)),
        ("Reviews", str(len(info.reviews))),
        ("Lapses", str(lapses)),
        ("Stability", _number(state.stability, ".2f", " days")),
        ("Difficulty", _number(_percent_difficulty(state.difficulty), ".0f", "%")),
        ("Retrievability", _number(_times(info.retrievability, 100), ".0f", "%")),
    ]
    grades = ", ".join(
        f"{RATING_NAMES[int(r)]} {format_interval(info.intervals[r])}" for r in Rating
    )
    rows.append(("Next intervals", grades))
    table = "".join(
        f"<tr><th align='left'>{escape(k)}</th><td>{escape(v)}</td></tr>" for k, v in rows
    )
    history = "".join(
        "<tr>"
        f"<td>{escape(_when(r.time))}</td>"
        f"<td>{escape(RATING_NAMES.get(r.rating, str(r.rating)))}</td>"
        f"<td>{escape(PHASE_NAMES[r.before.phase])}</td>"
        f"<td>{escape(_interval(r.after.due, r.time))}</td>"
        f"<td>{escape(_number(r.after.stability, '.1f'))}</td>"
        f"<td>{escape(_number(_percent_difficulty(r.after.difficulty), '.0f'))}</td>"
        f"<td>{r.duration.total_seconds():.0f} s</td>"
        "</tr>"
        for r in reversed(info.reviews)
    )
    head = "".join(
        f"<th align='left'>{h}</th>"
        for h in ("Date", "Answer", "Type", "Interval", "Stability", "Difficulty %", "Time")
    )
    return (
        f"<p>{escape(info.question)}</p><table cellspacing='6'>{table}</table>"
        f"<h3>History</h3>"
        + (
            f"<table cellspacing='6'><tr>{head}</tr>{history}</table>"
            if info.reviews
            else "<p>Not studied yet.</p>"
        )
    )


def _interval(due: datetime | None, at: datetime) -> str:
    return "—" if due is None else format_interval(due - at)


class CardInfoDialog(QDialog):
    """One card's info; Escape closes."""

    def __init__(self, info: CardInfo, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(f"Card info — #{info.card_id}")
        self.setAccessibleName("Card info")
        self.text = QTextBrowser()
        self.text.setAccessibleName("Card info: dates, memory state and history")
        self.text.setHtml(info_html(info))
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        close = buttons.button(QDialogButtonBox.StandardButton.Close)
        close.setAccessibleName("Close card info")
        layout = QVBoxLayout(self)
        layout.addWidget(self.text)
        layout.addWidget(buttons)
        self.resize(640, 520)
