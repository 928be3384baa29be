"""User-facing errors: every exception here carries text fit to show a trainee."""

from __future__ import annotations


class RapportError(Exception):
    """An error whose message can be shown to the user as it is."""
