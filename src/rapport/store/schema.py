"""The database schema and its forward migrations.

The schema version lives in ``PRAGMA user_version``. ``MIGRATIONS[i]`` takes a database
at version ``i`` to version ``i + 1``; each runs in its own transaction together with the
version bump, so a migration either happens completely or not at all. A database newer
than :data:`SCHEMA_VERSION` is refused rather than guessed at.

Version history:

1. ``cards`` (scheduling state per card identity), ``revlog`` (every answer, with the
   card's state before and after), ``settings`` (key/value; UI preferences were kept
   here under a ``pref.`` prefix).
2. UI preferences move to their own ``prefs`` table, so that resetting the scheduling
   settings never touches them; partial indexes serve the study queue (due learning and
   review cards, new cards in deck order) and ``revlog(time_us)`` serves the statistics.
3. ``synced_decks``: for each deck whose cards were last synced into ``cards``, the
   digest of its card identities then, so that opening an unchanged collection skips the
   sync (see :meth:`rapport.study.Collection.open`). Kept in the database it describes,
   it follows the cards through backups and restores; an older Rapport, which would sync
   without updating it, refuses this version.
4. Reviewer actions: ``cards.buried_until_us`` (a card buried by hand is hidden until then,
   the start of the next study day), ``cards.flag`` (0 none, 1-4 Anki's red, orange, green,
   blue) and ``note_tags``: tags the trainee's study adds to a note (``marked``, ``leech``),
   kept apart from the deck file's own tags, which the deck file owns.
5. ``cards_buried``: the cards ever buried by hand, so that the study queue finds those
   still buried without reading every card (the queue's own indexes then still cover
   it).
6. Browsing and statistics at scale: ``cards.reviews`` and ``cards.lapses`` (answers and
   lapses, kept with each card in the answer's own transaction, filled from the log here),
   ``card_text`` (each card's question, concept, kind and casefolded search text, so that
   Browse searches and sorts in SQLite) and ``deck_text`` (per deck: its name and the stamp
   of the deck file the text was taken from; a deck whose stamp differs has its text
   written again, see :meth:`rapport.study.Collection.refresh_text`).
7. Deck options presets, as Anki's: ``presets`` (a named set of scheduling settings, its
   values as in ``settings``, JSON) and ``deck_presets`` (the preset each deck uses; a deck
   not listed uses "Default"). The "Default" preset is the ``settings`` table itself, so
   the settings of an older database become the Default preset unchanged.
8. ``revlog.response``: the text a trainee typed in answer to a respond card (NULL for
   every other answer), shown beside the next response to the same card.
9. ``revlog.certainty`` (1 low, 2 mid, 3 high: what the trainee stated before the answer
   showed, in certainty-based marking; NULL otherwise) and ``revlog.picked`` (the id of
   the option picked on a choice card, NULL for other answers); a typed card's text goes
   into ``revlog.response``. See :mod:`rapport.study.calibration`.
10. Anki's search language: ``cards.added_us`` (when the card first came into the
    collection; an older card takes the time of its first answer, else the upgrade's),
    ``card_text.edited_us`` (when the card's text last changed) and ``card_tags`` (each
    card's deck tags, casefolded, for ``tag:`` with hierarchy and wildcards). The stored
    text is dropped to be written again (its search text now holds the text of every
    field of the note).
    ``cards.new_order``: a new card's place in the new-card queue when Browse's
    Reposition gave it one (``position`` stays the card's place in its deck file, which
    matching the cards to their rows relies on); the queue's index orders by
    ``coalesce(new_order, position)``.
11. ``revlog_hours``: the log summarised per whole UTC hour, kind of answer (0 learning,
    1 young review, 2 mature review, 3 relearning, as the statistics count them) and
    rating: answers and milliseconds taken. Kept by triggers on ``revlog`` in the
    transaction of whatever writes the log (an answer, its undo, an import, an undo step's
    before-image), filled from the log here, so that statistics of every deck read a year
    of answers without reading every answer (see :meth:`rapport.store.Store.answer_breakdown`).
    Not per deck: a trainee's answers spread over many decks in an hour, and the summary
    would be as long as the log; statistics of chosen decks read the log.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Sequence

from rapport.store.records import LAPSE_SQL

Migration = Callable[[sqlite3.Connection], None]
# The new-card queue's order (schema 10): a place Reposition gave, else the deck's order.
NEW_ORDER = "coalesce(new_order, position)"


def _v1(conn: sqlite3.Connection) -> None:
    conn.execute(
        """
        CREATE TABLE cards (
            id             INTEGER PRIMARY KEY,
            deck_id        TEXT    NOT NULL,
            note_id        TEXT    NOT NULL,
            ordinal        INTEGER NOT NULL,
            position       INTEGER NOT NULL,            -- order in its deck file
            present        INTEGER NOT NULL DEFAULT 1,  -- 0: the note left the deck file
            suspended      INTEGER NOT NULL DEFAULT 0,
            state          INTEGER NOT NULL DEFAULT 0,  -- 0 new, 1 learning, 2 review,
                                                        -- 3 relearning
            step           INTEGER,
            stability      REAL,
            difficulty     REAL,
            due_us         INTEGER,                     -- microseconds since the epoch, UTC
            last_review_us INTEGER,
            UNIQUE (deck_id, note_id, ordinal)
        )
        """
    )
    conn.execute(
        """
        CREATE TABLE revlog (
            id                    INTEGER PRIMARY KEY,
            card_id               INTEGER NOT NULL REFERENCES cards (id),
            time_us               INTEGER NOT NULL,
            rating                INTEGER NOT NULL,
            duration_ms           INTEGER NOT NULL,
            state_before          INTEGER NOT NULL,
            step_before           INTEGER,
            stability_before      REAL,
            difficulty_before     REAL,
            due_before_us         INTEGER,
            last_review_before_us INTEGER,
            state_after           INTEGER NOT NULL,
            step_after            INTEGER,
            stability_after       REAL,
            difficulty_after      REAL,
            due_after_us          INTEGER,
            last_review_after_us  INTEGER
        )
        """
    )
    conn.execute("CREATE INDEX revlog_card ON revlog (card_id)")
    conn.execute("CREATE INDEX cards_due ON cards (deck_id, due_us)")
    conn.execute("CREATE TABLE settings (key TEXT PRIMARY KEY, value TEXT NOT NULL)")


def _v2(conn: sqlite3.Connection) -> None:
    conn.execute("CREATE TABLE prefs (key TEXT PRIMARY KEY, value TEXT NOT NULL)")
    conn.execute(
        "INSERT INTO prefs (key, value) "
        "SELECT substr(key, 6), value FROM settings WHERE key LIKE 'pref.%'"
    )
    conn.execute("DELETE FROM settings WHERE key LIKE 'pref.%'")
    conn.execute("DROP INDEX cards_due")
    conn.execute(
        "CREATE INDEX cards_queue ON cards (deck_id, state, due_us) "
        "WHERE present = 1 AND suspended = 0"
    )
    conn.execute(
        "CREATE INDEX cards_new ON cards (deck_id, position) "
        "WHERE state = 0 AND present = 1 AND suspended = 0"
    )
    conn.execute("CREATE INDEX revlog_time ON revlog (time_us)")


def _v3(conn: sqlite3.Connection) -> None:
    conn.execute(
        "CREATE TABLE synced_decks (deck_id TEXT PRIMARY KEY, digest TEXT NOT NULL) WITHOUT ROWID"
    )


def _v4(conn: sqlite3.Connection) -> None:
    conn.execute("ALTER TABLE cards ADD COLUMN buried_until_us INTEGER")
    conn.execute("ALTER TABLE cards ADD COLUMN flag INTEGER NOT NULL DEFAULT 0")
    conn.execute(
        "CREATE TABLE note_tags (deck_id TEXT NOT NULL, note_id TEXT NOT NULL, "
        "tag TEXT NOT NULL, PRIMARY KEY (deck_id, note_id, tag)) WITHOUT ROWID"
    )


def _v5(conn: sqlite3.Connection) -> None:
    conn.execute(
        "CREATE INDEX cards_buried ON cards (deck_id, buried_until_us) "
        "WHERE buried_until_us IS NOT NULL"
    )


def _v6(conn: sqlite3.Connection) -> None:
    conn.execute("ALTER TABLE cards ADD COLUMN reviews INTEGER NOT NULL DEFAULT 0")
    conn.execute("ALTER TABLE cards ADD COLUMN lapses INTEGER NOT NULL DEFAULT 0")
    conn.execute(
        "UPDATE cards SET reviews = log.answers, lapses = log.lapses FROM ("
        f"SELECT card_id, COUNT(*) AS answers, SUM({LAPSE_SQL}) AS lapses "
        "FROM revlog GROUP BY card_id) AS log WHERE log.card_id = cards.id"
    )
    conn.execute(
        "CREATE TABLE card_text (card_id INTEGER PRIMARY KEY, question TEXT NOT NULL, "
        "concept TEXT NOT NULL, kind TEXT NOT NULL, search TEXT NOT NULL)"
    )
    conn.execute(
        "CREATE TABLE deck_text (deck_id TEXT PRIMARY KEY, name TEXT NOT NULL, "
        "stamp TEXT NOT NULL) WITHOUT ROWID"
    )
    # Browse's orders (ties broken by card id, which follows deck order), so that its
    # first page is read off an index rather than sorted.
    for name, key in (
        ("due", "(state = 0 OR due_us IS NULL), due_us"),
        ("interval", "COALESCE(due_us - last_review_us, -1)"),
        ("reviews", "reviews"),
        ("lapses", "lapses"),
        ("deck", "deck_id"),
    ):
        conn.execute(f"CREATE INDEX cards_browse_{name} ON cards ({key}) WHERE present = 1")
    for name, key in (
        ("question", "question COLLATE NOCASE"),
        ("concept", "concept"),  # (concept ids are lower-case; statistics group by it)
        ("kind", "kind"),
    ):
        conn.execute(f"CREATE INDEX card_text_{name} ON card_text ({key})")
    conn.execute("CREATE INDEX deck_text_name ON deck_text (name COLLATE NOCASE)")


def _v7(conn: sqlite3.Connection) -> None:
    conn.execute("CREATE TABLE presets (name TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID")
    conn.execute(
        "CREATE TABLE deck_presets (deck_id TEXT PRIMARY KEY, preset TEXT NOT NULL) WITHOUT ROWID"
    )


def _v8(conn: sqlite3.Connection) -> None:
    conn.execute("ALTER TABLE revlog ADD COLUMN response TEXT")


def _v9(conn: sqlite3.Connection) -> None:
    conn.execute("ALTER TABLE revlog ADD COLUMN certainty INTEGER")
    conn.execute("ALTER TABLE revlog ADD COLUMN picked TEXT")


def _v10(conn: sqlite3.Connection) -> None:
    now = "CAST((julianday('now') - 2440587.5) * 86400000000 AS INTEGER)"
    conn.execute("ALTER TABLE cards ADD COLUMN added_us INTEGER")
    conn.execute(
        "UPDATE cards SET added_us = coalesce("
        f"(SELECT min(time_us) FROM revlog WHERE card_id = cards.id), {now})"
    )
    conn.execute("DELETE FROM card_text")
    conn.execute("DELETE FROM deck_text")
    conn.execute("ALTER TABLE card_text ADD COLUMN edited_us INTEGER")
    conn.execute(
        "CREATE TABLE card_tags (card_id INTEGER NOT NULL, tag TEXT NOT NULL, "
        "PRIMARY KEY (card_id, tag)) WITHOUT ROWID"
    )
    conn.execute("CREATE INDEX card_tags_tag ON card_tags (tag)")
    conn.execute("ALTER TABLE cards ADD COLUMN new_order INTEGER")
    conn.execute("DROP INDEX cards_new")
    conn.execute(
        f"CREATE INDEX cards_new ON cards (deck_id, {NEW_ORDER}) "
        "WHERE state = 0 AND present = 1 AND suspended = 0"
    )


# A review is mature when its scheduled interval was at least 21 days (fixed here: a
# migration's SQL never changes with later code).
_MATURE_US_V11 = 21 * 86_400_000_000
_HOUR_US = 3_600_000_000


def _hours_key(row: str) -> str:
    """The (hour, kind, rating) of the log entry ``row`` (``NEW`` or ``OLD``)."""
    return (
        f"{row}.time_us / {_HOUR_US}, "
        f"CASE {row}.state_before WHEN 2 THEN (CASE WHEN {row}.due_before_us - "
        f"{row}.last_review_before_us >= {_MATURE_US_V11} THEN 2 ELSE 1 END) "
        f"WHEN 3 THEN 3 ELSE 0 END, {row}.rating"
    )


def _v11(conn: sqlite3.Connection) -> None:
    conn.execute(
        "CREATE TABLE revlog_hours (hour INTEGER NOT NULL, kind INTEGER NOT NULL, "
        "rating INTEGER NOT NULL, answers INTEGER NOT NULL, ms INTEGER NOT NULL, "
        "PRIMARY KEY (hour, kind, rating)) WITHOUT ROWID"
    )
    add = (
        f"INSERT INTO revlog_hours (hour, kind, rating, answers, ms) "
        f"VALUES ({_hours_key('NEW')}, 1, NEW.duration_ms) "
        f"ON CONFLICT (hour, kind, rating) DO UPDATE "
        f"SET answers = answers + 1, ms = ms + excluded.ms;"
    )
    remove = (
        f"UPDATE revlog_hours SET answers = answers - 1, ms = ms - OLD.duration_ms "
        f"WHERE (hour, kind, rating) = ({_hours_key('OLD')}); "
        f"DELETE FROM revlog_hours WHERE answers <= 0 "
        f"AND (hour, kind, rating) = ({_hours_key('OLD')});"
    )
    conn.execute(f"CREATE TRIGGER revlog_hours_add AFTER INSERT ON revlog BEGIN {add} END")
    conn.execute(f"CREATE TRIGGER revlog_hours_remove AFTER DELETE ON revlog BEGIN {remove} END")
    conn.execute(
        "CREATE TRIGGER revlog_hours_change AFTER UPDATE OF time_us, rating, "
        f"duration_ms, state_before, due_before_us, last_review_before_us ON revlog "
        f"BEGIN {remove} {add} END"
    )
    conn.execute(
        f"INSERT INTO revlog_hours (hour, kind, rating, answers, ms) "
        f"SELECT {_hours_key('r')}, COUNT(*), SUM(r.duration_ms) FROM revlog r "
        f"GROUP BY 1, 2, 3"
    )


MIGRATIONS: Sequence[Migration] = (_v1, _v2, _v3, _v4, _v5, _v6, _v7, _v8, _v9, _v10, _v11)
SCHEMA_VERSION = len(MIGRATIONS)


def user_version(conn: sqlite3.Connection) -> int:
    """The schema version recorded in the database (0 for a new, empty one)."""
    return int(conn.execute("PRAGMA user_version").fetchone()[0])


def migrate(conn: sqlite3.Connection, target: int = SCHEMA_VERSION) -> None:
    """Bring the database from its version up to ``target``, one transaction per step.

    ``conn`` must be in autocommit mode (``isolation_level=None``).
    """
    version = user_version(conn)
    for number in range(version, target):
        conn.execute("BEGIN IMMEDIATE")
        try:
            MIGRATIONS[number](conn)
            conn.execute(f"PRAGMA user_version = {number + 1}")
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        conn.execute("COMMIT")
