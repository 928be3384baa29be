"""Browse: a searchable, sortable table of every card, with a preview and suspend.

The table is a :class:`QAbstractTableModel` over ``Collection.card_rows(now)`` behind a
filtering :class:`QSortFilterProxyModel`, so it stays quick with tens of thousands of cards:
each row's display strings and search text are worked out once, when the rows load.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QItemSelectionModel,
    QModelIndex,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
    Signal,
)
from PySide6.QtGui import QColor, QFont, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QSplitter,
    QTableView,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from rapport.content.model import Card, CardKey
from rapport.study.timetext import format_interval
from rapport.ui import theme
from rapport.ui.render import answer_html, question_html

if TYPE_CHECKING:
    from rapport.study import CardRow, Collection

Index = QModelIndex | QPersistentModelIndex

COLUMNS = ("Question", "Deck", "Concept", "Kind", "Due", "Interval", "Reviews", "Lapses")
QUESTION, DECK, CONCEPT, KIND, DUE, INTERVAL, REVIEWS, LAPSES = range(len(COLUMNS))
STATES = ("new", "learning", "review", "suspended")
PREVIEW_FONT_SIZE = 13
SORT_ROLE = Qt.ItemDataRole.UserRole + 1
_SPACE = re.compile(r"\s+")


def interval_text(days: float | None) -> str:
    """A card's interval in the core's words (:func:`rapport.study.timetext.format_interval`)."""
    return "" if days is None else format_interval(timedelta(days=days))


@dataclass(frozen=True, slots=True)
class _Row:
    """One table row: the card row and its display strings, worked out once."""

    row: CardRow
    texts: tuple[str, ...]
    haystack: str

    @classmethod
    def of(cls, row: CardRow) -> _Row:
        card = row.card
        question = _SPACE.sub(" ", card.question_text()).strip()
        due = "new" if row.due is None else row.due.astimezone().strftime("%Y-%m-%d")
        if _is_suspended(row):
            due = f"({due})"  # as Anki shows the due date of a suspended card
        texts = (
            question,
            row.deck_name,
            card.note.concept,
            card.kind.value,
            due,
            interval_text(row.interval_days),
            str(row.reviews),
            str(row.lapses),
        )
        hay = " ".join(
            (question, card.answer_text(), row.deck_name, card.note.concept, *card.note.tags)
        )
        return cls(row, texts, hay.casefold())


def _is_suspended(row: CardRow) -> bool:
    return bool(row.suspended) or row.state == "suspended"


def _phase(row: CardRow) -> str:
    """The state filter's word for a row: relearning cards count as learning."""
    return "learning" if row.state == "relearning" else row.state


class CardTableModel(QAbstractTableModel):
    """The card rows as a table; the sort role gives raw values (dates, numbers)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._rows: list[_Row] = []

    def set_rows(self, rows: Sequence[CardRow]) -> None:
        self.beginResetModel()
        self._rows = [_Row.of(r) for r in rows]
        self.endResetModel()

    def replace_row(self, position: int, row: CardRow) -> None:
        self._rows[position] = _Row.of(row)
        self.dataChanged.emit(self.index(position, 0), self.index(position, len(COLUMNS) - 1))

    def card_row(self, position: int) -> CardRow:
        return self._rows[position].row

    def haystack(self, position: int) -> str:
        return self._rows[position].haystack

    def position_of(self, key: CardKey) -> int | None:
        return next((i for i, r in enumerate(self._rows) if r.row.card.key == key), None)

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return COLUMNS[section]
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        item = self._rows[index.row()]
        column = index.column()
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            if role == Qt.ItemDataRole.ToolTipRole and column != QUESTION:
                return None
            return item.texts[column]
        if role == SORT_ROLE:
            row = item.row
            if column == DUE:
                return row.due.timestamp() if row.due is not None else float("inf")
            if column == INTERVAL:
                return row.interval_days if row.interval_days is not None else -1.0
            if column == REVIEWS:
                return row.reviews
            if column == LAPSES:
                return row.lapses
            return item.texts[column].casefold()
        if role == Qt.ItemDataRole.TextAlignmentRole and column >= REVIEWS:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.BackgroundRole and _is_suspended(item.row):
            return QColor(theme.colours().highlight_bg)
        if role == Qt.ItemDataRole.ForegroundRole and _is_suspended(item.row):
            return QColor(theme.colours().muted)
        if role == Qt.ItemDataRole.FontRole and _is_suspended(item.row):
            font = QFont()
            font.setItalic(True)
            return font
        return None


class CardFilter(QSortFilterProxyModel):
    """Rows matching the deck, concept and state chosen and every word of the search."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.deck: str | None = None
        self.concept: str | None = None
        self.state: str | None = None
        self.words: tuple[str, ...] = ()
        self.setSortRole(SORT_ROLE)

    def set_filter(
        self,
        *,
        deck: str | None,
        concept: str | None,
        state: str | None,
        search: str,
    ) -> None:
        self.beginFilterChange()
        self.deck, self.concept, self.state = deck, concept, state
        self.words = tuple(search.casefold().split())
        self.endFilterChange()

    def filterAcceptsRow(self, source_row: int, source_parent: Index) -> bool:
        model = self.sourceModel()
        assert isinstance(model, CardTableModel)
        row = model.card_row(source_row)
        if self.deck is not None and row.card.deck_id != self.deck:
            return False
        if self.concept is not None and row.card.note.concept != self.concept:
            return False
        if self.state is not None:
            suspended = _is_suspended(row)
            if self.state == "suspended" and not suspended:
                return False
            if self.state != "suspended" and (suspended or _phase(row) != self.state):
                return False
        if self.words:
            hay = model.haystack(source_row)
            return all(w in hay for w in self.words)
        return True


class BrowseView(QWidget):
    """Every card in a table, filtered by deck, concept, state and a search."""

    suspended_changed = Signal()
    edit_requested = Signal(object)  # Enter on a row: edit that card's note (a CardKey)

    def __init__(
        self,
        collection: Collection,
        clock: Callable[[], datetime],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("browse")
        self._collection = collection
        self._clock = clock
        self.model = CardTableModel(self)
        self.proxy = CardFilter(self)
        self.proxy.setSourceModel(self.model)

        self.search = QLineEdit()
        self.search.setPlaceholderText("Search question, answer, deck or tag   (Ctrl+F)")
        self.search.setClearButtonEnabled(True)
        self.deck_box = QComboBox()
        self.concept_box = QComboBox()
        self.state_box = QComboBox()
        self.state_box.addItem("All states", None)
        for state in STATES:
            self.state_box.addItem(state.capitalize(), state)
        for box in (self.deck_box, self.concept_box, self.state_box):
            box.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
            box.currentIndexChanged.connect(self._refilter)
        self.search.textChanged.connect(self._refilter)
        self.count_label = QLabel()
        self.count_label.setProperty("role", "muted")

        self.table = QTableView()
        self.table.setModel(self.proxy)
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(DUE, Qt.SortOrder.AscendingOrder)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        self.table.setShowGrid(False)
        self.table.verticalHeader().setVisible(False)
        self.table.verticalHeader().setDefaultSectionSize(30)
        header = self.table.horizontalHeader()
        header.setHighlightSections(False)
        header.setSectionResizeMode(QUESTION, QHeaderView.ResizeMode.Stretch)
        for column, width in ((DECK, 130), (CONCEPT, 160), (KIND, 72), (DUE, 96),
                              (INTERVAL, 72), (REVIEWS, 70), (LAPSES, 62)):  # fmt: skip
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.Interactive)
            self.table.setColumnWidth(column, width)
        self.table.selectionModel().selectionChanged.connect(self._show_selected)

        self.question_view = QTextBrowser()
        self.answer_view = QTextBrowser()
        for view in (self.question_view, self.answer_view):
            view.setObjectName("card")
            view.setOpenLinks(False)
            view.setFont(theme.card_font(PREVIEW_FONT_SIZE))
        self.suspend_button = QPushButton("Suspend  (Ctrl+J)")
        self.suspend_button.setEnabled(False)
        self.suspend_button.clicked.connect(self.toggle_suspended)

        filters = QHBoxLayout()
        filters.addWidget(self.search, 3)
        filters.addWidget(self.deck_box, 1)
        filters.addWidget(self.concept_box, 1)
        filters.addWidget(self.state_box)

        preview = QWidget()
        sides = QHBoxLayout(preview)
        sides.setContentsMargins(0, 0, 0, 0)
        sides.setSpacing(12)
        for title, view in (("Question", self.question_view), ("Answer", self.answer_view)):
            pane = QVBoxLayout()
            label = QLabel(title)
            label.setProperty("role", "muted")
            pane.addWidget(label)
            pane.addWidget(view, 1)
            sides.addLayout(pane, 1)

        # The preview sits below the table, so the question column gets the full width.
        self.splitter = QSplitter(Qt.Orientation.Vertical)
        self.splitter.addWidget(self.table)
        self.splitter.addWidget(preview)
        self.splitter.setStretchFactor(0, 3)
        self.splitter.setStretchFactor(1, 2)
        self.splitter.setSizes([400, 220])

        bottom = QHBoxLayout()
        bottom.addWidget(self.count_label, 1)
        bottom.addWidget(self.suspend_button)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 14, 16, 14)
        layout.setSpacing(10)
        layout.addLayout(filters)
        layout.addWidget(self.splitter, 1)
        layout.addLayout(bottom)

        find = QShortcut(QKeySequence.StandardKey.Find, self)
        find.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        find.activated.connect(self.focus_search)
        suspend = QShortcut(QKeySequence("Ctrl+J"), self)
        suspend.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        suspend.activated.connect(self.toggle_suspended)
        self.search.returnPressed.connect(self._search_done)
        self.table.activated.connect(lambda _index: self.edit_selected())

    def edit_selected(self) -> None:
        """Enter (or a double click) on a row: ask to edit its card's note."""
        keys = self.selected_keys()
        if keys:
            self.edit_requested.emit(keys[0])

    # -- loading and filtering -------------------------------------------------------

    def reload(self) -> None:
        """Read every card row afresh (after studying, suspending elsewhere, ...)."""
        keys = self.selected_keys()
        rows = self._collection.card_rows(self._clock())
        self.model.set_rows(rows)
        self._fill_box(
            self.deck_box, "All decks", sorted({(r.deck_name, r.card.deck_id) for r in rows})
        )
        concepts = sorted({r.card.note.concept for r in rows})
        self._fill_box(self.concept_box, "All concepts", [(c, c) for c in concepts])
        self._refilter()
        self.select_keys(keys)
        if not keys:
            self._show_selected()

    def _fill_box(self, box: QComboBox, everything: str, items: list[tuple[str, str]]) -> None:
        current = box.currentData()
        box.blockSignals(True)
        box.clear()
        box.addItem(everything, None)
        for text, data in items:
            box.addItem(text, data)
        found = box.findData(current) if current is not None else 0
        box.setCurrentIndex(max(0, found))
        box.blockSignals(False)

    def _refilter(self) -> None:
        self.proxy.set_filter(
            deck=self.deck_box.currentData(),
            concept=self.concept_box.currentData(),
            state=self.state_box.currentData(),
            search=self.search.text(),
        )
        shown, total = self.proxy.rowCount(), self.model.rowCount()
        self.count_label.setText(
            f"{total} cards" if shown == total else f"{shown} of {total} cards shown"
        )
        self._show_selected()

    def focus_search(self) -> None:
        self.search.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.search.selectAll()

    def _search_done(self) -> None:
        if self.proxy.rowCount() and not self.table.selectionModel().hasSelection():
            self.table.selectRow(0)
        self.table.setFocus(Qt.FocusReason.OtherFocusReason)

    # -- selection, preview and suspend ---------------------------------------------

    def selected_rows(self) -> list[int]:
        """The source-model positions of the selected rows, in view order."""
        rows = sorted({i.row() for i in self.table.selectionModel().selectedRows()})
        return [self.proxy.mapToSource(self.proxy.index(r, 0)).row() for r in rows]

    def selected_keys(self) -> list[CardKey]:
        return [self.model.card_row(p).card.key for p in self.selected_rows()]

    def select_keys(self, keys: Sequence[CardKey]) -> None:
        selection = self.table.selectionModel()
        selection.clearSelection()
        flags = QItemSelectionModel.SelectionFlag.Select | QItemSelectionModel.SelectionFlag.Rows
        first = None
        for key in keys:
            position = self.model.position_of(key)
            if position is None:
                continue
            index = self.proxy.mapFromSource(self.model.index(position, 0))
            if index.isValid():
                selection.select(index, flags)
                first = first or index
        if first is not None:
            self.table.scrollTo(first)
            selection.setCurrentIndex(first, QItemSelectionModel.SelectionFlag.NoUpdate)

    def _show_selected(self) -> None:
        positions = self.selected_rows()
        if not positions:
            self.question_view.setHtml("")
            self.answer_view.setHtml("")
            self.suspend_button.setEnabled(False)
            self.suspend_button.setText("Suspend  (Ctrl+J)")
            return
        row = self.model.card_row(positions[0])
        self.show_preview(row.card)
        self.suspend_button.setEnabled(True)
        label = "Unsuspend" if _is_suspended(row) else "Suspend"
        if len(positions) > 1:
            label += f" {len(positions)} cards"
        self.suspend_button.setText(f"{label}  (Ctrl+J)")

    def show_preview(self, card: Card) -> None:
        self.question_view.setHtml(question_html(card))
        self.answer_view.setHtml(answer_html(card))

    def toggle_suspended(self) -> None:
        """Suspend the selected cards, or unsuspend them if the first one is suspended."""
        positions = self.selected_rows()
        if not positions:
            return
        suspend = not _is_suspended(self.model.card_row(positions[0]))
        keys = [self.model.card_row(p).card.key for p in positions]
        for key in keys:
            self._collection.set_suspended(key, suspend)
        self.reload()
        self.select_keys(keys)
        self._show_selected()
        self.suspended_changed.emit()

    def on_shown(self) -> None:
        """Called by the main window each time Browse is shown: the rows may have moved."""
        self.reload()
        self.table.setFocus()

    def showEvent(self, event: Any) -> None:
        if self.model.rowCount() == 0:
            self.reload()
        super().showEvent(event)
