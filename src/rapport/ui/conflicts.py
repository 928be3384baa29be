"""A revision changed a field of a note the trainee had changed too: both versions are
shown side by side and the trainee chooses (the choice is the core's to record)."""

from __future__ import annotations

import html
import json
from typing import Any

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QTextBrowser, QVBoxLayout, QWidget

from rapport.content.editing.authoring import Authoring
from rapport.content.editing.local import Conflict


def _shown(value: Any) -> str:
    if isinstance(value, str):
        return value
    if value is None:
        return "(none)"
    return json.dumps(value, ensure_ascii=False)


class ConflictDialog(QDialog):
    """Keep my version of the clashing fields, or take the revision's."""

    def __init__(self, conflict: Conflict, authoring: Authoring, parent: QWidget | None = None):
        super().__init__(parent)
        self.conflict = conflict
        self.authoring = authoring
        self.choice: str | None = None
        self.setWindowTitle("Your change and the deck's revision")
        self.setAccessibleName(self.windowTitle())
        self.resize(760, 460)
        layout = QVBoxLayout(self)
        intro = QLabel(
            f"The new version of deck '{conflict.deck_id}' changed note '{conflict.note_id}' "
            "where you had changed it too. Choose which version to keep; the note's other "
            "changes are kept either way."
        )
        intro.setWordWrap(True)
        layout.addWidget(intro)
        view = QTextBrowser()
        view.setAccessibleName("Both versions")
        rows = "".join(
            f"<tr><td><b>{html.escape(name)}</b></td>"
            f"<td>{html.escape(_shown(conflict.mine.get(name)))}</td>"
            f"<td>{html.escape(_shown(conflict.theirs.get(name)))}</td></tr>"
            for name in conflict.fields
        )
        view.setHtml(
            '<table border="1" cellpadding="6" cellspacing="0" width="100%">'
            "<tr><th>Field</th><th>Your version</th><th>The revision</th></tr>"
            f"{rows}</table>"
        )
        layout.addWidget(view, 1)
        buttons = QDialogButtonBox()
        mine = buttons.addButton("Keep mine", QDialogButtonBox.ButtonRole.AcceptRole)
        theirs = buttons.addButton("Take the revision", QDialogButtonBox.ButtonRole.AcceptRole)
        later = buttons.addButton("Decide later", QDialogButtonBox.ButtonRole.RejectRole)
        mine.clicked.connect(lambda: self.choose(keep_mine=True))
        theirs.clicked.connect(lambda: self.choose(keep_mine=False))
        later.clicked.connect(self.reject)
        layout.addWidget(buttons)

    def choose(self, *, keep_mine: bool) -> None:
        self.authoring.local.resolve(self.conflict, keep_mine=keep_mine)
        self.choice = "mine" if keep_mine else "theirs"
        self.accept()
