"""Browse, as Anki's: a sidebar that writes searches, Anki's search language
(:mod:`rapport.search`), a sortable table of every card with a preview, Card info, and
suspend, Forget, Set due date and Reposition on the selection, each undone by Ctrl+Z.

The table's model holds no more than the rows on screen: the collection counts the cards
the search and filters match and hands over the rows as the table scrolls to them, a
page at a time, filtered, sorted and paged in SQLite (see :mod:`rapport.study.browsing`).
Each card's text is stored in the database when its deck's text changes, so opening
Browse, a search keystroke and a sort each read only what they show, even at 200,000
cards.
"""

from __future__ import annotations

import json
from collections import OrderedDict
from collections.abc import Callable, Sequence
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QEvent,
    QItemSelectionModel,
    QKeyCombination,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    Signal,
)
from PySide6.QtGui import QColor, QFont, QKeyEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QLabel,
    QLineEdit,
    QMenu,
    QPushButton,
    QSplitter,
    QTableView,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from rapport.content.notes.model import Card, CardKey
from rapport.errors import RapportError
from rapport.search import Everything, Not, SearchError
from rapport.store.records import BROWSE_SORTS, BrowseQuery, BrowseRow
from rapport.study.actions import FLAGS
from rapport.study.browsing import concept_name
from rapport.study.cardops import card_info, forget, reposition, set_due
from rapport.study.ops import set_suspended
from rapport.study.timetext import format_interval
from rapport.ui import dialogs, theme
from rapport.ui.browse_sidebar import BrowseSidebar
from rapport.ui.card_info import CardInfoDialog
from rapport.ui.changes import changes_of
from rapport.ui.dialogs import show_error
from rapport.ui.render import answer_html, question_html
from rapport.ui.reposition_dialog import RepositionDialog

if TYPE_CHECKING:
    from rapport.study import Collection
    from rapport.study.ops import Changes

Index = QModelIndex | QPersistentModelIndex

COLUMNS = (
    "Question", "Card", "Deck", "Concept", "Kind", "Due", "Interval", "Reviews", "Lapses", "Flag",
)  # fmt: skip
QUESTION, CARD, DECK, CONCEPT, KIND, DUE, INTERVAL, REVIEWS, LAPSES, FLAG = range(len(COLUMNS))
# Widths (pixels) a column starts at and the least it is squeezed to so that the question
# stays readable in a narrow window; columns hidden until the trainee shows them (right
# click on the header).
WIDTHS = {CARD: 76, DECK: 140, CONCEPT: 150, KIND: 72, DUE: 110, INTERVAL: 72,
          REVIEWS: 70, LAPSES: 62, FLAG: 64}  # fmt: skip
LEAST = {CARD: 64, DECK: 56, CONCEPT: 56, KIND: 48, DUE: 96, INTERVAL: 48,
         REVIEWS: 48, LAPSES: 44, FLAG: 44}  # fmt: skip
HIDDEN = (KIND, INTERVAL, REVIEWS, LAPSES)
QUESTION_SHARE = 0.45  # the question keeps at least this share of the table's width
CARD_INFO_KEY = QKeyCombination(
    Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier, Qt.Key.Key_I
)
PREF_COLUMNS = "browse.columns"
PREF_SAVED = "browse.saved_searches"
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


def card_text(row: BrowseRow) -> str:
    """The card's number in its note, as Anki's Card column names it ("Cloze 2")."""
    return f"{'Cloze' if row.kind == 'cloze' else 'Card'} {row.ordinal + 1}"


def row_texts(row: BrowseRow) -> tuple[str, ...]:
    """The display strings of a row, column by column."""
    due = "new" if row.due is None else row.due.astimezone().strftime("%Y-%m-%d")
    if row.suspended or row.buried:
        due = f"({due})"  # as Anki shows the due date of a card out of the queue
    if row.buried:
        due += " buried"
    return (
        row.question,
        card_text(row),
        row.deck_name,
        concept_name(row.concept),
        row.kind,
        due,
        interval_text(interval_days(row)),
        str(row.reviews),
        str(row.lapses),
        ", ".join(
            ([FLAGS[row.flag].capitalize()] if row.flag in FLAGS else []) + list(row.study_tags)
        ),
    )


def flag_tint(flag: int) -> QColor:
    """The background of a flagged row: the flag's colour over the table's base, light
    enough (or, dark, dark enough) for the text to keep its contrast."""
    c = theme.colours()
    base, hue = QColor(c.base), QColor(theme.flag_colours()[flag])
    share = 0.22
    return QColor(
        round(base.red() + (hue.red() - base.red()) * share),
        round(base.green() + (hue.green() - base.green()) * share),
        round(base.blue() + (hue.blue() - base.blue()) * share),
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
            fetched = self._collection.browse_rows(
                self.query, page * PAGE_ROWS, PAGE_ROWS, self._count
            )
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
            if REVIEWS <= column <= LAPSES or column == CARD:
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
        if role == Qt.ItemDataRole.BackgroundRole and row.flag in FLAGS:
            return flag_tint(row.flag)  # as Anki colours a flagged card's row
        if not (row.suspended or row.buried):
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
    """Every card in a table, found by Anki's search language; a sidebar writes searches."""

    suspended_changed = Signal()  # (any change to the cards that Home and study show)
    edit_requested = Signal(object)  # Enter on a row: edit that card's note (a CardKey)

    def __init__(
        self,
        collection: Collection,
        clock: Callable[[], datetime],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("browse")
        self.setAccessibleName("Browse")
        self._collection = collection
        self._clock = clock
        self.model = CardTableModel(collection, self)
        self.model.sort_requested.connect(self._refilter)
        self._total = 0
        self._just_loaded = False
        self._fitting = False
        self.search_error: str | None = None

        self.search = QLineEdit()
        self.search.setPlaceholderText(
            'Search: words, "a phrase", deck:, tag:, is:due ... (Ctrl+F)'
        )
        self.search.setAccessibleName("Search cards")
        self.search.setAccessibleDescription(
            "Anki's search language: words, quoted phrases, -not, or, (groups), deck:, tag:, "
            "concept:, kind:, flag:, is:, prop:, rated:, added:, edited:, card:, nid:, cid:, "
            "picked:, typed:"
        )
        self.search.setClearButtonEnabled(True)
        self.search.textChanged.connect(self._refilter)
        self.save_button = QPushButton("Save search")
        self.save_button.setAccessibleName("Save this search in the sidebar")
        self.save_button.clicked.connect(lambda: self.save_search())
        self.count_label = QLabel()
        self.count_label.setProperty("role", "muted")
        self.count_label.setAccessibleName("Cards shown")
        self.error_label = QLabel()
        self.error_label.setProperty("role", "error")
        self.error_label.setWordWrap(True)
        self.error_label.setAccessibleName("Search error")
        self.error_label.hide()

        self.sidebar = BrowseSidebar()
        self.sidebar.chosen.connect(self.apply_sidebar)
        self.sidebar.delete_saved.connect(self.delete_saved_search)

        self.table = CardTable()
        self.table.setAccessibleName("Cards")
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
        header.setMinimumSectionSize(40)
        header.setSectionResizeMode(QUESTION, QHeaderView.ResizeMode.Stretch)
        for column in WIDTHS:
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.Interactive)
        header.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        header.customContextMenuRequested.connect(self._column_menu)
        self._widths, hidden = self._read_columns()
        for column in WIDTHS:
            self.table.setColumnHidden(column, column in hidden)
        header.sectionResized.connect(self._column_resized)
        self.table.selectionModel().selectionChanged.connect(self._show_selected)

        self.question_view = QTextBrowser()
        self.answer_view = QTextBrowser()
        for view, name in ((self.question_view, "Question"), (self.answer_view, "Answer")):
            view.setObjectName("card")
            view.setAccessibleName(f"{name} preview")
            view.setOpenLinks(False)
            view.setFont(theme.card_font(PREVIEW_FONT_SIZE))
        changes_of(collection).changed.connect(self._on_changes)
        self.suspend_button = QPushButton("Suspend")
        self.suspend_button.setToolTip("Ctrl+J")
        self.suspend_button.setAccessibleName("Suspend or unsuspend the selected cards")
        self.suspend_button.setEnabled(False)
        self.suspend_button.clicked.connect(self.toggle_suspended)
        self.info_button = QPushButton("Card info")
        self.info_button.setAccessibleName("Card info (Ctrl+Shift+I)")
        self.info_button.setToolTip("Ctrl+Shift+I")
        self.info_button.clicked.connect(self.show_card_info)
        self.forget_button = QPushButton("Forget")
        self.forget_button.setAccessibleName("Forget: make the selected cards new (Ctrl+Alt+N)")
        self.forget_button.setToolTip("Ctrl+Alt+N")
        self.forget_button.clicked.connect(lambda: self.forget_selected())
        self.due_button = QPushButton("Set due")
        self.due_button.setAccessibleName("Set due date of the selected cards (Ctrl+Shift+D)")
        self.due_button.setToolTip("Ctrl+Shift+D")
        self.due_button.clicked.connect(lambda: self.set_due_selected())
        self.reposition_button = QPushButton("Reposition")
        self.reposition_button.setAccessibleName("Reposition the selected new cards (Ctrl+Shift+S)")
        self.reposition_button.setToolTip("Ctrl+Shift+S")
        self.reposition_button.clicked.connect(lambda: self.reposition_selected())
        self._card_buttons = (
            self.suspend_button,
            self.info_button,
            self.forget_button,
            self.due_button,
            self.reposition_button,
        )

        filters = QHBoxLayout()
        filters.addWidget(self.search, 1)
        filters.addWidget(self.count_label)
        filters.addWidget(self.save_button)

        preview = QWidget()
        sides = QHBoxLayout(preview)
        sides.setContentsMargins(0, 0, 0, 0)
        sides.setSpacing(12)
        for title, view in (("Question", self.question_view), ("Answer", self.answer_view)):
            pane = QVBoxLayout()
            label = QLabel(title)
            label.setProperty("role", "muted")
            label.setBuddy(view)
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
        bottom.addStretch(1)
        for button in self._card_buttons[1:]:
            bottom.addWidget(button)
        bottom.addWidget(self.suspend_button)

        right = QWidget()
        main = QVBoxLayout(right)
        main.setContentsMargins(0, 0, 0, 0)
        main.setSpacing(8)
        main.addLayout(filters)
        main.addWidget(self.error_label)
        main.addWidget(self.splitter, 1)
        main.addLayout(bottom)

        self.sides = QSplitter(Qt.Orientation.Horizontal)
        self.sides.addWidget(self.sidebar)
        self.sides.addWidget(right)
        self.sides.setStretchFactor(0, 0)
        self.sides.setStretchFactor(1, 1)
        self.sides.setSizes([175, 900])
        self.sides.setChildrenCollapsible(False)
        self.sidebar.setMinimumWidth(150)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 12, 12, 12)
        layout.addWidget(self.sides, 1)

        for keys, slot in (
            (QKeySequence.StandardKey.Find, self.focus_search),
            (QKeySequence("Ctrl+J"), self.toggle_suspended),
            (QKeySequence("Ctrl+Alt+N"), lambda: self.forget_selected()),
            (QKeySequence("Ctrl+Shift+D"), lambda: self.set_due_selected()),
            (QKeySequence("Ctrl+Shift+S"), lambda: self.reposition_selected()),
            (QKeySequence("Ctrl+Shift+F"), self.sidebar.setFocus),
        ):
            shortcut = QShortcut(keys, self)
            shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            shortcut.activated.connect(slot)
        self.search.returnPressed.connect(self._search_done)
        self.table.activated.connect(lambda _index: self.edit_selected())
        # Ctrl+Shift+I is Card info here, as in Anki's browser, and File > Import Anki
        # package elsewhere: Browse's widgets take it before the window's shortcut.
        for widget in (self.table, self.search, self.sidebar):
            widget.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if isinstance(event, QKeyEvent) and event.keyCombination() == CARD_INFO_KEY:
            if event.type() == QEvent.Type.ShortcutOverride:
                event.accept()
                return True
            if event.type() == QEvent.Type.KeyPress:
                self.show_card_info()
                return True
        return super().eventFilter(watched, event)

    def edit_selected(self) -> None:
        """Enter (or a double click) on a row: ask to edit its card's note."""
        keys = self.selected_keys()
        if keys:
            self.edit_requested.emit(keys[0])

    # -- columns ---------------------------------------------------------------------

    def _read_columns(self) -> tuple[dict[int, int], set[int]]:
        """The widths the trainee gave the columns and the columns they hid."""
        widths, hidden = dict(WIDTHS), set(HIDDEN)
        try:
            saved = json.loads(self._collection.get_pref(PREF_COLUMNS) or "{}")
            for name, width in dict(saved.get("widths", {})).items():
                if name in COLUMNS and COLUMNS.index(name) in WIDTHS:
                    widths[COLUMNS.index(name)] = max(LEAST[COLUMNS.index(name)], int(width))
            if "hidden" in saved:
                hidden = {COLUMNS.index(n) for n in saved["hidden"] if n in COLUMNS[1:]}
        except (ValueError, TypeError, AttributeError):
            pass
        return widths, hidden

    def _save_columns(self) -> None:
        if self._collection.read_only:
            return
        value = json.dumps(
            {
                "widths": {COLUMNS[c]: w for c, w in self._widths.items()},
                "hidden": [COLUMNS[c] for c in WIDTHS if self.table.isColumnHidden(c)],
            }
        )
        if value != self._collection.get_pref(PREF_COLUMNS):
            self._collection.set_pref(PREF_COLUMNS, value)

    def _column_resized(self, column: int, _old: int, new: int) -> None:
        """The trainee dragged a column's edge: remember its width."""
        if self._fitting or column not in WIDTHS or new <= 0:
            return
        self._widths[column] = new
        self._save_columns()

    def _column_menu(self, position: Any) -> None:
        menu = QMenu(self)
        for column in WIDTHS:
            action = menu.addAction(COLUMNS[column])
            action.setCheckable(True)
            action.setChecked(not self.table.isColumnHidden(column))
            action.toggled.connect(lambda on, c=column: self.show_column(c, on))
        menu.exec(self.table.horizontalHeader().mapToGlobal(position))

    def show_column(self, column: int, shown: bool) -> None:
        """Show or hide a column (remembered)."""
        self.table.setColumnHidden(column, not shown)
        self._save_columns()
        self.fit_columns()

    def fit_columns(self) -> None:
        """Give the columns their widths, squeezed (never below their least) when the
        table is too narrow to leave the question its share."""
        width = self.table.viewport().width()
        shown = [c for c in WIDTHS if not self.table.isColumnHidden(c)]
        room = max(0, width - max(240, int(width * QUESTION_SHARE)))
        wanted = sum(self._widths[c] for c in shown)
        least = sum(LEAST[c] for c in shown)
        share = 1.0 if wanted <= room else max(0.0, (room - least) / max(1, wanted - least))
        self._fitting = True
        try:
            for c in shown:
                extra = (self._widths[c] - LEAST[c]) * min(1.0, share)
                self.table.setColumnWidth(c, int(LEAST[c] + extra))
        finally:
            self._fitting = False

    def resizeEvent(self, event: Any) -> None:
        super().resizeEvent(event)
        self.fit_columns()

    # -- loading and searching -------------------------------------------------------

    def reload(self) -> None:
        """Read the cards afresh (after studying, suspending elsewhere, ...), keeping the
        search, sort and selection."""
        keys = self.selected_keys()
        collection = self._collection
        written = collection.refresh_text()
        self._total = collection.browse_count(BrowseQuery())
        if written or self.sidebar.topLevelItemCount() == 0:  # (concepts scan every card)
            self._fill_sidebar()
        if self.table.isSortingEnabled():
            self._refilter(select=False)
        else:  # the first reading: enabling sorting asks the model to sort, which reads
            self.table.setSortingEnabled(True)
        self.select_keys(keys)
        if not keys:
            self._show_selected()
        self.fit_columns()

    def _fill_sidebar(self) -> None:
        collection = self._collection
        self.sidebar.fill(
            self.saved_searches(),
            [d.name for d in collection.decks],
            collection.browse_concepts(),
            collection.browse_tags(),
        )

    def saved_searches(self) -> dict[str, str]:
        try:
            value = json.loads(self._collection.get_pref(PREF_SAVED) or "{}")
        except ValueError:
            return {}
        return {str(k): str(v) for k, v in value.items()} if isinstance(value, dict) else {}

    def save_search(self, name: str | None = None) -> bool:
        """Keep the search in the sidebar under ``name`` (asked for when not given)."""
        query = self.search.text().strip()
        if not query or self.search_error:
            return False
        if name is None:
            name, ok = QInputDialog.getText(self, "Save search", "Name of this search:", text=query)
            if not ok:
                return False
        name = " ".join(name.split())
        if not name:
            return False
        saved = self.saved_searches()
        saved[name] = query
        self._collection.set_pref(PREF_SAVED, json.dumps(saved))
        self._fill_sidebar()
        return True

    def delete_saved_search(self, name: str) -> None:
        saved = self.saved_searches()
        if saved.pop(name, None) is not None:
            self._collection.set_pref(PREF_SAVED, json.dumps(saved))
            self._fill_sidebar()

    def apply_sidebar(self, query: str, how: str) -> None:
        """A sidebar item chosen: its search replaces the search, or joins it."""
        current = self.search.text().strip()
        if how == "and" and current:
            text = f"({current}) {query}" if " or " in current.casefold() else f"{current} {query}"
        elif how == "or" and current:
            text = f"({current}) or {query}"
        else:
            text = query
        self.search.setText(text)

    def current_query(self) -> BrowseQuery:
        """What the search box and the sort indicator ask for (raises SearchError)."""
        header = self.table.horizontalHeader()
        return self._collection.search_query(
            self.search.text(),
            self._clock(),
            BROWSE_SORTS[header.sortIndicatorSection()],
            descending=header.sortIndicatorOrder() == Qt.SortOrder.DescendingOrder,
        )

    def _refilter(self, *_: object, select: bool = True) -> None:
        keys = self.selected_keys()[:KEEP_SELECTED] if select else []
        try:
            query = self.current_query()
        except SearchError as error:
            self.search_error = str(error)
            self.error_label.setText(str(error))
            self.error_label.show()
            self.model.set_query(BrowseQuery(search=_NOTHING))
            self.count_label.setText(f"Search error: 0 of {self._total} cards shown")
            self._show_selected()
            return
        self.search_error = None
        self.error_label.hide()
        self.model.set_query(query)
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

    # -- selection and preview -------------------------------------------------------

    def selected_rows(self) -> list[int]:
        """The positions of the selected rows, in view order."""
        return sorted({i.row() for i in self.table.selectionModel().selectedRows()})

    def selected_ids(self) -> list[int]:
        return [self.model.card_row(p).card_id for p in self.selected_rows()]

    def selected_keys(self) -> list[CardKey]:
        """The selected cards' keys; a card whose note was just deleted (the rows not yet
        read again) is left out."""
        by_id = self._collection.card_by_id
        keys = []
        for card_id in self.selected_ids():
            try:
                keys.append(by_id(card_id).key)
            except KeyError:
                continue
        return keys

    def select_keys(self, keys: Sequence[CardKey]) -> None:
        selection = self.table.selectionModel()
        selection.clearSelection()
        flags = QItemSelectionModel.SelectionFlag.Select | QItemSelectionModel.SelectionFlag.Rows
        first = None
        query, total = self.model.query, self.model.rowCount()
        for position in self._collection.browse_positions(query, keys, total):
            index = self.model.index(position, 0)
            selection.select(index, flags)
            first = first or index
        if first is not None:
            self.table.scrollTo(first)
            selection.setCurrentIndex(first, QItemSelectionModel.SelectionFlag.NoUpdate)

    def _show_selected(self) -> None:
        positions = self.selected_rows()
        for button in self._card_buttons:
            button.setEnabled(bool(positions))
        if not positions:
            self.question_view.setHtml("")
            self.answer_view.setHtml("")
            self.suspend_button.setText("Suspend")
            return
        row = self.model.card_row(positions[0])
        self.show_preview(self._collection.card_by_id(row.card_id))
        label = "Unsuspend" if row.suspended else "Suspend"
        if len(positions) > 1:
            label += f" {len(positions)} cards"
        self.suspend_button.setText(label)

    def show_preview(self, card: Card) -> None:
        self.question_view.setHtml(question_html(card))
        self.answer_view.setHtml(answer_html(card))

    # -- operations on the selection, each a step of the undo list ---------------------

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
            show_error(self, "Not saved", str(error))
            return
        self._after_change(keys)

    def _after_change(self, keys: Sequence[CardKey]) -> None:
        self.reload()
        self.select_keys(keys)
        self._show_selected()
        self.suspended_changed.emit()

    def _operate(self, name: str, run: Callable[[list[int]], object]) -> bool:
        """Run an operation (:mod:`rapport.study.cardops`: one transaction, one step of
        the app's undo stack) on the selected cards."""
        ids = self.selected_ids()
        if not ids:
            return False
        keys = self.selected_keys()
        try:
            run(ids)
        except RapportError as error:
            dialogs.show_error(self, f"{name} was not done", str(error))
            return False
        self._after_change(keys)
        return True

    def forget_selected(self) -> bool:
        """Forget (Ctrl+Alt+N): the selected cards become new; undo brings them back."""
        return self._operate("Forget", lambda ids: forget(self._collection, ids))

    def set_due_selected(self, text: str | None = None) -> bool:
        """Set due date (Ctrl+Shift+D): ``0`` today, ``1`` tomorrow, ``3-7``, ``!``."""
        if not self.selected_ids():
            return False
        if text is None:
            text, ok = QInputDialog.getText(
                self,
                "Set due date",
                "Due in how many days? 0 = today, 1 = tomorrow, 3-7 = a day in that range;\n"
                "add ! to make it the card's interval too (e.g. 14!).",
                text="0",
            )
            if not ok:
                return False
        due = text
        return self._operate(
            "Set due date", lambda ids: set_due(self._collection, ids, due, self._clock())
        )

    def reposition_selected(
        self, start: int | None = None, step: int = 1, shuffle: bool = False, shift: bool = False
    ) -> bool:
        """Reposition (Ctrl+Shift+S): the selected new cards' places in the new-card order."""
        if not self.selected_ids():
            return False
        if start is None:
            dialog = RepositionDialog(self)
            if not dialog.exec():
                return False
            start, step, shuffle, shift = dialog.values()
        first = start
        return self._operate(
            "Reposition",
            lambda ids: reposition(
                self._collection, ids, first, step, shuffle=shuffle, shift=shift
            ),
        )

    def show_card_info(self) -> None:
        """Card info (Ctrl+Shift+I) of the first selected card."""
        ids = self.selected_ids()
        if not ids:
            return
        self.card_info = CardInfoDialog(card_info(self._collection, ids[0], self._clock()), self)
        self.card_info.show()

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
            side = max(150, min(200, int(self.width() * 0.17)))
            self.sides.setSizes([side, max(1, self.width() - side)])
            self.reload()
            self._just_loaded = True
        super().showEvent(event)


_NOTHING = Not(Everything())  # (a search that failed to parse shows no card)
