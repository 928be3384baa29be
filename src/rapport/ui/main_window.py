"""The main window: a stack of views, the menus, and the shortcuts that move between them.

Adding a view (for other views' authors)::

    window.add_view("browse", "&Browse", lambda: BrowseView(window.collection, window.clock),
                    shortcut="Ctrl+B")

``add_view(name, title, view, shortcut=None)`` takes a widget or a zero-argument factory;
a factory runs the first time the view is shown, so heavy imports (QtCharts) wait until
then and do not slow the start. Each view gets an entry in the View menu. ``show_view(name)``
switches to it and calls its ``on_shown()`` if it has one (refresh there). A view may set
the window title by calling ``window.set_title("...")``; Escape returns Home from any view.
Register views in :meth:`MainWindow._register_views`.
"""

from __future__ import annotations

import base64
import logging
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QByteArray, QMargins, QRect, QSize, Qt, QTimer
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence, QShowEvent
from PySide6.QtWidgets import QApplication, QMainWindow, QStackedWidget, QWidget

from rapport.content import discover, load_decks
from rapport.content.loading.loader import DeckError
from rapport.content.notes.model import CardKey, Deck
from rapport.errors import RapportError
from rapport.library import LOCAL_CHANGES, Library, load_library
from rapport.paths import deck_folders, own_decks_dir, user_decks_dir
from rapport.store.backups import backup_dir
from rapport.study.decktree import renamed
from rapport.ui.deck_watch import DeckWatcher
from rapport.ui.home import HomeView
from rapport.ui.review import ReviewView
from rapport.ui.theme import PREF_FONT_SIZE, PREF_THEME, apply_theme, clamp_font_size

if TYPE_CHECKING:
    from rapport.content.editing.authoring import Authoring
    from rapport.content.editing.local import Conflict
    from rapport.study import Collection
    from rapport.ui.review import ReviewView
    from rapport.ui.sync_ui import SyncController

PREF_GEOMETRY = "window_geometry"
TEXT_STEP_MS = 20  # between two decks' text stored in idle time
# After the first paint: Home's sync line and the sync on open (see _after_start).
AFTER_START_MS = 1000
APP_NAME = "Rapport"
START_SIZE = QSize(1080, 760)  # the first start's window, where the screen has room
ViewFactory = Callable[[], QWidget]

log = logging.getLogger(__name__)


def fit_inside(window: QRect, available: QRect, frame: QMargins | None = None) -> QRect:
    """``window`` (the inside of a window with ``frame`` around it) made to lie whole in a
    screen's free area ``available``: each side that is too long shortened to the area's
    (a 1080x760 window on a 1024x768 screen without a window manager), then moved in."""
    room = available.marginsRemoved(frame or QMargins())
    size = window.size().boundedTo(room.size())
    x = min(max(window.x(), room.left()), room.right() + 1 - size.width())
    y = min(max(window.y(), room.top()), room.bottom() + 1 - size.height())
    return QRect(x, y, size.width(), size.height())


def preferred_look(collection: Collection) -> tuple[str, int]:
    """The theme and card font size the trainee chose (stored in the collection)."""
    theme = collection.get_pref(PREF_THEME, "system") or "system"
    return theme, clamp_font_size(collection.get_pref(PREF_FONT_SIZE))


class MainWindow(QMainWindow):
    """Home, the reviewer and the other views in one window, with File, View and Help."""

    def __init__(
        self,
        collection: Collection,
        deck_errors: Sequence[DeckError] = (),
        clock: Callable[[], datetime] | None = None,
        *,
        deck_dirs: Sequence[Path] | None = None,
        export_dir: Path | None = None,
        library: Library | None = None,
    ) -> None:
        super().__init__()

        self.collection = collection
        self.deck_errors = tuple(deck_errors)
        self.clock: Callable[[], datetime] = clock or (lambda: datetime.now(UTC))
        self.deck_dirs = list(deck_dirs) if deck_dirs is not None else None
        self.export_dir = export_dir or Path.home()
        self.setObjectName("mainWindow")
        self.setAccessibleName("Rapport")
        self.set_title(None)
        self.setMinimumSize(640, 480)
        # The size the window chose itself (first start or last time's): fitted to the
        # screen, frame included, at the first show, unless a caller set a size of its own.
        self._own_size: QSize | None = None
        screen = self.screen()
        if screen is None:
            self.resize(START_SIZE)
        else:
            free = screen.availableGeometry()
            self.resize(fit_inside(QRect(free.topLeft(), START_SIZE), free).size())

        self.stack = QStackedWidget()
        self.setCentralWidget(self.stack)
        self._views: dict[str, QWidget | None] = {}
        self._factories: dict[str, ViewFactory] = {}
        self._titles: dict[str, str] = {}
        self._review: ReviewView | None = None

        self._authoring: Authoring | None = None
        self.conflicts: list[Conflict] = []
        if library is not None:
            # The collection was opened over the library's decks (local changes laid over).
            if library.file_decks is not library.decks:
                self.authoring.remember(library.file_decks)
            self.conflicts = list(library.conflicts)
        # Start-up reads the trainee's local changes only when there are some.
        elif (collection.data_dir / LOCAL_CHANGES).exists():
            decks, self.conflicts = self.authoring.apply(collection.decks)
            collection.replace_decks(decks)
            if self.authoring.local.notice is not None:
                from rapport.ui import dialogs

                notice = self.authoring.local.notice
                QTimer.singleShot(
                    0, lambda: dialogs.show_error(self, "Your own changes to notes", notice)
                )
        self._build_menus()
        self.home = HomeView(collection, self.deck_errors, self.clock)
        self.home.study_requested.connect(self.start_review)
        self.home.deck_problems_requested.connect(self._show_deck_error)
        self.home.options_requested.connect(self.open_deck_options)
        self.home.custom_study_requested.connect(self.custom_study)
        self.home.rename_requested.connect(self.rename_deck)
        self.home.delete_requested.connect(self.delete_deck)
        self.add_view("home", "&Home", self.home, shortcut="Ctrl+H")
        self._register_views()

        escape = QAction("Back to Home", self)
        escape.setShortcut(QKeySequence(Qt.Key.Key_Escape))
        escape.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
        escape.triggered.connect(self.go_home)
        self.addAction(escape)

        self.deck_watch = DeckWatcher(self._watched_folders, self)
        self.deck_watch.changed.connect(self._decks_changed_on_disk)

        self.restore_geometry()
        self._own_size = self.size()
        self.show_view("home")
        self._syncing: SyncController | None = None  # (made on first use)
        self.after_start = QTimer(self)  # (see _after_start)
        self.after_start.setSingleShot(True)
        self.after_start.timeout.connect(self._after_start)
        self.after_start.start(AFTER_START_MS)
        if self.conflicts:
            QTimer.singleShot(0, self.resolve_conflicts)

    def _after_start(self) -> None:
        """Once the window is painted: Home's line about the last sync, and the sync on
        open (Settings: sync on open and close). Neither holds up the first paint, as the
        log file does not: the sync modules load here, not on the way to the first card."""
        from rapport.sync.account import current_account

        if self.collection.closed:
            return
        self.home.show_sync_line()
        account = current_account(self.collection.data_dir)
        if account.logged_in and account.on_open_close:
            self.sync_now(quiet=True)

    # -- idle work ----------------------------------------------------------------------

    def store_text_when_idle(self) -> None:
        """Store the card text of one more deck whose text changed (see
        :meth:`Collection.refresh_text`), then again a moment later until none is left,
        so that Browse, Statistics and ``rapport stats`` find it ready. Each step is one
        deck (tens of milliseconds for a thousand notes) between the trainee's events."""
        collection = self.collection
        if collection.closed or collection.read_only:
            return
        try:
            if collection.refresh_text(limit=1):
                QTimer.singleShot(TEXT_STEP_MS, self.store_text_when_idle)
        except RapportError as error:  # Browse will try again, and say so if it fails
            log.warning("could not store the cards' text: %s", error)

    # -- views --------------------------------------------------------------------------

    def _register_views(self) -> None:
        """The views beyond Home and the reviewer (Browse, Statistics, Practice test)."""
        self.add_view("browse", "&Browse", self._make_browse, shortcut="Ctrl+B")
        self.add_view("stats", "&Statistics", self._make_stats, shortcut="Ctrl+T")
        self.add_view("practice", "&Practice test", self._make_practice, shortcut="Ctrl+P")

    def _make_browse(self) -> QWidget:
        from rapport.ui.browse import BrowseView

        view = BrowseView(self.collection, self.clock)
        view.edit_requested.connect(lambda key: self.edit_note(key.deck_id, key.note_id))
        return view

    def _make_stats(self) -> QWidget:
        from rapport.ui.stats_view import StatsView

        view = StatsView(self.collection, self.clock)
        view.calibration.study_requested.connect(
            lambda keys: self.study_cards(keys, "confident error")
        )
        return view

    def _make_practice(self) -> QWidget:
        from rapport.ui.practice import PracticeView

        view = PracticeView(self.collection.decks)
        view.study_missed.connect(self.study_cards)
        view.closed.connect(self.go_home)
        return view

    def study_cards(self, keys: list[CardKey], what: str = "missed card") -> None:
        """Review exactly these cards now (the practice test's "study missed now",
        Statistics' confident errors)."""
        count = len(keys)
        title = f"{count} {what}{'s' * (count != 1)}"
        review = self.review
        self.stack.setCurrentWidget(review)
        review.start_session(self.collection.session_for(keys, self.clock()), title)

    def add_view(
        self, name: str, title: str, view: QWidget | ViewFactory, *, shortcut: str | None = None
    ) -> None:
        """Register a view (a widget, or a factory called on first show) under ``name``."""
        if isinstance(view, QWidget):
            self._views[name] = view
            self.stack.addWidget(view)
        else:
            self._views[name] = None
            self._factories[name] = view
        self._titles[name] = title
        action = QAction(title, self)
        if shortcut:
            action.setShortcut(QKeySequence(shortcut))
        action.triggered.connect(lambda _=False, n=name: self.show_view(n))
        self.view_menu.addAction(action)

    def is_built(self, name: str) -> bool:
        """Whether view ``name`` exists now (views are built on first use, and rebuilt
        after the decks change)."""
        return self._views.get(name) is not None

    def view(self, name: str) -> QWidget:
        """The widget of view ``name``, created now if it was registered as a factory."""
        widget = self._views[name]
        if widget is None:
            widget = self._factories[name]()
            self._views[name] = widget
            self.stack.addWidget(widget)
        return widget

    def show_view(self, name: str) -> QWidget:
        """Switch to view ``name`` and let it refresh."""
        widget = self.view(name)
        self.stack.setCurrentWidget(widget)
        if name == "home":
            self.set_title(None)
        elif name != "review":
            self.set_title(self._titles[name].replace("&", ""))
        on_shown = getattr(widget, "on_shown", None)
        if callable(on_shown):
            on_shown()
        return widget

    def current_view_name(self) -> str:
        """The name of the view on show."""
        current = self.stack.currentWidget()
        return next((n for n, w in self._views.items() if w is current), "")

    def set_title(self, detail: str | None) -> None:
        """Title the window ``Rapport — detail`` (or just ``Rapport``)."""
        self.setWindowTitle(f"{APP_NAME} — {detail}" if detail else APP_NAME)

    def go_home(self) -> None:
        """Back to Home (Escape), from any view."""
        self.show_view("home")

    @property
    def review(self) -> ReviewView:
        """The review view, created on first use."""
        if self._review is None:
            self._review = ReviewView(self.collection, self.clock, font_size=self.font_size())
            self._review.home_requested.connect(self.go_home)
            self._review.edit_requested.connect(self.edit_current_card)
            self._review.is_local_change = lambda key: self.authoring.has_local_change(
                key.deck_id, key.note_id
            )
            self._review.title_changed.connect(self.set_title)
            self._review.undo_shortcut.setEnabled(False)  # Edit > Undo has Ctrl+Z
            self._review.redo_shortcut.setEnabled(False)  # and Edit > Redo Ctrl+Shift+Z
            self._views["review"] = self._review
            self._titles["review"] = "Review"
            self.stack.addWidget(self._review)
        return self._review

    def start_review(self, deck_ids: list[str]) -> None:
        """Study ``deck_ids`` (empty: all decks)."""
        names = {d.id: d.name for d in self.collection.decks}
        title = names.get(deck_ids[0], deck_ids[0]) if len(deck_ids) == 1 else "All decks"
        review = self.review
        self.stack.setCurrentWidget(review)
        review.start(deck_ids or None, title)

    def custom_study(self, deck_id: str | None = None) -> bool:
        """Custom study (C on Home, Tools > Custom study): on the selected deck (or the
        one given; "" or none selected: all decks). Returns whether a session began."""
        if deck_id is None and self.current_view_name() == "review" and self._review:
            session = self._review.session
            if session is not None:
                return self._review.custom_study()
        if deck_id is None:
            deck_id = self.home.selected_deck_id() or ""
        names = {d.id: d.name for d in self.collection.decks}
        deck_ids = [deck_id] if deck_id in names else []
        where = names.get(deck_id, "All decks")
        review = self.review
        began = review.custom_study(deck_ids=deck_ids, where=where)
        if began:
            self.stack.setCurrentWidget(review)
        return began

    def _show_deck_error(self, error: DeckError) -> None:
        from rapport.ui import dialogs

        dialogs.deck_problems_dialog(
            self, [str(p) for p in error.problems], f"Problems in {error.path.name}"
        ).exec()

    # -- menus --------------------------------------------------------------------------

    def _action(
        self, menu_title: str, text: str, slot: Callable[[], object], shortcut: str | None = None
    ) -> QAction:
        action = QAction(text, self)
        if shortcut:
            action.setShortcut(QKeySequence(shortcut))
        action.triggered.connect(lambda _=False: slot())
        self._menus[menu_title].addAction(action)
        return action

    def _build_menus(self) -> None:
        bar = self.menuBar()
        self._menus = {
            "file": bar.addMenu("&File"),
            "edit": bar.addMenu("&Edit"),
            "view": bar.addMenu("&View"),
            "notes": bar.addMenu("&Notes"),
            "tools": bar.addMenu("&Tools"),
            "help": bar.addMenu("&Help"),
        }
        self.view_menu = self._menus["view"]
        self._action("file", "&Export...", self.export_to_anki, "Ctrl+E")
        self._action("file", "&Progress report...", self.progress_report)
        self._action("file", "&Add deck file...", self.choose_deck_file, "Ctrl+O")
        self._action("file", "&Import spreadsheet...", self.choose_spreadsheet, "Ctrl+I")
        self._action("file", "Import &Anki package...", self.choose_anki_package, "Ctrl+Shift+I")
        self._action("file", "&New deck...", self.new_deck, "Ctrl+N")
        self._action("file", "&Check decks", self.check_decks)
        self._action("file", "&Restore backup...", self.restore_backup)
        self._menus["file"].addSeparator()
        self.sync_action = self._action("file", "S&ync", self.sync_now, "Ctrl+Y")
        self._action("file", "Sync se&ttings...", self.sync_settings)
        self._menus["file"].addSeparator()
        self._action("file", "&Settings...", self.open_settings, "Ctrl+,")
        self._menus["file"].addSeparator()
        quit_action = self._action("file", "&Quit", self.close, "Ctrl+Q")
        quit_action.setMenuRole(QAction.MenuRole.QuitRole)
        self.undo_action = self._action("edit", "&Undo", self.undo, "Ctrl+Z")
        self.undo_action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
        self.redo_action = self._action("edit", "&Redo", self.redo, "Ctrl+Shift+Z")
        self.redo_action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
        self._menus["edit"].aboutToShow.connect(self._name_undo)
        self._action("notes", "&Add note...", self.add_note, "A")
        self._action("notes", "&Rename deck...", self.rename_deck)
        self._action("notes", "Deck &options...", self.open_deck_options)
        self._action("notes", "&Delete deck...", self.delete_deck)
        self._action("tools", "&Custom study...", self.custom_study)
        self._action("help", "&Keyboard shortcuts", self.show_shortcuts, "F1")
        self._action("help", "&About Rapport", self.show_about)

    def undo_name(self) -> str | None:
        """What Edit > Undo would take back ("Good", "Suspend card"), or ``None``: the
        app's last step, whichever view took it (see :mod:`rapport.study.ops`)."""
        return self.collection.ops.undo_name

    def redo_name(self) -> str | None:
        """What Edit > Redo would do again, or ``None``."""
        return self.collection.ops.redo_name

    def _name_undo(self) -> None:
        # (Not disabled when empty: the shortcut would stay off after the menu closed.)
        name = self.undo_name()
        self.undo_action.setText(f"&Undo {name}" if name else "&Undo (nothing to undo)")
        name = self.redo_name()
        self.redo_action.setText(f"&Redo {name}" if name else "&Redo (nothing to redo)")

    def undo(self) -> str | None:
        """Edit > Undo (Ctrl+Z) from any view: take back the app's last step. A step
        taken in the reviewer brings the reviewer back, showing the card it concerns;
        the other views refresh themselves (they subscribe to the changes). Returns what
        was undone."""
        return self._step("undo")

    def redo(self) -> str | None:
        """Edit > Redo (Ctrl+Shift+Z): do the last undone step again."""
        return self._step("redo")

    def _step(self, kind: str) -> str | None:
        ops = self.collection.ops
        name = ops.undo_name if kind == "undo" else ops.redo_name
        if name is None:
            return None
        try:
            changes = ops.undo() if kind == "undo" else ops.redo()
        except RapportError as error:
            from rapport.ui.dialogs import show_error

            show_error(self, f"Not {kind}ne", str(error))
            return None
        if changes is not None and changes.files:
            self.refresh_decks()  # (the deck files are as they were: read them again)
        if changes is not None and changes.everything:
            self._after_restore()
        review = self._review
        reviewed = changes is not None and changes.card is not None
        if reviewed and review is not None and review.session is not None:
            if self.current_view_name() != "review":
                self.stack.setCurrentWidget(review)
            review.confirm(f"{'Undone' if kind == 'undo' else 'Redone'}: {name}.")
        self._name_undo()  # (Home, Browse and Statistics refresh themselves: ui.changes)
        return name

    def restore_backup(self) -> bool:
        """File > Restore backup...: bring a chosen backup back into the open collection,
        as one undo step (see :mod:`rapport.study.restoring`). Returns whether it was."""
        from rapport.study.restoring import backups_of, restore_backup
        from rapport.ui import dialogs
        from rapport.ui.restore_dialog import RestoreDialog

        collection = self.collection
        backups = backups_of(collection.data_dir)
        if not backups:
            dialogs.show_info(
                self,
                "No backups yet",
                f"There are no backups in {backup_dir(collection.data_dir)} yet: Rapport "
                "makes one after 30 minutes of study and when it closes.",
            )
            return False
        dialog = RestoreDialog(backups, collection.tz, self)
        chosen = dialog.chosen() if dialog.exec() == dialog.DialogCode.Accepted else None
        if chosen is None:
            return False
        try:
            restore_backup(collection, chosen.path, self.clock())
        except RapportError as error:
            dialogs.show_error(self, "The backup was not restored", str(error))
            return False
        when = dialog.chosen_name()
        self._after_restore()
        self._name_undo()
        self.statusBar().showMessage(
            f"Restored the backup of {when}. Edit > Undo (Ctrl+Z) brings today's progress back.",
            15000,
        )
        return True

    def _after_restore(self) -> None:
        """Every progress row was replaced (a restore, its undo or redo): a study
        session's queue is of the old rows, so the reviewer goes back to Home; the other
        views read everything again."""
        current = self.current_view_name()
        for name in ("browse", "stats", "practice"):
            if name != current:
                self._forget_view(name)
        if current in ("review", "practice"):
            self.go_home()
        self.home.refresh()
        if current == "browse":
            reload = getattr(self.view("browse"), "reload", None)
            if callable(reload):
                reload()

    def export_to_anki(self) -> None:
        """File > Export...: an Anki package, a spreadsheet, a GIFT or a QTI quiz."""
        from rapport.interop.anki.progress import study_progress
        from rapport.ui.export_dialog import ExportDialog

        collection = self.collection
        ExportDialog(
            collection.decks,
            self.export_dir,
            self,
            data_dir=collection.data_dir,
            study=lambda: study_progress(collection),
        ).exec()

    def deck_folders(self) -> list[Path]:
        """The folders decks come from: the shipped ones, then the trainee's own."""

        return deck_folders(self.collection.data_dir, self.deck_dirs)

    def check_decks(self) -> list[str]:
        """File > Check decks: re-read the deck files and list their problems."""
        from rapport.ui import dialogs

        result = load_decks(discover(self.deck_folders()))
        problems = [str(p) for p in result.problems]
        dialogs.deck_problems_dialog(self, problems, "Check decks").exec()
        return problems

    def choose_deck_file(self) -> None:
        """File > Add deck file...: pick a deck a course leader handed out."""
        from PySide6.QtWidgets import QFileDialog

        name, _ = QFileDialog.getOpenFileName(
            self, "Add a deck file", str(self.export_dir), "Rapport decks (*.toml)"
        )
        if name:
            self.add_deck_file(Path(name))

    def add_deck_file(self, path: Path) -> bool:
        """Validate ``path``, copy it to the trainee's decks and start using it.

        A deck with problems is not added: its problems are listed instead.
        """
        from rapport.content.editing.install import plan_add
        from rapport.ui import dialogs

        try:
            plan = plan_add(
                path, user_decks_dir(self.collection.data_dir), existing=self.collection.decks
            )
            changes = plan.revision_lines()
            if changes and not self.confirm_revision(plan.deck.name, changes):
                return False
            replaced = plan.replaces
            deck = plan.apply()
        except DeckError as error:
            problems = [str(p) for p in error.problems]
            dialogs.deck_problems_dialog(
                self, problems, f"{path.name} was not added", refused=True
            ).exec()
            return False
        except RapportError as error:
            dialogs.show_error(self, "The deck was not added", str(error))
            return False
        self.reload_decks()
        verb = "updated; the cards you studied keep their progress" if replaced else "added"
        cards = len(deck.cards())
        dialogs.show_info(
            self,
            "Deck added",
            f"'{deck.name}' ({cards} card{'s' * (cards != 1)}) was {verb}.",
        )
        return True

    def confirm_revision(self, name: str, changes: list[str]) -> bool:
        """Ask before a revision replaces the trainee's copy, showing what it changes."""
        from PySide6.QtWidgets import QDialogButtonBox

        from rapport.ui import dialogs

        dialog = dialogs.DetailsDialog(
            f"Update '{name}'?",
            f"This file is a new version of '{name}'. Here is what it changes; the cards you "
            "studied keep their progress.",
            "\n".join(changes),
            self,
        )
        dialog.setAccessibleName("Deck revision")
        buttons = dialog.findChild(QDialogButtonBox)
        if buttons is not None:
            buttons.setStandardButtons(
                QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
            )
            ok = buttons.button(QDialogButtonBox.StandardButton.Ok)
            ok.setText("Update the deck")
        return bool(dialog.exec())

    def reload_decks(self) -> None:
        """Read the deck folders again and use what they hold now (cards keep history)."""
        self._reread_decks()
        for name in ("browse", "stats", "practice"):
            self._forget_view(name)
        self.show_view("home")
        self.home.refresh()
        if self.conflicts:
            self.resolve_conflicts()

    def _reread_decks(self) -> None:
        library = load_library(self.collection.data_dir, self.deck_dirs, cached=False)
        self.authoring.remember(library.file_decks)
        self.conflicts = list(library.conflicts)
        self.collection.replace_decks(library.decks)
        self.deck_errors = library.errors
        self.home.deck_errors = library.errors
        watch = getattr(self, "deck_watch", None)
        if watch is not None:
            watch.rescan()

    def _watched_folders(self) -> list[Path]:
        """The deck folders, and the trainee's ones even before they exist."""

        data = self.collection.data_dir
        folders = [*self.deck_folders(), user_decks_dir(data), own_decks_dir(data)]
        return list(dict.fromkeys(folders))

    def _decks_changed_on_disk(self, files: list[Path]) -> None:
        """A deck file changed outside the app: use it now, and say so."""
        if not self.isVisible():  # closed (its collection too): nothing to show it in
            return
        names = [d.name for d in self.collection.decks if d.path in files]
        self.refresh_decks()
        names += [d.name for d in self.collection.decks if d.path in files]
        shown = ", ".join(f"'{n}'" for n in dict.fromkeys(names)) or ", ".join(
            f.name for f in files
        )
        self.statusBar().showMessage(f"Reloaded {shown}: changed on disk.", 15000)

    def refresh_decks(self) -> None:
        """After a note or deck was written: use the decks as they are now and stay where
        the trainee is (the card under review is shown again as edited)."""
        self._reread_decks()
        current = self.current_view_name()
        for name in ("browse", "stats", "practice"):
            if name != current:
                self._forget_view(name)
        self.home.refresh()
        if current == "review":
            self.review.refresh_card()
        elif current == "browse":
            reload = getattr(self.view("browse"), "reload", None)
            if callable(reload):
                reload()

    # -- authoring ----------------------------------------------------------------------

    @property
    def authoring(self) -> Authoring:
        """Where notes and decks are written (made on first use)."""
        if self._authoring is None:
            from rapport.content.editing.authoring import Authoring

            self._authoring = Authoring(self.collection.data_dir)
            self._authoring.apply(self.collection.decks)
        return self._authoring

    def _deck(self, deck_id: str | None) -> Deck | None:
        return next((d for d in self.collection.decks if d.id == deck_id), None)

    def _deck_step(self, name: str | Callable[[], str], change: Callable[[], bool]) -> bool:
        """Make a change to the trainee's deck files (``change``, which may run a dialog;
        whether it changed anything) one step on the undo stack, with the files'
        before-image (see :mod:`rapport.study.ops`)."""
        ops = self.collection.ops
        before = ops.capture_files()
        done = change()
        if done:
            ops.push_files(name if isinstance(name, str) else name(), before)
        return done

    def add_note(self) -> bool:
        """Notes > Add note (A): a note of any kind into one of the trainee's decks (one
        undo step, with the deck made for it if the trainee had none)."""
        return self._deck_step("Add note", self._add_note)

    def _add_note(self) -> bool:
        from rapport.ui.note_editor import NoteEditor

        own = self.authoring.own_decks(self.collection.decks)
        if not own:  # a deck of one's own, written only when its first note is saved
            own = [self.authoring.pending_deck("My notes", [d.id for d in self.collection.decks])]
        chosen = self._deck(self.home.selected_deck_id())
        deck = chosen if chosen in own else own[0]
        editor = NoteEditor(self.authoring, own, deck=deck, parent=self)
        editor.note_saved.connect(lambda _saved: self.refresh_decks())  # Add stays open
        editor.exec()
        return editor.saved_count > 0

    def edit_note(self, deck_id: str, note_id: str) -> bool:
        """Open the note editor on a note (E in review, Enter in Browse); what it saves,
        deletes or drops is one undo step."""
        from rapport.ui.note_editor import NoteEditor

        deck = self._deck(deck_id)
        note = deck.note(note_id) if deck is not None else None
        if deck is None or note is None:
            return False
        editor = NoteEditor(self.authoring, [deck], note=note, deck=deck, parent=self)

        def name() -> str:
            if editor.deleted:
                return "Delete note"
            return "Edit note" if editor.saved is not None else "Drop local change"

        if not self._deck_step(name, lambda: bool(editor.exec())):
            return False
        self.refresh_decks()
        return True

    def edit_current_card(self) -> None:
        card = self.review.card
        if card is not None:
            self.edit_note(card.deck_id, card.note.id)

    def new_deck(self) -> Path | None:
        """File > New deck: an empty deck of the trainee's own notes (one undo step)."""
        made: list[Path | None] = []

        def make() -> bool:
            made.append(self._new_deck())
            return made[0] is not None

        self._deck_step("New deck", make)
        return made[0] if made else None

    def _new_deck(self) -> Path | None:
        from PySide6.QtWidgets import QInputDialog

        from rapport.ui import dialogs

        name, ok = QInputDialog.getText(self, "New deck", "Name of the new deck:")
        if not ok or not name.strip():
            return None
        try:
            path = self.authoring.new_deck(name, [d.id for d in self.collection.decks])
        except RapportError as error:
            dialogs.show_error(self, "The deck was not made", str(error))
            return None
        self.refresh_decks()
        return path

    def _selected_added_deck(self, action: str) -> Deck | None:
        from rapport.ui import dialogs

        deck = self._deck(self.home.selected_deck_id())
        if deck is None:
            dialogs.show_error(self, f"{action} deck", "Select a deck on Home first.")
            return None
        if not self.authoring.is_added(deck):
            dialogs.show_error(
                self, f"{action} deck", f"'{deck.name}' comes with Rapport: it stays as it is."
            )
            return None
        return deck

    def rename_deck(self) -> bool:
        """Notes > Rename deck: a new name for the row selected on Home; the decks under
        it in the deck tree keep their place under it (``A::B`` becomes ``Z::B``)."""
        from PySide6.QtWidgets import QInputDialog

        from rapport.ui import dialogs

        node = self.home.selected_node()
        if node is None or node.children == () and node.deck_id is None:
            dialogs.show_error(self, "Rename deck", "Select a deck on Home first.")
            return False
        decks = {d.id: d for d in self.collection.decks}
        under = [decks[i] for i in node.deck_ids() if i in decks]
        fixed = [d.name for d in under if not self.authoring.is_added(d)]
        if fixed:
            dialogs.show_error(
                self, "Rename deck", f"'{fixed[0]}' comes with Rapport: it stays as it is."
            )
            return False
        name, ok = QInputDialog.getText(self, "Rename deck", "New name:", text=node.name)
        if not ok:
            return False
        try:

            def rename() -> bool:
                for deck_id, new_name in renamed(
                    {d.id: d.name for d in under}, node.name, name
                ).items():
                    self.authoring.rename_deck(decks[deck_id], new_name)
                return True

            self._deck_step("Rename deck", rename)
        except RapportError as error:
            dialogs.show_error(self, "The deck was not renamed", str(error))
            return False
        self.refresh_decks()
        return True

    def delete_deck(self) -> bool:
        """Notes > Delete deck: remove the deck selected on Home (its history is kept)."""
        from PySide6.QtWidgets import QMessageBox

        from rapport.ui import dialogs

        deck = self._selected_added_deck("Delete")
        if deck is None:
            return False
        answer = QMessageBox.question(
            self,
            "Delete deck",
            f"Delete '{deck.name}'? Its file is kept in the removed-decks folder and its "
            "review history stays in your progress.",
        )
        if answer != QMessageBox.StandardButton.Yes:
            return False
        try:
            self._deck_step("Delete deck", lambda: bool(self.authoring.delete_deck(deck)))
        except RapportError as error:
            dialogs.show_error(self, "The deck was not deleted", str(error))
            return False
        self.reload_decks()
        return True

    def resolve_conflicts(self) -> None:
        """A revision changed fields the trainee had changed: show both, let them choose."""
        from rapport.ui.conflicts import ConflictDialog

        for conflict in list(self.conflicts):
            ConflictDialog(conflict, self.authoring, self).exec()
        self.conflicts = []
        self._reread_decks()
        self.home.refresh()

    def choose_spreadsheet(self) -> None:
        """File > Import spreadsheet...: a CSV/TSV file as a deck of the trainee's own."""
        from PySide6.QtWidgets import QFileDialog

        from rapport.ui.import_dialog import ImportDialog

        name, _ = QFileDialog.getOpenFileName(
            self, "Import a spreadsheet", str(self.export_dir), "Spreadsheets (*.csv *.tsv *.txt)"
        )
        if not name:
            return
        dialog = ImportDialog(Path(name), self.authoring, self.collection.decks, self)
        if self._deck_step("Import spreadsheet", lambda: bool(dialog.exec())):
            self.refresh_decks()

    def choose_anki_package(self) -> None:
        """File > Import Anki package...: an .apkg/.colpkg as decks of one's own, with its
        study history (see rapport.interop.anki.importer)."""
        from PySide6.QtWidgets import QFileDialog

        name, _ = QFileDialog.getOpenFileName(
            self, "Import an Anki package", str(self.export_dir), "Anki packages (*.apkg *.colpkg)"
        )
        if name:
            self.import_anki_package(Path(name))

    def import_anki_package(self, path: Path) -> bool:
        """Import ``path`` (asking first which fields of a note type that is not a
        standard one to use); show what arrived (or why nothing did) in a dialog."""
        from rapport.interop.anki.importer import import_anki_package, other_note_types
        from rapport.ui import dialogs
        from rapport.ui.anki_fields_dialog import AnkiFieldsDialog

        try:
            others = other_note_types(path)
        except RapportError as error:
            dialogs.show_error(self, "Import from Anki", str(error))
            return False
        mapping: dict[str, tuple[str, str]] = {}
        if others:
            chooser = AnkiFieldsDialog(others, self)
            if not chooser.exec():
                return False
            mapping = chooser.mapping()
        QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        try:
            report = import_anki_package(
                path,
                self.collection.data_dir,
                now=self.clock(),
                collection=self.collection,
                reload=self._reread_decks,
                mapping=mapping,
            )
        except RapportError as error:
            QApplication.restoreOverrideCursor()
            dialogs.show_error(self, "Import from Anki", str(error))
            return False
        QApplication.restoreOverrideCursor()
        self.refresh_decks()
        dialogs.show_info(self, "Imported from Anki", str(report))
        return True

    def _forget_view(self, name: str) -> None:
        """Drop a view built from the old decks; it is built afresh when next shown."""
        widget = self._views.get(name)
        if widget is not None and name in self._factories:
            self.stack.removeWidget(widget)
            widget.deleteLater()
            self._views[name] = None

    def progress_report(self) -> None:
        """File > Progress report: the supervisor's PDF or the class file."""
        from rapport.ui.report_dialog import ReportDialog

        ReportDialog(self.collection, self.clock, Path.home(), self).exec()

    def show_shortcuts(self) -> None:
        """Help > Keyboard shortcuts."""
        from rapport.ui import dialogs

        dialogs.ShortcutsDialog(self).exec()

    def show_about(self) -> None:
        """Help > About."""
        from rapport.ui import dialogs

        dialogs.show_about(self, self.collection.data_dir)

    def open_settings(self) -> None:
        """File > Settings: edit, save, and apply theme and font size at once."""
        from rapport.ui.settings import SettingsDialog

        dialog = SettingsDialog(self.collection, self)
        if dialog.exec():
            self.apply_preferences()

    def open_deck_options(self, deck_id: str | None = None) -> None:
        """Notes > Deck options (O on Home): the preset of the selected deck."""
        from rapport.ui.deck_options import DeckOptionsDialog

        under: list[str] = []
        if deck_id == "" or (deck_id is None and self.home.selected_deck_id() is None):
            # A parent no deck file names: its options are those of the decks under it.
            node = self.home.selected_node()
            under = node.deck_ids() if node is not None else []
            deck_id = under[0] if under else None
        deck = self._deck(deck_id or self.home.selected_deck_id())
        if deck is None:
            return
        # (one undo step: the presets and every deck under the row, see DeckOptionsDialog)
        if DeckOptionsDialog(self.collection, deck.id, self, self.clock, under[1:]).exec():
            self.home.refresh()

    def font_size(self) -> int:
        """The card font size preference."""
        return preferred_look(self.collection)[1]

    def apply_preferences(self) -> None:
        """Apply theme and font size from the preferences; the card reflows at once."""
        app = QApplication.instance()
        if isinstance(app, QApplication):
            apply_theme(app, *preferred_look(self.collection))
        if self._review is not None:
            self._review.set_font_size(self.font_size())
        if self.current_view_name() == "home":
            self.home.refresh()

    # -- geometry and closing -----------------------------------------------------------

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if self._own_size is not None and self.size() == self._own_size:
            self.fit_to_screen()
        self._own_size = None

    def fit_to_screen(self) -> None:
        """Make the whole window, frame included, lie inside its screen's free area (a
        saved place from a larger screen, or a frame the first size did not count)."""
        screen = self.screen()
        if screen is None:
            return
        available = screen.availableGeometry()
        outer, inner = self.frameGeometry(), self.geometry()
        if available.contains(outer):
            return
        frame = QMargins(
            inner.left() - outer.left(),
            inner.top() - outer.top(),
            outer.right() - inner.right(),
            outer.bottom() - inner.bottom(),
        )
        self.setGeometry(fit_inside(inner, available, frame))

    def restore_geometry(self) -> None:
        """Put the window where it was last time."""
        saved = self.collection.get_pref(PREF_GEOMETRY)
        if saved:
            try:
                self.restoreGeometry(QByteArray(base64.b64decode(saved)))
            except ValueError:  # a damaged preference only costs the position
                log.warning("damaged window position preference ignored")

    def save_geometry(self) -> None:
        """Remember size and position for next time."""
        data = bytes(self.saveGeometry().data())
        try:
            self.collection.set_pref(PREF_GEOMETRY, base64.b64encode(data).decode("ascii"))
        except Exception:  # losing the window position must not block quitting
            log.warning("window position not saved", exc_info=True)

    # -- sync ---------------------------------------------------------------------------

    @property
    def syncing(self) -> SyncController:
        """What File > Sync and Sync settings do (made on first use)."""
        if self._syncing is None:
            from rapport.ui.sync_ui import SyncController

            self._syncing = SyncController(
                self,
                self.collection,
                self._after_sync,
                authoring=lambda: self.authoring,
                reload=self.refresh_decks,
            )
        return self._syncing

    def sync_now(self, *, quiet: bool = False) -> bool:
        """File > Sync (Ctrl+Y): sync with the sync server (see :mod:`rapport.sync`)."""
        return self.syncing.sync(quiet=quiet)

    def sync_settings(self) -> bool:
        """File > Sync settings: the server, the account, sync on open and close."""
        done = self.syncing.settings()
        self._after_sync()
        return done

    def _after_sync(self) -> None:
        self.home.show_sync_line()
        if self.current_view_name() == "home":
            self.home.refresh()

    def closeEvent(self, event: QCloseEvent) -> None:
        from rapport.sync.account import current_account

        account = current_account(self.collection.data_dir)
        if account.logged_in and account.on_open_close:
            self.sync_now(quiet=True)
        self.save_geometry()
        # A view's background work (statistics) never outlives the window: its thread
        # emits to the view, which Qt may delete once the window is gone.
        for widget in self._views.values():
            if widget is not None and hasattr(widget, "finish_work"):
                widget.finish_work()
        super().closeEvent(event)
