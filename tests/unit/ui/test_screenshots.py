"""``python -m rapport.ui.screenshots DIR`` writes the six views as non-empty PNG files."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtGui import QImage

from rapport.ui.screenshots import NAMES, SIZES, WINDOW_SIZE, main


def test_writes_every_screenshot(qapp: object, tmp_path: Path) -> None:
    out = tmp_path / "shots"
    assert main([str(out)]) == 0
    for name in NAMES:
        path = out / f"{name}.png"
        assert path.stat().st_size > 5_000, name
        image = QImage(str(path))
        if name == "stats-charts":  # the whole statistics page, every chart
            assert image.width() >= WINDOW_SIZE[0] - 40 and image.height() > 2 * WINDOW_SIZE[1]
        else:
            assert (image.width(), image.height()) == SIZES.get(name, WINDOW_SIZE), name
    assert (out / "review-question.png").read_bytes() != (out / "review-answer.png").read_bytes()


def test_usage_without_a_folder(capsys: object) -> None:
    assert main([]) == 2
