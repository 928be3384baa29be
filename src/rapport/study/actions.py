"""What the trainee can do to the card in review besides grading it, as in Anki.

Bury the card (``-``) or its note (``=``) until the next study day; suspend the card
(``@``) or its note (``!``); flag the card (Ctrl+1..4: red, orange, green, blue; the same
key again clears it); mark the note (``*``, the note tag ``marked``). Each is one
operation (:mod:`rapport.study.ops`): saved at once in one transaction, one step on the
app's undo stack under its name ("Undo Suspend card"), so Ctrl+Z takes it back from any
view. Each returns a short confirmation for the reviewer to show.

A leech (the answer's own consequence, in the answer's step) is in
:mod:`rapport.study.ops`.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from rapport.content import Card
from rapport.store import Scope

if TYPE_CHECKING:
    from rapport.study.session import ReviewSession

FLAGS = {1: "red", 2: "orange", 3: "green", 4: "blue"}
MARKED = "marked"


def _ids(session: ReviewSession, card: Card, whole_note: bool) -> list[int]:
    collection = session.collection
    if whole_note:
        return collection.store.note_card_ids(card.deck_id, card.note.id)
    return [collection.require_id(card)]


def bury(session: ReviewSession, card: Card, now: datetime, *, whole_note: bool = False) -> str:
    """Hide the card (or every card of its note) until the next study day begins."""
    collection = session.collection
    ids = _ids(session, card, whole_note)
    _, next_day = collection.today_bounds(now)
    name = "Bury note" if whole_note else "Bury card"
    store = collection.store
    collection.ops.perform(
        name, Scope(tuple(ids)), lambda: store.bury(ids, next_day), card=card, hides=True
    )
    return "Note buried until tomorrow." if whole_note else "Card buried until tomorrow."


def suspend(session: ReviewSession, card: Card, *, whole_note: bool = False) -> str:
    """Suspend the card (or every card of its note): not shown until unsuspended in Browse."""
    collection = session.collection
    ids = _ids(session, card, whole_note)
    name = "Suspend note" if whole_note else "Suspend card"
    store = collection.store
    collection.ops.perform(
        name, Scope(tuple(ids)), lambda: store.suspend(ids), card=card, hides=True
    )
    return "Note suspended." if whole_note else "Card suspended."


def toggle_flag(session: ReviewSession, card: Card, flag: int) -> str:
    """Give the card flag ``flag`` (1-4); if it has that flag already, take it off."""
    if flag not in FLAGS:
        raise ValueError(f"no flag {flag}")
    collection = session.collection
    store = collection.store
    card_id = collection.require_id(card)
    new = 0 if store.flag(card_id) == flag else flag
    name = f"Flag {FLAGS[flag]}" if new else "Remove flag"
    collection.ops.perform(name, Scope((card_id,)), lambda: store.set_flag(card_id, new), card=card)
    return f"Card flagged {FLAGS[flag]}." if new else "Flag removed."


def flag_of(session: ReviewSession, card: Card) -> int:
    """The card's flag (0 for none)."""
    return session.collection.store.flag(session.collection.require_id(card))


def toggle_mark(session: ReviewSession, card: Card) -> str:
    """Mark the card's note (the tag ``marked``), or unmark it."""
    collection = session.collection
    store = collection.store
    deck_id, note_id = card.deck_id, card.note.id
    was = MARKED in store.note_tags(deck_id, note_id)
    collection.ops.perform(
        "Unmark note" if was else "Mark note",
        Scope(notes=((deck_id, note_id),)),
        lambda: store.set_note_tag(deck_id, note_id, MARKED, not was),
        card=card,
    )
    return "Note unmarked." if was else "Note marked."


def is_marked(session: ReviewSession, card: Card) -> bool:
    return MARKED in session.collection.store.note_tags(card.deck_id, card.note.id)
