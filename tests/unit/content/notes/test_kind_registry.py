"""The kind registry: a kind is one module, checked whole when it is registered; a kind
added through the registry alone is loaded, studied, checked and practised by the core,
with no edit anywhere else (the whole round trip through every format is in
tests/unit/test_kind_conformance.py)."""

from __future__ import annotations

import random
import subprocess
import sys
import textwrap
from dataclasses import replace
from pathlib import Path

import pytest

from rapport.content import Kind, load_deck
from rapport.content.notes.answers import Verdict, check_typed
from rapport.content.notes.kinds import (
    AnkiTemplate,
    Interaction,
    KindError,
    KindRules,
    check_kind,
    question_of,
    register,
    registered,
    rules_for,
)
from rapport.content.notes.model import Card
from rapport.study import Rating, suggested_rating
from rapport.study.practice import build_test, grade
from tests.support.collection import SECOND, T0, open_collection
from tests.support.decks import write_deck
from tests.support.flash import FLASH_DECK, FlashNote, FlashRules, flash_kind


def test_every_shipped_kind_has_its_module_and_is_whole() -> None:
    kinds = registered()
    assert set(kinds) >= {k.value for k in Kind}
    for kind in Kind:
        assert rules_for(kind).name == kind
        check_kind(rules_for(kind), kinds)


def test_an_unregistered_kind_is_refused_by_the_loader(tmp_path: Path) -> None:
    path = write_deck(tmp_path, FLASH_DECK)
    with pytest.raises(Exception, match="unknown kind 'flash'"):
        load_deck(path)


def test_a_throwaway_kind_is_loaded_studied_checked_and_practised(tmp_path: Path) -> None:
    with flash_kind() as flash:
        deck = load_deck(write_deck(tmp_path / "decks", FLASH_DECK))
        [card] = deck.cards()
        assert card.kind == "flash" and question_of(card) == "What does 'alliance' mean?"

        col = open_collection(tmp_path / "data", [deck])
        session = col.session(None, T0)
        shown = session.next_card(T0)
        assert shown is not None and shown.key == card.key
        check = check_typed(
            "The working bond between client and therapist!", flash.accepted(*_of(shown))
        )
        assert check.verdict is Verdict.RIGHT
        session.answer(shown, suggested_rating(check.verdict), T0, SECOND)
        assert session.summary().studied == 1 and session.summary().right == 1
        assert col.deck_counts(T0)[0].total == 1
        col.close(T0)

        [question] = build_test([deck], 5, random.Random(0))
        assert question.card.key == card.key
        typo = grade(question, "the working bond between client and therapst")
        assert typo.verdict is Verdict.CLOSE
        assert rules_for(question.kind).practice_label == "Give the meaning"
        assert suggested_rating(Verdict.CLOSE) is Rating.HARD


def _of(card: Card) -> tuple[FlashNote, int]:
    assert isinstance(card.note, FlashNote)
    return card.note, card.ordinal


# -- a kind that lacks a part, or whose parts do not fit, is refused at registration ---


class _NoTemplateField(FlashRules):
    def anki_templates(self) -> tuple[AnkiTemplate, ...]:
        return (AnkiTemplate("Flash", "{{Word}}", "{{FrontSide}}<hr>{{Definition}}"),)


class _NoTemplates(FlashRules):
    def anki_templates(self) -> tuple[AnkiTemplate, ...]:
        return ()


class _PickWithoutOptions(FlashRules):
    interaction = Interaction.PICK


class _ShippedId(FlashRules):
    anki = replace(FlashRules.anki, model_id=rules_for(Kind.BASIC).anki.model_id)


class _FrontNotAField(FlashRules):
    anki = replace(FlashRules.anki, front_fields=("Front",))


class _CommonField(FlashRules):
    anki = replace(FlashRules.anki, fields=("Word", "Extra"))


class _BadName(FlashRules):
    name = "Flash Cards"


class _ShippedName(FlashRules):
    name = "basic"
    anki = replace(FlashRules.anki, model_id=1999999998, name="Another")


@pytest.mark.parametrize(
    ("rules", "message"),
    [
        (_NoTemplateField(), "template 'Flash' uses the field 'Definition'"),
        (_NoTemplates(), "has no Anki card template"),
        (_PickWithoutOptions(), "interaction 'pick' needs a PickKind"),
        (_ShippedId(), "Anki note type id or name is that of kind 'basic'"),
        (_FrontNotAField(), "front fields must be some of its fields"),
        (_CommonField(), "must be unique and not one of"),
        (_BadName(), "must be a slug"),
        (_ShippedName(), "is a shipped kind"),
    ],
)
def test_registering_a_kind_whose_parts_do_not_fit_fails_with_a_clear_message(
    rules: FlashRules, message: str
) -> None:
    before = dict(registered())
    with pytest.raises(KindError, match=message):
        register(rules)
    assert registered() == before


def test_a_kind_without_a_part_cannot_be_made_or_registered() -> None:
    class Forgetful(KindRules[FlashNote]):
        name = "forgetful"

    with pytest.raises(TypeError, match="abstract .*anki_templates"):
        Forgetful()  # type: ignore[abstract]
    with pytest.raises(KindError, match="is not a kind"):
        register(object())  # type: ignore[arg-type]


@pytest.mark.slow
def test_mypy_refuses_a_kind_module_that_forgets_a_part(tmp_path: Path) -> None:
    module = tmp_path / "half_kind.py"
    module.write_text(
        textwrap.dedent(
            """
            from rapport.content.notes.kinds import KindRules
            from rapport.content.notes.model import BasicNote


            class Forgetful(KindRules[BasicNote]):
                name = "forgetful"
                label = "Forgetful"
                keys = frozenset({"front"})


            RULES = Forgetful()
            """
        ),
        encoding="utf-8",
    )
    result = subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--no-incremental", str(module)],
        capture_output=True,
        text=True,
        cwd=Path(__file__).parents[4],
        check=False,
    )
    assert 'Cannot instantiate abstract class "Forgetful"' in result.stdout
    assert "anki" in result.stdout and "[abstract]" in result.stdout


def test_the_cli_knows_the_registered_kinds(capsys: pytest.CaptureFixture[str]) -> None:
    from rapport.cli import build_parser

    argv = ["import", "rows.csv", "--kind", "flash"]
    with pytest.raises(SystemExit):
        build_parser().parse_args(argv)
    assert "unknown kind 'flash' (choose from basic, " in capsys.readouterr().err
    with flash_kind():
        assert build_parser().parse_args(argv).kind == "flash"


def test_picks_are_read_by_interaction_not_by_note_class(tmp_path: Path) -> None:
    """``pick_options``/``pick_key``: what calibration, item analysis and the reviewer read
    of a pick, for any kind whose interaction is a pick, and nothing for the others."""
    from rapport.content.notes.kinds import pick_key, pick_options, rules_of
    from tests.support.decks import every_kind_deck

    deck = load_deck(write_deck(tmp_path, every_kind_deck()))
    for note in deck.notes:
        options, key = pick_options(note), pick_key(note)
        if rules_of(note).interaction is Interaction.PICK:
            assert options and key is not None and key in options and key.correct
            assert sum(o.correct for o in options) == 1
        else:
            assert options is None and key is None
    assert pick_options(None) is None and pick_key(None) is None
