"""Keeping the cards of one note apart, as Anki does.

Cards of one note are *siblings*: the three cards of a three-deletion cloze, the two
sides of a reversed pair. Shown close together, each gives the others away. Two rules keep
them apart:

- **Burying.** Once a card of a note is answered on a study day, its new siblings and its
  review siblings wait for the next study day (Anki's "Bury new siblings" and "Bury review
  siblings", both on unless the trainee turns them off). Siblings in (re)learning are
  never held back: a step that falls due is shown. Nothing is written for this: a sibling
  is hidden while the log holds an answer to another card of its note since the study day
  began, so undoing that answer brings the sibling back at once. (The queue is given
  those notes as a list, read once and kept by the session: a subquery per candidate
  card made the answer-to-next-card time five times longer.)
- **Spacing.** Within a session the card after an answer is never a sibling of it while
  any card of another note is left to show.

A card buried by hand (the reviewer's ``-`` and ``=``) is hidden until the next study
day begins, whatever its phase.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

from rapport.store import Hiding, Store
from rapport.study.settings import Settings


def hiding(
    settings: Settings,
    buried: Mapping[str, tuple[int, ...]],
    answered: Mapping[str, tuple[str, ...]],
    just_answered: tuple[str, int] | None = None,
) -> Hiding:
    """What the queue leaves out: the cards ``buried`` by hand (per deck:
    :meth:`Store.buried_cards`) and, as the settings say, the siblings of the notes with a
    card ``answered`` today (per deck, only notes that have siblings:
    :meth:`Store.notes_answered_since`).

    ``just_answered`` is the (note id, card id) of the card just answered in the deck
    asked about: its siblings are left out (spacing), though not the card itself (a
    learning step of it that falls due is no sibling)."""
    return Hiding(
        buried=buried,
        new_hidden=answered if settings.bury_new else {},
        review_hidden=answered if settings.bury_reviews else {},
        avoid_note=None if just_answered is None else just_answered[0],
        avoid_except=None if just_answered is None else just_answered[1],
    )


def hiding_now(settings: Settings, store: Store, now: datetime, day_start: datetime) -> Hiding:
    """:func:`hiding` read from the store at ``now`` (for counts outside a session)."""
    return hiding(settings, store.buried_cards(now), store.notes_answered_since(day_start))
