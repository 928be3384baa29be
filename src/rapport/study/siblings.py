"""Keeping the cards of one note apart, as Anki does.

Cards of one note are *siblings*: the three cards of a three-deletion cloze, the two
sides of a reversed pair. Shown close together, each gives the others away. Two rules keep
them apart:

- **Burying.** Once a card of a note is answered on a study day, its new siblings and its
  review siblings wait for the next study day (Anki's "Bury new siblings" and "Bury review
  siblings", both on unless the trainee turns them off). Siblings in (re)learning are
  never held back: a step that falls due is shown. Nothing is written for this: a sibling
  is hidden while the log holds an answer to another card of its note since the study day
  began, so undoing that answer brings the sibling back at once.
- **Spacing.** Within a session the card after an answer is never a sibling of it while
  any card of another note is left to show.

A card buried by hand (the reviewer's ``-`` and ``=``) is hidden until the next study
day begins, whatever its phase.
"""

from __future__ import annotations

from datetime import datetime

from rapport.store import Hiding
from rapport.study.settings import Settings


def hiding(
    settings: Settings,
    now: datetime,
    day_start: datetime,
    just_answered: tuple[str, int] | None = None,
) -> Hiding:
    """What the queue leaves out at ``now`` on the study day that began at ``day_start``.

    ``just_answered`` is the (note id, card id) of the card just answered in the deck
    asked about: its siblings are left out (spacing), though not the card itself (a
    learning step of it that falls due is no sibling)."""
    return Hiding(
        now=now,
        new_siblings_since=day_start if settings.bury_new else None,
        review_siblings_since=day_start if settings.bury_reviews else None,
        avoid_note=None if just_answered is None else just_answered[0],
        avoid_except=None if just_answered is None else just_answered[1],
    )
