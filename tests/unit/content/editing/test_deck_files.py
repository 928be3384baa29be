"""A deck file can neither crash, hang nor read any file: limits, file types, folders, and
control characters (see ``rapport.content.loading.files`` and ``decks/README.md``)."""

from __future__ import annotations

import os
import threading
from collections.abc import Callable
from pathlib import Path

import pytest

from rapport.cli import main
from rapport.content import DeckError, load_deck, load_decks
from rapport.content.editing.install import add_deck
from rapport.content.loading import files as deck_files
from tests.support.decks import ESSAY, GOOD_NOTES
from tests.support.decks import MINI_HEADER as HEADER

WriteDeck = Callable[..., Path]


def messages(path: Path) -> list[str]:
    with pytest.raises(DeckError) as info:
        load_deck(path)
    return [f"{p.note}: {p.field}: {p.message}" for p in info.value.problems]


def within(seconds: float, call: Callable[[], object]) -> object:
    """``call()``'s result, failing (not hanging) if it takes longer than ``seconds``."""
    result: list[object] = []
    errors: list[BaseException] = []

    def run() -> None:
        try:
            result.append(call())
        except BaseException as exc:
            errors.append(exc)

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    thread.join(seconds)
    assert not thread.is_alive(), f"still running after {seconds} s"
    if errors:
        raise errors[0]
    return result[0]


def with_essay(name: str) -> str:
    return HEADER.replace(f'essay = "{ESSAY}"', f"essay = '{name}'") + GOOD_NOTES


# -- nesting -------------------------------------------------------------------------


def test_thousand_nested_arrays_are_a_problem_not_a_crash(
    write_deck: WriteDeck, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    deck = write_deck(f"x = {'[' * 1000}{']' * 1000}\n" + GOOD_NOTES)
    assert deck.stat().st_size < 5000
    [message] = messages(deck)
    assert "nested too deeply" in message
    # The same through `rapport check`, `rapport add` and the loading of a folder.
    assert load_decks([deck]).errors[0].path == deck
    assert main(["check", str(deck), "--data-dir", str(tmp_path / "data")]) == 1
    assert "nested too deeply" in capsys.readouterr().out
    with pytest.raises(DeckError):
        add_deck(deck, tmp_path / "user-decks")


# -- source text: confined, regular, bounded --------------------------------------------


@pytest.mark.parametrize(
    "name", ["/etc/passwd", "../../../etc/shadow", "sub/../../etc/passwd", "/dev/zero"]
)
def test_source_text_outside_the_deck_folder_is_refused(write_deck: WriteDeck, name: str) -> None:
    [message] = messages(write_deck(with_essay(name), header=False))
    assert message.startswith("deck: essay: refused: ")
    assert "deck's folder" in message


@pytest.mark.parametrize("target", ["/etc/passwd", "/dev/zero"])
def test_a_link_beside_the_deck_to_elsewhere_is_refused(
    write_deck: WriteDeck, tmp_path: Path, target: str
) -> None:
    (tmp_path / "essay-link.txt").symlink_to(target)
    deck = write_deck(with_essay("essay-link.txt"), header=False)
    found = within(10, lambda: messages(deck))
    assert isinstance(found, list) and len(found) == 1
    message = found[0]
    assert "is a link to a file outside" in message


def test_a_fifo_as_source_text_is_refused_without_waiting(
    write_deck: WriteDeck, tmp_path: Path
) -> None:
    os.mkfifo(tmp_path / "essay.txt")
    deck = write_deck(with_essay("essay.txt"), header=False)
    found = within(10, lambda: messages(deck))
    assert isinstance(found, list) and len(found) == 1
    message = found[0]
    assert "named pipe (FIFO); a source text must be a regular file" in message


def test_a_source_text_past_the_limit_is_refused(write_deck: WriteDeck, tmp_path: Path) -> None:
    big = tmp_path / "big.txt"
    with big.open("wb") as f:
        f.truncate(deck_files.MAX_SOURCE_BYTES + 1)  # sparse: costs no disk
    [message] = messages(write_deck(with_essay("big.txt"), header=False))
    assert "a source text may be at most 4.0 MiB" in message


def test_source_text_in_a_subfolder_or_shipped_is_found(write_deck: WriteDeck) -> None:
    deck = write_deck(GOOD_NOTES)
    texts = deck.parent / "texts"
    texts.mkdir()
    (deck.parent / ESSAY).rename(texts / ESSAY)
    in_subfolder = load_deck(write_deck(with_essay(f"texts/{ESSAY}"), header=False))
    assert in_subfolder.sources[0].path == deck.parent / "texts" / ESSAY
    shipped = load_deck(write_deck(GOOD_NOTES))  # none beside it now: the shipped copy
    assert shipped.sources[0].path.name == ESSAY and shipped.sources[0].path.parent != deck.parent


# -- the deck file itself ---------------------------------------------------------------


def test_a_fifo_in_the_decks_folder_does_not_hang_check(
    write_deck: WriteDeck, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write_deck(GOOD_NOTES)
    os.mkfifo(tmp_path / "pipe.toml")
    data = str(tmp_path / "data")
    code = within(20, lambda: main(["check", str(tmp_path), "--data-dir", data]))
    assert code == 1
    out = capsys.readouterr().out
    assert f"{tmp_path / 'pipe.toml'}: -: -: cannot read: " in out
    assert "named pipe (FIFO); a deck file must be a regular file" in out
    assert "1 valid" in out


def test_a_deck_file_past_the_size_limit_is_refused_unread(
    write_deck: WriteDeck, monkeypatch: pytest.MonkeyPatch
) -> None:
    deck = write_deck(GOOD_NOTES)
    with deck.open("ab") as f:
        f.truncate(deck_files.MAX_DECK_BYTES + 1)

    def never(raw: str) -> None:
        raise AssertionError("a file past the limit must not be parsed")

    import tomllib

    monkeypatch.setattr(tomllib, "loads", never)
    [message] = messages(deck)
    assert "a deck file may be at most 16.0 MiB (split a larger deck" in message


def test_a_deck_past_the_note_limit_is_refused(
    write_deck: WriteDeck, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(deck_files, "MAX_NOTES", 40)
    many = "".join(f'[[notes]]\nid = "n{i}"\n' for i in range(41))
    found = messages(write_deck(many))
    assert found == [
        "deck: notes: the deck has 41 notes; a deck file may have at most 40 "
        "(split it into several files)"
    ]


# -- control characters -------------------------------------------------------------


@pytest.mark.parametrize(
    ("old", "new", "where"),
    [
        ("Goals, tasks\\nand a bond.", "Goals\\u001ftasks", "alliance-components: back"),
        ('name = "Mini deck"', 'name = "Mini\\u0000deck"', "deck: name"),
        ('"A small deck for tests"', '"A small\\u0007deck"', "deck: description"),
        ('"norcross"', '"nor\\u001bcross"', "alliance-components: tags[1]"),
        ("Rogers is not named", "Rogers\\u0085is not named", "who-headed: distractors[3].why"),
        ('5 = "Norcross', '5 = "\\u007fNorcross', "deck: paragraphs.5"),
        ("Firestone wrote", "Firestone\x85wrote", "who-headed: distractors[2].why"),  # as is
    ],
)
def test_control_characters_are_refused_with_their_place(
    write_deck: WriteDeck, old: str, new: str, where: str
) -> None:
    text = HEADER + GOOD_NOTES
    assert old in text
    found = messages(write_deck(text.replace(old, new, 1), header=False))
    matching = [m for m in found if m.startswith(where + ": holds the control character U+")]
    assert matching, found
    assert "deck text may hold only printable characters, tabs and line breaks" in matching[0]


def test_field_separator_message_names_anki(write_deck: WriteDeck) -> None:
    deck = write_deck(GOOD_NOTES.replace("Goals, tasks\\nand a bond.", "Goals\\u001ftasks"))
    assert messages(deck) == [
        "alliance-components: back: holds the control character U+001F (Anki's field "
        "separator) at character 6; deck text may hold only printable characters, tabs "
        "and line breaks"
    ]


def test_tabs_and_line_breaks_are_fine(write_deck: WriteDeck) -> None:
    deck = load_deck(
        write_deck(GOOD_NOTES.replace("Goals, tasks\\nand a bond.", "Goals\\ttasks\\r\\n"))
    )
    assert deck.notes[0].back == "Goals\ttasks\r\n"  # type: ignore[attr-defined]


@pytest.mark.slow
def test_a_deck_one_note_past_the_real_limit_is_refused(write_deck: WriteDeck) -> None:
    # 50,001 notes (about 1 MB): refused with the limit, each note unchecked; about 1.5 s.
    many = "".join(f'[[notes]]\nid = "n{i}"\n' for i in range(deck_files.MAX_NOTES + 1))
    found = messages(write_deck(many))
    assert found == [
        "deck: notes: the deck has 50,001 notes; a deck file may have at most 50,000 "
        "(split it into several files)"
    ]


def test_a_control_character_is_reported_at_its_line(write_deck: WriteDeck) -> None:
    deck = write_deck(GOOD_NOTES.replace("Goals, tasks\\nand a bond.", "Goals\\u001ftasks"))
    with pytest.raises(DeckError) as info:
        load_deck(deck)
    [problem] = info.value.problems
    lines = deck.read_text().splitlines()
    assert lines[problem.line - 1].startswith("back = ") and "\\u001f" in lines[problem.line - 1]
