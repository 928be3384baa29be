"""Anki packages both ways: Rapport decks exported as ``.apkg`` packages that Anki
imports, renders and updates (with study progress if asked), and Anki packages imported
with their progress (:mod:`rapport.interop.anki.importer`, loaded only when used).

:func:`export_decks` is what ``rapport export`` and the UI's File > Export to Anki... call;
:func:`field_html` turns a deck field into safe HTML and may be reused by the UI.

The package half (genanki and its dependencies, about 90 ms to import) loads only when
first used, so that the app's start-up, which needs :func:`field_html` to show a card,
does not pay for it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from rapport.content.notes.html import field_html

if TYPE_CHECKING:
    from rapport.interop.anki.package import ExportError, ExportResult, Progress, export_decks

__all__ = ["ExportError", "ExportResult", "Progress", "export_decks", "field_html"]
_LAZY = {"ExportError", "ExportResult", "Progress", "export_decks"}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        from rapport.interop.anki import package

        return getattr(package, name)
    raise AttributeError(f"module 'rapport.interop.anki' has no attribute {name!r}")
