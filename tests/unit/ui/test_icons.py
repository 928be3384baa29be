"""The application icon: the committed PNGs are the SVG as Qt renders it today (run
``make icons`` after editing the SVG), and the window icon carries every size."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSize
from PySide6.QtGui import QImage
from pytestqt.qtbot import QtBot

from rapport.desktop import ICON_SIZES, ICON_SVG, icon_png, icons_dir
from rapport.ui.icons import app_icon, main, render


def test_committed_pngs_match_the_svg(qtbot: QtBot) -> None:
    for size in ICON_SIZES:
        fresh = render(icons_dir() / ICON_SVG, size)
        committed = QImage(str(icon_png(size))).convertToFormat(fresh.format())
        assert committed.size() == QSize(size, size)
        assert committed == fresh, f"{icon_png(size).name} is stale: run make icons"


def test_the_icon_is_drawn_not_blank(qtbot: QtBot) -> None:
    image = render(icons_dir() / ICON_SVG, 64)
    corner = image.pixelColor(0, 0)
    middle = image.pixelColor(32, 32)
    assert corner.alpha() == 0  # rounded square: transparent corners
    assert middle.alpha() == 255 and middle != image.pixelColor(32, 6)


def test_window_icon_has_every_size(qtbot: QtBot) -> None:
    sizes = {s.width() for s in app_icon().availableSizes()}
    assert sizes == set(ICON_SIZES)


def test_make_icons_writes_every_size(qtbot: QtBot, tmp_path: Path) -> None:
    assert main([str(tmp_path)]) == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(
        f"rapport-{s}.png" for s in ICON_SIZES
    )
