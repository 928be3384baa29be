"""The note editor: Add note (A) and Edit note (E in review, Enter in Browse).

The dialog only edits values. Checking them (live, in the kind's own words, with the
loader's rules) and saving them -- into the trainee's own deck file, or as their local
change to a note of a deck that is not theirs -- is :class:`rapport.content.authoring.
Authoring`'s work. A preview shows every card the note makes, as review will show it.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QKeyEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from rapport.content.authoring import Authoring, Saved
from rapport.content.deckfile import DeckWriteError, note_table
from rapport.content.kinds import registered, rules_for, rules_of
from rapport.content.loader import DeckError
from rapport.content.model import Card, Deck, Note


class NoteEditor(QDialog):
    """Add a note to one of the trainee's decks, or edit a note of any deck."""

    def __init__(
        self,
        authoring: Authoring,
        decks: Sequence[Deck],
        *,
        note: Note | None = None,
        deck: Deck | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.authoring = authoring
        self.note = note
        self.saved: Saved | None = None
        self.deleted = False
        self.dropped = False
        self._decks = list(decks) if note is None else [deck] if deck else []
        self.setWindowTitle("Edit note" if note else "Add note")
        self.setAccessibleName(self.windowTitle())
        self.resize(980, 640)
        layout = QVBoxLayout(self)

        top = QHBoxLayout()
        self.deck_box = QComboBox()
        self.deck_box.setAccessibleName("Deck")
        for d in self._decks:
            self.deck_box.addItem(d.name, d.id)
        if deck is not None:
            self.deck_box.setCurrentIndex(max(0, [d.id for d in self._decks].index(deck.id)))
        self.deck_box.setEnabled(note is None and len(self._decks) > 1)
        self.kind_box = QComboBox()
        self.kind_box.setAccessibleName("Kind")
        for kind, rules in registered().items():
            self.kind_box.addItem(rules.label, kind)
        if note is not None:
            self.kind_box.setCurrentIndex(self.kind_box.findData(str(note.kind)))
            self.kind_box.setEnabled(False)  # a note's kind makes its cards: keep it
        deck_label = QLabel("&Deck:")
        deck_label.setBuddy(self.deck_box)
        top.addWidget(deck_label)
        top.addWidget(self.deck_box, 1)
        kind_label = QLabel("&Kind:")
        kind_label.setBuddy(self.kind_box)
        top.addWidget(kind_label)
        top.addWidget(self.kind_box, 1)
        layout.addLayout(top)

        self.notice = QLabel()
        self.notice.setWordWrap(True)
        self.notice.setAccessibleName("About this deck")
        layout.addWidget(self.notice)

        split = QSplitter(Qt.Orientation.Horizontal)
        self.form_host = QWidget()
        self.form = QFormLayout(self.form_host)
        self.form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapAllRows)  # wide text boxes
        split.addWidget(self.form_host)
        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(0, 0, 0, 0)
        self.problems = QLabel()
        self.problems.setWordWrap(True)
        self.problems.setAccessibleName("Problems")
        self.problems.setObjectName("noteProblems")
        right_layout.addWidget(self.problems)
        self.preview = QTextBrowser()
        self.preview.setAccessibleName("Preview of the cards")
        right_layout.addWidget(self.preview, 1)
        split.addWidget(right)
        split.setSizes([520, 440])
        layout.addWidget(split, 1)

        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        self.save_button = self.buttons.button(QDialogButtonBox.StandardButton.Save)
        self.save_button.setToolTip("Save (Ctrl+Enter)")
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.reject)
        self.delete_button: QPushButton | None = None
        self.drop_button: QPushButton | None = None
        if note is not None and deck is not None and authoring.is_own(deck):
            self.delete_button = QPushButton("Delete note")
            self.delete_button.setAccessibleName("Delete note")
            self.delete_button.clicked.connect(self.delete)
            self.buttons.addButton(self.delete_button, QDialogButtonBox.ButtonRole.DestructiveRole)
        if note is not None and deck is not None and authoring.has_local_change(deck.id, note.id):
            self.drop_button = QPushButton("Drop my change")
            self.drop_button.setAccessibleName("Drop my change")
            self.drop_button.clicked.connect(self.drop_change)
            self.buttons.addButton(self.drop_button, QDialogButtonBox.ButtonRole.ResetRole)
        layout.addWidget(self.buttons)
        for keys in ("Ctrl+Return", "Ctrl+Enter"):
            shortcut = QShortcut(QKeySequence(keys), self)
            shortcut.activated.connect(self.save)

        self.inputs: dict[str, QLineEdit | QPlainTextEdit | QCheckBox] = {}
        self.kind_box.currentIndexChanged.connect(lambda _i: self._build_form())
        self.deck_box.currentIndexChanged.connect(lambda _i: self._build_form())
        self._build_form()
        if note is not None:
            self._fill({**note_table(note), **rules_of(note).to_columns(note)})
        self.validate()

    # -- the form ---------------------------------------------------------------------

    @property
    def deck(self) -> Deck | None:
        deck_id = self.deck_box.currentData()
        return next((d for d in self._decks if d.id == deck_id), None)

    @property
    def kind(self) -> str:
        return str(self.kind_box.currentData())

    def _build_form(self) -> None:
        kept = self.values() if self.inputs else {}
        while self.form.rowCount():
            self.form.removeRow(0)
        self.inputs = {}
        rules = rules_for(self.kind)
        for key, label, multi in rules.columns:  # the kind's own fields, from its module
            self._add(key, label, multi)
        if "scenario" in rules.keys:
            self._add_check("scenario", "A session moment (scenario)")
        self._add("concept", "Concept (a slug, e.g. active-listening)", False)
        self._add("tags", "Tags (separate with spaces)", False)
        self._add("extra", "Extra (shown with the answer)", True)
        deck = self.deck
        if deck is not None and deck.sources:
            self._add("source", "Source: words copied from the text", False)
            self._add_check("extension", "From beyond the deck's sources")
        if deck is not None:
            own = self.authoring.is_own(deck)
            if own:
                self.notice.setText(f"Saved into your deck '{deck.name}' ({deck.path.name}).")
            else:
                self.notice.setText(
                    f"'{deck.name}' is not your deck: your edit is kept as your own change to "
                    "this note, marked as yours, and kept when the deck is revised."
                )
        if kept:
            self._fill(kept)
        self.validate()

    def _add(self, key: str, label: str, multi: bool) -> None:
        widget: QLineEdit | QPlainTextEdit
        if multi:
            widget = QPlainTextEdit()
            widget.setTabChangesFocus(True)
            widget.setFixedHeight(70)
            widget.textChanged.connect(self.validate)
            widget.installEventFilter(self)  # Ctrl+Enter saves, even inside a text box
        else:
            widget = QLineEdit()
            widget.textChanged.connect(lambda _t: self.validate())
        widget.setAccessibleName(label.split(" (")[0])
        widget.setObjectName(f"field-{key}")
        self.form.addRow(label, widget)
        self.inputs[key] = widget

    def _add_check(self, key: str, label: str) -> None:
        box = QCheckBox(label)
        box.setAccessibleName(label)
        box.setObjectName(f"field-{key}")
        box.toggled.connect(lambda _b: self.validate())
        self.form.addRow("", box)
        self.inputs[key] = box

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if (
            event.type() in (QEvent.Type.KeyPress, QEvent.Type.ShortcutOverride)
            and isinstance(event, QKeyEvent)
            and event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter)
            and event.modifiers() & Qt.KeyboardModifier.ControlModifier
        ):
            if event.type() == QEvent.Type.KeyPress:
                self.save()
            event.accept()
            return True
        return super().eventFilter(watched, event)

    def field(self, key: str) -> QLineEdit | QPlainTextEdit | QCheckBox:
        """The input of ``key`` (``front``, ``answer``, ``why 1``...: the kind's columns)."""
        return self.inputs[key]

    def _text(self, key: str) -> str:
        widget = self.inputs.get(key)
        if isinstance(widget, QPlainTextEdit):
            return widget.toPlainText()
        if isinstance(widget, QLineEdit):
            return widget.text()
        return ""

    def _set(self, key: str, value: Any) -> None:
        widget = self.inputs.get(key)
        if isinstance(widget, QCheckBox):
            widget.setChecked(bool(value))
        elif isinstance(widget, QPlainTextEdit):
            widget.setPlainText(str(value))
        elif isinstance(widget, QLineEdit):
            widget.setText(str(value))

    def _fill(self, values: dict[str, Any]) -> None:
        for key, value in values.items():
            if key == "tags":
                self._set("tags", " ".join(value))
            elif key == "source" and isinstance(value, dict):
                self._set("source", value.get("anchor", ""))
            elif isinstance(value, str | bool):
                self._set(key, value)

    def values(self) -> dict[str, Any]:
        """The note's ``[[notes]]`` values as the form has them."""
        deck = self.deck
        kind = self.kind
        values: dict[str, Any] = {}
        if self.note is not None:
            values["id"] = self.note.id
        values["kind"] = str(kind)
        values["concept"] = self._text("concept").strip() or (deck.id if deck else "")
        tags = self._text("tags").split()
        if tags:
            values["tags"] = tags
        anchor = self._text("source")
        if anchor.strip():
            source: dict[str, Any] = {"anchor": anchor}
            if self.note is not None and self.note.source is not None:
                if self.note.source.text_id != "essay":
                    source["from"] = self.note.source.text_id
            values["source"] = source
        extension = self.inputs.get("extension")
        if isinstance(extension, QCheckBox) and extension.isChecked():
            values["extension"] = True
        if self.note is not None and self.note.html:
            values["html"] = True
        rules = rules_for(kind)
        values.update(rules.from_columns({k: self._text(k) for k, _l, _m in rules.columns}))
        scenario = self.inputs.get("scenario")
        if isinstance(scenario, QCheckBox) and scenario.isChecked():
            values["scenario"] = True
        extra = self._text("extra")
        if extra.strip():
            values["extra"] = extra
        if "id" not in values and deck is not None:
            values["id"] = self.authoring.new_note_id(deck, values)
        return values

    # -- checking and saving ----------------------------------------------------------

    def validate(self) -> list[str]:
        """Check the values now; show the problems and the cards. The problems' words."""
        deck = self.deck
        if deck is None or not self.inputs:
            self.problems.setText("Make a deck of your own first (File > New deck).")
            self.save_button.setEnabled(False)
            return ["no deck"]
        note, problems = self.authoring.check(
            deck, self.values(), replacing=self.note.id if self.note else None
        )
        lines = [f"{p.field}: {p.message}" for p in problems]
        if lines:
            self.problems.setText("<b>Not saved yet:</b><br>" + "<br>".join(_esc(x) for x in lines))
        else:
            self.problems.setText("Ready to save.")
        self.save_button.setEnabled(note is not None)
        if note is not None:
            self._show_preview(deck, note)
        return lines

    def _show_preview(self, deck: Deck, note: Note) -> None:
        from rapport.ui import render

        parts = []
        for ordinal in note.ordinals:
            card = Card(deck.id, note, ordinal)
            parts.append(
                f"<p><b>Card {ordinal + 1}</b></p>{render.question_html(card)}<hr>"
                f"{render.answer_html(card)}"
                f"<p><small>{_esc(deck.source_label_of(note))}</small></p><hr>"
            )
        self.preview.setHtml("".join(parts))

    def save(self) -> None:
        deck = self.deck
        if deck is None or self.validate():
            return
        try:
            self.saved = self.authoring.save_note(
                deck, self.values(), replacing=self.note.id if self.note else None
            )
        except DeckError as error:
            self.problems.setText("<br>".join(_esc(str(p)) for p in error.problems))
            return
        except DeckWriteError as error:
            self.problems.setText(_esc(str(error)))
            return
        self.accept()

    def delete(self) -> None:
        from PySide6.QtWidgets import QMessageBox

        deck = self.deck
        if deck is None or self.note is None:
            return
        answer = QMessageBox.question(
            self,
            "Delete note",
            "Delete this note from your deck? Its review history stays in your progress.",
        )
        if answer != QMessageBox.StandardButton.Yes:
            return
        try:
            self.authoring.delete_note(deck, self.note.id)
        except (DeckError, DeckWriteError) as error:
            self.problems.setText(_esc(str(error)))
            return
        self.deleted = True
        self.accept()

    def drop_change(self) -> None:
        deck = self.deck
        if deck is None or self.note is None:
            return
        self.authoring.drop_local_change(deck, self.note.id)
        self.dropped = True
        self.accept()


def _esc(text: str) -> str:
    import html

    return html.escape(text, quote=False)
