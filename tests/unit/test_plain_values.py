"""The plain values are immutable and hashable: card identities key dicts and sets, the
states and sources of cards are shared, and a changed one would change them everywhere."""

from __future__ import annotations

from pathlib import Path

import pytest

from rapport.content import CardKey, Essay, Source
from rapport.store.records import NEW_STATE, CardState, Phase


@pytest.mark.parametrize(
    ("value", "field"),
    [
        (CardKey("d", "n", 0), "ordinal"),
        (Source(1, "The alliance"), "anchor"),
        (Essay(Path("essay.txt"), ("One.", "Two.")), "paragraphs"),
        (NEW_STATE, "phase"),
    ],
)
def test_a_plain_value_cannot_be_changed(value: object, field: str) -> None:
    with pytest.raises(AttributeError):
        setattr(value, field, getattr(value, field))


def test_equal_card_keys_are_one_dict_key() -> None:
    seen = {CardKey("d", "n", 0): "first", CardKey("d", "n", 1): "second"}
    assert seen[CardKey("d", "n", 0)] == "first" and len(seen) == 2
    assert {CardKey("d", "n", 0), CardKey("d", "n", 0)} == {CardKey("d", "n", 0)}
    assert str(CardKey("d", "n", 1)) == "d/n/1"


def test_the_new_state_is_the_default_state() -> None:
    assert CardState() == NEW_STATE == CardState(Phase.NEW)
    assert hash(CardState()) == hash(NEW_STATE)
    assert CardState(Phase.REVIEW) != NEW_STATE
