"""Browse: a searchable, sortable table of every card, with a preview and suspend.

The table's model holds no more than the rows on screen: the collection counts the cards
the search and filters match and hands over the rows as the table scrolls to them, a
page at a time, filtered, sorted and paged in SQLite (see :mod:`rapport.study.browsing`).
Each card's text is stored in the database when its deck's text changes, so opening
Browse, a search keystroke and a sort each read only what they show, even at 200,000
cards.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Sequence
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QItemSelectionModel,
    QModelIndex,
    QPersistentModelIndex,
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
from rapport.errors import RapportError
from rapport.store.records import BROWSE_SORTS, BROWSE_STATES, BrowseQuery, BrowseRow
from rapport.study.actions import FLAGS
from rapport.study.browsing import search_words
from rapport.study.ops import set_suspended
from rapport.study.timetext import format_interval
from rapport.ui import theme
from rapport.ui.changes import changes_of
from rapport.ui.render import answer_html, question_html

if TYPE_CHECKING:
    from rapport.study import Collection
    from rapport.study.ops import Changes

Index = QModelIndex | QPersistentModelIndex

COLUMNS = ("Question", "Deck", "Concept", "Kind", "Due", "Interval", "Reviews", "Lapses", "Flag")
QUESTION, DECK, CONCEPT, KIND, DUE, INTERVAL, REVIEWS, LAPSES, FLAG = range(len(COLUMNS))
FLAG_COLOURS = {1: "#d93025", 2: "#e8710a", 3: "#188038", 4: "#1a73e8"}  # Anki's hues
STATES = BROWSE_STATES
PREVIEW_FONT_SIZE = 13
PAGE_ROWS = 128  # rows fetched at a time as the table scrolls
PAGES_KEPT = 4  # pages held; older ones are dropped and fetched again if needed
KEEP_SELECTED = 50  # a new search or filter keeps at most this many cards selected


def interval_text(days: float | None) -> str:
    """A card's interval in the core's words (:func:`rapport.study.timetext.format_interval`)."""
    return "" if days is None else format_interval(timedelta(days=days))


def interval_days(row: BrowseRow) -> float | None:
    if row.due is None or row.last_review is None:
        return None
    return (row.due - row.last_review).total_seconds() / 86_400


def row_texts(row: BrowseRow) -> tuple[str, ...]:
    """The display strings of a row, column by column."""
    due = "new" if row.due is None else row.due.astimezone().strftime("%Y-%m-%d")
    if row.suspended:
        due = f"({due})"  # as Anki shows the due date of a suspended card
    return (
        row.question,
        row.deck_name,
        row.concept,
        row.kind,
        due,
        interval_text(interval_days(row)),
        str(row.reviews),
        str(row.lapses),
        ", ".join(([FLAGS[row.flag]] if row.flag in FLAGS else []) + list(row.study_tags)),
    )


class CardTableModel(QAbstractTableModel):
    """The cards a :class:`BrowseQuery` matches, read a page at a time as they show."""

    sort_requested = Signal()

    def __init__(self, collection: Collection, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._collection = collection
        self.query = BrowseQuery()
        self._count = 0
        self._pages: OrderedDict[int, list[tuple[BrowseRow, tuple[str, ...]]]] = OrderedDict()

    def set_query(self, query: BrowseQuery) -> None:
        """Show what ``query`` matches (also to read the cards afresh)."""
        self.beginResetModel()
        self.query = query
        self._pages.clear()
        self._count = self._collection.browse_count(query)
        self.endResetModel()

    def refresh(self) -> None:
        """Read the shown rows again in place (their number is unchanged)."""
        self._pages.clear()
        if self._count:
            last = self.index(self._count - 1, len(COLUMNS) - 1)
            self.dataChanged.emit(self.index(0, 0), last)

    def _entry(self, position: int) -> tuple[BrowseRow, tuple[str, ...]]:
        page, offset = divmod(position, PAGE_ROWS)
        rows = self._pages.get(page)
        if rows is None:
            fetched = self._collection.browse_rows(self.query, page * PAGE_ROWS, PAGE_ROWS)
            rows = [(r, row_texts(r)) for r in fetched]
            self._pages[page] = rows
            while len(self._pages) > PAGES_KEPT:
                self._pages.popitem(last=False)
        else:
            self._pages.move_to_end(page)
        return rows[offset]

    def card_row(self, position: int) -> BrowseRow:
        return self._entry(position)[0]

    def held_rows(self) -> int:
        """How many rows the model holds now (at most ``PAGES_KEPT * PAGE_ROWS``)."""
        return sum(len(rows) for rows in self._pages.values())

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else self._count

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return COLUMNS[section]
        return None

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        """Asked by the table when a column header is clicked: the view re-reads the rows
        in that order (see :meth:`BrowseView._refilter`), keeping the selection."""
        self.sort_requested.emit()

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or index.row() >= self._count:
            return None
        column = index.column()
        if role == Qt.ItemDataRole.TextAlignmentRole:
            if REVIEWS <= column <= LAPSES:
                return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            return None
        if role not in (
            Qt.ItemDataRole.DisplayRole,
            Qt.ItemDataRole.ToolTipRole,
            Qt.ItemDataRole.BackgroundRole,
            Qt.ItemDataRole.ForegroundRole,
            Qt.ItemDataRole.FontRole,
        ):
            return None
        row, texts = self._entry(index.row())
        if role == Qt.ItemDataRole.DisplayRole:
            return texts[column]
        if role == Qt.ItemDataRole.ToolTipRole:
            return texts[column] if column == QUESTION else None
        if role == Qt.ItemDataRole.ForegroundRole and column == FLAG and row.flag in FLAGS:
            return QColor(FLAG_COLOURS[row.flag])
        if not row.suspended:
            return None
        if role == Qt.ItemDataRole.BackgroundRole:
            return QColor(theme.colours().highlight_bg)
        if role == Qt.ItemDataRole.ForegroundRole:
            return QColor(theme.colours().muted)
        font = QFont()
        font.setItalic(True)
        return font


class CardTable(QTableView):
    """The table of cards. Typing in it goes to the search box: a table's own type-ahead
    would read row after row (every card, on a miss) to find a matching question."""

    typed = Signal(str)

    def keyboardSearch(self, search: str) -> None:
        self.typed.emit(search)


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
        self.model = CardTableModel(collection, self)
        self.model.sort_requested.connect(self._refilter)
        self._total = 0
        self._just_loaded = False

        self.search = QLineEdit()
        self.search.setPlaceholderText("Search words, tag:…, flag:1-4   (Ctrl+F)")
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

        self.table = CardTable()
        self.table.typed.connect(self._type_into_search)
        self.table.setModel(self.model)
        # The sort indicator asks the model to sort, which it does in SQLite; sorting is
        # enabled once the rows are first read (see reload), so building reads nothing.
        self.table.horizontalHeader().setSortIndicator(DUE, Qt.SortOrder.AscendingOrder)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        self.table.setShowGrid(False)
        self.table.verticalHeader().setVisible(False)
        self.table.verticalHeader().setDefaultSectionSize(30)
        # Every row the same height: the view never asks for rows it does not show.
        self.table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
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
        changes_of(collection).changed.connect(self._on_changes)
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
        """Read the cards afresh (after studying, suspending elsewhere, ...), keeping the
        search, filters, sort and selection."""
        keys = self.selected_keys()
        collection = self._collection
        written = collection.refresh_text()
        self._total = collection.browse_count(BrowseQuery())
        self._fill_box(self.deck_box, "All decks", [(d.name, d.id) for d in collection.decks])
        if written or self.concept_box.count() == 0:  # (reading them scans every card)
            self._fill_box(
                self.concept_box, "All concepts", [(c, c) for c in collection.browse_concepts()]
            )
        if self.table.isSortingEnabled():
            self._refilter(select=False)
        else:  # the first reading: enabling sorting asks the model to sort, which reads
            self.table.setSortingEnabled(True)
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

    def current_query(self) -> BrowseQuery:
        """What the search box, the filters and the sort indicator ask for."""
        header = self.table.horizontalHeader()
        return BrowseQuery(
            deck_id=self.deck_box.currentData(),
            concept=self.concept_box.currentData(),
            state=self.state_box.currentData(),
            words=search_words(self.search.text()),
            sort=BROWSE_SORTS[header.sortIndicatorSection()],
            descending=header.sortIndicatorOrder() == Qt.SortOrder.DescendingOrder,
        )

    def _refilter(self, *_: object, select: bool = True) -> None:
        keys = self.selected_keys()[:KEEP_SELECTED] if select else []
        self.model.set_query(self.current_query())
        if keys:
            self.select_keys(keys)
        shown, total = self.model.rowCount(), self._total
        self.count_label.setText(
            f"{total} cards" if shown == total else f"{shown} of {total} cards shown"
        )
        if select:
            self._show_selected()

    def _type_into_search(self, text: str) -> None:
        self.search.setFocus(Qt.FocusReason.OtherFocusReason)
        self.search.insert(text)

    def focus_search(self) -> None:
        self.search.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.search.selectAll()

    def _search_done(self) -> None:
        if self.model.rowCount() and not self.table.selectionModel().hasSelection():
            self.table.selectRow(0)
        self.table.setFocus(Qt.FocusReason.OtherFocusReason)

    # -- selection, preview and suspend ---------------------------------------------

    def selected_rows(self) -> list[int]:
        """The positions of the selected rows, in view order."""
        return sorted({i.row() for i in self.table.selectionModel().selectedRows()})

    def selected_keys(self) -> list[CardKey]:
        by_id = self._collection.card_by_id
        return [by_id(self.model.card_row(p).card_id).key for p in self.selected_rows()]

    def select_keys(self, keys: Sequence[CardKey]) -> None:
        selection = self.table.selectionModel()
        selection.clearSelection()
        flags = QItemSelectionModel.SelectionFlag.Select | QItemSelectionModel.SelectionFlag.Rows
        first = None
        for position in self._collection.browse_positions(self.model.query, keys):
            index = self.model.index(position, 0)
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
        self.show_preview(self._collection.card_by_id(row.card_id))
        self.suspend_button.setEnabled(True)
        label = "Unsuspend" if row.suspended else "Suspend"
        if len(positions) > 1:
            label += f" {len(positions)} cards"
        self.suspend_button.setText(f"{label}  (Ctrl+J)")

    def show_preview(self, card: Card) -> None:
        self.question_view.setHtml(question_html(card))
        self.answer_view.setHtml(answer_html(card))

    def toggle_suspended(self) -> None:
        """Suspend the selected cards, or unsuspend them if the first one is suspended:
        one operation (one transaction, one step Edit > Undo names)."""
        positions = self.selected_rows()
        if not positions:
            return
        suspend = not self.model.card_row(positions[0]).suspended
        keys = self.selected_keys()
        try:
            set_suspended(self._collection.ops, self._collection, keys, suspend)
        except RapportError as error:
            from rapport.ui.dialogs import show_error

            show_error(self, "Not saved", str(error))
            return
        self._after_change(keys)

    def _after_change(self, keys: Sequence[CardKey]) -> None:
        self.reload()
        self.select_keys(keys)
        self._show_selected()
        self.suspended_changed.emit()

    def _on_changes(self, changes: Changes) -> None:
        """After an undo or redo anywhere: read the rows again, the changed cards selected
        (hidden, Browse reads them again when next shown)."""
        if changes.kind == "do" or not self.isVisible() or self._collection.closed:
            return
        keys = []
        for card_id in sorted(changes.card_ids):
            try:
                keys.append(self._collection.card_by_id(card_id).key)
            except KeyError:
                continue
        self._after_change(keys or self.selected_keys())

    def on_shown(self) -> None:
        """Called by the main window each time Browse is shown: the rows may have moved
        (not again when its first showing has just read them)."""
        if not self._just_loaded:
            self.reload()
        self._just_loaded = False
        self.table.setFocus()

    def showEvent(self, event: Any) -> None:
        if not self.table.isSortingEnabled():  # the first showing reads the rows
            self.reload()
            self._just_loaded = True
        super().showEvent(event)
