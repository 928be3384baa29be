"""Anki export: Rapport decks as ``.apkg`` packages that Anki imports, renders and updates.

:func:`export_decks` is what ``rapport export`` and the UI's File > Export to Anki... call;
:func:`field_html` turns a deck field into safe HTML and may be reused by the UI.
"""

from rapport.export.html import field_html
from rapport.export.package import ExportError, ExportResult, Progress, export_decks

__all__ = ["ExportError", "ExportResult", "Progress", "export_decks", "field_html"]
