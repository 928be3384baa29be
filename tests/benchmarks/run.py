"""``make bench``: every benchmark, one table of figures against same-run baselines.

Each figure is the median of repeated runs (several process starts for start-up) with its
min and max, beside a baseline measured in the same run, their ratio and the target.
Collections of 1,000, 10,000 and 50,000 cards are generated on the fly (generate.py).
``--scale`` (``make bench SCALE=1``) adds the heavy user's scenarios (bench_scale.py) on
collections of 50,000 and 200,000 cards built once and cached outside the repository.
The table is printed and written to ``tests/benchmarks/out/latest.txt`` (not tracked);
``tests/benchmarks/README.md`` records the figures of the latest run by hand.
"""

from __future__ import annotations

import os
import platform
import sys
import time
import traceback
from pathlib import Path

import bench_answer
import bench_backup
import bench_bundle
import bench_export
import bench_load
import bench_sheet
import bench_startup
from common import Row, table

HERE = Path(__file__).parent


def main() -> int:
    started = time.perf_counter()
    rows: list[Row] = []
    benches = [
        ("start-up and memory", bench_startup.run),
        ("answer to next card", bench_answer.run),
        ("deck loading", bench_load.run),
        ("spreadsheet ids", bench_sheet.run),
        ("Anki export", bench_export.run),
        ("backups", bench_backup.run),
        ("the bundle's start-up beside the venv's", bench_bundle.run),
    ]
    if "--scale" in sys.argv[1:] or os.environ.get("SCALE", "") not in ("", "0"):
        import bench_optimise
        import bench_scale

        benches.append(("heavy user's scale (50,000 and 200,000 cards)", bench_scale.run))
        benches.append(("optimiser at 200,000 cards", bench_optimise.run))
    failed = []
    for name, bench in benches:
        print(f"running: {name} ...", file=sys.stderr, flush=True)
        try:
            rows.extend(bench())
        except Exception:  # the other benchmarks' figures still count
            traceback.print_exc()
            failed.append(name)
    elapsed = time.perf_counter() - started
    head = (
        f"Rapport benchmarks, {time.strftime('%Y-%m-%d %H:%M')}, Python "
        f"{platform.python_version()}, {platform.machine()}, took {elapsed:.0f} s"
    )
    text = f"{head}\n\n{table(rows)}\n"
    print(text)
    out = HERE / "out"
    out.mkdir(exist_ok=True)
    (out / "latest.txt").write_text(text)
    if failed:
        print("benchmarks that failed (see above): " + "; ".join(failed))
    missed = [r.name for r in rows if not r.ok]
    if missed:
        print("missed targets (see tests/benchmarks/README.md): " + "; ".join(missed))
    return 0


if __name__ == "__main__":
    sys.exit(main())
