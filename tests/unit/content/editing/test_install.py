"""Adding a handed-out deck file to the trainee's decks."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from rapport.content import DeckError, load_deck, load_decks
from rapport.content.editing.install import AddDeckError, add_deck
from rapport.paths import decks_dir
from tests.support.decks import ESSAY, GOOD_NOTES

WriteDeck = Callable[..., Path]


def test_a_valid_deck_is_copied_with_its_essay(write_deck: WriteDeck, tmp_path: Path) -> None:
    source = write_deck(GOOD_NOTES)
    folder = tmp_path / "data" / "decks"
    deck, replaced = add_deck(source, folder)
    assert not replaced
    assert deck.path == folder / "mini.toml"
    assert (folder / "mini.toml").read_bytes() == source.read_bytes()
    assert (folder / ESSAY).read_bytes() == (source.parent / ESSAY).read_bytes()
    assert deck.sources[0].path == folder / ESSAY
    assert [d.id for d in load_decks([folder]).decks] == ["mini"]
    assert not list(folder.glob(".*part"))


def test_a_deck_with_problems_is_not_added(write_deck: WriteDeck, tmp_path: Path) -> None:
    source = write_deck("[[notes]]\nid = 'x'\nkind = 'basic'\n")
    folder = tmp_path / "data" / "decks"
    with pytest.raises(DeckError) as info:
        add_deck(source, folder)
    assert info.value.path == source and info.value.problems
    assert not folder.exists()


def test_adding_again_updates_the_copy(write_deck: WriteDeck, tmp_path: Path) -> None:
    folder = tmp_path / "data" / "decks"
    first, _ = add_deck(write_deck(GOOD_NOTES), folder)
    newer = write_deck(GOOD_NOTES.replace("and a bond.", "and the bond."))
    deck, replaced = add_deck(newer, folder, existing=[first])
    assert replaced
    assert deck.notes[0].back == "Goals, tasks\nand the bond."  # type: ignore[attr-defined]
    assert sorted(p.name for p in folder.glob("*.toml")) == ["mini.toml"]


def test_the_id_of_a_shipped_deck_is_refused(write_deck: WriteDeck, tmp_path: Path) -> None:
    shipped = load_decks([decks_dir()]).decks
    source = write_deck(GOOD_NOTES)
    source.write_text(source.read_text().replace('id = "mini"', f'id = "{shipped[0].id}"'))
    folder = tmp_path / "data" / "decks"
    with pytest.raises(AddDeckError) as info:
        add_deck(source, folder, existing=shipped)
    assert str(source) in str(info.value) and shipped[0].name in str(info.value)
    assert not folder.exists()


def test_a_different_essay_another_deck_uses_is_refused(
    write_deck: WriteDeck, tmp_path: Path
) -> None:
    folder = tmp_path / "data" / "decks"
    folder.mkdir(parents=True)
    (folder / ESSAY).write_text("Another essay\n\nwith other paragraphs")
    (folder / "other.toml").write_text(f'id = "other"\nessay = "{ESSAY}"\n')
    with pytest.raises(AddDeckError) as info:
        add_deck(write_deck(GOOD_NOTES), folder)
    assert ESSAY in str(info.value) and "other.toml" in str(info.value)
    assert not (folder / "mini.toml").exists()


def test_a_revision_may_bring_a_changed_source_text(tmp_path: Path) -> None:
    handout = tmp_path / "handout"
    handout.mkdir()
    (handout / "notes.txt").write_text("Week 3\n\nThe alliance has three parts.\n")
    deck_file = handout / "week3.toml"
    deck_file.write_text(
        'id = "week3"\nname = "Week 3"\nversion = 1\n'
        '[[sources]]\nfile = "notes.txt"\nlabel = "Week 3 notes"\n'
        '[[notes]]\nid = "parts"\nkind = "basic"\nconcept = "alliance"\n'
        'source = { anchor = "three parts" }\nfront = "How many parts?"\nback = "Three."\n'
    )
    folder = tmp_path / "data" / "decks"
    first, _ = add_deck(deck_file, folder)
    assert first.notes[0].source is not None and first.notes[0].source.paragraph == 2
    (handout / "notes.txt").write_text(
        "Week 3\n\nA new first paragraph.\n\nThe alliance has three parts.\n"
    )
    deck_file.write_text(deck_file.read_text().replace("version = 1", "version = 2"))
    second, replaced = add_deck(deck_file, folder, existing=[first])
    assert replaced and second.version == 2
    assert second.notes[0].source is not None and second.notes[0].source.paragraph == 3
    assert (folder / "notes.txt").read_text().count("\n\n") == 2


def test_an_unwritable_folder_gives_a_clear_message(write_deck: WriteDeck, tmp_path: Path) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("")
    with pytest.raises(AddDeckError) as info:
        add_deck(write_deck(GOOD_NOTES), blocker / "decks")
    assert "Cannot write" in str(info.value) and str(blocker) in str(info.value)


def test_a_deck_using_the_shipped_essay_brings_no_copy(tmp_path: Path) -> None:
    source_dir = tmp_path / "handout"
    source_dir.mkdir()
    source = source_dir / "course.toml"
    source.write_text(
        'id = "course"\nname = "Course"\nessay = "the-relationship-in-therapy.txt"\n'
        '[paragraphs]\n5 = "Norcross defined the alliance."\n'
        + GOOD_NOTES.split("[[notes]]")[0]
        + "[[notes]]"
        + GOOD_NOTES.split("[[notes]]")[1]
    )
    folder = tmp_path / "data" / "decks"
    deck, _ = add_deck(source, folder)
    assert [p.name for p in folder.iterdir()] == ["course.toml"]
    assert load_deck(folder / "course.toml").sources[0].path.parent != folder
    assert deck.id == "course"


def test_a_revision_whose_source_text_changed_keeps_progress(tmp_path: Path) -> None:
    from datetime import timedelta

    from rapport.study import Rating
    from tests.support.collection import T0, open_collection

    handout = tmp_path / "handout"
    handout.mkdir()
    text = handout / "notes.txt"
    text.write_text("Week 3\n\nThe alliance has three parts.\n\nEmpathy is understanding.\n")
    deck_file = handout / "week3.toml"
    deck_file.write_text(
        'id = "week3"\nname = "Week 3"\nversion = 1\n'
        '[[sources]]\nfile = "notes.txt"\nlabel = "Week 3 notes"\n'
        '[[summaries]]\nanchor = "three parts"\ntext = "Three parts."\n'
        '[[notes]]\nid = "parts"\nkind = "basic"\nconcept = "alliance"\n'
        'source = { anchor = "three parts" }\nfront = "How many parts?"\nback = "Three."\n'
    )
    folder = tmp_path / "data" / "decks"
    first, _ = add_deck(deck_file, folder)
    collection = open_collection(tmp_path / "data", [first], T0)
    session = collection.session(None, T0)
    card = session.next_card(T0)
    assert card is not None
    session.answer(card, Rating.GOOD, T0, timedelta(seconds=5))
    state = collection.store.card_state(collection.require_id(card))
    text.write_text("Week 3\n\nA new paragraph.\n\nThe alliance has three parts.\n\nEmpathy.\n")
    deck_file.write_text(deck_file.read_text().replace("version = 1", "version = 2"))
    second, replaced = add_deck(deck_file, folder, existing=[first])
    collection.replace_decks([second])
    note = second.notes[0]
    assert replaced and note.source is not None and note.source.paragraph == 3
    assert second.summary(note.source) == "Three parts."
    after = collection.store.card_state(collection.require_id(second.cards()[0]))
    assert after == state and after.last_review == T0  # the same card, its progress kept
    collection.close(T0)
