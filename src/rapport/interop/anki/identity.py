"""The identities Anki keys on: deck ids, note GUIDs, deck names and tags.

None of them depends on a card's wording, so a reworded note exported again updates the
trainee's note in Anki, with its review history, instead of adding a duplicate.

Deck id
    ``2**30 + (first 8 bytes of SHA-256("rapport-deck:" + deck slug) mod 2**30)``: a fixed
    integer in genanki's recommended range ``[2**30, 2**31)``, the same on every machine
    and in every release, as long as the deck's slug (its ``id``) stays the same. (Anki's
    current importer matches decks by *name* and renumbers them, so renaming a deck makes a
    new Anki deck for new cards; existing cards stay where the trainee has them.)
Note GUID
    ``genanki.guid_for("rapport", deck slug, note slug)``: only the two stable ids.
Deck name
    ``Rapport::<deck name>``, so every Rapport deck nests under one parent in Anki.
Tags
    ``rapport::concept::<concept>`` for the note's concept, each of its own tags as the
    deck writes it (``week3``, ``research::alliance``: so ``tag:week3`` finds it in Anki),
    plus ``rapport::scenario`` for session-moment choices and ``rapport::extension`` for
    facts from beyond the essay. A prefix only where a clash needs one: an own tag that
    would read as one of Rapport's (``rapport``, ``rapport::...``) or as one Anki gives a
    meaning (``marked``, ``leech``) is written ``rapport::tag::<tag>``. Each tag appears
    once: an own tag that repeats one of the flags (a scenario note tagged ``scenario``)
    is not written a second time.
    Withdrawn notes (see :mod:`rapport.interop.anki.plan`) also carry ``rapport::withdrawn``.
Variant GUID
    ``genanki.guid_for("rapport", deck slug, note slug, kind, card ordinals)``: the
    identity a note takes when its plain GUID is already used in Anki by a version that
    no longer fits (another kind, or a cloze deletion that was dropped); the old version
    is then withdrawn.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

import genanki

from rapport.content.notes.model import ChoiceNote, Note

DECK_ID_MIN = 1 << 30
DECK_ID_SPAN = 1 << 30
DECK_PARENT = "Rapport"
TAG_ROOT = "rapport"


def anki_deck_id(deck_slug: str) -> int:
    """The fixed Anki deck id of the deck whose ``id`` is ``deck_slug``."""
    digest = hashlib.sha256(f"rapport-deck:{deck_slug}".encode()).digest()
    return DECK_ID_MIN + int.from_bytes(digest[:8], "big") % DECK_ID_SPAN


def note_guid(deck_slug: str, note_slug: str) -> str:
    """The Anki GUID of a note: derived from the deck and note ids, never from its text."""
    return str(genanki.guid_for("rapport", deck_slug, note_slug))


def variant_guid(deck_slug: str, note_slug: str, kind: str, ordinals: Sequence[int]) -> str:
    """The GUID of a note whose plain GUID belongs to an incompatible earlier version."""
    ords = ",".join(str(o) for o in ordinals)
    return str(genanki.guid_for("rapport", deck_slug, note_slug, kind, ords))


def anki_deck_name(deck_name: str) -> str:
    """The deck's name in Anki, nested under ``Rapport::``."""
    return f"{DECK_PARENT}::{deck_name.strip()}"


# Own tags that would read as Rapport's own, or as tags Anki gives a meaning to.
CLASHING_TAGS = frozenset({"marked", "leech"})


def anki_tag(tag: str) -> str:
    """A note's own tag in Anki: as written, prefixed only where it would clash."""
    root = tag.split("::")[0].lower()
    if root == TAG_ROOT or tag.lower() in CLASHING_TAGS:
        return f"{TAG_ROOT}::tag::{tag}"
    return tag


def note_tags(note: Note) -> list[str]:
    """The note's Anki tags (see the module docstring for the scheme)."""
    flags = []
    if isinstance(note, ChoiceNote) and note.scenario:
        flags.append("scenario")
    if note.extension:
        flags.append("extension")
    tags = [f"{TAG_ROOT}::concept::{note.concept}"]
    tags.extend(anki_tag(tag) for tag in note.tags if tag not in flags)
    tags.extend(f"{TAG_ROOT}::{flag}" for flag in flags)
    return tags
