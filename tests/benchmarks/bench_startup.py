"""Start-up to the first card painted, and peak memory, against a bare PySide6 window.

Each figure is measured over several process starts, alternating Rapport and the
baseline so that machine noise falls on both alike:

- start-up: wall time from launching the process to the first paint of the first card
  of a study session (Rapport, a 10,000-card collection with history, as a returning
  trainee who opens the app and presses Enter) or of a label (a bare QMainWindow);
  target <= 1.3x;
- peak memory: the process's peak resident set size at that moment, Rapport with a
  50,000-card collection; target <= 1.5x.

Runs on a real X server when Xvfb is installed (one is started for the run), otherwise
on Qt's offscreen platform.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from common import Figure, Row, table
from generate import write_collection

# Both children print, at their first paint: wall time, peak RSS and anonymous RSS (KiB).
# The peak is the process's own high-water mark (VmHWM): ru_maxrss is inherited across
# exec from the parent (here the benchmark harness), so it reported the harness's floor.
FIRST_PAINT = """
import sys, time
from PySide6.QtCore import QEvent, QObject

class FirstPaint(QObject):
    def eventFilter(self, obj, event):
        if event.type() == QEvent.Type.Paint:
            status = {l.split(":")[0]: l.split()[1] for l in open("/proc/self/status")
                      if l.startswith(("VmHWM", "RssAnon"))}
            print(time.time(), status["VmHWM"], status["RssAnon"], flush=True)
            app.quit()
        return False
"""

BARE = (
    FIRST_PAINT
    + """
from PySide6.QtWidgets import QApplication, QLabel, QMainWindow

app = QApplication(sys.argv)
window = QMainWindow()
window.setWindowTitle("Bare")
label = QLabel("A card")
window.setCentralWidget(label)
window.resize(1000, 700)
watch = FirstPaint()
label.installEventFilter(watch)
window.show()
app.exec()
"""
)

# What run_app does (the same functions, in the same order), with the benchmark's decks.
RAPPORT = (
    """
from rapport.ui.app import load_start_path

load_start_path()
"""
    + FIRST_PAINT
    + """
from pathlib import Path
from PySide6.QtWidgets import QApplication

data_dir, deck_dir = Path(sys.argv[1]), Path(sys.argv[2])
app = QApplication(sys.argv)
from rapport.ui.app import close_collection, open_main_window

window = open_main_window(app, data_dir, [deck_dir])
# The trainee presses Enter on Home: the first deck's session starts.
review = window.review
watch = FirstPaint()
review.card_view.viewport().installEventFilter(watch)
window.start_review([window.collection.decks[0].id])
app.exec()
close_collection(window.collection)
"""
)


def prepare(folder: Path, cards: int, history: int = 500) -> tuple[Path, Path]:
    """A deck folder of ``cards`` cards and a data folder with some review history."""
    from rapport.content import discover, load_decks
    from rapport.study import Collection, Rating

    deck_dir, data_dir = folder / "decks", folder / "data"
    write_collection(deck_dir, cards)
    decks = load_decks(discover([deck_dir])).decks
    start = datetime.now(UTC) - timedelta(days=20)
    collection = Collection.open(data_dir, decks, start)
    session = collection.session(None, start)
    now = start
    for i in range(history):
        card = session.next_card(now)
        if card is None:
            break
        session.answer(
            card, (Rating.GOOD, Rating.EASY, Rating.AGAIN)[i % 3], now, timedelta(seconds=4)
        )
        now += timedelta(seconds=30)
    collection.close(now)
    return deck_dir, data_dir


def launch(script: str, *args: str, env: dict[str, str]) -> tuple[float, float, float]:
    """Seconds from launch to first paint, peak RSS and anonymous RSS (MiB) of one process."""
    started = time.time()
    done = subprocess.run(
        [sys.executable, "-c", script, *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=False,
    )
    lines = done.stdout.split()
    if done.returncode != 0 or len(lines) < 3:
        raise RuntimeError(f"benchmark child failed: {done.stderr[-2000:]}")
    painted, kib, anon = float(lines[0]), float(lines[1]), float(lines[2])
    return painted - started, kib / 1024, anon / 1024


def display_env() -> tuple[dict[str, str], subprocess.Popen[bytes] | None]:
    env = dict(os.environ)
    if shutil.which("Xvfb"):
        display = f":{90 + os.getpid() % 9}"
        xvfb = subprocess.Popen(
            ["Xvfb", display, "-screen", "0", "1280x800x24", "-nolisten", "tcp"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        time.sleep(1.0)
        env.update(DISPLAY=display, QT_QPA_PLATFORM="xcb")
        return env, xvfb
    env["QT_QPA_PLATFORM"] = "offscreen"
    return env, None


def compile_sources() -> None:
    """Byte-compile Rapport as a trainee's first start does, so that every start measured is
    a returning one (this machine sets PYTHONDONTWRITEBYTECODE, which would otherwise make
    each start compile the sources again)."""
    import compileall

    import rapport

    compileall.compile_dir(str(Path(rapport.__file__).parent), quiet=1)


def run(starts: int = 7) -> list[Row]:
    compile_sources()
    env, xvfb = display_env()
    platform = env["QT_QPA_PLATFORM"]
    try:
        with tempfile.TemporaryDirectory() as tmp:
            rows: list[Row] = []
            for cards, what in ((10_000, "startup"), (50_000, "memory")):
                deck_dir, data_dir = prepare(Path(tmp) / str(cards), cards)
                ours: list[tuple[float, float, float]] = []
                bare: list[tuple[float, float, float]] = []
                launch(BARE, env=env)  # warm the file cache for both
                launch(RAPPORT, str(data_dir), str(deck_dir), env=env)
                for _ in range(starts):
                    bare.append(launch(BARE, env=env))
                    ours.append(launch(RAPPORT, str(data_dir), str(deck_dir), env=env))
                if what == "startup":
                    rows.append(
                        Row(
                            f"start-up to first card, {cards:,} cards",
                            Figure.of([o[0] for o in ours]),
                            Figure.of([b[0] for b in bare]),
                            "s",
                            1.3,
                            f"vs bare window ({platform})",
                        )
                    )
                else:
                    anon_ours = Figure.of([o[2] for o in ours]).median
                    anon_bare = Figure.of([b[2] for b in bare]).median
                    rows.append(
                        Row(
                            f"peak memory, {cards:,} cards",
                            Figure.of([o[1] for o in ours]),
                            Figure.of([b[1] for b in bare]),
                            "MiB",
                            1.5,
                            f"vs bare window; anonymous {anon_ours:.0f} vs {anon_bare:.0f} MiB",
                        )
                    )
            return rows
    finally:
        if xvfb is not None:
            xvfb.terminate()


if __name__ == "__main__":
    print(table(run()))
