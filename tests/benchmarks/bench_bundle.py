"""The bundle's start-up beside the venv's: process start to Rapport's window mapped.

The same ``rapport --data-dir D`` is started from the virtual environment (``.venv/bin/
rapport``, the installed command) and from the PyInstaller bundle (built here from
packaging/rapport.spec into a temporary folder, as ``make dist`` builds it), alternately,
on the same returning trainee's data folder (the shipped decks, opened once before). The
time is from launching the process to the X server mapping its main window, seen by a
small Xlib client listening on the root window (no code is injected into either process,
so both are measured alike). Target: the bundle no slower than 1.2x the venv. Needs Xvfb;
without it the benchmark reports nothing.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from common import Figure, Row

ROOT = Path(__file__).resolve().parents[2]
MAP_NOTIFY = 19
SUBSTRUCTURE_NOTIFY_MASK = 1 << 19


class MapWatch:
    """Waits for a window to be mapped on an X display (Xlib through ctypes)."""

    def __init__(self, display: str) -> None:
        self.x11 = ctypes.CDLL(ctypes.util.find_library("X11") or "libX11.so.6")
        self.x11.XOpenDisplay.restype = ctypes.c_void_p
        self.x11.XOpenDisplay.argtypes = [ctypes.c_char_p]
        self.x11.XDefaultRootWindow.restype = ctypes.c_ulong
        self.x11.XDefaultRootWindow.argtypes = [ctypes.c_void_p]
        self.x11.XSelectInput.argtypes = [ctypes.c_void_p, ctypes.c_ulong, ctypes.c_long]
        self.x11.XPending.argtypes = [ctypes.c_void_p]
        self.x11.XNextEvent.argtypes = [ctypes.c_void_p, ctypes.c_void_p]
        self.x11.XConnectionNumber.argtypes = [ctypes.c_void_p]
        self.x11.XFlush.argtypes = [ctypes.c_void_p]
        self.x11.XCloseDisplay.argtypes = [ctypes.c_void_p]
        self.display = self.x11.XOpenDisplay(display.encode())
        if not self.display:
            raise RuntimeError(f"cannot open display {display}")
        root = self.x11.XDefaultRootWindow(self.display)
        self.x11.XSelectInput(self.display, root, SUBSTRUCTURE_NOTIFY_MASK)
        self.x11.XFlush(self.display)
        self.event = (ctypes.c_long * 24)()  # XEvent is a union of 24 longs

    def drain(self) -> None:
        while self.x11.XPending(self.display):
            self.x11.XNextEvent(self.display, self.event)

    def wait_map(self, timeout: float) -> float:
        """The time.time() at which the next window is mapped."""
        import select

        fd = self.x11.XConnectionNumber(self.display)
        deadline = time.monotonic() + timeout
        while True:
            while self.x11.XPending(self.display):
                self.x11.XNextEvent(self.display, self.event)
                if ctypes.cast(self.event, ctypes.POINTER(ctypes.c_int))[0] == MAP_NOTIFY:
                    return time.time()
            left = deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError("no window was mapped")
            select.select([fd], [], [], left)

    def close(self) -> None:
        self.x11.XCloseDisplay(self.display)


def build_bundle(work: Path) -> Path:
    """The bundle folder, built from the spec as ``make dist`` does."""
    subprocess.run(
        [
            sys.executable,
            "-m",
            "PyInstaller",
            "--noconfirm",
            "--log-level",
            "ERROR",
            "--distpath",
            str(work / "dist"),
            "--workpath",
            str(work / "build"),
            str(ROOT / "packaging" / "rapport.spec"),
        ],
        cwd=work,
        check=True,
        capture_output=True,
    )
    (folder,) = [p for p in (work / "dist").iterdir() if p.is_dir()]
    return folder


def start(command: list[str], env: dict[str, str], watch: MapWatch) -> float:
    """Seconds from launching ``command`` to its window mapped; the process is then ended."""
    watch.drain()
    started = time.time()
    app = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        mapped = watch.wait_map(60)
    finally:
        app.send_signal(signal.SIGKILL)  # answers are saved as given: nothing to lose
        app.wait()
    time.sleep(0.2)
    return mapped - started


def run(starts: int = 7) -> list[Row]:
    venv_rapport = Path(sys.executable).parent / "rapport"
    if not shutil.which("Xvfb") or not venv_rapport.exists():
        print("bench_bundle: needs Xvfb and the venv's rapport command", file=sys.stderr)
        return []
    from bench_startup import compile_sources

    compile_sources()  # a returning trainee's venv: the sources compiled once
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        built = time.monotonic()
        bundle = build_bundle(work)
        build_seconds = time.monotonic() - built
        files = [p for p in bundle.rglob("*") if p.is_file() and not p.is_symlink()]
        size_mib = sum(p.stat().st_size for p in files) / 2**20
        display = f":{80 + os.getpid() % 9}"
        xvfb = subprocess.Popen(
            ["Xvfb", display, "-screen", "0", "1280x800x24", "-nolisten", "tcp"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            time.sleep(1.0)
            watch = MapWatch(display)
            env = dict(os.environ, DISPLAY=display, QT_QPA_PLATFORM="xcb")
            data = work / "data"
            venv = [str(venv_rapport), "--data-dir", str(data)]
            frozen = [str(bundle / "rapport"), "--data-dir", str(data)]
            start(venv, env, watch)  # creates the collection: later starts are returning ones
            start(frozen, env, watch)  # warms the file cache for the bundle
            ours: list[float] = []
            base: list[float] = []
            for _ in range(starts):
                base.append(start(venv, env, watch))
                ours.append(start(frozen, env, watch))
            watch.close()
        finally:
            xvfb.terminate()
            xvfb.wait()
    return [
        Row(
            "start-up, bundle vs venv (window mapped)",
            Figure.of(ours),
            Figure.of(base),
            "s",
            1.2,
            f"shipped decks, returning trainee; bundle {size_mib:.0f} MiB, "
            f"built in {build_seconds:.0f} s",
        )
    ]


if __name__ == "__main__":
    from common import table

    print(table(run()))
