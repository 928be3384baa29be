"""The deck tree, as Anki's: ``::`` in a deck's name makes it a child of the deck before it.

``Counselling Skills::Week 1`` is the child ``Week 1`` of ``Counselling Skills``; a parent
that no deck file names ("Counselling Skills" when only its weeks exist) is a node of its
own, with no deck id. A node's counts are its own deck's plus its children's (each within
its own deck's daily limits); studying a node studies its deck and every deck under it
(:meth:`DeckNode.deck_ids`); renaming a node renames the decks under it too
(:func:`renamed`).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import NamedTuple

from rapport.study.counts import DeckCounts

SEPARATOR = "::"


def name_parts(name: str) -> tuple[str, ...]:
    """The parts of a deck name (``"A :: B"`` is ``("A", "B")``), empty parts dropped."""
    parts = tuple(" ".join(part.split()) for part in name.split(SEPARATOR))
    return tuple(p for p in parts if p) or (name.strip(),)


def full_name(parts: Iterable[str]) -> str:
    return SEPARATOR.join(parts)


class DeckNode(NamedTuple):
    """One row of the deck tree."""

    name: str  # the full name, parts joined by "::"
    label: str  # the last part: what the row shows
    deck_id: str | None  # None: a parent no deck file names
    new: int
    learning: int
    due: int
    total: int
    children: tuple[DeckNode, ...] = ()

    @property
    def depth(self) -> int:
        return len(name_parts(self.name)) - 1

    def deck_ids(self) -> list[str]:
        """This node's deck and every deck under it, in tree order."""
        own = [self.deck_id] if self.deck_id is not None else []
        return own + [d for child in self.children for d in child.deck_ids()]

    def walk(self) -> Iterable[DeckNode]:
        """This node and every node under it, in tree order."""
        yield self
        for child in self.children:
            yield from child.walk()


def deck_tree(counts: Sequence[DeckCounts]) -> tuple[DeckNode, ...]:
    """The tree of the decks of ``counts``, sorted by name at each level as Anki sorts
    its deck list, with summed counts."""
    own: dict[tuple[str, ...], DeckCounts] = {}
    order: list[tuple[str, ...]] = []
    for dc in counts:
        parts = name_parts(dc.name)
        if parts in own:  # two decks of one name: the second keeps its whole name apart
            parts = (*parts[:-1], f"{parts[-1]} ({dc.deck_id})")
        own[parts] = dc
        for n in range(1, len(parts) + 1):
            if parts[:n] not in order:
                order.append(parts[:n])

    def build(parts: tuple[str, ...]) -> DeckNode:
        children = tuple(
            build(p) for p in order if len(p) == len(parts) + 1 and p[: len(parts)] == parts
        )
        dc = own.get(parts)
        mine = (dc.new, dc.learning, dc.due, dc.total) if dc else (0, 0, 0, 0)
        sums = [
            mine[i] + sum((c.new, c.learning, c.due, c.total)[i] for c in children)
            for i in range(4)
        ]
        new, learning, due, total = sums
        return DeckNode(
            full_name(parts), parts[-1], dc.deck_id if dc else None, new, learning, due, total,
            children,
        )  # fmt: skip

    order.sort(key=lambda parts: tuple(p.casefold() for p in parts))
    return tuple(build(p) for p in order if len(p) == 1)


def find(nodes: Iterable[DeckNode], name: str) -> DeckNode | None:
    """The node of full name ``name`` (parts compared as :func:`name_parts` reads them)."""
    wanted = name_parts(name)
    for top in nodes:
        for node in top.walk():
            if name_parts(node.name) == wanted:
                return node
    return None


def renamed(names: dict[str, str], old: str, new: str) -> dict[str, str]:
    """The new names of the decks (``names``: deck id -> name) that renaming the node
    ``old`` to ``new`` renames: the node's own deck and those under it keep their place
    under it (``A::B`` becomes ``Z::B`` when ``A`` becomes ``Z``)."""
    before, after = name_parts(old), name_parts(new)
    out = {}
    for deck_id, name in names.items():
        parts = name_parts(name)
        if parts[: len(before)] == before:
            out[deck_id] = full_name(after + parts[len(before) :])
    return out
