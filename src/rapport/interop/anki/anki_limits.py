"""What Anki's package importer does not do, in the words an export shows.

Read in Anki's source (rslib/src/import_export/package/apkg/import/cards.rs, 2025):
``import_cards`` adds a card only when its note is new or the note has no card of that
template yet (``card_ordinal_already_exists``), and says "TODO: could update existing
card". A card Anki already has keeps its deck, its queue (suspended or not) and its
schedule, whatever the package says; review-log entries are imported only for the cards
added. Notes (fields, tags) are updated when the package's note is newer (notes.rs,
``maybe_update_existing_note``). So:

* a withdrawn note arrives tagged ``rapport::withdrawn`` and saying so on its cards, but
  its cards stay in the study queues until the trainee suspends (or deletes) them: the
  export says how, in one search;
* study progress reaches only cards new to the profile: for a profile that already holds
  the deck, the export says so and names the way that works (delete the deck's notes in
  that profile first, then import with "Import any learning progress").

tests/integration/test_anki_withdrawn.py proves both in Anki's own scheduler.
"""

from __future__ import annotations

from rapport.interop.anki.record import WITHDRAWN_TAG

SUSPEND_SEARCH = f"tag:{WITHDRAWN_TAG}"


def withdrawn_advice(count: int) -> str:
    """What to do in Anki about ``count`` withdrawn notes after importing the update."""
    notes = f"{count} note{'s' * (count != 1)}"
    return (
        f"{notes} no longer in the deck arrive in Anki tagged {WITHDRAWN_TAG}, but Anki's "
        "importer never changes the schedule of cards it already has, so their cards stay "
        f"in the study queues: in Anki, Browse, search {SUSPEND_SEARCH}, select all "
        "(Ctrl+A) and suspend them (Cards > Toggle Suspend, Ctrl+J), or delete the notes."
    )


def progress_advice() -> str:
    """Where a package with study progress can and cannot bring it."""
    return (
        "Anki imports this progress only for cards it does not have yet: a profile that "
        "already holds these decks keeps its own schedule for them (Anki skips the notes "
        "that did not change and never updates a card it has). To move your progress into "
        "such a profile, delete the decks' notes there first (Browse, select the deck, "
        'Ctrl+A, Notes > Delete), then import this package ticking "Import any learning '
        'progress"; or import it into a new profile.'
    )
