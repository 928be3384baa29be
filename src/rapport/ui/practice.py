"""The practice test view: pick decks, concepts and a length; answer; see the score.

Exam-style: no feedback until the end, and nothing here touches the review schedule (the
questions and scoring come from :mod:`rapport.study.practice`). The result lists every
missed question with its rationale and offers to study those cards now, which the main
window turns into an ordinary review session.

Keyboard first: Space ticks decks and concepts, Enter starts; 1-9 pick an option, Enter
submits and moves on (an empty answer skips); a respond question takes a response in a
multi-line box, Ctrl+Enter shows its rubric, 1-6 tick the lines met and Enter submits;
Esc ends the test early and scores what was answered. On the result, S studies the
missed cards and N sets up a new test.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Sequence
from typing import Any

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QCheckBox,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QProgressBar,
    QPushButton,
    QSpinBox,
    QStackedWidget,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from rapport.content.notes.kinds import Interaction, RespondKind, registered, rules_for
from rapport.content.notes.model import CardKey, Deck
from rapport.study.certainty import Certainty
from rapport.study.practice import (
    Question,
    Result,
    Score,
    build_test,
    grade,
    grade_response,
    pool_sizes,
    score,
)
from rapport.ui import render, scrolling, theme
from rapport.ui.render import field, question_body
from rapport.ui.review import CERTAINTY_KEYS

DEFAULT_COUNT = 10


def _title(text: str) -> QLabel:
    label = QLabel(text)
    label.setProperty("role", "title")
    return label


def _muted(text: str) -> QLabel:
    label = QLabel(text)
    label.setProperty("role", "muted")
    label.setWordWrap(True)
    return label


class _Page(QWidget):
    """A page that hands the keys its children leave alone to ``on_key``."""

    def __init__(self, on_key: Callable[[QKeyEvent], bool], *, owns_escape: bool = False) -> None:
        super().__init__()
        self._on_key = on_key
        self._owns_escape = owns_escape
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)

    def event(self, event: QEvent) -> bool:
        # During a test Esc ends the test; claim it before the window's "back to Home".
        if (
            self._owns_escape
            and event.type() == QEvent.Type.ShortcutOverride
            and isinstance(event, QKeyEvent)
            and event.key() == Qt.Key.Key_Escape
        ):
            event.accept()
            return True
        return super().event(event)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if not self._on_key(event):
            super().keyPressEvent(event)


def _is_enter(event: QKeyEvent) -> bool:
    return event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter)


def _checked(widget: QListWidget) -> list[str]:
    return [
        widget.item(i).data(Qt.ItemDataRole.UserRole)
        for i in range(widget.count())
        if widget.item(i).checkState() == Qt.CheckState.Checked
    ]


class PracticeView(QWidget):
    """Set up, take and score a practice test."""

    study_missed = Signal(list)  # list[CardKey]: the cards missed in the last test
    closed = Signal()

    def __init__(
        self,
        decks: Sequence[Deck],
        rng: Callable[[], random.Random] = random.Random,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("practice")
        self._decks = tuple(decks)
        self._sizes: dict[str, dict[str, int]] = {}
        self.rng = rng
        self.questions: tuple[Question, ...] = ()
        self.results: list[Result] = []
        self.picked: int | None = None
        self.certainty: int | None = None  # stated for the current question (CBM)
        self.asking_certainty = False
        # A respond question: the rubric lines ticked, once its rubric shows (else None).
        self.ticked: set[int] | None = None
        self.last_score: Score | None = None

        self.stack = QStackedWidget()
        self.setup_page = _Page(self._setup_key)
        self.question_page = _Page(self._question_key, owns_escape=True)
        self.result_page = _Page(self._result_key)
        for page, name in (
            (self.setup_page, "Practice test: choose decks, concepts and length"),
            (self.question_page, "Practice test: question"),
            (self.result_page, "Practice test: score"),
        ):
            page.setAccessibleName(name)
        self._build_setup()
        self._build_question()
        self._build_result()
        for page in (self.setup_page, self.question_page, self.result_page):
            self.stack.addWidget(page)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.stack)
        self.set_decks(self._decks)

    # -- set-up ---------------------------------------------------------------------

    def _build_setup(self) -> None:
        self.deck_list = QListWidget()
        self.concept_list = QListWidget()
        for widget in (self.deck_list, self.concept_list):
            widget.itemChanged.connect(self._setup_changed)
            widget.setStyleSheet("QListWidget::item { padding: 5px 4px; }")
        self.deck_list.setAccessibleName("Decks to test (Space ticks)")
        self.concept_list.setAccessibleName("Concepts to test (Space ticks)")
        self.count_box = QSpinBox()
        self.count_box.setAccessibleName("Number of questions")
        self.count_box.setRange(1, 1)
        self.count_box.setMinimumWidth(90)
        self.available_label = _muted("")
        self.start_button = QPushButton("Start test  (Enter)")
        self.start_button.setProperty("role", "primary")
        self.start_button.clicked.connect(self.start)
        all_button = QPushButton("All")
        none_button = QPushButton("None")
        all_button.setAccessibleName("Tick every concept")
        none_button.setAccessibleName("Untick every concept")
        all_button.clicked.connect(lambda: self._check_all(self.concept_list, True))
        none_button.clicked.connect(lambda: self._check_all(self.concept_list, False))

        grid = QGridLayout()
        grid.setHorizontalSpacing(24)
        grid.setVerticalSpacing(8)
        grid.addWidget(QLabel("<b>Decks</b>"), 0, 0)
        concepts_head = QHBoxLayout()
        concepts_head.addWidget(QLabel("<b>Concepts</b>"))
        concepts_head.addStretch(1)
        concepts_head.addWidget(all_button)
        concepts_head.addWidget(none_button)
        grid.addLayout(concepts_head, 0, 1)
        grid.addWidget(self.deck_list, 1, 0)
        grid.addWidget(self.concept_list, 1, 1)
        grid.setColumnStretch(0, 2)
        grid.setColumnStretch(1, 3)

        count_row = QHBoxLayout()
        count_row.addWidget(QLabel("<b>Questions</b>"))
        count_row.addWidget(self.count_box)
        count_row.addWidget(self.available_label, 1)
        # Certainty-based marking: J/K/L before each submit; scored with CBM marks too.
        self.cbm_box = QCheckBox("Certainty marks (J K L)")
        self.cbm_box.setToolTip(
            "Say how sure you are before each answer (J low, K mid, L high): scored "
            "+1/+2/+3 if right, 0/-2/-6 if wrong, beside the plain score"
        )
        count_row.addWidget(self.cbm_box)
        count_row.addWidget(self.start_button)

        layout = QVBoxLayout(self.setup_page)
        layout.setContentsMargins(40, 28, 40, 28)
        layout.setSpacing(14)
        layout.addWidget(_title("Practice test"))
        # The kinds of question are those of the registered kinds a test may ask.
        asked = [r.practice_label.lower() for r in registered().values() if r.practice]
        layout.addWidget(
            _muted(
                f"An exam-style test ({'; '.join(asked)}), scored at the end. It never "
                "changes your review schedule. Space ticks a deck or concept; Enter starts."
            )
        )
        layout.addLayout(grid, 1)
        layout.addLayout(count_row)

    def set_decks(self, decks: Sequence[Deck]) -> None:
        """Offer these decks (all ticked) and their concepts."""
        self._decks = tuple(decks)
        self._sizes = pool_sizes(self._decks)  # the one pass over the cards
        self.deck_list.blockSignals(True)
        self.deck_list.clear()
        for deck in self._decks:
            n = sum(self._sizes[deck.id].values())
            item = QListWidgetItem(f"{deck.name}  ({n})")
            item.setData(Qt.ItemDataRole.UserRole, deck.id)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Checked)
            self.deck_list.addItem(item)
        self.deck_list.setCurrentRow(0)
        self.deck_list.blockSignals(False)
        self._fill_concepts()
        self.count_box.setValue(min(DEFAULT_COUNT, self.count_box.maximum()))

    def _fill_concepts(self) -> None:
        ticked = set(_checked(self.concept_list))
        known = {
            self.concept_list.item(i).data(Qt.ItemDataRole.UserRole)
            for i in range(self.concept_list.count())
        }
        deck_ids = set(_checked(self.deck_list))
        self.concept_list.blockSignals(True)
        self.concept_list.clear()
        per_concept: dict[str, int] = {}
        for deck_id in deck_ids:
            for concept, count in self._sizes.get(deck_id, {}).items():
                per_concept[concept] = per_concept.get(concept, 0) + count
        for concept in sorted(per_concept):
            n = per_concept[concept]
            item = QListWidgetItem(f"{concept.replace('-', ' ')}  ({n})")
            item.setData(Qt.ItemDataRole.UserRole, concept)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            on = concept in ticked or concept not in known
            item.setCheckState(Qt.CheckState.Checked if on else Qt.CheckState.Unchecked)
            self.concept_list.addItem(item)
        self.concept_list.setCurrentRow(0)
        self.concept_list.blockSignals(False)
        self._update_available()

    def _check_all(self, widget: QListWidget, on: bool) -> None:
        widget.blockSignals(True)
        for i in range(widget.count()):
            widget.item(i).setCheckState(Qt.CheckState.Checked if on else Qt.CheckState.Unchecked)
        widget.blockSignals(False)
        self._setup_changed()

    def _setup_changed(self, item: QListWidgetItem | None = None) -> None:
        if item is None or item.listWidget() is self.deck_list:
            self._fill_concepts()
        else:
            self._update_available()

    def _pool_size(self) -> int:
        concepts = set(_checked(self.concept_list))
        return sum(
            count
            for deck_id in _checked(self.deck_list)
            for concept, count in self._sizes.get(deck_id, {}).items()
            if concept in concepts
        )

    def _update_available(self) -> None:
        available = self._pool_size()
        previous = self.count_box.value()
        self.count_box.setRange(min(1, available), max(1, available))
        self.count_box.setValue(min(previous, available) if available else 0)
        self.start_button.setEnabled(available > 0)
        self.available_label.setText(
            f"of {available} available" if available else "No questions: tick a deck and a concept"
        )

    def show_setup(self) -> None:
        self.stack.setCurrentWidget(self.setup_page)
        self.deck_list.setFocus()

    def _setup_key(self, event: QKeyEvent) -> bool:
        if _is_enter(event):
            self.start()
            return True
        if event.key() == Qt.Key.Key_Escape:
            self.closed.emit()
            return True
        return False

    # -- taking the test ------------------------------------------------------------

    def _build_question(self) -> None:
        self.progress_label = QLabel()
        self.progress_label.setProperty("role", "muted")
        self.kind_label = QLabel()
        self.kind_label.setProperty("role", "muted")
        self.progress = QProgressBar()
        self.progress.setTextVisible(False)
        self.card_view = QTextBrowser()
        self.card_view.setObjectName("card")
        self.card_view.setOpenLinks(False)
        self.card_view.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.card_view.anchorClicked.connect(self._anchor_clicked)
        frame = QFrame()
        frame.setObjectName("cardFrame")
        inner = QVBoxLayout(frame)
        inner.setContentsMargins(24, 18, 24, 18)
        inner.addWidget(self.card_view)
        self.answer_edit = QLineEdit()
        self.answer_edit.setObjectName("typedAnswer")
        # Enter is not handled here: QLineEdit passes it on to the page, which submits.
        self.respond_edit = QPlainTextEdit()
        self.respond_edit.setObjectName("respondAnswer")
        self.respond_edit.setAccessibleName("Your response")
        self.respond_edit.setTabChangesFocus(True)
        self.respond_edit.setMaximumHeight(140)
        self.respond_edit.setPlaceholderText(
            "Type your response to the client; Ctrl+Enter shows the rubric"
        )
        self.respond_edit.installEventFilter(self)
        self.respond_edit.hide()
        self.hint_label = _muted("")
        self.hint_label.setWordWrap(False)
        self.hint_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.submit_button = QPushButton("Submit  (Enter)")
        self.submit_button.setProperty("role", "primary")
        self.submit_button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.submit_button.clicked.connect(self.submit)
        end_button = QPushButton("End test  (Esc)")
        end_button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        end_button.clicked.connect(self.finish)

        head = QHBoxLayout()
        head.addWidget(self.progress_label)
        head.addStretch(1)
        head.addWidget(self.kind_label)
        buttons = QHBoxLayout()
        buttons.addWidget(end_button)
        buttons.addStretch(1)
        buttons.addWidget(self.hint_label)
        buttons.addStretch(1)
        buttons.addWidget(self.submit_button)

        layout = QVBoxLayout(self.question_page)
        layout.setContentsMargins(40, 20, 40, 24)
        layout.setSpacing(12)
        layout.addLayout(head)
        layout.addWidget(self.progress)
        layout.addWidget(frame, 1)
        layout.addWidget(self.answer_edit)
        layout.addWidget(self.respond_edit)
        layout.addLayout(buttons)

    def start(self) -> None:
        """Draw a test from the ticked decks and concepts and show its first question."""
        if not self._pool_size():
            return
        self.take(
            build_test(
                self._decks,
                self.count_box.value(),
                self.rng(),
                deck_ids=set(_checked(self.deck_list)),
                concepts=set(_checked(self.concept_list)),
            )
        )

    def take(self, questions: Sequence[Question]) -> None:
        """Start a test of these questions and show the first."""
        self.questions = tuple(questions)
        self.results = []
        self.stack.setCurrentWidget(self.question_page)
        self._show_question()

    @property
    def current(self) -> Question | None:
        position = len(self.results)
        return self.questions[position] if position < len(self.questions) else None

    def _show_question(self) -> None:
        question = self.current
        if question is None:
            self.finish()
            return
        self.picked = None
        self.certainty = None
        self.asking_certainty = False
        self.answer_edit.setReadOnly(False)
        self.ticked = None
        position = len(self.results) + 1
        self.progress_label.setText(f"Question {position} of {len(self.questions)}")
        self.kind_label.setText(rules_for(question.kind).practice_label)
        self.progress.setRange(0, len(self.questions))
        self.progress.setValue(position - 1)
        self.card_view.setFont(theme.card_font(self._card_font_size()))
        self._render_question()
        interaction = rules_for(question.kind).interaction
        responds = interaction is Interaction.RESPOND
        self.answer_edit.setVisible(not question.options and not responds)
        self.answer_edit.clear()
        self.respond_edit.setVisible(responds)
        self.respond_edit.setReadOnly(False)
        self.respond_edit.clear()
        if question.options:
            n = len(question.options)
            self.hint_label.setText(f"1-{n} pick · Enter submits · no pick skips")
            self.question_page.setFocus()
        elif responds:
            self.hint_label.setText("Ctrl+Enter shows the rubric · an empty response skips")
            self.respond_edit.setFocus()
        else:
            rules = rules_for(question.kind)
            what = "the missing text" if rules.answer_replaces_question else "your answer"
            self.answer_edit.setPlaceholderText(f"Type {what}")
            self.hint_label.setText("Enter submits · an empty answer skips")
            self.answer_edit.setFocus()

    def _card_font_size(self) -> int:
        return max(theme.MIN_FONT_SIZE, round(self.font().pointSizeF() * 1.45))

    def _render_question(self) -> None:
        question = self.current
        assert question is not None
        c = theme.colours()
        card = question.card
        if self.ticked is not None:  # a respond question's rubric, to tick
            answer = render.answer_html(
                card, typed=self.respond_edit.toPlainText().strip(), ticked=self.ticked, c=c
            )
            self.card_view.setHtml(answer)
            return
        parts = [f"<p>{question_body(card, c)}</p>"]
        if question.options:
            rows = []
            for n, option in enumerate(question.options, start=1):
                chosen = self.picked == n - 1
                style = f"background:{c.highlight_bg};" if chosen else ""
                rows.append(
                    f'<tr><td style="padding:8px 10px; {style}">'
                    f'<a href="pick:{n}" style="text-decoration:none; color:{c.text}">'
                    f'<b><span style="color:{c.accent}">{n}.</span></b>&nbsp; '
                    f"{field(option.text, is_html=card.note.html)}</a></td></tr>"
                )
            parts.append(f'<table width="100%" cellspacing="2">{"".join(rows)}</table>')
        self.card_view.setHtml(f'<div align="center">{"".join(parts)}</div>')

    def pick(self, index: int) -> None:
        """Choose option ``index`` (0-based) of the current choice question."""
        question = self.current
        if question is None or not 0 <= index < len(question.options):
            return
        self.picked = index
        self._render_question()

    def _rubric_lines(self) -> int:
        question = self.current
        if question is None:
            return 0
        rules = rules_for(question.kind)
        note = question.card.note
        return len(rules.rubric(note)) if isinstance(rules, RespondKind) else 0

    def show_rubric(self) -> None:
        """Show a respond question's models and rubric for ticking (an empty response
        skips the question)."""
        if self.ticked is not None or not self._rubric_lines():
            return
        if not self.respond_edit.toPlainText().strip():
            self.submit()
            return
        self.ticked = set()
        self.respond_edit.setReadOnly(True)
        self.respond_edit.hide()
        lines = self._rubric_lines()
        self.hint_label.setText(f"1-{lines} tick the lines your response met · Enter submits")
        self._render_question()
        self.question_page.setFocus()

    def tick(self, line: int) -> None:
        """Tick or untick rubric line ``line`` (1-based) of the shown respond question."""
        if self.ticked is None or not 1 <= line <= self._rubric_lines():
            return
        self.ticked ^= {line - 1}
        self._render_question()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if (
            watched is getattr(self, "respond_edit", None)
            and event.type() == QEvent.Type.KeyPress
            and isinstance(event, QKeyEvent)
        ):
            ctrl = event.modifiers() & Qt.KeyboardModifier.ControlModifier
            if _is_enter(event) and ctrl:
                self.show_rubric()
                return True
            if event.key() == Qt.Key.Key_Escape:
                self.finish()
                return True
        return super().eventFilter(watched, event)

    def _anchor_clicked(self, url: Any) -> None:
        text = url.toString()
        if text.startswith("pick:"):
            self.pick(int(text.removeprefix("pick:")) - 1)
        elif text.startswith("tick:"):
            self.tick(int(text.removeprefix("tick:")))

    def submit(self) -> None:
        """Score the current answer and move on (to the result after the last one)."""
        question = self.current
        if question is None:
            return
        response: int | str | None
        if self._rubric_lines():
            if self.ticked is None and self.respond_edit.toPlainText().strip():
                self.show_rubric()  # Enter on a typed response: its rubric first
                return
            typed = self.respond_edit.toPlainText()
            met = len(self.ticked or ())
            self.results.append(grade_response(question, typed, met, self._rubric_lines()))
            self._show_question()
            return
        response = self.picked if question.options else self.answer_edit.text().strip() or None
        if self.cbm_box.isChecked() and response is not None and self.certainty is None:
            # Certainty-based marking: how sure, before it is scored (a skip needs none).
            self.asking_certainty = True
            self.answer_edit.setReadOnly(True)
            self.hint_label.setText("How sure are you?  J low · K mid · L high")
            self.question_page.setFocus()
            return
        self.results.append(grade(question, response, self.certainty))
        self._show_question()

    def state_certainty(self, level: int) -> None:
        """How sure the trainee is of the current answer (1-3); submits if it was asked."""
        if self.current is None or not self.cbm_box.isChecked():
            return
        self.certainty = level
        if self.asking_certainty:
            self.submit()
        else:
            self.hint_label.setText(f"{Certainty(level).label} certainty · Enter submits")

    def _question_key(self, event: QKeyEvent) -> bool:
        if _is_enter(event):
            self.submit()
            return True
        if event.key() == Qt.Key.Key_Escape:
            self.finish()
            return True
        if Qt.Key.Key_1 <= event.key() <= Qt.Key.Key_9:
            if self.ticked is not None:
                self.tick(event.key() - Qt.Key.Key_1 + 1)
            else:
                self.pick(event.key() - Qt.Key.Key_1)
            return True
        if event.key() in CERTAINTY_KEYS and self.cbm_box.isChecked():
            self.state_certainty(int(CERTAINTY_KEYS[Qt.Key(event.key())]))
            return True
        return scrolling.scroll_by_key(self.card_view, event.key())

    def keyPressEvent(self, event: QKeyEvent) -> None:
        # Esc from the typed-answer box reaches here through the page.
        page = self.stack.currentWidget()
        if isinstance(page, _Page) and page._on_key(event):
            return
        super().keyPressEvent(event)

    # -- the result -----------------------------------------------------------------

    def _build_result(self) -> None:
        self.score_label = _title("")
        self.score_detail = _muted("")
        self.missed_view = QTextBrowser()
        self.missed_view.setOpenLinks(False)
        self.missed_view.setFocusPolicy(Qt.FocusPolicy.ClickFocus)
        self.study_button = QPushButton("Study missed now  (S)")
        self.study_button.setProperty("role", "primary")
        self.study_button.clicked.connect(self.study_missed_now)
        again_button = QPushButton("New test  (N)")
        again_button.clicked.connect(self.show_setup)
        done_button = QPushButton("Done  (Esc)")
        done_button.clicked.connect(self.closed.emit)
        buttons = QHBoxLayout()
        buttons.addWidget(done_button)
        buttons.addStretch(1)
        buttons.addWidget(again_button)
        buttons.addWidget(self.study_button)
        layout = QVBoxLayout(self.result_page)
        layout.setContentsMargins(40, 24, 40, 24)
        layout.setSpacing(12)
        layout.addWidget(self.score_label)
        layout.addWidget(self.score_detail)
        layout.addWidget(self.missed_view, 1)
        layout.addLayout(buttons)

    def finish(self) -> None:
        """End the test: score what was answered and show every missed question."""
        if self.stack.currentWidget() is not self.question_page:
            return
        result = score(self.results)
        self.last_score = result
        asked = len(self.questions)
        if result.total:
            text = f"{result.right} of {result.total} right  ({result.share_right:.0%})"
            cbm = result.cbm
            if cbm.marked:
                text += f"  ·  CBM {cbm.marks:+d} of {3 * cbm.marked} marks"
            self.score_label.setText(text)
        else:
            self.score_label.setText("No questions answered")
        detail = []
        if result.total < asked:
            detail.append(f"Ended after {result.total} of {asked} questions.")
        close = sum(r.close for r in result.results)
        if close:
            detail.append(
                f"{close} typed answer{'s' * (close != 1)} accepted despite a small slip."
            )
        if result.cbm.marked:
            cbm = result.cbm
            detail.append(
                f"Certainty marks: {cbm.marks:+d} over {cbm.marked} answers (mean "
                f"{cbm.average_mark:+.2f}; +1/+2/+3 right, 0/-2/-6 wrong at low/mid/high)."
            )
        if result.missed:
            detail.append("Every missed question is below, with why the right answer is right.")
        elif result.total:
            detail.append("Nothing missed. Well done.")
        self.score_detail.setText(" ".join(detail))
        self.missed_view.setHtml(missed_html(result))
        self.study_button.setEnabled(bool(result.missed))
        self.stack.setCurrentWidget(self.result_page)
        self.result_page.setFocus()

    def missed_keys(self) -> list[CardKey]:
        if self.last_score is None:
            return []
        return [r.question.card.key for r in self.last_score.missed]

    def study_missed_now(self) -> None:
        keys = self.missed_keys()
        if keys:
            self.study_missed.emit(keys)

    def _result_key(self, event: QKeyEvent) -> bool:
        key = event.key()
        if key == Qt.Key.Key_S and self.study_button.isEnabled():
            self.study_missed_now()
        elif key == Qt.Key.Key_N:
            self.show_setup()
        elif key == Qt.Key.Key_Escape:
            self.closed.emit()
        else:
            return scrolling.scroll_by_key(self.missed_view, key)
        return True

    def showEvent(self, event: Any) -> None:
        super().showEvent(event)
        page = self.stack.currentWidget()
        if page is self.setup_page:
            self.deck_list.setFocus()
        elif page is self.question_page and self.answer_edit.isVisible():
            self.answer_edit.setFocus()
        elif page is self.question_page and self.respond_edit.isVisible():
            self.respond_edit.setFocus()
        elif page is not None:
            page.setFocus()


def missed_html(result: Score) -> str:
    """Every missed question with what was answered, the right answer and the rationale."""
    c = theme.colours()
    blocks = []
    for number, missed in enumerate(result.missed, start=1):
        question = missed.question
        card = question.card
        html_ok = card.note.html
        body = question_body(card, c)
        lines = [f'<p><b><span style="color:{c.muted}">{number}.</span></b>&nbsp; {body}</p>']
        good = f"color:{c.good}"
        bad = f"color:{c.bad}"
        picked = missed.picked
        if question.options:
            right = next(o for o in question.options if o.correct)
            if picked is not None:
                lines.append(
                    f'<p style="margin-left:18px"><span style="{bad}"><b>Your answer:</b> '
                    f"{field(picked.text, is_html=html_ok)}</span><br>"
                    f'<span style="color:{c.muted}">{field(picked.why, is_html=html_ok)}</span></p>'
                )
            else:
                lines.append(f'<p style="margin-left:18px; {bad}">Skipped.</p>')
            lines.append(
                f'<p style="margin-left:18px"><span style="{good}"><b>Right answer:</b> '
                f"{field(right.text, is_html=html_ok)}</span><br>"
                f'<span style="color:{c.muted}">{field(right.why, is_html=html_ok)}</span></p>'
            )
        elif missed.rubric is not None or rules_for(question.kind).interaction is (
            Interaction.RESPOND
        ):
            typed = (
                f"<b>Your response:</b> {field(str(missed.response), is_html=False)}"
                if missed.response is not None
                else "Skipped."
            )
            met = (
                f"<br>Rubric lines met: {missed.rubric[0]} of {missed.rubric[1]}."
                if missed.rubric
                else ""
            )
            model = field(question.expected, is_html=html_ok)
            lines.append(
                f'<p style="margin-left:18px"><span style="{bad}">{typed}{met}</span><br>'
                f'<span style="{good}"><b>A model response:</b> {model}</span></p>'
            )
        else:
            typed = (
                f"<b>You typed:</b> {field(str(missed.response), is_html=False)}"
                if missed.response is not None
                else "Skipped."
            )
            expected = field(question.expected, is_html=html_ok)
            others = list(question.accepted[1:])
            also = (
                f'<br><span style="color:{c.muted}">Also accepted: '
                + ", ".join(field(a, is_html=html_ok) for a in others)
                + "</span>"
                if others
                else ""
            )
            lines.append(
                f'<p style="margin-left:18px"><span style="{bad}">{typed}</span><br>'
                f'<span style="{good}"><b>Expected:</b> {expected}</span>{also}</p>'
            )
        if card.note.extra:
            lines.append(
                f'<p style="margin-left:18px; color:{c.muted}">'
                f"{field(card.note.extra, is_html=html_ok)}</p>"
            )
        blocks.append("".join(lines))
    if not blocks:
        return f'<p align="center" style="color:{c.muted}">No missed questions.</p>'
    rule = (
        f'<table width="100%" cellspacing="0">'
        f'<tr><td style="background:{c.border}"></td></tr></table>'
    )
    return rule.join(blocks)
