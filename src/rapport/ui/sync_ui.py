"""File > Sync (Ctrl+Y, as in Anki) and File > Sync settings: the thin UI of
:mod:`rapport.sync`.

A sync runs on the GUI thread between two events, so it never runs in the middle of an
answer (the core refuses one inside a transaction as well). A full sync that Anki
requires is asked as Anki asks it: upload (this computer's copy wins) or download (the
server's wins). Errors are shown and kept for the status line on Home.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QVBoxLayout,
    QWidget,
)

from rapport.errors import RapportError
from rapport.study import Collection
from rapport.sync.account import Account, current_account, save_account
from rapport.sync.engine import login, sync

if TYPE_CHECKING:
    from rapport.content.editing.authoring import Authoring

log = logging.getLogger(__name__)


class SyncSettingsDialog(QDialog):
    """The sync server, the user name, the password (used once to log in, never kept)
    and whether to sync when Rapport opens and closes."""

    def __init__(self, account: Account, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Sync settings")
        self.setAccessibleName("Sync settings")
        layout = QVBoxLayout(self)
        intro = QLabel(
            "Sync your progress with Anki and AnkiDroid through a sync server: run "
            "python -m anki.syncserver on a computer you trust (see the README) and "
            "log in to it here with the same account as your phone. Media is not synced."
        )
        intro.setWordWrap(True)
        layout.addWidget(intro)
        form = QFormLayout()
        self.endpoint = QLineEdit(account.endpoint)
        self.endpoint.setPlaceholderText("http://192.168.1.10:8080/")
        self.endpoint.setAccessibleName("Sync server")
        self.username = QLineEdit(account.username)
        self.username.setAccessibleName("User name")
        self.password = QLineEdit()
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.password.setAccessibleName("Password")
        self.password.setPlaceholderText(
            "(logged in: leave empty)" if account.logged_in else "used once, never stored"
        )
        self.on_open_close = QCheckBox("Sync when Rapport opens and closes")
        self.on_open_close.setChecked(account.on_open_close)
        form.addRow("Sync &server:", self.endpoint)
        form.addRow("&User name:", self.username)
        form.addRow("&Password:", self.password)
        layout.addLayout(form)
        layout.addWidget(self.on_open_close)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)


class SyncController:
    """What File > Sync and File > Sync settings do for a main window."""

    def __init__(
        self,
        parent: QWidget,
        collection: Collection,
        after: Callable[[], None],
        *,
        ask_full: Callable[[], str | None] | None = None,
        authoring: Callable[[], Authoring] | None = None,
        reload: Callable[[], None] | None = None,
    ) -> None:
        self.parent = parent
        self.collection = collection
        self.after = after  # refresh the views (Home's status line)
        self.authoring = authoring  # where notes edited in Anki are saved
        self.reload = reload  # use the deck files as they now are
        self.ask_full = ask_full or self._ask_full
        self.running = False

    @property
    def data_dir(self) -> Path:
        return self.collection.data_dir

    def account(self) -> Account:
        return current_account(self.data_dir)

    def settings(self) -> bool:
        """File > Sync settings: log in (when a password is given) and save; True if
        the trainee pressed OK and it worked."""
        dialog = SyncSettingsDialog(self.account(), self.parent)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return False
        endpoint, username = dialog.endpoint.text().strip(), dialog.username.text().strip()
        try:
            if dialog.password.text():
                login(self.data_dir, endpoint, username, dialog.password.text())
            account = self.account()
            if (endpoint, username) != (account.endpoint, account.username):
                if not dialog.password.text():
                    raise RapportError("Give the password once to log in to a new server.")
            save_account(
                self.data_dir,
                Account(account.endpoint, account.username, dialog.on_open_close.isChecked()),
            )
        except RapportError as exc:
            QMessageBox.warning(self.parent, "Not logged in", str(exc))
            return False
        return True

    def sync(self, *, quiet: bool = False) -> bool:
        """File > Sync: sync now (asking for the settings first if not logged in).
        ``quiet`` (on open and close): errors go to the status line and the log only."""
        if self.running or self.collection.closed or self.collection.read_only:
            return False
        if not self.account().logged_in and (quiet or not self.settings()):
            return False
        self.running = True
        QGuiApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        try:
            sync(
                self.collection,
                self.data_dir,
                choose_full=self.ask_full,
                authoring=self.authoring() if self.authoring is not None else None,
                reload=self.reload,
            )
        except RapportError as exc:
            if not quiet:
                QMessageBox.warning(self.parent, "Sync failed", str(exc))
            return False
        finally:
            QGuiApplication.restoreOverrideCursor()
            self.running = False
            self.after()
        return True

    def _ask_full(self) -> str | None:
        box = QMessageBox(self.parent)
        box.setWindowTitle("Full sync")
        box.setText(
            "Anki needs a full sync: the server's collection and this computer's have "
            "both changed in a way it cannot merge. Which one should be kept?"
        )
        box.setInformativeText(
            "Upload: this computer's copy replaces the server's (your other devices then "
            "download it). Download: the server's replaces this computer's copy; your "
            "Rapport reviews are kept and sent again."
        )
        upload = box.addButton("&Upload", QMessageBox.ButtonRole.AcceptRole)
        download = box.addButton("&Download", QMessageBox.ButtonRole.DestructiveRole)
        box.addButton(QMessageBox.StandardButton.Cancel)
        box.exec()
        clicked = box.clickedButton()
        if clicked is upload:
            return "upload"
        if clicked is download:
            return "download"
        return None
