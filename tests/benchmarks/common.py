"""Shared helpers for the benchmarks: timing, summary figures and the result row."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Figure:
    """Median, min and max of repeated measurements (seconds unless said otherwise)."""

    median: float
    low: float
    high: float

    @classmethod
    def of(cls, samples: list[float]) -> Figure:
        return cls(statistics.median(samples), min(samples), max(samples))


@dataclass(frozen=True)
class Row:
    """One line of the benchmark table: a figure, its same-run baseline and the target."""

    name: str
    value: Figure
    baseline: Figure
    unit: str
    target: float | None  # the highest acceptable ratio value/baseline
    note: str = ""
    also_ok: bool = True  # a second target (stated in the note) met too

    @property
    def ratio(self) -> float:
        return self.value.median / self.baseline.median

    @property
    def ok(self) -> bool:
        return (self.target is None or self.ratio <= self.target) and self.also_ok


def repeat(fn: Callable[[], object], times: int) -> Figure:
    """Time ``fn`` ``times`` times; the figure of the wall-clock durations."""
    samples = []
    for _ in range(times):
        start = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - start)
    return Figure.of(samples)


def scale(figure: Figure, factor: float) -> Figure:
    return Figure(figure.median * factor, figure.low * factor, figure.high * factor)


def table(rows: list[Row]) -> str:
    """The rows as a fixed-width text table."""

    def fmt(f: Figure, unit: str) -> str:
        return f"{f.median:.3g} {unit} ({f.low:.3g}-{f.high:.3g})"

    head = ("benchmark", "figure (min-max)", "baseline (min-max)", "ratio", "target", "")
    lines = [head]
    for r in rows:
        target = f"<= {r.target:g}" if r.target is not None else "-"
        lines.append(
            (
                r.name,
                fmt(r.value, r.unit),
                fmt(r.baseline, r.unit),
                f"{r.ratio:.2f}",
                target,
                ("ok" if r.ok else "MISSED") + (f"  {r.note}" if r.note else ""),
            )
        )
    widths = [max(len(line[i]) for line in lines) for i in range(len(head))]
    return "\n".join(
        "  ".join(c.ljust(w) for c, w in zip(line, widths, strict=True)).rstrip() for line in lines
    )
