"""The ``settings`` (the "Default" preset), ``presets``, ``deck_presets`` and ``prefs``
tables: the trainee's choices, as strings the study layer reads."""

from __future__ import annotations

from collections.abc import Mapping

from rapport.store.connection import StoreBase


class Preferences(StoreBase):
    """Settings, presets and preferences."""

    def settings(self) -> dict[str, str]:
        return dict(self._conn.execute("SELECT key, value FROM settings"))

    def replace_settings(self, values: Mapping[str, str]) -> None:
        with self._write() as conn:
            conn.execute("DELETE FROM settings")
            conn.executemany("INSERT INTO settings (key, value) VALUES (?, ?)", values.items())

    def presets(self) -> dict[str, str]:
        """The named presets other than "Default" (that is :meth:`settings`): name ->
        its settings as a JSON object of the :meth:`settings` strings."""
        rows = self._conn.execute("SELECT name, value FROM presets")
        return {str(name): str(value) for name, value in rows}

    def save_preset(self, name: str, value: str) -> None:
        with self._write() as conn:
            conn.execute(
                "INSERT INTO presets (name, value) VALUES (?, ?) "
                "ON CONFLICT (name) DO UPDATE SET value = excluded.value",
                (name, value),
            )

    def delete_preset(self, name: str) -> None:
        """Remove a preset; the decks that used it go back to "Default"."""
        with self._write() as conn:
            conn.execute("DELETE FROM presets WHERE name = ?", (name,))
            conn.execute("DELETE FROM deck_presets WHERE preset = ?", (name,))

    def deck_presets(self) -> dict[str, str]:
        """Deck id -> the name of the preset it uses (decks using "Default" are absent)."""
        rows = self._conn.execute("SELECT deck_id, preset FROM deck_presets")
        return {str(deck_id): str(preset) for deck_id, preset in rows}

    def set_deck_preset(self, deck_id: str, preset: str | None) -> None:
        """Make deck ``deck_id`` use ``preset`` (``None``: "Default")."""
        with self._write() as conn:
            if preset is None:
                conn.execute("DELETE FROM deck_presets WHERE deck_id = ?", (deck_id,))
            else:
                conn.execute(
                    "INSERT INTO deck_presets (deck_id, preset) VALUES (?, ?) "
                    "ON CONFLICT (deck_id) DO UPDATE SET preset = excluded.preset",
                    (deck_id, preset),
                )

    def pref(self, key: str) -> str | None:
        row = self._conn.execute("SELECT value FROM prefs WHERE key = ?", (key,)).fetchone()
        return None if row is None else str(row[0])

    def set_pref(self, key: str, value: str) -> None:
        with self._write() as conn:
            conn.execute(
                "INSERT INTO prefs (key, value) VALUES (?, ?) "
                "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                (key, value),
            )
