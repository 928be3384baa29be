"""Rapport's application icon: rendered from its SVG, and given to the app's windows.

``python -m rapport.ui.icons`` (``make icons``) renders ``resources/icons/rapport.svg`` to
the PNG sizes desktops use (:data:`rapport.desktop.ICON_SIZES`) beside it, with Qt's
own SVG renderer; a test checks that the committed PNGs are what it renders today.
"""

from __future__ import annotations

import sys
from pathlib import Path

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QIcon, QImage, QPainter

from rapport.desktop import ICON_SIZES, ICON_SVG, icon_png, icons_dir


def render(svg: Path, size: int) -> QImage:
    """``svg`` drawn at ``size`` x ``size`` pixels on a transparent ground."""
    from PySide6.QtSvg import QSvgRenderer

    renderer = QSvgRenderer(str(svg))
    if not renderer.isValid():
        raise ValueError(f"{svg}: not an SVG image Qt can draw")
    image = QImage(size, size, QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
    renderer.render(painter)
    painter.end()
    return image.convertToFormat(QImage.Format.Format_ARGB32)


def render_all(svg: Path, out_dir: Path) -> list[Path]:
    """Write ``rapport-N.png`` for every size into ``out_dir``; the files written."""
    written = []
    for size in ICON_SIZES:
        path = out_dir / f"rapport-{size}.png"
        if not render(svg, size).save(str(path)):  # PNG, from the suffix
            raise OSError(f"cannot write {path}")
        written.append(path)
    return written


def app_icon() -> QIcon:
    """The window icon: every shipped PNG size (the desktop picks the one it needs)."""
    icon = QIcon()
    for size in ICON_SIZES:
        icon.addFile(str(icon_png(size)), QSize(size, size))
    return icon


def main(argv: list[str]) -> int:
    """Render the PNGs beside the SVG (or into the folder given)."""
    out = Path(argv[0]) if argv else icons_dir()
    out.mkdir(parents=True, exist_ok=True)
    for path in render_all(icons_dir() / ICON_SVG, out):
        print(path)
    return 0


if __name__ == "__main__":
    from PySide6.QtGui import QGuiApplication

    _app = QGuiApplication(sys.argv[:1])
    sys.exit(main(sys.argv[1:]))
