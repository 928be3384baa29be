"""The look of the app: Fusion style, a light and a dark palette, one stylesheet.

The theme follows the system colour scheme (``QStyleHints.colorScheme``) unless the
trainee picks light or dark in the settings. Colours that carry meaning (new, learning,
due; right and wrong) live here so every view uses the same ones, as Anki does.
"""

from __future__ import annotations

from typing import NamedTuple

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QFont, QPalette
from PySide6.QtWidgets import QApplication

THEMES = ("system", "light", "dark")
# The preferences (stored in the collection) that choose the look.
PREF_THEME = "theme"
PREF_FONT_SIZE = "font_size"
DEFAULT_FONT_SIZE = 18  # the card text, in points
# The rest of the interface (Browse's headers, the search box, statistics labels) keeps
# this size whatever the card font size: a large card font must not crop the chrome.
UI_FONT_SIZE = max(10, round(DEFAULT_FONT_SIZE * 0.62))
TITLE_FONT_SIZE = round(DEFAULT_FONT_SIZE * 1.35)
MIN_FONT_SIZE = 10
MAX_FONT_SIZE = 40
CARD_FONTS = ["Noto Serif", "Georgia", "DejaVu Serif", "Nimbus Roman", "serif"]


# A named tuple: see "Start-up budget" in tests/benchmarks/README.md.
class Colours(NamedTuple):
    """The colours of one theme."""

    dark: bool
    window: str
    base: str
    alt_base: str
    text: str
    muted: str
    accent: str
    primary: str  # filled buttons and selection, under white text
    border: str
    new: str
    learning: str
    due: str
    good: str
    bad: str
    missed: str
    highlight_bg: str


LIGHT = Colours(
    dark=False,
    window="#f4f3ef",
    base="#ffffff",
    alt_base="#f8f7f4",
    text="#1f2328",
    muted="#6a737d",
    accent="#2f6fde",
    primary="#2f6fde",
    border="#d4d2cc",
    new="#1c64d8",
    learning="#c2410c",
    due="#1a7f37",
    good="#1a7f37",
    bad="#c62828",
    missed="#8b949e",
    highlight_bg="#fff3c4",
)

DARK = Colours(
    dark=True,
    window="#1e1f22",
    base="#2b2d31",
    alt_base="#26282b",
    text="#e6e6e6",
    muted="#9aa0a6",
    accent="#6ea8fe",
    primary="#2f62c0",
    border="#3c3f44",
    new="#6ea8fe",
    learning="#ff9e64",
    due="#5fd07a",
    good="#5fd07a",
    bad="#ff6b6b",
    missed="#8b949e",
    highlight_bg="#4a4120",
)

_current: Colours = LIGHT
# What apply_theme last put in force: the app, its colours and the font size.
_applied: tuple[QApplication, Colours, int] | None = None


def colours() -> Colours:
    """The colours of the theme in force."""
    return _current


def system_is_dark(app: QApplication) -> bool:
    """Whether the platform asks for a dark colour scheme."""
    return app.styleHints().colorScheme() == Qt.ColorScheme.Dark


def resolve(theme: str, app: QApplication) -> Colours:
    """The colours for a theme setting: ``system``, ``light`` or ``dark``."""
    if theme == "dark":
        return DARK
    if theme == "light":
        return LIGHT
    return DARK if system_is_dark(app) else LIGHT


def _palette(c: Colours) -> QPalette:
    p = QPalette()
    role = QPalette.ColorRole
    p.setColor(role.Window, QColor(c.window))
    p.setColor(role.WindowText, QColor(c.text))
    p.setColor(role.Base, QColor(c.base))
    p.setColor(role.AlternateBase, QColor(c.alt_base))
    p.setColor(role.Text, QColor(c.text))
    p.setColor(role.Button, QColor(c.base))
    p.setColor(role.ButtonText, QColor(c.text))
    p.setColor(role.ToolTipBase, QColor(c.base))
    p.setColor(role.ToolTipText, QColor(c.text))
    p.setColor(role.PlaceholderText, QColor(c.muted))
    p.setColor(role.Highlight, QColor(c.primary))
    p.setColor(role.HighlightedText, QColor("#ffffff"))
    p.setColor(role.Link, QColor(c.accent))
    p.setColor(role.BrightText, QColor(c.bad))
    disabled = QPalette.ColorGroup.Disabled
    for r in (role.WindowText, role.Text, role.ButtonText):
        p.setColor(disabled, r, QColor(c.muted))
    return p


def stylesheet(c: Colours, font_size: int) -> str:
    """The app stylesheet; ``font_size`` is the card text size in points, which only the
    card's own widgets take (the card view sets its font itself)."""
    ui = UI_FONT_SIZE
    big = TITLE_FONT_SIZE
    return f"""
QWidget {{ font-size: {ui}pt; }}
QMainWindow, QDialog {{ background: {c.window}; }}
QPushButton {{
    background: {c.base}; color: {c.text}; border: 1px solid {c.border};
    border-radius: 6px; padding: 6px 14px; min-height: 1.6em;
}}
QPushButton:hover {{ border-color: {c.accent}; }}
QPushButton:focus {{ border: 2px solid {c.accent}; padding: 5px 13px; }}
QPushButton:disabled {{ color: {c.muted}; }}
QPushButton[role="primary"] {{
    background: {c.primary}; color: #ffffff; border-color: {c.primary};
}}
QPushButton[role="again"] {{ color: {c.bad}; }}
QPushButton[role="hard"] {{ color: {c.muted}; }}
QPushButton[role="good"] {{ color: {c.good}; }}
QPushButton[role="easy"] {{ color: {c.accent}; }}
QPushButton[role="row"] {{ padding: 2px 14px; min-height: 1.2em; }}
QPushButton[role="row"]:focus {{ padding: 1px 13px; }}
QPushButton[rating="true"] {{ min-width: 7em; padding: 8px 16px; }}
QPushButton[rating="true"]:focus {{ padding: 7px 15px; }}
QPushButton[rating="true"][default="true"] {{ border: 2px solid {c.accent}; padding: 7px 15px; }}
QLabel[role="title"] {{ font-size: {big}pt; font-weight: 600; }}
QLabel[role="muted"] {{ color: {c.muted}; }}
QLabel[role="new"] {{ color: {c.new}; font-weight: 600; }}
QLabel[role="learning"] {{ color: {c.learning}; font-weight: 600; }}
QLabel[role="due"] {{ color: {c.due}; font-weight: 600; }}
QLabel[role="banner"] {{
    background: {c.highlight_bg}; border: 1px solid {c.border}; border-radius: 6px;
    padding: 8px 12px;
}}
QFrame#welcome {{
    background: {c.base}; border: 1px solid {c.accent}; border-radius: 8px;
}}
QTreeWidget, QTextBrowser, QLineEdit {{
    background: {c.base}; border: 1px solid {c.border}; border-radius: 6px;
}}
QTreeWidget::item {{ padding: 6px 4px; }}
QTextBrowser#card {{ border: none; background: {c.base}; }}
QFrame#cardFrame {{ background: {c.base}; border: 1px solid {c.border}; border-radius: 10px; }}
QLineEdit {{ padding: 6px 8px; }}
QSpinBox, QDoubleSpinBox, QComboBox {{ padding: 4px 6px; }}
QGroupBox {{ font-weight: 600; border: 1px solid {c.border}; border-radius: 8px;
    margin-top: 1.2em; padding: 12px 10px 8px 10px; }}
QGroupBox::title {{ subcontrol-origin: margin; left: 10px; padding: 0 4px; }}
QLineEdit#typedAnswer {{ font-size: {font_size}pt; }}
QProgressBar {{
    border: none; background: {c.border}; border-radius: 3px; max-height: 6px;
}}
QProgressBar::chunk {{ background: {c.primary}; border-radius: 3px; }}
"""


def card_font(font_size: int) -> QFont:
    """The font of card text: a readable serif at the chosen size."""
    font = QFont()
    font.setFamilies(CARD_FONTS)
    font.setPointSize(font_size)
    return font


def apply_theme(
    app: QApplication, theme: str = "system", font_size: int = DEFAULT_FONT_SIZE
) -> Colours:
    """Style the whole app: Fusion, the palette of ``theme``, the stylesheet.

    Applying the look already in force does nothing: a new app style sheet makes Qt
    re-polish every widget, which start-up cannot afford twice.
    """
    global _current, _applied
    colours_ = resolve(theme, app)
    if _applied == (app, colours_, font_size):
        return colours_
    _current = colours_
    if app.style().name().lower() != "fusion":
        app.setStyle("Fusion")
    app.setPalette(_palette(_current))
    app.setStyleSheet(stylesheet(_current, font_size))
    _applied = (app, colours_, font_size)
    return _current


def ensure_theme(app: QApplication) -> None:
    """Apply the default look if none is in force yet (for a dialog shown before the
    trainee's preferences can be read, such as a damaged-database question)."""
    if _applied is None or _applied[0] is not app:
        apply_theme(app)


def clamp_font_size(value: int | str | None) -> int:
    """A usable card font size from a stored preference."""
    try:
        size = int(value) if value is not None else DEFAULT_FONT_SIZE
    except ValueError:
        size = DEFAULT_FONT_SIZE
    return max(MIN_FONT_SIZE, min(MAX_FONT_SIZE, size))
