"""Shared fixtures of the UI tests: a fixed clock, a small deck of every kind, and a real
:class:`~rapport.study.Collection` on a temporary data folder.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from rapport.content import Deck, DeckSet, load_decks
from rapport.paths import decks_dir
from rapport.study import Collection
from tests.support.collection import open_collection as support_open_collection
from tests.support.decks import ESSAY, write_deck

ANCHOR = 'source = { paragraph = 5, anchor = "outlined this new therapeutic alliance" }'

# One note of every kind, in a fixed order: new cards come in deck order.
KINDS_DECK = f'''
id = "kinds"
name = "Every kind"
description = "One note of each kind, for UI tests"
essay = "{ESSAY}"

[paragraphs]
5 = "Norcross defined the alliance by goals, tasks and a bond."

[[notes]]
id = "basic-one"
kind = "basic"
concept = "alliance-definition"
{ANCHOR}
front = "Which three components is the alliance measured by? a<b and c>d"
back = "Goals, tasks and a bond. <script>alert(1)</script>"
extra = "From Norcross."

[[notes]]
id = "cloze-one"
kind = "cloze"
concept = "alliance-definition"
{ANCHOR}
text = "The alliance is measured by agreement on {{{{c1::goals::one word}}}}."

[[notes]]
id = "typed-one"
kind = "typed"
concept = "alliance-definition"
{ANCHOR}
prompt = "Who headed the APA task force?"
answer = "John Norcross"
accept = ["Norcross"]

[[notes]]
id = "choice-one"
kind = "choice"
concept = "alliance-definition"
{ANCHOR}
question = "What is the alliance measured by?"
answer = {{ text = "Goals, tasks and bond", why = "Norcross's three components." }}
distractors = [
  {{ text = "Technique alone", why = "The essay says the relationship matters." }},
  {{ text = "Diagnosis", why = "Not one of the components." }},
  {{ text = "Session length", why = "Not mentioned." }},
]

[[notes]]
id = "reversed-one"
kind = "reversed"
concept = "alliance-definition"
{ANCHOR}
front = "Therapeutic alliance"
back = "The quality and strength of the collaborative relationship."
'''


class Clock:
    """A clock the test moves by hand; the UI calls it for ``now``."""

    def __init__(self, start: datetime) -> None:
        self.now = start

    def __call__(self) -> datetime:
        return self.now

    def advance(self, delta: timedelta) -> None:
        self.now += delta


@pytest.fixture
def clock() -> Clock:
    # 10:00 UTC on a Monday: well inside a study day whatever the day-start hour.
    return Clock(datetime(2026, 3, 2, 10, 0, tzinfo=UTC))


@pytest.fixture
def kinds_dir(tmp_path: Path) -> Path:
    """A folder with the small deck of every kind beside a copy of the essay."""
    folder = tmp_path / "decks"
    write_deck(folder, KINDS_DECK, "kinds.toml")
    return folder


@pytest.fixture
def kinds_decks(kinds_dir: Path) -> DeckSet:
    result = load_decks([kinds_dir])
    assert not result.errors, result.problems
    return result


@pytest.fixture(scope="session")
def shipped_decks() -> DeckSet:
    # The shipped essay deck: the UI tests count its cards and kinds (the skills deck of
    # respond notes has tests of its own).
    return load_decks([decks_dir() / "the-relationship-in-therapy.toml"])


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    folder = tmp_path / "data"
    folder.mkdir()
    return folder


def open_collection(data_dir: Path, decks: tuple[Deck, ...], now: datetime) -> Collection:
    """As the app opens it: the system's time zone and the stored settings."""
    return support_open_collection(data_dir, decks, now, settings=None, tz=None)


@pytest.fixture
def collection(data_dir: Path, kinds_decks: DeckSet, clock: Clock) -> Iterator[Collection]:
    """A real collection over the deck of every kind, closed after the test."""
    col = open_collection(data_dir, kinds_decks.decks, clock())
    yield col
    col.close(clock())


@pytest.fixture
def shipped_collection(
    data_dir: Path, shipped_decks: DeckSet, clock: Clock
) -> Iterator[Collection]:
    """A real collection over the shipped decks."""
    col = open_collection(data_dir, shipped_decks.decks, clock())
    yield col
    col.close(clock())


class ModalCatcher:
    """Closes every modal dialog as it opens, remembering its title and text."""

    def __init__(self) -> None:
        from PySide6.QtCore import QTimer

        self.seen: list[tuple[str, str]] = []
        self.timer = QTimer()
        self.timer.setInterval(10)
        self.timer.timeout.connect(self._close)
        self.timer.start()
        self.respond: str | None = None  # a button text to click instead of closing

    def _close(self) -> None:
        from PySide6.QtWidgets import QAbstractButton, QApplication, QLabel, QPlainTextEdit

        widget = QApplication.activeModalWidget()
        if widget is None:
            return
        texts = [label.text() for label in widget.findChildren(QLabel)]
        texts += [edit.toPlainText() for edit in widget.findChildren(QPlainTextEdit)]
        self.seen.append((widget.windowTitle(), "\n".join(texts)))
        if self.respond is not None:
            for button in widget.findChildren(QAbstractButton):
                if button.text() == self.respond:
                    button.click()
                    return
        widget.close()

    def titles(self) -> list[str]:
        return [title for title, _text in self.seen]


@pytest.fixture
def modals(qapp: object) -> Iterator[ModalCatcher]:
    catcher = ModalCatcher()
    yield catcher
    catcher.timer.stop()
