"""What the trainee can do to the card in review besides grading it, as in Anki.

Bury the card (``-``) or its note (``=``) until the next study day; suspend the card
(``@``) or its note (``!``); flag the card (Ctrl+1..4: red, orange, green, blue; the same
key again clears it); mark the note (``*``, the note tag ``marked``). Each is saved at
once, returns a short confirmation for the reviewer to show, and goes on the session's
undo list under its name ("Undo Suspend card"), so Ctrl+Z takes it back.

Leeches live here too: a card answered Again in review for the ``leech_threshold``-th
time (Anki's 8), and every half threshold after, is tagged ``leech`` and suspended;
undoing that answer undoes both.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING, NamedTuple

from rapport.content import Card

if TYPE_CHECKING:
    from rapport.study.session import ReviewSession

FLAGS = {1: "red", 2: "orange", 3: "green", 4: "blue"}
MARKED = "marked"
LEECH = "leech"


class Action(NamedTuple):
    """A reviewer action as the undo list keeps it."""

    name: str  # what "Undo ..." names: "Bury card", "Flag red"
    card: Card  # the card on screen when it was done
    deck_id: str
    revert: Callable[[], None]  # puts the database back as it was
    hid_card: bool  # whether the card left the queue (undo shows it again)


def _ids(session: ReviewSession, card: Card, whole_note: bool) -> list[int]:
    collection = session.collection
    if whole_note:
        return collection.store.note_card_ids(card.deck_id, card.note.id)
    return [collection.require_id(card)]


def bury(session: ReviewSession, card: Card, now: datetime, *, whole_note: bool = False) -> str:
    """Hide the card (or every card of its note) until the next study day begins."""
    collection = session.collection
    collection.check_writable()
    ids = _ids(session, card, whole_note)
    before = collection.store.holds(ids)
    _, next_day = collection.today_bounds(now)
    collection.store.bury(ids, next_day)
    name = "Bury note" if whole_note else "Bury card"
    session.push_action(
        Action(name, card, card.deck_id, lambda: collection.store.restore_holds(before), True)
    )
    return "Note buried until tomorrow." if whole_note else "Card buried until tomorrow."


def suspend(session: ReviewSession, card: Card, *, whole_note: bool = False) -> str:
    """Suspend the card (or every card of its note): not shown until unsuspended in Browse."""
    collection = session.collection
    collection.check_writable()
    ids = _ids(session, card, whole_note)
    before = collection.store.holds(ids)
    collection.store.suspend(ids)
    name = "Suspend note" if whole_note else "Suspend card"
    session.push_action(
        Action(name, card, card.deck_id, lambda: collection.store.restore_holds(before), True)
    )
    return "Note suspended." if whole_note else "Card suspended."


def toggle_flag(session: ReviewSession, card: Card, flag: int) -> str:
    """Give the card flag ``flag`` (1-4); if it has that flag already, take it off."""
    if flag not in FLAGS:
        raise ValueError(f"no flag {flag}")
    collection = session.collection
    collection.check_writable()
    card_id = collection.require_id(card)
    old = collection.store.flag(card_id)
    new = 0 if old == flag else flag
    collection.store.set_flag(card_id, new)
    name = f"Flag {FLAGS[flag]}" if new else "Remove flag"
    session.push_action(
        Action(name, card, card.deck_id, lambda: collection.store.set_flag(card_id, old), False)
    )
    return f"Card flagged {FLAGS[flag]}." if new else "Flag removed."


def flag_of(session: ReviewSession, card: Card) -> int:
    """The card's flag (0 for none)."""
    return session.collection.store.flag(session.collection.require_id(card))


def toggle_mark(session: ReviewSession, card: Card) -> str:
    """Mark the card's note (the tag ``marked``), or unmark it."""
    collection = session.collection
    collection.check_writable()
    store = collection.store
    deck_id, note_id = card.deck_id, card.note.id
    was = MARKED in store.note_tags(deck_id, note_id)
    store.set_note_tag(deck_id, note_id, MARKED, not was)
    session.push_action(
        Action(
            "Unmark note" if was else "Mark note",
            card,
            deck_id,
            lambda: store.set_note_tag(deck_id, note_id, MARKED, was),
            False,
        )
    )
    return "Note unmarked." if was else "Note marked."


def is_marked(session: ReviewSession, card: Card) -> bool:
    return MARKED in session.collection.store.note_tags(card.deck_id, card.note.id)


def is_leech_lapse(lapses: int, threshold: int) -> bool:
    """Whether a card with ``lapses`` lapses has just become (or again proved) a leech:
    at the threshold and every half threshold after, as Anki does."""
    if threshold <= 0 or lapses < threshold:
        return False
    return (lapses - threshold) % max(1, threshold // 2) == 0


def mark_leech(session: ReviewSession, card: Card, *, suspend: bool = True) -> Callable[[], None]:
    """Tag the card's note ``leech`` and (deck options' leech action) suspend the card;
    returns what undoes both."""
    collection = session.collection
    store = collection.store
    card_id = collection.require_id(card)
    deck_id, note_id = card.deck_id, card.note.id
    had_tag = LEECH in store.note_tags(deck_id, note_id)
    before = store.holds([card_id])
    store.set_note_tag(deck_id, note_id, LEECH, True)
    if suspend:
        store.suspend([card_id])

    def revert() -> None:
        store.restore_holds(before)
        if not had_tag:
            store.set_note_tag(deck_id, note_id, LEECH, False)

    return revert
