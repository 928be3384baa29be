"""Tags: the ``note_tags`` study gives notes (``marked``, ``leech``), and the cards' own
tags (``card_tags``, stored with their text) as Browse lists them."""

from __future__ import annotations

from rapport.store.connection import StoreBase


class StudyTags(StoreBase):
    """The tags of notes and cards."""

    def note_tags(self, deck_id: str, note_id: str) -> set[str]:
        """The tags study gave a note (``marked``, ``leech``)."""
        rows = self._conn.execute(
            "SELECT tag FROM note_tags WHERE deck_id = ? AND note_id = ?", (deck_id, note_id)
        )
        return {str(row[0]) for row in rows}

    def set_note_tag(self, deck_id: str, note_id: str, tag: str, present: bool) -> None:
        """Give a note the study tag ``tag``, or take it away."""
        with self._write() as conn:
            if present:
                conn.execute(
                    "INSERT OR IGNORE INTO note_tags (deck_id, note_id, tag) VALUES (?, ?, ?)",
                    (deck_id, note_id, tag),
                )
            else:
                conn.execute(
                    "DELETE FROM note_tags WHERE deck_id = ? AND note_id = ? AND tag = ?",
                    (deck_id, note_id, tag),
                )

    def browse_tags(self) -> list[str]:
        """Every tag of a present card (deck tags and the tags study gave), sorted."""
        rows = self._conn.execute(
            "SELECT tag FROM card_tags UNION SELECT tag FROM note_tags ORDER BY 1"
        )
        return [row[0] for row in rows]
