"""The review view: one card at a time, keyboard first, as in Anki.

Space or Enter shows the answer; 1-4 rate it (Again, Hard, Good, Easy), each button
labelled with the interval it would give; Ctrl+Z undoes, several levels deep. How a card
is answered is its kind's interaction (:class:`rapport.content.notes.kinds.Interaction`), never
its note class: a typed card takes its answer in a box (Enter compares); a pick card takes
a click or a number key (before the answer shows, numbers pick options; after, they rate);
a respond card takes a response in a multi-line box (Ctrl+Enter shows the answer), then
numbers tick the rubric lines the response met and Enter confirms them. Each then
suggests a rating, focused so that Space or Enter takes it. P shows the essay passage the
card comes from. The view asks the study session for cards and hands back ratings; the
session commits every answer before :meth:`ReviewSession.answer` returns.
"""

from __future__ import annotations

import html
import random
from collections.abc import Callable, Sequence
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, QUrl, Signal
from PySide6.QtGui import QKeyEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QStackedWidget,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from rapport.content.notes.answers import Verdict
from rapport.content.notes.kinds import Interaction, RespondKind, pick_options, rules_for
from rapport.content.notes.model import Card, CardKey, Deck
from rapport.errors import RapportError
from rapport.store.records import Phase
from rapport.study import Rating, actions, suggested_rating
from rapport.study.certainty import CBM_MARKS, PREF_CERTAINTY, Certainty, cbm_mark
from rapport.study.rubric import suggested_from_rubric
from rapport.study.scheduling import answer_cap, capped_duration
from rapport.study.timetext import format_due, format_duration, format_interval
from rapport.ui import render, scrolling
from rapport.ui.changes import changes_of
from rapport.ui.theme import DEFAULT_FONT_SIZE, card_font, colours, flag_colours

if TYPE_CHECKING:
    from PySide6.QtWidgets import QPlainTextEdit

    from rapport.study import Collection, ReviewSession
    from rapport.study.ops import Changes
    from rapport.ui.custom_study import CustomStudy

RATINGS: tuple[tuple[Rating, str, str], ...] = (
    (Rating.AGAIN, "Again", "again"),
    (Rating.HARD, "Hard", "hard"),
    (Rating.GOOD, "Good", "good"),
    (Rating.EASY, "Easy", "easy"),
)
_DIGITS = {getattr(Qt.Key, f"Key_{n}"): n for n in range(1, 10)}
# Anki's reviewer keys (Ctrl+1..4 flag the card; see ReviewView.keyPressEvent).
_ACTION_KEYS: dict[int, tuple[str]] = {
    Qt.Key.Key_Minus: ("bury",),
    Qt.Key.Key_Equal: ("bury_note",),
    Qt.Key.Key_At: ("suspend",),
    Qt.Key.Key_Exclam: ("suspend_note",),
    Qt.Key.Key_Asterisk: ("mark",),
}


# Certainty-based marking: low, mid, high (free in review: not 1-4, Space, Enter, E, P).
CERTAINTY_KEYS: dict[int, Certainty] = {
    Qt.Key.Key_J: Certainty.LOW,
    Qt.Key.Key_K: Certainty.MID,
    Qt.Key.Key_L: Certainty.HIGH,
}
_CERTAINTY_LETTERS = {Certainty.LOW: "J", Certainty.MID: "K", Certainty.HIGH: "L"}


# How long a question is on screen before the reviewer readies the reveal and the answer
# (see ReviewView._prepare): after the first paint, well before anyone can press a key.
PREPARE_AFTER_MS = 100
# How long a reviewer action's confirmation stays.
NOTICE_MS = 3000
# What Space does on a multiple-choice question with no pick: "ask" for one (the default)
# or "again": show the answer with Again suggested (a preference, in Settings).
PREF_CHOICE_UNPICKED = "choice_unpicked"
CHOICE_UNPICKED = ("ask", "again")


class ReviewView(QWidget):
    """Reviews a session's cards; ends with a summary. Emits ``home_requested``."""

    home_requested = Signal()
    title_changed = Signal(str)
    edit_requested = Signal()  # E: edit the shown card's note (the window opens the editor)

    def __init__(
        self,
        collection: Collection,
        clock: Callable[[], datetime],
        parent: QWidget | None = None,
        *,
        rng: random.Random | None = None,
        font_size: int = DEFAULT_FONT_SIZE,
    ) -> None:
        super().__init__(parent)
        # Whether a card's note carries the trainee's local change (the window sets it).
        self.is_local_change: Callable[[CardKey], bool] = lambda _key: False
        self.collection = collection
        self.clock = clock
        self.rng = rng or random.Random()
        self.session: ReviewSession | None = None
        self.card: Card | None = None
        self.revealed = False
        self.order: tuple[int, ...] = ()
        self.picked: int | None = None
        self.typed: str | None = None
        self.suggested: Rating | None = None
        self.verdict: Verdict | None = None  # the core's verdict on a typed or picked answer
        # Certainty-based marking (the preference PREF_CERTAINTY): the level stated for the
        # card on show, and whether the view waits for it before showing the answer.
        self.certainty: Certainty | None = None
        self.asking_certainty = False
        # A respond card's answer side: the rubric lines ticked (0-based), whether the
        # ticks still await Enter, and what the trainee typed there last time.
        self.ticked: set[int] = set()
        self.ticking = False
        self.last_response: str | None = None
        self.intervals: dict[Rating, timedelta] = {}
        # The option order each choice card was shown in, so that undo shows it alike.
        self.orders: dict[CardKey, tuple[int, ...]] = {}
        self._shown_at = clock()
        self._font_size = DEFAULT_FONT_SIZE
        self.setAccessibleName("Review")
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)

        # Built on first use (see respond_edit and _certainty).
        self._respond_edit: QPlainTextEdit | None = None
        self._certainty_bar: QWidget | None = None
        self._certainty_label: QLabel | None = None
        self._certainty_buttons: dict[Certainty, QPushButton] = {}

        self.pages = QStackedWidget()
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(self.pages)
        self.pages.addWidget(self._build_review_page())
        self.pages.addWidget(self._build_summary_page())

        # Ctrl+Z and Ctrl+Shift+Z here when the view stands alone; the main window's
        # Edit > Undo and Redo instead.
        self.undo_shortcut = QShortcut(QKeySequence.StandardKey.Undo, self)
        self.undo_shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        self.undo_shortcut.activated.connect(self.undo)
        self.redo_shortcut = QShortcut(QKeySequence("Ctrl+Shift+Z"), self)
        self.redo_shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        self.redo_shortcut.activated.connect(self.redo)
        changes_of(collection).changed.connect(self._on_changes)
        self.set_font_size(font_size)

    # -- layout -------------------------------------------------------------------------

    def _build_review_page(self) -> QWidget:
        page = QWidget()
        layout = QVBoxLayout(page)
        layout.setContentsMargins(40, 20, 40, 20)
        layout.setSpacing(12)

        top = QHBoxLayout()
        self.counts_label = QLabel()
        self.counts_label.setAccessibleName("Cards remaining")
        self.counts_label.setTextFormat(Qt.TextFormat.RichText)
        top.addWidget(self.counts_label)
        top.addStretch(1)
        self.marks_label = QLabel()
        self.marks_label.setProperty("role", "muted")
        self.marks_label.setAccessibleName("Flag and mark")
        self.marks_label.setTextFormat(Qt.TextFormat.RichText)  # (only our own markup)
        top.addWidget(self.marks_label)
        # Deck options' "Show answer timer": the time on this card, up to the maximum.
        self.timer_label = QLabel()
        self.timer_label.setProperty("role", "muted")
        self.timer_label.setAccessibleName("Answer timer")
        self.timer_label.hide()
        top.addWidget(self.timer_label)
        self._answer_timer = QTimer(self)
        self._answer_timer.setInterval(1000)
        self._answer_timer.timeout.connect(self._tick)
        self.where_label = QLabel()
        self.where_label.setTextFormat(Qt.TextFormat.PlainText)  # a deck name, never markup
        self.where_label.setProperty("role", "muted")
        self.where_label.setAccessibleName("Deck")
        top.addWidget(self.where_label)
        layout.addLayout(top)

        self.progress = QProgressBar()
        self.progress.setAccessibleName("Session progress")
        self.progress.setTextVisible(False)
        self.progress.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        layout.addWidget(self.progress)

        frame = QFrame()
        frame.setObjectName("cardFrame")
        frame_layout = QVBoxLayout(frame)
        frame_layout.setContentsMargins(24, 16, 24, 16)
        self.card_view = QTextBrowser()
        self.card_view.setObjectName("card")
        self.card_view.setAccessibleName("Card")
        self.card_view.setOpenLinks(False)
        self.card_view.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.card_view.anchorClicked.connect(self._on_anchor)
        frame_layout.addWidget(self.card_view, 1)

        self.typed_edit = QLineEdit()
        self.typed_edit.setObjectName("typedAnswer")
        self.typed_edit.setAccessibleName("Your answer")
        self.typed_edit.setPlaceholderText("Type the answer, then press Enter")
        # Enter is taken here, not through returnPressed: QLineEdit lets the key event go
        # on to its parent, which would then rate the card that Enter just revealed.
        self.typed_edit.installEventFilter(self)
        self.typed_edit.hide()
        frame_layout.addWidget(self.typed_edit)

        # A respond card's response box goes here, built for the first respond card.
        self._frame_layout = frame_layout

        self.passage_view = QTextBrowser()
        self.passage_view.setAccessibleName("Essay passage")
        self.passage_view.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.passage_view.hide()
        frame_layout.addWidget(self.passage_view, 1)

        # Where the card comes from, and the way to read it there (answer side only).
        source_row = QHBoxLayout()
        source_row.addStretch(1)
        self.source_label = QLabel()
        self.source_label.setProperty("role", "muted")
        self.source_label.setAccessibleName("Source")
        source_row.addWidget(self.source_label)
        self.passage_button = QPushButton("Show passage  (P)")
        self.passage_button.setAccessibleName("Show passage")
        self.passage_button.setToolTip(
            "Our summary of the source paragraph this card comes from, then the paragraph"
            " as received (P)"
        )
        self.passage_button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.passage_button.clicked.connect(self.toggle_passage)
        source_row.addWidget(self.passage_button)
        frame_layout.addLayout(source_row)
        layout.addWidget(frame, 1)

        self.message = QLabel()
        self.message.setProperty("role", "banner")
        self.message.setWordWrap(True)
        self.message.setAccessibleName("Message")
        self.message.hide()
        layout.addWidget(self.message)
        self.notice = QLabel()
        self.notice.setWordWrap(True)  # a long message must never widen the window
        self.notice.setProperty("role", "muted")
        self.notice.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.notice.setAccessibleName("Confirmation")
        self.notice.hide()
        layout.addWidget(self.notice)
        self._notice_timer = QTimer(self)
        self._notice_timer.setSingleShot(True)
        self._notice_timer.setInterval(NOTICE_MS)
        self._notice_timer.timeout.connect(self.notice.hide)

        # Certainty-based marking's bar goes here, built when the mode is first on.
        self._page_layout = layout

        bottom = QHBoxLayout()
        bottom.setSpacing(10)
        bottom.addStretch(1)

        # One row for both sides: the show button, or the four rating buttons.
        self.answer_bar = QWidget()
        bar = QHBoxLayout(self.answer_bar)
        bar.setContentsMargins(0, 0, 0, 0)
        bar.setSpacing(10)
        self.show_button = QPushButton("Show answer  (Space)")
        self.show_button.setProperty("role", "primary")
        self.show_button.setAccessibleName("Show answer")
        self.show_button.setMinimumWidth(420)
        self.show_button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.show_button.clicked.connect(self.show_answer)
        bar.addWidget(self.show_button)
        self.rating_buttons: dict[Rating, QPushButton] = {}
        for rating, name, role in RATINGS:
            button = QPushButton(name)
            button.setProperty("role", role)
            button.setProperty("rating", "true")
            button.setAccessibleName(name)
            # Never focused: Space and Enter give the default grade whatever the arrow
            # keys or Tab did; another grade takes its key (1-4) or a click.
            button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
            button.setAutoDefault(False)
            # Hidden from the start: laid out beside the show button they would make the
            # window at least 1180 px wide (too wide for a small screen), and a main
            # window never shrinks back once grown.
            button.hide()
            button.clicked.connect(lambda _=False, r=rating: self.rate(r))
            bar.addWidget(button)
            self.rating_buttons[rating] = button
        bottom.addWidget(self.answer_bar)
        bottom.addStretch(1)
        layout.addLayout(bottom)
        return page

    @property
    def respond_edit(self) -> QPlainTextEdit:
        """A respond card's response box, under the card (built on first use: most
        sessions have no respond card)."""
        if self._respond_edit is None:
            from PySide6.QtWidgets import QPlainTextEdit

            edit = QPlainTextEdit()
            edit.setObjectName("respondAnswer")
            edit.setAccessibleName("Your response")
            edit.setPlaceholderText(
                "Type your response to the client in your own words; Ctrl+Enter shows the answer"
            )
            edit.setTabChangesFocus(True)
            edit.setMaximumHeight(140)
            edit.installEventFilter(self)
            edit.hide()
            self._frame_layout.insertWidget(self._frame_layout.indexOf(self.typed_edit) + 1, edit)
            self._respond_edit = edit
            self._set_card_font(edit, self._font_size)
        return self._respond_edit

    @property
    def certainty_bar(self) -> QWidget:
        """Certainty-based marking's bar: how sure the trainee is, stated before the answer
        shows (built when the mode is first on)."""
        if self._certainty_bar is None:
            bar = QWidget()
            bar.setObjectName("certaintyBar")
            bar.setAccessibleName("Certainty")
            row = QHBoxLayout(bar)
            row.setContentsMargins(0, 0, 0, 0)
            row.addStretch(1)
            self._certainty_label = QLabel()
            row.addWidget(self._certainty_label)
            buttons = self._certainty_buttons
            for level in Certainty:
                letter = _CERTAINTY_LETTERS[level]
                button = QPushButton(f"{level.label}  ({letter})")
                button.setCheckable(True)
                button.setAccessibleName(f"{level.label} certainty")
                button.setToolTip(f"Key {letter}: +{CBM_MARKS[level][0]} if right, "
                                  f"{CBM_MARKS[level][1]} if wrong")  # fmt: skip
                button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
                button.clicked.connect(lambda _=False, c=level: self.state_certainty(c))
                row.addWidget(button)
                buttons[level] = button
            row.addStretch(1)
            bar.hide()
            # (above the row of the show and rating buttons, the page's last)
            self._page_layout.insertWidget(self._page_layout.count() - 1, bar)
            self._certainty_bar = bar
            self._set_certainty_prompt("How sure are you?")
        return self._certainty_bar

    @property
    def certainty_label(self) -> QLabel:
        """The bar's question (see :attr:`certainty_bar`)."""
        self.certainty_bar  # noqa: B018 - built with its bar
        assert self._certainty_label is not None
        return self._certainty_label

    @property
    def certainty_buttons(self) -> dict[Certainty, QPushButton]:
        """The bar's low, mid and high buttons (see :attr:`certainty_bar`)."""
        self.certainty_bar  # noqa: B018 - built with its bar
        return self._certainty_buttons

    def _build_summary_page(self) -> QWidget:
        page = QWidget()
        layout = QVBoxLayout(page)
        layout.setContentsMargins(60, 60, 60, 60)
        layout.addStretch(1)
        self.summary_title = QLabel("Session complete")
        self.summary_title.setProperty("role", "title")
        self.summary_title.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.summary_title.setAccessibleName("Session summary")
        layout.addWidget(self.summary_title)
        self.summary_label = QLabel()
        self.summary_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.summary_label.setWordWrap(True)
        self.summary_label.setTextFormat(Qt.TextFormat.RichText)
        self.summary_label.setAccessibleName("Session results")
        layout.addWidget(self.summary_label)
        row = QHBoxLayout()
        row.addStretch(1)
        self.home_button = QPushButton("Back to Home  (Enter)")
        self.home_button.setProperty("role", "primary")
        self.home_button.setAccessibleName("Back to Home")
        self.home_button.setAutoDefault(True)
        self.home_button.clicked.connect(self.home_requested.emit)
        row.addWidget(self.home_button)
        self.custom_button = QPushButton("Custom study  (C)")
        self.custom_button.setAccessibleName("Custom study")
        self.custom_button.clicked.connect(lambda: self.custom_study())
        row.addWidget(self.custom_button)
        row.addStretch(1)
        layout.addLayout(row)
        layout.addStretch(2)
        return page

    # -- session ------------------------------------------------------------------------

    def start(self, deck_ids: Sequence[str] | None, title: str) -> None:
        """Begin a session over ``deck_ids`` (None: all decks) and show its first card."""
        now = self.clock()
        self.start_session(
            self.collection.session(list(deck_ids) if deck_ids else None, now), title
        )

    def start_session(self, session: ReviewSession, title: str) -> None:
        """Study ``session`` (for example the practice test's missed cards) from its start."""
        self.session = session
        self.where_label.setText(title)
        self.title_changed.emit(f"Reviewing {title}")
        self.pages.setCurrentIndex(0)
        self._next()

    @property
    def finished(self) -> bool:
        """Whether the session summary is showing."""
        return self.pages.currentIndex() == 1

    def _next(self) -> None:
        assert self.session is not None
        card = self.session.next_card(self.clock())
        if card is None:
            self._show_summary()
        else:
            self.show_question(card)

    def show_question(self, card: Card, order: tuple[int, ...] | None = None) -> None:
        """Show ``card``'s question side (a choice card's options in ``order``, if given)."""
        self.pages.setCurrentIndex(0)
        self.card = card
        self.revealed = False
        self.picked = None
        self.typed = None
        self.suggested = None
        self.verdict = None
        self.certainty = None
        self.asking_certainty = False
        if self.certainty_mode or self._certainty_bar is not None:
            self.certainty_bar.setVisible(self.certainty_mode)
            self._set_certainty_prompt("How sure are you?")
            for button in self.certainty_buttons.values():
                button.setChecked(False)
        self.show_button.setEnabled(True)
        self.ticked = set()
        self.ticking = False
        self.last_response = None
        self.message.hide()
        self.passage_view.hide()
        self.passage_button.setText("Show passage  (P)")
        self.passage_button.hide()
        self.source_label.clear()
        interaction = rules_for(card.kind).interaction
        if interaction is not Interaction.PICK:
            self.order = ()
        elif order and sorted(order) == list(range(len(render.options_of(card.note)))):
            self.order = order
        else:
            self.order = render.choice_order(card.note, self.rng)
        self._show_card_marks()
        self.card_view.setHtml(render.question_html(card, order=self.order or None))
        self._set_answer_side(False)
        is_typed = interaction is Interaction.TYPE
        responds = interaction is Interaction.RESPOND
        self.typed_edit.setVisible(is_typed)
        self.typed_edit.setReadOnly(False)
        self.typed_edit.clear()
        if responds or self._respond_edit is not None:
            self.respond_edit.setVisible(responds)
            self.respond_edit.setReadOnly(False)
            self.respond_edit.clear()
        if interaction is Interaction.PICK:
            if self.collection.get_pref(PREF_CHOICE_UNPICKED, "ask") == "again":
                self.show_button.setText(f"Pick 1–{len(self.order)}, or Space: answer (Again)")
            else:
                self.show_button.setText(f"Pick 1–{len(self.order)}  (a number or a click)")
        elif is_typed:
            self.show_button.setText("Check  (Enter)")
        elif responds:
            self.show_button.setText("Show the models and rubric  (Ctrl+Enter)")
        else:
            self.show_button.setText("Show answer  (Space)")
        self._update_counts()
        self._shown_at = self.clock()
        settings = self.collection.settings_for(card.deck_id)
        self.timer_label.setVisible(settings.show_answer_timer)
        if settings.show_answer_timer:
            self._tick()
            self._answer_timer.start()
        else:
            self._answer_timer.stop()
        if is_typed:
            self.typed_edit.setFocus()
        elif responds:
            self.respond_edit.setFocus()
        else:
            self.setFocus()
        # While the trainee reads (once the card is on screen), ready what the reveal and
        # the answer will need.
        QTimer.singleShot(PREPARE_AFTER_MS, self, lambda: self._prepare(card))

    def refresh_card(self) -> None:
        """Show the current card again as its deck now has it (after its note was edited);
        if its note is gone, study its deck afresh (the session's cards changed)."""
        if self.card is None or self.finished:
            return
        card = self.collection.card(self.card.key)
        if card is None:
            self.start([self.card.deck_id], self.where_label.text())
        else:
            self.show_question(card)

    def _prepare(self, card: Card) -> None:
        if self.card is card and not self.collection.closed:
            self.collection.prepare(card.deck_id)

    @property
    def certainty_mode(self) -> bool:
        """Whether the trainee states their certainty before each answer (Settings)."""
        return self.collection.get_pref(PREF_CERTAINTY, "0") == "1"

    def state_certainty(self, level: Certainty) -> None:
        """State how sure the trainee is (before the answer shows); if the view was waiting
        for it, show the answer."""
        if self.card is None or self.revealed or self.finished or not self.certainty_mode:
            return
        self.certainty = Certainty(level)
        for each, button in self.certainty_buttons.items():
            button.setChecked(each == level)
        if self.asking_certainty:
            self.asking_certainty = False
            self.reveal()

    def _ask_certainty(self) -> None:
        """Wait for the certainty before showing the answer (what was typed is kept)."""
        assert self.card is not None
        self.asking_certainty = True
        interaction = rules_for(self.card.kind).interaction
        if interaction is Interaction.TYPE:
            self.typed_edit.setReadOnly(True)
            self.setFocus()  # (J, K and L now reach the view, not the answer box)
        elif interaction is Interaction.RESPOND:
            self.respond_edit.setReadOnly(True)
            self.setFocus()
        picked = f"You picked {self.picked}. " if self.picked is not None else ""
        # The question is asked once, beside its J/K/L buttons; the show button only says
        # that the answer waits for them (it said the question again, issue 19).
        self._set_certainty_prompt(f"{picked}How sure are you?", bold=True)
        self.show_button.setText("The answer shows after J, K or L")
        self.show_button.setEnabled(False)

    def _set_certainty_prompt(self, text: str, *, bold: bool = False) -> None:
        self.certainty_label.setText(f"<b>{text}</b>" if bold else text)
        self.certainty_label.setAccessibleName(text)

    def reveal(self) -> None:
        """Show the answer side (for a typed card, compare what was typed); in
        certainty-based marking, first ask how sure the trainee is."""
        if self.card is None or self.revealed or self.finished:
            return
        assert self.session is not None
        if self.certainty is None and self.certainty_mode:
            self._ask_certainty()
            return
        card = self.card
        interaction = rules_for(card.kind).interaction
        verdict: Verdict | None = None
        if interaction is Interaction.TYPE:
            self.typed = self.typed_edit.text()
            self.typed_edit.setReadOnly(True)
            self.typed_edit.hide()
            verdict = render.typed_check(self.typed, card.note, card.ordinal).verdict
        elif interaction is Interaction.PICK and self.picked is not None:
            verdict = render.choice_verdict(card.note, self.order, self.picked)
        elif interaction is Interaction.RESPOND:
            self.typed = self.respond_edit.toPlainText().strip()
            self.respond_edit.setReadOnly(True)
            self.respond_edit.hide()
            self.last_response = self.session.last_response(card)
            self.ticking = True
        self.verdict = verdict
        self.suggested = suggested_rating(verdict) if verdict is not None else None
        if interaction is Interaction.PICK and self.picked is None:
            self.suggested = Rating.AGAIN  # shown without a pick: never a silent Good
        if self.ticking:
            self.suggested = suggested_from_rubric(0, self._rubric_lines())
        self.revealed = True
        if self._certainty_bar is not None:
            self._certainty_bar.hide()
        if self.certainty is not None and verdict is not None:
            mark = cbm_mark(self.certainty, verdict.counts_as_known)
            self.confirm(f"{self.certainty.label} certainty: CBM mark {mark:+d}")
        self._draw_answer()
        self.intervals = self.session.intervals(card, self.clock())
        for rating, name, _role in RATINGS:
            label = format_interval(self.intervals[rating])
            button = self.rating_buttons[rating]
            button.setText(f"{label}\n{name}  ({int(rating)})")
            button.setAccessibleName(f"{name}, next in {label}")
            button.setToolTip(f"Key {int(rating)}")
        deck = self._deck(card.deck_id)
        label = deck.source_label_of(card.note) if deck else ""
        if self.is_local_change(card.key):
            label += "  \u270e your change"  # the trainee's own edit of a note not theirs
        self.source_label.setText(label)
        # a note in its deck's own words has no passage to show
        self.passage_button.setVisible(card.note.source is not None)
        self._set_answer_side(True)
        self._mark_default()
        self.setFocus()
        scrolling.show_anchors(self.card_view, "answer", "right")

    def _draw_answer(self) -> None:
        assert self.card is not None
        self.card_view.setHtml(
            render.answer_html(
                self.card,
                typed=self.typed,
                order=self.order or None,
                picked=self.picked,
                ticked=self.ticked,
                last_response=self.last_response,
            )
        )

    def _mark_default(self) -> None:
        default = self.default_rating
        for rating, button in self.rating_buttons.items():
            button.setProperty("default", "true" if rating == default else "false")
            button.style().unpolish(button)
            button.style().polish(button)

    def _rubric_lines(self) -> int:
        if self.card is None:
            return 0
        rules = rules_for(self.card.kind)
        return len(rules.rubric(self.card.note)) if isinstance(rules, RespondKind) else 0

    def tick(self, line: int) -> None:
        """Tick or untick rubric line ``line`` (1-based) of a revealed respond card; the
        suggested grade follows the share ticked (:mod:`rapport.study.rubric`)."""
        lines = self._rubric_lines()
        if not self.revealed or not lines or not 1 <= line <= lines:
            return
        self.ticked ^= {line - 1}
        self.suggested = suggested_from_rubric(len(self.ticked), lines)
        bar = self.card_view.verticalScrollBar().value()
        self._draw_answer()
        self.card_view.verticalScrollBar().setValue(bar)
        self._mark_default()

    def confirm_ticks(self) -> None:
        """Take the ticked rubric lines as the respond card's self-assessment: from now
        on 1-4 grade it, and Space or Enter gives the suggested grade."""
        if not self.ticking:
            return
        self.ticking = False
        lines = self._rubric_lines()
        self.suggested = suggested_from_rubric(len(self.ticked), lines)
        self._mark_default()
        name = next(n for r, n, _ in RATINGS if r == self.suggested)
        self.confirm(
            f"{len(self.ticked)} of {lines} rubric lines met: {name} suggested "
            "(Space or Enter), or grade 1-4."
        )

    def _tick(self) -> None:
        """Show the time on this card, stopping at the preset's maximum answer time."""
        if self.card is None or self.finished:
            self._answer_timer.stop()
            self.timer_label.hide()
            return
        cap = answer_cap(self.collection.settings_for(self.card.deck_id))
        taken = capped_duration(self.clock() - self._shown_at, cap)  # (as it is recorded)
        seconds = int(taken.total_seconds())
        self.timer_label.setText(f"{seconds // 60}:{seconds % 60:02d}")
        if taken >= cap:
            self._answer_timer.stop()

    def show_answer(self) -> None:
        """Space, Enter or "Show answer" on the question side. A multiple-choice card
        without a pick asks for one (the default) or, as the trainee's preference,
        shows the answer with Again suggested: never a silent Good."""
        card = self.card
        unpicked = (
            card is not None
            and rules_for(card.kind).interaction is Interaction.PICK
            and self.picked is None
        )
        if unpicked and not self.revealed:
            if self.collection.get_pref(PREF_CHOICE_UNPICKED, "ask") != "again":
                count = len(self.order)
                self.confirm(
                    f"Pick an answer first: press its number (1-{count}) or click it.",
                    ms=2 * NOTICE_MS,
                )
                return
        self.reveal()

    @property
    def default_rating(self) -> Rating:
        """What Space and Enter give on the answer side: the card's suggestion, or Good."""
        return self.suggested or Rating.GOOD

    def _set_answer_side(self, answer: bool) -> None:
        # Hide before showing: for a moment both sides in the row would ask for 1180 px,
        # and the main window would grow to that and stay (see _build_review_page).
        if answer:
            self.show_button.hide()
        else:
            for button in self.rating_buttons.values():
                button.hide()
        self.show_button.setVisible(not answer)
        for button in self.rating_buttons.values():
            button.setVisible(answer)

    def pick(self, position: int) -> None:
        """Pick option ``position`` (1-based, as shown) of a multiple-choice card."""
        if self.revealed or self.card is None:
            return
        if rules_for(self.card.kind).interaction is not Interaction.PICK:
            return
        if 1 <= position <= len(self.order):
            self.picked = position
            self.reveal()

    def rate(self, rating: Rating) -> None:
        """Hand the rating to the session; on a save error keep the card to answer again."""
        if self.card is None or not self.revealed or self.session is None:
            return
        now = self.clock()
        self.orders[self.card.key] = self.order
        try:
            # The session records the time capped (rapport.study.capped_duration).
            self.session.answer(
                self.card, rating, now, now - self._shown_at, **self._answered_details()
            )
        except RapportError as error:
            self.message.setText(f"<b>Your answer was not saved.</b> {error}")
            self.message.show()
            from rapport.ui.dialogs import show_error

            show_error(self, "Answer not saved", str(error))
            self.setFocus()
            return
        if self.session.last_leech:
            settings = self.collection.settings_for(self.card.deck_id)
            if settings.leech_action == "suspend":
                done = "'leech' and suspended; rewrite it or split it (Browse, tag:leech), then "
                done += "unsuspend it."
            else:
                done = "'leech'; rewrite it or split it (Browse, tag:leech)."
            self.confirm(
                "This card is a leech: you have forgotten it "
                f"{settings.leech_threshold} times or more. It is tagged {done}",
                ms=4 * NOTICE_MS,
            )
        self._next()
        self._show_backup_problem()

    def _answered_details(self) -> dict[str, Any]:
        """What the answer keeps beside the grade: the certainty stated, the option picked
        (its text) and what was typed."""
        note = self.card.note if self.card is not None else None
        options = pick_options(note)
        picked = None
        if options is not None and self.picked is not None and self.order:
            picked = options[self.order[self.picked - 1]].text
        interaction = rules_for(self.card.kind).interaction if self.card is not None else None
        typed = interaction in (Interaction.TYPE, Interaction.RESPOND)
        response = self.typed if typed else None
        certainty = int(self.certainty) if self.certainty is not None else None
        return {"certainty": certainty, "picked": picked, "response": response}

    def _show_backup_problem(self) -> None:
        """Say so when the periodic backup failed (the answers themselves are saved)."""
        problem = self.collection.backup_problem
        if problem is not None:
            self.message.setText(
                f"<b>The automatic backup failed.</b> {html.escape(str(problem))} "
                "Your answers are saved; Rapport tries the backup again after your next answer."
            )
            self.message.show()

    def undo(self) -> str | None:
        """Take back the app's last step (an answer or action here, or a change made in
        another view), named in the confirmation; a card it brings back shows again, a
        choice card with its options as they were. Returns what was undone, or ``None``."""
        return self._step("undo")

    def redo(self) -> str | None:
        """Do the last undone step again (Ctrl+Shift+Z); what was redone, or ``None``."""
        return self._step("redo")

    def _step(self, kind: str) -> str | None:
        ops = self.collection.ops
        name = ops.undo_name if kind == "undo" else ops.redo_name
        if name is None:
            return None
        try:
            ops.undo() if kind == "undo" else ops.redo()
        except RapportError as error:
            from rapport.ui.dialogs import show_error

            show_error(self, f"Not {kind}ne", str(error))
            return None
        self.confirm(f"{'Undone' if kind == 'undo' else 'Redone'}: {name}.")
        return name

    def _on_changes(self, changes: Changes) -> None:
        """After an undo or redo anywhere: show the card it brings back, move on from the
        card it takes away, or show the card's flag and mark as they are now."""
        session = self.session
        if changes.kind == "do" or session is None or self.collection.closed:
            return
        card = changes.card
        if card is not None and changes.hides:
            if changes.kind == "undo" and session.next_card(self.clock()) == card:
                self.show_question(card, self.orders.get(card.key))
                return
            shown = self.card is not None and self.card.key == card.key
            if changes.kind == "redo" and shown and not self.finished:
                self._next()
                return
        if self.card is not None and not self.finished:
            self._show_card_marks()
            self._update_counts()

    def toggle_passage(self) -> None:
        """Show or hide the essay passage the card comes from (answer side only)."""
        if self.card is None or not self.revealed or self.card.note.source is None:
            return
        if self.passage_view.isVisible():
            self.passage_view.hide()
            self.passage_button.setText("Show passage  (P)")
            return
        deck = self._deck(self.card.deck_id)
        if deck is None:
            return
        self.passage_view.setHtml(render.passage_html(deck, self.card.note.source))
        self.passage_view.show()
        self.passage_button.setText("Hide passage  (P)")

    def _deck(self, deck_id: str) -> Deck | None:
        return next((d for d in self.collection.decks if d.id == deck_id), None)

    def _update_counts(self) -> None:
        assert self.session is not None
        new, learning, review = self.session.remaining(self.clock())
        c = colours()
        queue = self._queue_of_card()
        parts = []
        for name, colour, count, words in (
            ("new", c.new, new, "new"),
            ("learning", c.learning, learning, "learning"),
            ("review", c.due, review, "to review"),
        ):
            number = f"<b>{count}</b>"
            if name == queue:  # as Anki underlines the count of the card's own queue
                number = f"<u>{number}</u>"
            parts.append(f'<span style="color:{colour}">{number}</span> {words}')
        self.counts_label.setText(" &nbsp; ".join(parts))
        self.counts_label.setAccessibleDescription(
            f"{new} new, {learning} learning, {review} to review"
            + (f"; this card is {queue}" if queue else "")
        )
        done = self.session.summary().studied
        total = done + new + learning + review
        self.progress.setRange(0, max(total, 1))
        self.progress.setValue(done)

    def _queue_of_card(self) -> str | None:
        """The queue of the card on show: "new", "learning" or "review" (None if none)."""
        if self.card is None:
            return None
        card_id = self.collection.card_id(self.card.key)
        if card_id is None:
            return None
        phase = self.collection.store.card_state(card_id).phase
        return {Phase.NEW: "new", Phase.REVIEW: "review"}.get(phase, "learning")

    def _show_summary(self) -> None:
        assert self.session is not None
        self.card = None
        self._update_counts()
        summary = self.session.summary()
        now = self.clock()
        found = self.collection.next_due_in(now)
        if found is None:
            due = "No cards are scheduled."
        else:
            nxt, deck_id = found
            deck = self._deck(deck_id)
            where = f" in {html.escape(deck.name)}" if deck is not None else ""
            due = f"Next card due {format_due(nxt, now, self.collection.tz)}{where}."
        if summary.studied:
            self.summary_title.setText("Session complete")
            share = round((summary.share_right or 0) * 100)
            body = (
                f"<p>You studied <b>{summary.studied}</b> card"
                f"{'s' * (summary.studied != 1)} in <b>{format_duration(summary.seconds)}"
                f"</b>.</p><p><b>{share}%</b> right ({summary.right} of {summary.studied}).</p>"
                f"<p>{due}</p>"
            )
        else:
            self.summary_title.setText("Nothing to study right now")
            body = f"<p>{due}</p>"
        self.summary_label.setText(body)
        self.summary_label.setAccessibleDescription(self.summary_label.text())
        self.pages.setCurrentIndex(1)
        self.title_changed.emit("Session complete")
        self.home_button.setFocus()

    # -- input --------------------------------------------------------------------------

    def _on_anchor(self, url: QUrl) -> None:
        text = url.toString()
        if text.startswith("pick:"):
            self.pick(int(text.split(":", 1)[1]))
        elif text.startswith("tick:"):
            self.tick(int(text.split(":", 1)[1]))

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if (
            watched is self.typed_edit
            and event.type() == QEvent.Type.KeyPress
            and isinstance(event, QKeyEvent)
            and event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter)
        ):
            self.reveal()
            return True
        if (
            watched is self._respond_edit
            and event.type() == QEvent.Type.KeyPress
            and isinstance(event, QKeyEvent)
            and event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter)
            and event.modifiers() & Qt.KeyboardModifier.ControlModifier
        ):
            self.reveal()
            return True
        return super().eventFilter(watched, event)

    def focusNextPrevChild(self, next: bool) -> bool:
        # Tab never moves focus onto a button of the card (Space would then press it).
        if not self.finished:
            return False
        return super().focusNextPrevChild(next)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        key = event.key()
        mods = event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier
        if mods == Qt.KeyboardModifier.ControlModifier and key in _DIGITS:
            if 1 <= _DIGITS[key] <= 4:
                self.act("flag", _DIGITS[key])
            return
        if mods not in (Qt.KeyboardModifier.NoModifier, Qt.KeyboardModifier.ShiftModifier):
            super().keyPressEvent(event)
            return
        if not self.finished:
            action = _ACTION_KEYS.get(key)
            if action is not None:
                self.act(*action)
                return
            area = self.passage_view if self.passage_view.isVisible() else self.card_view
            if scrolling.scroll_by_key(area, key):
                return
            if key in (Qt.Key.Key_Left, Qt.Key.Key_Right, Qt.Key.Key_Tab, Qt.Key.Key_Backtab):
                return  # taken, so that they never reach (and focus) a button
        if mods != Qt.KeyboardModifier.NoModifier:
            super().keyPressEvent(event)
            return
        enter = key in (Qt.Key.Key_Return, Qt.Key.Key_Enter)
        if key == Qt.Key.Key_E and self.card is not None and not self.finished:
            self.edit_requested.emit()
            return
        if self.finished:
            if enter or key == Qt.Key.Key_Space:
                self.home_requested.emit()
                return
            if key == Qt.Key.Key_C:
                self.custom_study()
                return
        elif not self.revealed:
            if enter or key == Qt.Key.Key_Space:
                self.show_answer()
                return
            if key in _DIGITS and self.card is not None:
                self.pick(_DIGITS[key])
                return
            if key in CERTAINTY_KEYS and self.certainty_mode:
                self.state_certainty(CERTAINTY_KEYS[key])
                return
        elif self.ticking:
            if key in _DIGITS:
                self.tick(_DIGITS[key])
                return
            if enter:
                self.confirm_ticks()
                return
            if key == Qt.Key.Key_P:
                self.toggle_passage()
                return
        else:
            if key in _DIGITS and 1 <= _DIGITS[key] <= 4:
                self.rate(Rating(_DIGITS[key]))
                return
            if enter or key == Qt.Key.Key_Space:
                self.rate(self.default_rating)
                return
            if key == Qt.Key.Key_P:
                self.toggle_passage()
                return
        super().keyPressEvent(event)

    # -- custom study ---------------------------------------------------------------------

    def custom_study(
        self,
        choice: CustomStudy | None = None,
        deck_ids: Sequence[str] | None = None,
        where: str | None = None,
    ) -> bool:
        """Study more (see :mod:`rapport.study.custom`): ask with the Custom study dialog
        unless ``choice`` is given. The decks are the session's, or ``deck_ids`` (named
        ``where``) when started from Home or the Tools menu. Returns whether a session
        began."""
        from rapport.study import custom

        if deck_ids is None and self.session is None:
            return False
        if choice is None:
            from rapport.ui.custom_study import CustomStudyDialog

            dialog = CustomStudyDialog(custom.concepts_and_tags(self.collection), self)
            if not dialog.exec():
                return False
            choice = dialog.choice()
        now = self.clock()
        if deck_ids is None:
            assert self.session is not None
            deck_ids = list(self.session.deck_ids)
            where = self.where_label.text()
        deck_ids = list(deck_ids)
        session: ReviewSession
        if choice.kind == "more_new":
            session = self.collection.session(deck_ids or None, now)
            session.allow_more_new(choice.number)
            title = f"{where or 'All decks'}, {choice.number} more new"
        elif choice.kind == "ahead":
            session = custom.ahead(self.collection, deck_ids, now, choice.number)
            title = f"Reviewing {choice.number} days ahead (not rescheduled)"
        elif choice.kind == "forgotten":
            session = custom.forgotten(self.collection, now, choice.number)
            title = f"Forgotten in the last {choice.number} days"
        elif choice.kind == "concept":
            session = custom.by_concept_or_tag(self.collection, choice.word)
            title = f"Concept or tag: {choice.word}"
        else:
            raise ValueError(f"no custom study {choice.kind!r}")
        self.start_session(session, title)
        return True

    # -- reviewer actions ---------------------------------------------------------------

    def act(self, name: str, flag: int = 0) -> None:
        """Do reviewer action ``name`` (see :data:`_ACTION_KEYS`) to the card on show,
        and confirm it briefly; a card that leaves the queue gives way to the next."""
        if self.card is None or self.session is None or self.finished:
            return
        card, session = self.card, self.session
        try:
            if name == "bury":
                text = actions.bury(session, card, self.clock())
            elif name == "bury_note":
                text = actions.bury(session, card, self.clock(), whole_note=True)
            elif name == "suspend":
                text = actions.suspend(session, card)
            elif name == "suspend_note":
                text = actions.suspend(session, card, whole_note=True)
            elif name == "flag":
                text = actions.toggle_flag(session, card, flag)
            elif name == "mark":
                text = actions.toggle_mark(session, card)
            else:
                raise ValueError(f"no reviewer action {name!r}")
        except RapportError as error:
            from rapport.ui.dialogs import show_error

            show_error(self, "Not saved", str(error))
            return
        self.orders[card.key] = self.order
        if name in ("bury", "bury_note", "suspend", "suspend_note"):
            self._next()
        else:
            self._show_card_marks()
        self.confirm(f"{text}  Ctrl+Z undoes.")

    def confirm(self, text: str, ms: int = NOTICE_MS) -> None:
        """Show a short confirmation under the card for ``ms`` milliseconds."""
        self.notice.setText(text)
        self.notice.show()
        self._notice_timer.start(ms)

    def _show_card_marks(self) -> None:
        """The flag and mark of the card on show, beside the deck name."""
        if self.card is None or self.session is None:
            self.marks_label.clear()
            return
        flag = actions.flag_of(self.session, self.card)
        parts = []
        if flag:
            colour = flag_colours()[flag]  # coloured as Anki colours its flags
            name = f"{actions.FLAGS[flag].capitalize()} flag"
            parts.append(f'<span style="color:{colour}"><b>\u2691 {name}</b></span>')
        if actions.is_marked(self.session, self.card):
            parts.append("Marked")
        self.marks_label.setText("  ·  ".join(parts))

    @staticmethod
    def _set_card_font(widget: QWidget, points: int) -> None:
        font = card_font(points)
        families = ", ".join(f'"{f}"' for f in font.families())
        widget.setStyleSheet(f"font-family: {families}; font-size: {points}pt;")
        widget.setFont(font)

    def set_font_size(self, size: int) -> None:
        """Use ``size`` points for card text; the card reflows at once."""
        self._font_size = size
        # A widget style sheet, because the app style sheet's font would win over setFont.
        for widget, points in (
            (self.card_view, size),
            (self.passage_view, max(10, round(size * 0.8))),
            (self.typed_edit, size),
            (self._respond_edit, size),
        ):
            if widget is not None:
                self._set_card_font(widget, points)
        self.card_view.document().setDefaultFont(card_font(size))
        self.passage_view.document().setDefaultFont(card_font(max(10, round(size * 0.8))))
        self.card_view.document().setDocumentMargin(12)
