"""File > Import Anki package...: a package real Anki wrote arrives as a deck, with history."""

from __future__ import annotations

from pathlib import Path

import pytest
from anki.collection import Collection as AnkiCollection
from anki.collection import DeckIdLimit, ExportAnkiPackageOptions
from anki.scheduler.v3 import CardAnswer
from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QFileDialog
from pytestqt.qtbot import QtBot

from rapport.content import DeckSet
from rapport.interop.anki.importer import NoteTypeInfo
from rapport.study import Collection
from rapport.ui.anki_fields_dialog import AnkiFieldsDialog
from rapport.ui.main_window import MainWindow
from tests.integration.test_anki_import import scheduler
from tests.support.clock import Clock
from tests.support.qt import ModalCatcher


def anki_package(folder: Path) -> Path:
    folder.mkdir()
    col = AnkiCollection(str(folder / "collection.anki2"))
    try:
        note = col.new_note(col.models.by_name("Basic"))  # type: ignore[arg-type]
        note["Front"], note["Back"] = "What is congruence?", "Being genuine"
        note.tags = ["rogers"]
        deck_id = col.decks.id("Counselling")
        assert deck_id is not None
        col.add_note(note, deck_id)
        models = col.models
        custom = models.new("Vocabulary")  # a note type of one's own
        for name in ("Word", "Meaning", "Example"):
            models.add_field(custom, models.new_field(name))
        template = models.new_template("Card 1")
        template["qfmt"], template["afmt"] = "{{Word}}", "{{Meaning}}"
        models.add_template(custom, template)
        models.add_dict(custom)
        vocab = col.new_note(models.by_name("Vocabulary"))  # type: ignore[arg-type]
        vocab["Word"], vocab["Meaning"], vocab["Example"] = "Empathy", "Feeling with", "An example"
        col.add_note(vocab, deck_id)
        card = note.cards()[0]
        card.start_timer()
        sched = scheduler(col)
        states = col._backend.get_scheduling_states(card.id)
        sched.answer_card(sched.build_answer(card=card, states=states, rating=CardAnswer.GOOD))
        out = folder / "counselling.apkg"
        options = ExportAnkiPackageOptions(with_scheduling=True, legacy=False)
        col.export_anki_package(out_path=str(out), options=options, limit=DeckIdLimit(deck_id))
        return out
    finally:
        col.close()


def test_file_import_anki_package(
    qtbot: QtBot,
    collection: Collection,
    kinds_decks: DeckSet,
    clock: Clock,
    modals: ModalCatcher,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    package = anki_package(tmp_path / "anki")
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *args, **kwargs: (str(package), ""))
    window = MainWindow(collection, kinds_decks.errors, clock, deck_dirs=[])
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    window.activateWindow()
    modals.respond = "Import"  # the fields dialog: keep the first two fields
    # File > Import Anki package... (offscreen Qt has no active window for the shortcut)
    [action] = [a for a in window.findChildren(QAction) if a.text() == "Import &Anki package..."]
    assert action.shortcut() == QKeySequence("Ctrl+Shift+I")
    action.trigger()
    qtbot.waitUntil(lambda: "Imported from Anki" in modals.titles(), timeout=20000)
    text = dict(modals.seen)["Imported from Anki"]
    assert "Choose the fields to import" in modals.titles()
    assert "imported 2 notes (2 cards" in text and "with 1 reviews" in text
    assert "Vocabulary': 1 notes mapped by the fields you chose" in text
    deck = next(d for d in window.collection.decks if d.name == "Counselling")
    note = next(n for n in deck.notes if n.tags)
    assert note.tags == ("rogers",)
    rows = [r for r in window.collection.store.card_table() if r.deck_id == deck.id]
    assert sorted(r.reviews for r in rows) == [0, 1]  # the Basic card's one review


def test_fields_dialog_chooses_by_keyboard(qtbot: QtBot) -> None:
    info = NoteTypeInfo("Vocabulary", ("Word", "Meaning", "Example"), 3)
    dialog = AnkiFieldsDialog([info])
    qtbot.addWidget(dialog)
    question, answer = dialog.choices["Vocabulary"]
    assert dialog.mapping() == {"Vocabulary": ("Word", "Meaning")}
    question.setFocus()
    qtbot.keyClick(question, Qt.Key.Key_Down)
    qtbot.keyClick(question, Qt.Key.Key_Down)
    qtbot.keyClick(answer, Qt.Key.Key_Up)
    assert dialog.mapping() == {"Vocabulary": ("Example", "Word")}
