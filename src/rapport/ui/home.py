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

from rapport.content.loading.loader import DeckError
from rapport.study.decktree import DeckNode, deck_tree, find
from rapport.study.timetext import format_due, format_duration
from rapport.ui.changes import changes_of
from rapport.ui.theme import Colours, colours
from rapport.ui.welcome import WelcomePanel, wants_welcome

if TYPE_CHECKING:
    from rapport.study import Collection
    from rapport.study.ops import Changes

COL_NAME, COL_NEW, COL_LEARNING, COL_DUE, COL_STUDY = range(5)
DECK_ROLE = Qt.ItemDataRole.UserRole
ERROR_ROLE = Qt.ItemDataRole.UserRole + 1
NODE_ROLE = Qt.ItemDataRole.UserRole + 2  # the full name of the row's node of the tree
PREF_COLLAPSED = "home.collapsed"


class HomeView(QWidget):
    """The deck tree (:mod:`rapport.study.decktree`). Emits ``study_requested(deck_ids)``
    (a parent's: its deck and every deck under it); an empty list means all decks."""

    study_requested = Signal(list)
    deck_problems_requested = Signal(object)  # a DeckError
    options_requested = Signal(str)  # a deck id ("" for a parent with no deck): O
    custom_study_requested = Signal(str)  # the selected deck id ("" for all decks): C
    rename_requested = Signal()  # F2: rename the selected deck (Notes > Rename deck)
    delete_requested = Signal()  # Delete: delete the selected deck (Notes > Delete deck)

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
        self.tree.setRootIsDecorated(True)
        self.tree.setIndentation(18)
        self.tree.setItemsExpandable(True)
        self.tree.itemExpanded.connect(self._remember_collapsed)
        self.tree.itemCollapsed.connect(self._remember_collapsed)
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

        self.sync_label = QLabel()  # "Synced 2 minutes ago", or the last sync's error
        self.sync_label.setProperty("role", "muted")
        self.sync_label.setWordWrap(True)
        self.sync_label.setAccessibleName("Sync status")
        self.sync_label.hide()
        outer.addWidget(self.sync_label)
        self._sync_line = False  # (read from the window's first moment after the first paint)

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
        self._nodes: tuple[DeckNode, ...] = ()
        changes_of(collection).changed.connect(self._on_changes)
        self._filling = False

    # -- data ---------------------------------------------------------------------------

    def show_sync_line(self) -> None:
        """Read the last sync's status into the line at the bottom ("Synced 2 minutes
        ago", the last error, or nothing before the first sync), and again at each refresh
        from now on. The window calls this once it is painted, and after each sync."""
        from rapport.sync.account import status_line

        self._sync_line = True
        synced = status_line(self.collection.data_dir, self.clock())
        self.sync_label.setText(synced)
        self.sync_label.setVisible(bool(synced))

    def _on_changes(self, changes: Changes) -> None:
        """An operation, undo or redo anywhere while Home shows: read the counts again (a
        change to the deck files is read by the window first, which then refreshes Home)."""
        if self.isVisible() and not changes.files and not self.collection.closed:
            self.refresh()

    def refresh(self) -> None:
        """Re-read the counts and the day's progress from the collection."""
        now = self.clock()
        if self._sync_line:
            self.show_sync_line()
        node = self.selected_node()
        selected = node.name if node is not None else None
        counts = self.collection.deck_counts(now)
        c = colours()
        self.tree.clear()
        self._study_buttons.clear()
        self._nodes = deck_tree(counts)
        collapsed = set(self._collapsed())
        self._filling = True  # (expanding the new rows is not the trainee's doing)
        try:
            for node in self._nodes:
                self._add_node(node, None, collapsed, c)
        finally:
            self._filling = False
        total_waiting = sum(dc.new + dc.learning + dc.due for dc in counts)
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

    def _add_node(
        self,
        node: DeckNode,
        parent: QTreeWidgetItem | None,
        collapsed: set[str],
        c: Colours,
    ) -> None:
        item = QTreeWidgetItem([node.label, str(node.new), str(node.learning), str(node.due), ""])
        item.setData(COL_NAME, DECK_ROLE, node.deck_id)
        item.setData(COL_NAME, NODE_ROLE, node.name)
        item.setToolTip(COL_NAME, f"{node.name}: {node.total} cards")
        for col, colour, value in (
            (COL_NEW, c.new, node.new),
            (COL_LEARNING, c.learning, node.learning),
            (COL_DUE, c.due, node.due),
        ):
            item.setTextAlignment(col, Qt.AlignmentFlag.AlignCenter)
            item.setForeground(col, QBrush(QColor(colour if value else c.muted)))
        font = item.font(COL_NAME)
        font.setBold(True)
        for col in (COL_NEW, COL_LEARNING, COL_DUE):
            item.setFont(col, font)
        if parent is None:
            self.tree.addTopLevelItem(item)
        else:
            parent.addChild(item)
        item.setSizeHint(COL_NAME, QSize(0, 44))
        button = QPushButton("Study")
        button.setProperty("role", "row")
        button.setAccessibleName(f"Study {node.name}")
        button.setAutoDefault(True)
        ids = node.deck_ids()
        button.clicked.connect(lambda _=False, d=ids: self.study_requested.emit(list(d)))
        self._study_buttons.append(button)
        self.tree.setItemWidget(item, COL_STUDY, button)
        for child in node.children:
            self._add_node(child, item, collapsed, c)
        item.setExpanded(node.name not in collapsed)

    def _collapsed(self) -> list[str]:
        """The parents the trainee collapsed (kept in the preferences)."""
        stored = self.collection.get_pref(PREF_COLLAPSED)
        if not stored:
            return []
        import json

        try:
            value = json.loads(stored)
        except ValueError:
            return []
        return [str(v) for v in value] if isinstance(value, list) else []

    def _remember_collapsed(self, *_: object) -> None:
        if self._filling:
            return
        names = []
        for top in range(self.tree.topLevelItemCount()):
            stack = [self.tree.topLevelItem(top)]
            while stack:
                item = stack.pop()
                if item is None:
                    continue
                if item.childCount() and not item.isExpanded():
                    names.append(str(item.data(COL_NAME, NODE_ROLE)))
                stack.extend(item.child(i) for i in range(item.childCount()))
        if not self.collection.read_only and sorted(names) != sorted(self._collapsed()):
            import json

            self.collection.set_pref(PREF_COLLAPSED, json.dumps(sorted(names)))

    def _items(self) -> list[QTreeWidgetItem]:
        """Every row, in tree order."""
        out: list[QTreeWidgetItem] = []

        def walk(item: QTreeWidgetItem | None) -> None:
            if item is None:
                return
            out.append(item)
            for i in range(item.childCount()):
                walk(item.child(i))

        for top in range(self.tree.topLevelItemCount()):
            walk(self.tree.topLevelItem(top))
        return out

    def _select(self, name: str | None) -> None:
        """Select the node ``name``, or the first working deck (or the first row at all)."""
        items = self._items()
        working = [i for i in items if i.data(COL_NAME, NODE_ROLE)]
        target = next((i for i in working if i.data(COL_NAME, NODE_ROLE) == name), None)
        target = target or (working[0] if working else (items[0] if items else None))
        if target is not None:
            self.tree.setCurrentItem(target)

    def selected_node(self) -> DeckNode | None:
        """The selected row of the deck tree (a deck, or a parent of decks)."""
        item = self.tree.currentItem()
        name = item.data(COL_NAME, NODE_ROLE) if item is not None else None
        return find(self._nodes, str(name)) if name else None

    def _fit_list(self) -> None:
        """As tall as its shown rows (up to a point): no empty white box under a short list.
        On a small screen (800x600, with the first-run welcome above it) the list may
        shrink to one row and scroll, rather than push the window past the screen's edge."""
        rows = 44 * len([i for i in self._items() if _shown(i)])
        header = self.tree.header().sizeHint().height() + 6
        self.tree.setMaximumHeight(min(header + max(rows, 44), 460))
        self.tree.setMinimumHeight(header + 44)

    def _describe_selected(self) -> None:
        deck_id = self.selected_deck_id()
        deck = next((d for d in self.collection.decks if d.id == deck_id), None)
        if deck is None:
            node = self.selected_node()
            if node is None:
                self.description.clear()
            else:
                decks = len(node.deck_ids())
                self.description.setText(
                    f"{node.name}: {decks} deck{'s' * (decks != 1)}, {node.total} cards"
                )
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
        node = self.selected_node()
        if node is not None:
            self.study_requested.emit(node.deck_ids())

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
            node = self.selected_node()
            if node is not None and node.deck_ids():
                self.options_requested.emit(node.deck_id or "")
            return True
        if key == Qt.Key.Key_C:  # Custom study, as Anki's deck screen
            self.custom_study_requested.emit(self.selected_deck_id() or "")
            return True
        if key == Qt.Key.Key_F2:  # as F2 renames in Anki's browser sidebar
            self.rename_requested.emit()
            return True
        if key == Qt.Key.Key_Delete:
            self.delete_requested.emit()
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


def _shown(item: QTreeWidgetItem) -> bool:
    """Whether a row of the tree shows (every parent above it expanded)."""
    parent = item.parent()
    while parent is not None:
        if not parent.isExpanded():
            return False
        parent = parent.parent()
    return True


def today_progress(collection: Collection, now: datetime) -> tuple[int, float]:
    """Reviews and seconds studied today (the core's cheap count, not full statistics)."""
    reviews, taken = collection.studied_today(now)
    return reviews, taken.total_seconds()
