"""Home: the decks with their new / learning / due counts, and the day's progress.

Counts are coloured as Anki colours them (new blue, learning orange-red, due green). The
first deck is selected at start; Enter or S studies the selected deck, A studies all. A
deck file with problems is listed greyed, its problems on hover and on click; the other
decks work as usual. When nothing is left for today, Home says so and says when the next
card is due, in local time.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QObject, QSize, Qt, QTimer, Signal
from PySide6.QtGui import QBrush, QColor, QKeyEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from rapport.content.loader import DeckError
from rapport.study.timetext import format_due, format_duration
from rapport.ui.theme import colours
from rapport.ui.welcome import WelcomePanel, wants_welcome

if TYPE_CHECKING:
    from rapport.study import Collection

COL_NAME, COL_NEW, COL_LEARNING, COL_DUE, COL_STUDY = range(5)
DECK_ROLE = Qt.ItemDataRole.UserRole
ERROR_ROLE = Qt.ItemDataRole.UserRole + 1


class HomeView(QWidget):
    """The deck list. Emits ``study_requested(deck_ids)``; an empty list means all decks."""

    study_requested = Signal(list)
    deck_problems_requested = Signal(object)  # a DeckError
    options_requested = Signal(str)  # a deck id: O, Anki's deck options key
    custom_study_requested = Signal(str)  # the selected deck id ("" for all decks): C

    def __init__(
        self,
        collection: Collection,
        deck_errors: Sequence[DeckError],
        clock: Callable[[], datetime],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.collection = collection
        self.deck_errors = tuple(deck_errors)
        self.clock = clock
        self.setAccessibleName("Home")
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)

        outer = QVBoxLayout(self)
        outer.setContentsMargins(48, 32, 48, 32)
        outer.setSpacing(16)

        self.title = QLabel("Decks")
        self.title.setProperty("role", "title")
        self.title.setAccessibleName("Decks")
        outer.addWidget(self.title)
        self.welcome: WelcomePanel | None = None
        if wants_welcome(collection):  # the first run on this data folder
            self.welcome = WelcomePanel(collection)
            outer.addWidget(self.welcome)

        self.done_label = QLabel()
        self.done_label.setProperty("role", "banner")
        self.done_label.setWordWrap(True)
        self.done_label.setAccessibleName("Today's status")
        self.done_label.hide()
        outer.addWidget(self.done_label)

        self.tree = QTreeWidget()
        self.tree.setAccessibleName("Deck list")
        self.tree.setColumnCount(5)
        self.tree.setHeaderLabels(["Deck", "New", "Learning", "Due", ""])
        self.tree.setRootIsDecorated(False)
        self.tree.setUniformRowHeights(True)
        self.tree.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.tree.setAllColumnsShowFocus(True)
        header = self.tree.header()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(COL_NAME, QHeaderView.ResizeMode.Stretch)
        for col in (COL_NEW, COL_LEARNING, COL_DUE, COL_STUDY):
            header.setSectionResizeMode(col, QHeaderView.ResizeMode.Fixed)
            header.resizeSection(col, 110)
        header.setDefaultAlignment(Qt.AlignmentFlag.AlignCenter)
        self.tree.headerItem().setTextAlignment(COL_NAME, Qt.AlignmentFlag.AlignLeft)
        # The list would take S and A for its type-ahead search; Home's keys come first.
        self.tree.installEventFilter(self)
        self.tree.itemDoubleClicked.connect(self._on_double_click)
        self.tree.itemClicked.connect(self._on_click)
        self.tree.currentItemChanged.connect(lambda *_: self._describe_selected())
        outer.addWidget(self.tree)

        self.description = QLabel()
        self.description.setTextFormat(Qt.TextFormat.PlainText)  # deck text is never markup
        self.description.setWordWrap(True)
        self.description.setProperty("role", "muted")
        self.description.setAccessibleName("About the selected deck")
        outer.addWidget(self.description)
        outer.addStretch(1)

        row = QHBoxLayout()
        self.today_label = QLabel()
        self.today_label.setProperty("role", "muted")
        self.today_label.setAccessibleName("Today's progress")
        row.addWidget(self.today_label, 1)
        self.study_all = QPushButton("Study all decks  (Shift+A)")
        self.study_all.setProperty("role", "primary")
        self.study_all.setAccessibleName("Study all decks")
        self.study_all.setAutoDefault(True)
        self.study_all.clicked.connect(lambda: self.study_requested.emit([]))
        row.addWidget(self.study_all)
        outer.addLayout(row)
        self._study_buttons: list[QPushButton] = []

    # -- data ---------------------------------------------------------------------------

    def refresh(self) -> None:
        """Re-read the counts and the day's progress from the collection."""
        now = self.clock()
        selected = self.selected_deck_id()
        counts = self.collection.deck_counts(now)
        c = colours()
        self.tree.clear()
        self._study_buttons.clear()
        total_waiting = 0
        for dc in counts:
            item = QTreeWidgetItem([dc.name, str(dc.new), str(dc.learning), str(dc.due), ""])
            item.setData(COL_NAME, DECK_ROLE, dc.deck_id)
            item.setToolTip(COL_NAME, f"{dc.total} cards")
            for col, colour, value in (
                (COL_NEW, c.new, dc.new),
                (COL_LEARNING, c.learning, dc.learning),
                (COL_DUE, c.due, dc.due),
            ):
                item.setTextAlignment(col, Qt.AlignmentFlag.AlignCenter)
                item.setForeground(col, QBrush(QColor(colour if value else c.muted)))
            font = item.font(COL_NAME)
            font.setBold(True)
            for col in (COL_NEW, COL_LEARNING, COL_DUE):
                item.setFont(col, font)
            total_waiting += dc.new + dc.learning + dc.due
            self.tree.addTopLevelItem(item)
            item.setSizeHint(COL_NAME, QSize(0, 44))
            button = QPushButton("Study")
            button.setProperty("role", "row")
            button.setAccessibleName(f"Study {dc.name}")
            button.setAutoDefault(True)
            button.clicked.connect(lambda _=False, d=dc.deck_id: self.study_requested.emit([d]))
            self._study_buttons.append(button)
            self.tree.setItemWidget(item, COL_STUDY, button)
        for error in self.deck_errors:
            count = len(error.problems)
            item = QTreeWidgetItem(
                [f"{error.path.name}: {count} problem{'s' * (count != 1)}", "–", "–", "–", ""]
            )
            item.setData(COL_NAME, ERROR_ROLE, error)
            tip = "\n".join(str(p) for p in error.problems[:20])
            for col in range(4):
                item.setForeground(col, QBrush(QColor(c.muted)))
                item.setToolTip(col, tip + "\n\nClick for every problem.")
            item.setTextAlignment(COL_NEW, Qt.AlignmentFlag.AlignCenter)
            item.setTextAlignment(COL_LEARNING, Qt.AlignmentFlag.AlignCenter)
            item.setTextAlignment(COL_DUE, Qt.AlignmentFlag.AlignCenter)
            self.tree.addTopLevelItem(item)
        self._select(selected)
        self._fit_list()
        self.study_all.setEnabled(bool(counts))
        self._show_done(total_waiting == 0 and bool(counts), now)
        # The day's totals read the review log: after the first paint, so the deck list
        # (and the first card) never waits for them.
        QTimer.singleShot(0, self._show_today)

    def _select(self, deck_id: str | None) -> None:
        """Select deck ``deck_id``, or the first working deck (or the first row at all)."""
        items = [self.tree.topLevelItem(i) for i in range(self.tree.topLevelItemCount())]
        working = [i for i in items if i is not None and i.data(COL_NAME, DECK_ROLE)]
        target = next((i for i in working if i.data(COL_NAME, DECK_ROLE) == deck_id), None)
        target = target or (working[0] if working else (items[0] if items else None))
        if target is not None:
            self.tree.setCurrentItem(target)

    def _fit_list(self) -> None:
        """As tall as its rows (up to a point): no empty white box under a short list."""
        rows = sum(
            self.tree.sizeHintForRow(i) if self.tree.sizeHintForRow(i) > 0 else 44
            for i in range(self.tree.topLevelItemCount())
        )
        height = self.tree.header().sizeHint().height() + max(rows, 44) + 6
        self.tree.setFixedHeight(min(height, 460))

    def _describe_selected(self) -> None:
        deck_id = self.selected_deck_id()
        deck = next((d for d in self.collection.decks if d.id == deck_id), None)
        if deck is None:
            self.description.clear()
            return
        cards = len(deck.cards())
        self.description.setText(f"{deck.description}  ({len(deck.notes)} notes, {cards} cards)")

    def _show_done(self, done: bool, now: datetime) -> None:
        if not done:
            self.done_label.hide()
            return
        nxt = self.collection.next_due(now)
        when = (
            f"Next card due {format_due(nxt, now, self.collection.tz)}."
            if nxt
            else "No cards are scheduled."
        )
        self.done_label.setText(
            f"<b>All done for today.</b> You have studied everything due. {when}"
        )
        self.done_label.setAccessibleDescription(self.done_label.text())
        self.done_label.show()

    def _show_today(self) -> None:
        if self.collection.closed:
            return  # (the window closed before this waited turn came)
        reviews, seconds = today_progress(self.collection, self.clock())
        if reviews:
            self.today_label.setText(
                f"Today: {reviews} review{'s' * (reviews != 1)} in {format_duration(seconds)}"
            )
        else:
            self.today_label.setText("Today: no reviews yet")

    # -- selection and keys -------------------------------------------------------------

    def selected_deck_id(self) -> str | None:
        """The id of the selected deck, if a working deck is selected."""
        item = self.tree.currentItem()
        if item is None:
            return None
        value = item.data(COL_NAME, DECK_ROLE)
        return str(value) if value is not None else None

    def study_selected(self) -> None:
        """Start studying the selected deck (a deck with problems shows its problems)."""
        item = self.tree.currentItem()
        if item is None:
            return
        error = item.data(COL_NAME, ERROR_ROLE)
        if error is not None:
            self.deck_problems_requested.emit(error)
            return
        deck_id = self.selected_deck_id()
        if deck_id is not None:
            self.study_requested.emit([deck_id])

    def _on_double_click(self, item: QTreeWidgetItem, _column: int) -> None:
        if item.data(COL_NAME, ERROR_ROLE) is None:
            self.study_selected()

    def _on_click(self, item: QTreeWidgetItem, _column: int) -> None:
        error = item.data(COL_NAME, ERROR_ROLE)
        if error is not None:
            self.deck_problems_requested.emit(error)

    def on_shown(self) -> None:
        """Called by the main window each time Home comes on show."""
        self.refresh()
        self.focus_list()

    def focus_list(self) -> None:
        """Give the deck list the keyboard focus (when Home is shown)."""
        self.tree.setFocus()

    def _handle_key(self, event: QKeyEvent) -> bool:
        mods = event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier
        key = event.key()
        if key == Qt.Key.Key_A and mods == Qt.KeyboardModifier.ShiftModifier:
            # Shift+A: plain A is Anki's Add note, the window's shortcut
            if self.study_all.isEnabled():
                self.study_requested.emit([])
            return True
        if mods:
            return False
        if key == Qt.Key.Key_D and self.welcome is not None and self.welcome.isVisible():
            self.welcome.dismiss()  # D: the first-run welcome, put away for good
            return True
        if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter, Qt.Key.Key_S):
            self.study_selected()
            return True
        if key == Qt.Key.Key_O:
            deck_id = self.selected_deck_id()
            if deck_id is not None:
                self.options_requested.emit(deck_id)
            return True
        if key == Qt.Key.Key_C:  # Custom study, as Anki's deck screen
            self.custom_study_requested.emit(self.selected_deck_id() or "")
            return True
        return False

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if (
            watched is self.tree
            and event.type() == QEvent.Type.KeyPress
            and isinstance(event, QKeyEvent)
            and self._handle_key(event)
        ):
            return True
        return super().eventFilter(watched, event)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if not self._handle_key(event):
            super().keyPressEvent(event)


def today_progress(collection: Collection, now: datetime) -> tuple[int, float]:
    """Reviews and seconds studied today (the core's cheap count, not full statistics)."""
    reviews, taken = collection.studied_today(now)
    return reviews, taken.total_seconds()
