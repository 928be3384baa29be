"""Child process of ``bench_scale.py``: Browse and Statistics in the real window.

``python bench_scale_ui.py DATA_DIR REPEAT`` starts Rapport as ``run_app`` does on the
data folder, then times, with the window painted after each step: opening Browse (the
first time, then again from Home), one search keystroke, clearing the search, sorting a
column, and opening Statistics until its figures are drawn. It prints one JSON object:
lists of seconds per operation and the process's own peak resident memory (VmHWM) with
Browse and Statistics open, in MiB.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

from rapport.ui.app import load_start_path

load_start_path()

from PySide6.QtCore import Qt  # noqa: E402
from PySide6.QtTest import QTest  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from rapport.paths import decks_dir  # noqa: E402
from rapport.ui.app import close_collection, open_main_window  # noqa: E402

SEARCH = "alliance"  # in about half the cards' text, as a trainee's common word would be


def peak_mib() -> float:
    """This process's own peak resident set size (not inherited, unlike ru_maxrss)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def main() -> int:
    data_dir, repeat = Path(sys.argv[1]), int(sys.argv[2])
    app = QApplication(sys.argv)
    window = open_main_window(app, data_dir, [decks_dir()])
    assert window is not None
    window.resize(1200, 800)
    app.processEvents()
    times: dict[str, list[float]] = {k: [] for k in ("open", "key", "clear", "sort", "stats")}

    def timed(name: str, action: object) -> None:
        assert callable(action)
        start = time.perf_counter()
        action()
        app.processEvents()  # the table painted with its new rows
        times[name].append(time.perf_counter() - start)

    timed("open", lambda: window.show_view("browse"))
    first_open = times["open"].pop()
    from rapport.ui.browse import DUE, QUESTION, BrowseView

    browse = window.view("browse")
    assert isinstance(browse, BrowseView)
    for i in range(repeat):
        window.show_view("home")
        app.processEvents()
        timed("open", lambda: window.show_view("browse"))
        browse.search.setText(SEARCH[:-1])
        app.processEvents()
        timed("key", lambda: QTest.keyClicks(browse.search, SEARCH[-1]))
        timed("clear", browse.search.clear)
        order = Qt.SortOrder.DescendingOrder if i % 2 else Qt.SortOrder.AscendingOrder
        timed("sort", lambda order=order: browse.table.sortByColumn(QUESTION, order))
    browse.table.sortByColumn(DUE, Qt.SortOrder.AscendingOrder)
    app.processEvents()
    held = browse.model.held_rows()
    shown_rows = browse.model.rowCount()

    from rapport.ui.stats_view import StatsView

    for _ in range(max(3, repeat // 3)):
        window.show_view("home")
        app.processEvents()
        start = time.perf_counter()
        window.show_view("stats")
        stats = window.view("stats")
        assert isinstance(stats, StatsView)
        while stats.computing or stats.figures is None:
            app.processEvents()
            time.sleep(0.001)
        app.processEvents()
        times["stats"].append(time.perf_counter() - start)
    print(
        json.dumps(
            {
                **times,
                "first_open": first_open,
                "peak_mib": peak_mib(),
                "held_rows": held,
                "rows": shown_rows,
            }
        ),
        flush=True,
    )
    close_collection(window.collection)
    return 0


if __name__ == "__main__":
    sys.exit(main())
