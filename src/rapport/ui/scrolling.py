"""Reading long text by keyboard: the keys that scroll, and scrolling to what matters.

Every view that shows card text (review, its passage, the practice test and its results)
lets Up/Down, PgUp/PgDn and Home/End scroll that text while the view keeps the focus, so
these keys never move focus onto a button (where Space would press it).
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QTextCursor
from PySide6.QtWidgets import QAbstractScrollArea, QAbstractSlider, QTextEdit

_Action = QAbstractSlider.SliderAction
SCROLL_KEYS = {
    Qt.Key.Key_Up: _Action.SliderSingleStepSub,
    Qt.Key.Key_Down: _Action.SliderSingleStepAdd,
    Qt.Key.Key_PageUp: _Action.SliderPageStepSub,
    Qt.Key.Key_PageDown: _Action.SliderPageStepAdd,
    Qt.Key.Key_Home: _Action.SliderToMinimum,
    Qt.Key.Key_End: _Action.SliderToMaximum,
}


def scroll_by_key(area: QAbstractScrollArea, key: int) -> bool:
    """Scroll ``area`` as ``key`` asks; ``False`` if ``key`` is not a scrolling key."""
    action = SCROLL_KEYS.get(Qt.Key(key)) if key in SCROLL_KEYS else None
    if action is None:
        return False
    area.verticalScrollBar().triggerAction(action)
    return True


def anchor_cursor(view: QTextEdit, name: str) -> QTextCursor | None:
    """A cursor at the text carrying the anchor ``name`` (``<a name=...>`` before it)."""
    block = view.document().begin()
    while block.isValid():
        fragments = block.begin()
        while not fragments.atEnd():
            fragment = fragments.fragment()
            if name in fragment.charFormat().anchorNames():
                cursor = QTextCursor(view.document())
                cursor.setPosition(fragment.position())
                return cursor
            fragments += 1
        block = block.next()
    return None


def show_anchors(view: QTextEdit, start: str, end: str | None = None) -> None:
    """Scroll ``view`` the least needed so that the block carrying anchor ``end`` is in
    view to its last line, and then the text at anchor ``start`` (which wins when both
    do not fit)."""
    view.verticalScrollBar().setValue(0)
    for name, to_block_end in ((end, True), (start, False)):
        if name is None:
            continue
        cursor = anchor_cursor(view, name)
        if cursor is None:
            continue
        if to_block_end:
            cursor.movePosition(QTextCursor.MoveOperation.EndOfBlock)
        view.setTextCursor(cursor)
        view.ensureCursorVisible()
