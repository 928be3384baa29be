"""The note editor: Add note (A) and Edit note (E in review, Enter in Browse).

The dialog only edits values. Checking them (live, in the kind's own words, with the
loader's rules) and saving them -- into the trainee's own deck file, or as their local
change to a note of a deck that is not theirs -- is :class:`rapport.content.editing.authoring.
Authoring`'s work. A preview shows every card the note makes, as review will show it.
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import (
    QGuiApplication,
    QKeyEvent,
    QKeySequence,
    QResizeEvent,
    QShortcut,
    QShowEvent,
)
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QSplitter,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from rapport.content.checks.itemcheck import read_allowances
from rapport.content.editing.authoring import Authoring, Saved, column_of, field_words
from rapport.content.editing.deckfile import DeckWriteError, note_table
from rapport.content.loading.loader import DeckError
from rapport.content.notes.checknames import CHECKS
from rapport.content.notes.kinds import registered, rules_for, rules_of
from rapport.content.notes.model import Card, Deck, Note
from rapport.ui import render


class FieldBox(QPlainTextEdit):
    """A text field that wraps its text and grows with it (up to ``MAX_LINES`` lines, then
    scrolls), so a long answer shows whole. A one-line field (``multi`` False) takes no
    line break: Enter there does nothing, as in a line edit; Tab always moves on."""

    MAX_LINES = 8

    def __init__(self, multi: bool) -> None:
        super().__init__()
        self.multi = multi
        self.setTabChangesFocus(True)
        self.setLineWrapMode(QPlainTextEdit.LineWrapMode.WidgetWidth)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAsNeeded)
        self.textChanged.connect(self._fit)
        self._fit()

    def text(self) -> str:
        return self.toPlainText()

    def setText(self, text: str) -> None:
        self.setPlainText(text)

    def lines_shown(self) -> int:
        """How many wrapped lines the text takes now (at least one, or two for a multi-line
        field)."""
        count = int(self.document().documentLayout().documentSize().height())
        return max(count, 2 if self.multi else 1)

    def _fit(self) -> None:
        lines = min(self.lines_shown(), self.MAX_LINES)
        margins = self.contentsMargins()
        frame = int(self.document().documentMargin() * 2) + margins.top() + margins.bottom()
        self.setFixedHeight(lines * self.fontMetrics().lineSpacing() + frame + 4)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        QTimer.singleShot(0, self, self._fit)  # the text re-wraps to the new width first

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if (
            not self.multi
            and event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter)
            and not event.modifiers() & Qt.KeyboardModifier.ControlModifier
        ):
            event.accept()  # a one-line field: no line break
            return
        super().keyPressEvent(event)


class NoteEditor(QDialog):
    """Add a note to one of the trainee's decks, or edit a note of any deck.

    Like Anki's Add, the Add dialog starts in the first field, Tab goes through the fields
    in order, Ctrl+Enter saves and the dialog stays open for the next note, keeping the
    kind, the deck and the tags (:attr:`note_saved` tells the window each time). Its form
    scrolls, so it fits an 800x600 screen with Save in view.
    """

    note_saved = Signal(object)  # the Saved note

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
        self.saved_count = 0
        self.deleted = False
        self.dropped = False
        self._decks = list(decks) if note is None else [deck] if deck else []
        self.setWindowTitle("Edit note" if note else "Add note")
        self.setAccessibleName(self.windowTitle())
        self.resize(*_fitting_size(parent, 980, 640))
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
        self.form_scroll = QScrollArea()  # the form scrolls; Tab brings each field into view
        self.form_scroll.setWidgetResizable(True)
        self.form_scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.form_scroll.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.form_scroll.setWidget(self.form_host)
        split.addWidget(self.form_scroll)
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
        self.preview.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # Tab stays in the fields
        right_layout.addWidget(self.preview, 1)
        split.addWidget(right)
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 2)
        split.setSizes([600, 400])  # the form gets the larger share, whatever the width
        split.setChildrenCollapsible(False)
        self.form_scroll.setMinimumWidth(320)
        layout.addWidget(split, 1)
        self.status = QLabel("")
        self.status.setWordWrap(True)
        self.status.setAccessibleName("Saved")
        layout.addWidget(self.status)

        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        self.save_button = self.buttons.button(QDialogButtonBox.StandardButton.Save)
        self.save_button.setToolTip("Save (Ctrl+Enter)")
        self.save_button.setAutoDefault(False)  # Enter in a field never saves by surprise
        self.close_button = self.buttons.button(QDialogButtonBox.StandardButton.Cancel)
        self.close_button.setAutoDefault(False)
        if note is None:
            self.save_button.setText("Add")
            self.close_button.setText("Close")
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
        self.hints: dict[str, QLabel] = {}  # each field's live problems and warnings
        self._touched: set[str] = set()  # fields typed in: an untouched empty one is no fault
        self._focused_once = False
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
        self.hints = {}
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
            if own and not deck.path.exists():
                self.notice.setText(
                    f"A new deck of your own, '{deck.name}' ({deck.path.name}): it is made "
                    "when you add its first note."
                )
            elif own:
                self.notice.setText(f"Saved into your deck '{deck.name}' ({deck.path.name}).")
            else:
                self.notice.setText(
                    f"'{deck.name}' is not your deck: your edit is kept as your own change to "
                    "this note, marked as yours, and kept when the deck is revised."
                )
        if kept:
            self._fill(kept)
        self._order_tabs()
        self.validate()

    def tab_chain(self) -> list[QWidget]:
        """Where Tab goes: the fields in form order, then Save and Close, then the deck and
        kind boxes, and round to the first field (what is disabled is passed over)."""
        chain: list[QWidget] = [*self.inputs.values(), self.save_button, self.close_button]
        chain += [b for b in (self.delete_button, self.drop_button) if b is not None]
        return [*chain, self.deck_box, self.kind_box]

    def _order_tabs(self) -> None:
        chain = self.tab_chain()
        for before, after in zip(chain, chain[1:], strict=False):
            QWidget.setTabOrder(before, after)

    def focusNextPrevChild(self, next: bool) -> bool:
        chain = self.tab_chain()
        current = self.focusWidget()
        if current not in chain:
            return super().focusNextPrevChild(next)
        index = chain.index(current)
        for step in range(1, len(chain)):
            target = chain[(index + (step if next else -step)) % len(chain)]
            if target.isEnabled() and target.isVisibleTo(self):
                reason = (
                    Qt.FocusReason.TabFocusReason if next else Qt.FocusReason.BacktabFocusReason
                )
                target.setFocus(reason)
                if self.form_host.isAncestorOf(target):
                    self.form_scroll.ensureWidgetVisible(target)
                return True
        return False

    def first_field(self) -> QWidget:
        return next(iter(self.inputs.values()))

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if not self._focused_once:
            self._focused_once = True
            self.first_field().setFocus(Qt.FocusReason.OtherFocusReason)

    def _add(self, key: str, label: str, multi: bool) -> None:
        widget = FieldBox(multi)
        widget.textChanged.connect(lambda: self._touched.add(key))
        widget.textChanged.connect(self.validate)
        widget.installEventFilter(self)  # Ctrl+Enter saves, even inside a text box
        widget.setAccessibleName(label.split(" (")[0])
        widget.setObjectName(f"field-{key}")
        host = self._with_hint(key, widget)
        self.form.addRow(label, host)
        host.show()  # now, not queued: Tab may go to it before the event loop runs
        self.inputs[key] = widget

    def _with_hint(self, key: str, widget: QWidget) -> QWidget:
        """``widget`` with a line under it for the problems and warnings of its field."""
        host = QWidget()
        column = QVBoxLayout(host)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(2)
        column.addWidget(widget)
        hint = QLabel()
        hint.setWordWrap(True)
        hint.setObjectName(f"hint-{key}")
        hint.setAccessibleName(f"About {widget.accessibleName()}")
        hint.setStyleSheet("color: #a14a00;")
        hint.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.MinimumExpanding)
        hint.hide()
        column.addWidget(hint)
        self.hints[key] = hint
        return host

    def _add_check(self, key: str, label: str) -> None:
        box = QCheckBox(label)
        box.setAccessibleName(label)
        box.setObjectName(f"field-{key}")
        box.toggled.connect(lambda _b: self.validate())
        self.form.addRow("", box)
        box.show()
        self.inputs[key] = box

    def hint(self, key: str) -> str:
        """The problems and warnings shown under the field ``key`` (empty if none)."""
        label = self.hints.get(key)
        return label.text() if label is not None and not label.isHidden() else ""

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
        kind = self.kind
        lines = [f"{field_words(kind, p.field)}: {p.message}" for p in problems]
        by_field: dict[str, list[str]] = {}
        # An empty field is pointed at once the trainee has typed in it or in one below it.
        order = list(self.inputs)
        reached = max((order.index(k) for k in self._touched if k in order), default=-1)
        for p in problems:
            column = column_of(kind, p.field) or ""
            passed = column in order and order.index(column) <= reached
            if passed or p.message not in ("is empty", "missing field"):
                by_field.setdefault(column, []).append(p.message)
        warnings: list[str] = []
        if note is not None:
            allowed = {a.partition(":")[0].strip() for a in self._allowed()}
            for cue in rules_of(note).item_cues(note):
                if cue.check in allowed:
                    continue
                why = CHECKS.get(cue.check, "")
                text = f"Warning ({cue.check}): {cue.message}"
                by_field.setdefault(column_of(kind, cue.field) or "", []).append(text)
                warnings.append(f"{field_words(kind, cue.field)}: {text}; {why}")
        for key, hint in self.hints.items():
            messages = by_field.get(key, [])
            hint.setText("\n".join(messages))
            hint.setVisible(bool(messages))
        if lines:
            self.problems.setText("<b>Not saved yet:</b><br>" + "<br>".join(_esc(x) for x in lines))
        elif warnings:
            self.problems.setText(
                "<b>Ready to save, but check --strict warns:</b><br>"
                + "<br>".join(_esc(x) for x in warnings)
            )
        else:
            self.problems.setText("Ready to save.")
        self.save_button.setEnabled(note is not None)
        if note is not None:
            self._show_preview(deck, note)
        return lines

    def _allowed(self) -> list[str]:
        """The ``allow`` entries of the note being edited (they silence their warnings)."""
        if self.note is None:
            return []

        deck = self.deck
        try:
            found = read_allowances(deck.path.read_text(encoding="utf-8")) if deck else {}
        except (OSError, ValueError):
            return []
        return sorted(found.get(self.note.id, frozenset()))

    def _show_preview(self, deck: Deck, note: Note) -> None:
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
        self.saved_count += 1
        self.note_saved.emit(self.saved)
        if self.note is not None:
            self.accept()
            return
        self._next_note(deck)

    def _next_note(self, deck: Deck) -> None:
        """After Add: the deck as saved, the fields emptied for the next note of the same
        kind (the tags kept), the cursor in the first field."""
        fresh = self.authoring.deck_now(deck)
        self._decks = [fresh if d.id == fresh.id else d for d in self._decks]
        saved = self.saved.note.id if self.saved is not None else ""
        tags = self._text("tags")
        for key, widget in self.inputs.items():
            if key != "tags":
                self._set(key, False if isinstance(widget, QCheckBox) else "")
        self._set("tags", tags)
        self._touched.clear()
        self.status.setText(
            f"Added '{saved}' to '{fresh.name}' ({len(fresh.notes)} notes). Type the next "
            "note, or Close."
        )
        self.validate()
        self.first_field().setFocus(Qt.FocusReason.OtherFocusReason)

    def reject(self) -> None:
        """Close (Escape): an Add that saved notes counts as accepted."""
        if self.note is None and self.saved_count:
            self.accept()
            return
        super().reject()

    def delete(self) -> None:
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


def _fitting_size(parent: QWidget | None, width: int, height: int) -> tuple[int, int]:
    """``width`` x ``height``, shrunk to fit the screen (less room for the title bar)."""
    screen = parent.screen() if parent is not None else QGuiApplication.primaryScreen()
    if screen is None:
        return width, height
    room = screen.availableGeometry()
    return min(width, room.width()), min(height, room.height() - 40)


def _esc(text: str) -> str:
    return html.escape(text, quote=False)
