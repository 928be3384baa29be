"""The one signal views subscribe to: what each operation, undo and redo changed.

Every change goes through the collection's operations (:mod:`rapport.study.ops`), which
tell their subscribers a :class:`~rapport.study.ops.Changes` value. :func:`changes_of`
turns that into a Qt signal, one per collection, so that a view connects once
(``changes_of(collection).changed.connect(self._on_changes)``) and refreshes what the
value names, instead of being refreshed by name by whoever made the change.
"""

from __future__ import annotations

import weakref
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Signal

if TYPE_CHECKING:
    from rapport.study import Collection
    from rapport.study.ops import Changes


class ChangeSignal(QObject):
    """``changed(changes)`` after every operation, undo and redo of one collection."""

    changed = Signal(object)

    def emit_changes(self, changes: Changes) -> None:
        self.changed.emit(changes)


_SIGNALS: weakref.WeakKeyDictionary[Collection, ChangeSignal] = weakref.WeakKeyDictionary()


def changes_of(collection: Collection) -> ChangeSignal:
    """The change signal of ``collection`` (made on first use)."""
    signal = _SIGNALS.get(collection)
    if signal is None:
        signal = _SIGNALS[collection] = ChangeSignal()
        collection.ops.subscribe(signal.emit_changes)
    return signal
