"""Browse's sidebar, as Anki's: saved searches, today, flags, card states, decks, concepts
and tags. Choosing an item writes its search: Enter or a click replaces the search,
Ctrl+click adds it (and), Shift+click offers it as an alternative (or)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QBrush, QColor, QKeyEvent, QMouseEvent
from PySide6.QtWidgets import QApplication, QTreeWidget, QTreeWidgetItem, QWidget

from rapport.study.actions import FLAGS
from rapport.study.browsing import concept_name
from rapport.study.decktree import SEPARATOR, name_parts
from rapport.ui import theme

QUERY_ROLE = Qt.ItemDataRole.UserRole
SAVED_ROLE = Qt.ItemDataRole.UserRole + 1  # the name of a saved search

TODAY = (
    ("Studied today", "rated:1"),
    ("Again today", "rated:1:1"),
    ("Introduced today", "introduced:1"),
    ("Added today", "added:1"),
    ("Edited today", "edited:1"),
    ("Due", "is:due"),
)
STATES = (
    ("New", "is:new"),
    ("Learning", "is:learn"),
    ("Review", "is:review"),
    ("Suspended", "is:suspended"),
    ("Buried", "is:buried"),
    ("Marked", "is:marked"),
    ("Leech", "is:leech"),
)


def quoted(key: str, value: str) -> str:
    """``key:value``, quoted when the value has spaces, its wildcards and quotes escaped."""
    escaped = value.replace("\\", "\\\\").replace('"', '\\"')
    escaped = escaped.replace("*", "\\*").replace("_", "\\_")
    return f'"{key}:{escaped}"' if any(c.isspace() for c in value) else f"{key}:{escaped}"


class BrowseSidebar(QTreeWidget):
    """The sidebar; emits ``chosen(query, how)`` with how "replace", "and" or "or"."""

    chosen = Signal(str, str)
    delete_saved = Signal(str)  # Delete on a saved search: its name

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("browseSidebar")
        self.setAccessibleName("Browse sidebar: saved searches, today, flags, states, decks")
        self.setHeaderHidden(True)
        self.setIndentation(14)
        self.setUniformRowHeights(True)
        self.itemActivated.connect(lambda item, _column: self._choose(item, "replace"))

    def fill(
        self,
        saved: Mapping[str, str],
        deck_names: Sequence[str],
        concepts: Sequence[str],
        tags: Sequence[str],
    ) -> None:
        """Build the sidebar afresh (sections keep their expanded state)."""
        collapsed = {
            item.text(0)
            for i in range(self.topLevelItemCount())
            if (item := self.topLevelItem(i)) is not None and not item.isExpanded()
        }
        self.clear()
        section = self._section("Saved searches", collapsed)
        for name, query in sorted(saved.items(), key=lambda kv: kv[0].casefold()):
            item = self._item(section, name, query)
            item.setData(0, SAVED_ROLE, name)
            item.setToolTip(0, f"{query}\n(Delete removes this saved search)")
        section = self._section("Today", collapsed)
        for label, query in TODAY:
            self._item(section, label, query)
        section = self._section("Flags", collapsed)
        colours = theme.flag_colours()
        for number, name in FLAGS.items():
            item = self._item(section, f"{name.capitalize()} flag", f"flag:{number}")
            item.setForeground(0, QBrush(QColor(colours[number])))
        self._item(section, "No flag", "flag:0")
        section = self._section("Card state", collapsed)
        for label, query in STATES:
            self._item(section, label, query)
        section = self._section("Decks", collapsed)
        self._tree(section, deck_names, "deck")
        section = self._section("Concepts", collapsed)
        for concept in concepts:
            self._item(section, concept_name(concept), f"concept:{concept}")
        section = self._section("Tags", collapsed)
        self._tree(section, tags, "tag")

    def _section(self, title: str, collapsed: set[str]) -> QTreeWidgetItem:
        item = QTreeWidgetItem([title])
        font = item.font(0)
        font.setBold(True)
        item.setFont(0, font)
        item.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable)
        self.addTopLevelItem(item)
        item.setExpanded(title not in collapsed)
        return item

    def _item(self, parent: QTreeWidgetItem, label: str, query: str) -> QTreeWidgetItem:
        item = QTreeWidgetItem([label])
        item.setData(0, QUERY_ROLE, query)
        item.setToolTip(0, query)
        parent.addChild(item)
        return item

    def _tree(self, section: QTreeWidgetItem, names: Sequence[str], key: str) -> None:
        """Names with ``::`` as a tree: each node searches itself and what is under it."""
        nodes: dict[tuple[str, ...], QTreeWidgetItem] = {}
        for name in sorted(names, key=lambda n: tuple(p.casefold() for p in name_parts(n))):
            parts = name_parts(name)
            for n in range(1, len(parts) + 1):
                if parts[:n] in nodes:
                    continue
                parent = nodes.get(parts[: n - 1], section)
                full = SEPARATOR.join(parts[:n])
                nodes[parts[:n]] = self._item(parent, parts[n - 1], quoted(key, full))

    def _choose(self, item: QTreeWidgetItem, how: str) -> None:
        query = item.data(0, QUERY_ROLE)
        if query:
            self.chosen.emit(str(query), how)

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        super().mouseReleaseEvent(event)
        item = self.itemAt(event.position().toPoint())
        if item is None or event.button() != Qt.MouseButton.LeftButton:
            return
        mods = QApplication.keyboardModifiers()
        if mods & Qt.KeyboardModifier.ControlModifier:
            self._choose(item, "and")
        elif mods & Qt.KeyboardModifier.ShiftModifier:
            self._choose(item, "or")
        else:
            self._choose(item, "replace")

    def keyPressEvent(self, event: QKeyEvent) -> None:
        item = self.currentItem()
        if event.key() == Qt.Key.Key_Delete and item is not None:
            name = item.data(0, SAVED_ROLE)
            if name:
                self.delete_saved.emit(str(name))
                return
        super().keyPressEvent(event)

    def item_for(self, query: str) -> QTreeWidgetItem | None:
        """The item that writes ``query`` (for tests and to show the current search)."""
        stack = [self.topLevelItem(i) for i in range(self.topLevelItemCount())]
        while stack:
            item = stack.pop(0)
            if item is None:
                continue
            if item.data(0, QUERY_ROLE) == query:
                return item
            stack.extend(item.child(i) for i in range(item.childCount()))
        return None
