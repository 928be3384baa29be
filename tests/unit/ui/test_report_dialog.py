"""File > Progress report: the name typed, the period and the kind chosen by keys; the
PDF, the web page and the class file are written where asked; an error is said."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from rapport.study import Rating
from rapport.study.progress import PSEUDONYM_PREF
from rapport.ui.report_dialog import PREF_REPORT_NAME, ReportDialog
from tests.support.choices import choice
from tests.support.clock import Clock
from tests.support.collection import make_deck, open_collection


def test_report_dialog_writes_each_kind(qtbot: QtBot, tmp_path: Path, clock: Clock) -> None:
    deck = make_deck("d", [choice("c1", "Bond", ["Goal", "Task"])])
    col = open_collection(tmp_path / "data", [deck], clock())
    session = col.session(None, clock())
    (card,) = deck.cards()
    session.answer(card, Rating.AGAIN, clock(), timedelta(seconds=5), certainty=3, picked="Goal")
    clock.advance(timedelta(minutes=5))
    dialog = ReportDialog(col, clock, tmp_path)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    dialog.name_edit.setFocus()
    qtbot.keyClicks(dialog.name_edit, "Sam Example")
    dialog.period.setFocus()
    qtbot.keyClick(dialog.period, Qt.Key.Key_Down)  # 30 days -> 90 days
    assert dialog.period.currentText() == "Last 90 days"
    assert dialog.path_edit.text() == str(tmp_path / "rapport-progress-report.pdf")
    dialog.name_edit.setFocus()
    qtbot.keyClick(dialog.name_edit, Qt.Key.Key_Return)  # Save is the default button
    pdf = tmp_path / "rapport-progress-report.pdf"
    assert dialog.written == pdf and pdf.read_bytes().startswith(b"%PDF")
    assert str(pdf) in dialog.status.text()
    assert col.get_pref(PREF_REPORT_NAME) == "Sam Example"

    dialog.kind.setFocus()
    qtbot.keyClick(dialog.kind, Qt.Key.Key_Down)
    assert dialog.path_edit.text().endswith("rapport-progress-report.html")
    assert dialog.save()
    page = (tmp_path / "rapport-progress-report.html").read_text(encoding="utf-8")
    assert "Sam Example" in page and "Confident errors" in page and "Goal" in page

    qtbot.keyClick(dialog.kind, Qt.Key.Key_Down)
    assert dialog.path_edit.text().endswith("rapport-class-file.json")
    dialog.name_edit.clear()  # a class file without a name: the pseudonym
    assert dialog.save()
    content = json.loads((tmp_path / "rapport-class-file.json").read_text(encoding="utf-8"))
    assert content["trainee"] == col.get_pref(PSEUDONYM_PREF)
    assert content["items"][0]["first"] == {"right": False, "picked": "Goal", "certainty": 3}

    dialog.path_edit.setText(str(tmp_path / "missing" / "x.json"))
    assert not dialog.save()
    assert "Not saved" in dialog.status.text() and str(tmp_path / "missing") in dialog.status.text()
    dialog.close()
    col.close(clock())
