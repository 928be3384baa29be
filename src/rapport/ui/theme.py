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

from rapport.paths import resources_dir

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
    # The edge of an interactive control (a text box, a check box, a radio button), at
    # least 3:1 against the window and the base (WCAG 1.4.11); ``border`` only decorates.
    control: str = "#767d86"
    on_accent: str = "#ffffff"  # the tick on a ticked check box (filled with ``accent``)


LIGHT = Colours(
    dark=False,
    window="#f4f3ef",
    base="#ffffff",
    alt_base="#f8f7f4",
    text="#1f2328",
    muted="#5f6670",
    accent="#2a62c9",
    primary="#2f6fde",
    border="#d4d2cc",
    new="#1c64d8",
    learning="#c2410c",
    due="#1a7f37",
    good="#1a7f37",
    bad="#c62828",
    missed="#656d77",
    highlight_bg="#fff3c4",
    control="#767d86",
    on_accent="#ffffff",
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
    missed="#969ea8",
    highlight_bg="#36301a",
    control="#7d838c",
    on_accent="#1e1f22",
)

_current: Colours = LIGHT
# What apply_theme last put in force: the app, its colours and the font size.
_applied: tuple[QApplication, Colours, int] | None = None


def colours() -> Colours:
    """The colours of the theme in force."""
    return _current


# Anki's flag hues, darkened or lightened to read as text on each theme's base (WCAG AA).
_FLAGS_LIGHT = {1: "#c62828", 2: "#b45309", 3: "#1a7f37", 4: "#1c64d8"}
_FLAGS_DARK = {1: "#ff6b6b", 2: "#ffa657", 3: "#5fd07a", 4: "#6ea8fe"}


def flag_colours(c: Colours | None = None) -> dict[int, str]:
    """The colour of each flag (1 red, 2 orange, 3 green, 4 blue) in a theme."""
    return dict(_FLAGS_DARK if (c or _current).dark else _FLAGS_LIGHT)


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


def _resource(c: Colours, name: str) -> str:
    """A small picture of the theme (``check``, ``arrow-up``...), as a stylesheet url."""

    return (resources_dir() / f"{name}-{'dark' if c.dark else 'light'}.svg").as_posix()


def stylesheet(c: Colours, font_size: int) -> str:
    """The app stylesheet; ``font_size`` is the card text size in points, which only the
    card's own widgets take (the card view sets its font itself).

    Every control that takes the keyboard shows it: a 2px ``accent`` ring (at least 3:1
    against the window and the base in both themes, see tests/unit/ui/test_accessibility.py).
    """
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
QPushButton[role="primary"]:disabled {{
    background: {c.base}; color: {c.muted}; border-color: {c.border};
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
QLineEdit, QSpinBox, QDoubleSpinBox, QComboBox, QPlainTextEdit, QTextEdit {{
    border: 1px solid {c.control}; border-radius: 6px; background: {c.base};
}}
QPushButton {{ border-color: {c.control}; }}
QTreeWidget, QTreeView, QTableView, QListWidget, QListView, QTextBrowser {{
    border: 1px solid {c.border}; border-radius: 6px;
}}
QLineEdit:focus, QSpinBox:focus, QDoubleSpinBox:focus, QComboBox:focus,
QPlainTextEdit:focus, QTextEdit:focus, QTreeWidget:focus, QTreeView:focus,
QTableView:focus, QListWidget:focus, QListView:focus, QTextBrowser:focus {{
    border: 2px solid {c.accent};
}}
QTextBrowser#card:focus {{ border: 2px solid {c.accent}; }}
QCheckBox, QRadioButton {{ spacing: 8px; padding: 2px; border: 2px solid transparent;
    border-radius: 4px; }}
QCheckBox:focus, QRadioButton:focus {{ border: 2px solid {c.accent}; }}
QCheckBox::indicator, QRadioButton::indicator {{
    width: 14px; height: 14px; border: 1px solid {c.control}; background: {c.base};
}}
QCheckBox::indicator {{ border-radius: 3px; }}
QRadioButton::indicator {{ border-radius: 8px; }}
QCheckBox::indicator:checked {{
    background: {c.accent}; border-color: {c.accent}; image: url("{_resource(c, "check")}");
}}
QRadioButton::indicator:checked {{
    border: 1px solid {c.accent};
    background: qradialgradient(cx:0.5, cy:0.5, radius:0.5, fx:0.5, fy:0.5,
        stop:0 {c.accent}, stop:0.55 {c.accent}, stop:0.65 {c.base}, stop:1 {c.base});
}}
QCheckBox::indicator:disabled, QRadioButton::indicator:disabled {{ border-color: {c.border}; }}
QLabel[role="error"] {{ color: {c.bad}; }}
QPushButton[role="primary"]:focus {{ border: 2px solid {c.text}; padding: 5px 13px; }}
QSpinBox::up-button, QDoubleSpinBox::up-button, QSpinBox::down-button,
QDoubleSpinBox::down-button {{
    subcontrol-origin: border; width: 18px; border-left: 1px solid {c.border};
}}
QSpinBox::up-button, QDoubleSpinBox::up-button {{ subcontrol-position: top right; }}
QSpinBox::down-button, QDoubleSpinBox::down-button {{ subcontrol-position: bottom right; }}
QSpinBox::up-arrow, QDoubleSpinBox::up-arrow {{
    image: url("{_resource(c, "arrow-up")}"); width: 10px; height: 6px;
}}
QSpinBox::down-arrow, QDoubleSpinBox::down-arrow {{
    image: url("{_resource(c, "arrow-down")}"); width: 10px; height: 6px;
}}
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
