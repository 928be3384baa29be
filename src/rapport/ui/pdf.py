"""Print a report's HTML to PDF with Qt's own PDF output (QPdfWriter and QTextDocument
from PySide6-Essentials: no other dependency).

Needs a QGuiApplication (the command line makes one on the offscreen platform, see
:func:`gui_application`). The PDF is made in memory and written with
:func:`rapport.interop.reports.save_report`, so a report killed while writing leaves
the old file or none, never half a PDF.
"""

from __future__ import annotations

import os
from pathlib import Path

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QMarginsF
from PySide6.QtGui import QGuiApplication, QPageLayout, QPageSize, QPdfWriter, QTextDocument

from rapport.interop.reports import save_report

RESOLUTION = 300  # dots per inch of the PDF's layout
MARGIN_MM = 15


def gui_application() -> QGuiApplication:
    """The running Qt application, or a new one on the offscreen platform (for the
    command line, which shows no window)."""
    app = QGuiApplication.instance()
    if isinstance(app, QGuiApplication):
        return app
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    return QGuiApplication(["rapport"])


def pdf_bytes(html: str, title: str) -> bytes:
    """``html`` printed to an A4 PDF."""
    gui_application()
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    writer = QPdfWriter(buffer)
    writer.setTitle(title)
    writer.setCreator("Rapport")
    writer.setResolution(RESOLUTION)
    margin = float(MARGIN_MM)
    writer.setPageLayout(
        QPageLayout(
            QPageSize(QPageSize.PageSizeId.A4),
            QPageLayout.Orientation.Portrait,
            QMarginsF(margin, margin, margin, margin),
            QPageLayout.Unit.Millimeter,
        )
    )
    document = QTextDocument()
    document.setHtml(html)
    document.print_(writer)
    del writer  # (ends the PDF)
    buffer.close()
    return bytes(data.data())


def write_pdf(html: str, path: Path, title: str) -> Path:
    """Print ``html`` to a PDF at ``path``: all of it or, on an error (an
    :class:`~rapport.interop.anki.package.ExportError` naming the file), nothing."""
    save_report(path, pdf_bytes(html, title))
    return path
