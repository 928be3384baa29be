"""Accessibility with numbers, in the light and the dark theme.

* Contrast, measured from the theme's colours by WCAG 2's relative luminance: text at
  least 4.5:1 against every background it is drawn on, the edges of controls and the
  focus ring at least 3:1.
* Every focusable control of every view and dialog has a name a screen reader reads
  (Qt's accessible name: its own, its text, or its label's), and shows when it has the
  keyboard focus (its picture changes).
* Every chart has a name and a description in words; the F1 list fits its window.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtGui import QAccessible
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractScrollArea,
    QApplication,
    QDialog,
    QWidget,
)
from pytestqt.qtbot import QtBot

from rapport.study import Collection
from rapport.study.cardops import card_info
from rapport.ui import theme
from rapport.ui.browse import BrowseView, flag_tint
from rapport.ui.main_window import MainWindow
from tests.support.clock import Clock

TEXT = 4.5
CONTROL = 3.0


def luminance(colour: str) -> float:
    """WCAG 2's relative luminance of ``#rrggbb``."""
    channels = [int(colour.lstrip("#")[i : i + 2], 16) / 255 for i in (0, 2, 4)]
    r, g, b = (c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a: str, b: str) -> float:
    light, dark = sorted((luminance(a), luminance(b)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def test_wcag_contrast_formula() -> None:
    assert contrast("#000000", "#ffffff") == pytest.approx(21.0)
    assert contrast("#777777", "#ffffff") == pytest.approx(4.48, abs=0.01)


@pytest.fixture(params=["light", "dark"])
def look(request: pytest.FixtureRequest, qapp: QApplication) -> Iterator[theme.Colours]:
    colours = theme.apply_theme(qapp, request.param)
    yield colours
    theme.apply_theme(qapp, "light")


def _pairs(c: theme.Colours) -> tuple[list[tuple[str, str, str]], list[tuple[str, str, str]]]:
    """(text pairs, control pairs): (what, foreground, background)."""
    grounds = {"window": c.window, "base": c.base, "alt_base": c.alt_base}
    text = []
    for ground, colour in grounds.items():
        for name in ("text", "muted", "accent", "new", "learning", "due", "good", "bad"):
            text.append((f"{name} on {ground}", getattr(c, name), colour))
        for flag, hue in theme.flag_colours(c).items():
            text.append((f"flag {flag} on {ground}", hue, colour))
    text.append(("missed letters on the card", c.missed, c.base))
    for name in ("text", "muted", "bad"):  # the banner; suspended rows in Browse
        text.append((f"{name} on highlight", getattr(c, name), c.highlight_bg))
    text.append(("button text on primary", "#ffffff", c.primary))
    text.append(("tick on a ticked box", c.on_accent, c.accent))
    controls = []
    for ground in ("window", "base"):
        controls.append((f"control edge on {ground}", c.control, grounds[ground]))
        controls.append((f"focus ring on {ground}", c.accent, grounds[ground]))
        controls.append((f"ticked box on {ground}", c.accent, grounds[ground]))
        controls.append((f"focus ring of a primary button on {ground}", c.text, grounds[ground]))
    controls.append(("focus ring on a primary button", c.text, c.primary))
    return text, controls


def test_theme_colours_meet_wcag_contrast(look: theme.Colours) -> None:
    text, controls = _pairs(look)
    low = [f"{what}: {contrast(fg, bg):.2f}" for what, fg, bg in text if contrast(fg, bg) < TEXT]
    low += [
        f"{what}: {contrast(fg, bg):.2f}" for what, fg, bg in controls if contrast(fg, bg) < CONTROL
    ]
    assert not low, low


def test_flagged_rows_keep_their_text_readable(look: theme.Colours) -> None:
    for flag in theme.flag_colours(look):
        tint = flag_tint(flag).name()
        assert contrast(look.text, tint) >= TEXT, (flag, tint)


# -- names and focus ---------------------------------------------------------------


def _focusable(top: QWidget) -> list[QWidget]:
    """The controls of ``top`` that take the keyboard focus and show."""
    out = []
    for widget in top.findChildren(QWidget):
        if widget.objectName().startswith("qt_") or not widget.isVisibleTo(top):
            continue
        if widget.focusPolicy() & widget.focusPolicy().TabFocus and widget.isEnabled():
            out.append(widget)
    return out


def _name(widget: QWidget) -> str:
    interface = QAccessible.queryAccessibleInterface(widget)
    return interface.text(QAccessible.Text.Name) if interface is not None else ""


def _unnamed(top: QWidget) -> list[str]:
    return [
        f"{w.metaObject().className()} {w.objectName()!r} in {type(top).__name__}"
        for w in _focusable(top)
        if not _name(w).strip()
    ]


def _focus_hidden(qtbot: QtBot, top: QWidget) -> list[str]:
    """The focusable controls whose picture does not change when they take the focus."""
    hidden = []
    window = top.window()
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
    for widget in _focusable(top):
        if not widget.isVisible() or widget.width() < 4:
            continue
        widget.clearFocus()
        QApplication.processEvents()
        before = widget.grab().toImage()
        widget.setFocus()
        QApplication.processEvents()
        assert widget.hasFocus(), widget
        after = widget.grab().toImage()
        if before == after:
            hidden.append(f"{type(widget).__name__} {_name(widget)!r} in {type(top).__name__}")
    return hidden


@pytest.fixture
def window(qtbot: QtBot, collection: Collection, clock: Clock) -> MainWindow:
    window = MainWindow(collection, (), clock, deck_dirs=[])
    qtbot.addWidget(window)
    window.resize(1100, 760)
    window.show()
    qtbot.waitExposed(window)
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
    return window


def _views(window: MainWindow, qtbot: QtBot) -> Iterator[QWidget]:
    """Every view of the window, shown in turn, with its controls in use."""
    window.show_view("home")
    yield window.home
    window.start_review(["kinds"])
    yield window.review
    browse = window.show_view("browse")
    assert isinstance(browse, BrowseView)
    browse.table.selectRow(0)
    yield browse
    stats = window.show_view("stats")
    qtbot.waitUntil(lambda: bool(getattr(stats, "charts", None)), timeout=10_000)
    yield stats
    yield window.show_view("practice")


def _dialogs(window: MainWindow, collection: Collection, clock: Clock) -> Iterator[QDialog]:
    from rapport.ui.card_info import CardInfoDialog
    from rapport.ui.deck_options import DeckOptionsDialog
    from rapport.ui.dialogs import ShortcutsDialog
    from rapport.ui.reposition_dialog import RepositionDialog
    from rapport.ui.settings import SettingsDialog

    card_id = collection.require_id(collection.decks[0].cards()[0])
    yield SettingsDialog(collection, window)
    yield DeckOptionsDialog(collection, "kinds", window)
    yield ShortcutsDialog(window)
    yield CardInfoDialog(card_info(collection, card_id, clock()), window)
    yield RepositionDialog(window)
    from rapport.ui.custom_study import CustomStudyDialog
    from rapport.ui.export_dialog import ExportDialog
    from rapport.ui.note_editor import NoteEditor

    yield CustomStudyDialog(["alliance-definition"], window)
    yield ExportDialog(collection.decks, collection.data_dir, window)
    window.authoring.new_deck("Mine", [d.id for d in collection.decks])
    window.refresh_decks()
    own = window.authoring.own_decks(window.collection.decks)
    yield NoteEditor(window.authoring, own, deck=own[0], parent=window)


def test_every_control_is_named_and_shows_its_focus(
    look: theme.Colours, window: MainWindow, collection: Collection, clock: Clock, qtbot: QtBot
) -> None:
    unnamed: list[str] = []
    hidden: list[str] = []
    seen = 0
    for view in _views(window, qtbot):
        QApplication.processEvents()
        seen += len(_focusable(view))
        unnamed += _unnamed(view)
        hidden += _focus_hidden(qtbot, view)
    for dialog in _dialogs(window, collection, clock):
        dialog.show()
        qtbot.waitExposed(dialog)
        seen += len(_focusable(dialog))
        unnamed += _unnamed(dialog)
        hidden += _focus_hidden(qtbot, dialog)
        dialog.close()
    assert seen > 40  # the walk found the controls
    assert not unnamed, unnamed
    assert not hidden, hidden


def test_every_chart_has_a_text_alternative(
    window: MainWindow, qtbot: QtBot, look: theme.Colours
) -> None:
    stats = window.show_view("stats")
    qtbot.waitUntil(lambda: bool(getattr(stats, "charts", None)), timeout=10_000)
    charts = stats.charts  # type: ignore[attr-defined]
    tables = stats.tables  # type: ignore[attr-defined]
    assert len(charts) >= 4
    for name, view in charts.items():
        assert view.accessibleName()  # named, and its figures as a table beside it
        assert tables[name].accessibleName(), name


def test_the_shortcut_list_fits_its_window(window: MainWindow, qtbot: QtBot) -> None:
    from rapport.ui.dialogs import ShortcutsDialog

    dialog = ShortcutsDialog(window)
    dialog.show()
    qtbot.waitExposed(dialog)
    table = dialog.table
    assert not table.verticalScrollBar().isVisible()
    assert not table.horizontalScrollBar().isVisible()
    assert table.sizeHintForColumn(0) <= table.columnWidth(0)  # "Where" never cut
    for row in range(table.rowCount()):  # every line wraps whole inside its row
        assert table.sizeHintForRow(row) <= table.rowHeight(row), table.item(row, 1)
    header = table.horizontalHeader()
    assert header.length() <= table.viewport().width() + 1
    assert isinstance(table, QAbstractScrollArea)
    assert all(isinstance(b, QAbstractButton) for b in dialog.findChildren(QAbstractButton))


def test_the_current_queue_count_is_underlined_and_flags_coloured(
    window: MainWindow, qtbot: QtBot, look: theme.Colours
) -> None:
    from PySide6.QtCore import Qt

    window.start_review(["kinds"])
    review = window.review
    text = review.counts_label.text()
    assert text.count("<u>") == 1
    assert f'color:{look.new}"><u><b>' in text  # a new card: the new count, as Anki
    assert "this card is new" in review.counts_label.accessibleDescription()
    qtbot.keyClick(review, Qt.Key.Key_2, Qt.KeyboardModifier.ControlModifier)  # orange flag
    assert f"color:{theme.flag_colours(look)[2]}" in review.marks_label.text()
