"""Anki export: Rapport decks as ``.apkg`` packages that Anki imports, renders and updates.

:func:`export_decks` is what ``rapport export`` and the UI's File > Export to Anki... call;
:func:`field_html` turns a deck field into safe HTML and may be reused by the UI.

The package half (genanki and its dependencies, about 90 ms to import) loads only when
first used, so that the app's start-up, which needs :func:`field_html` to show a card,
does not pay for it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from rapport.export.html import field_html

if TYPE_CHECKING:
    from rapport.export.package import ExportError, ExportResult, Progress, export_decks

__all__ = ["ExportError", "ExportResult", "Progress", "export_decks", "field_html"]
_LAZY = {"ExportError", "ExportResult", "Progress", "export_decks"}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        from rapport.export import package

        return getattr(package, name)
    raise AttributeError(f"module 'rapport.export' has no attribute {name!r}")
