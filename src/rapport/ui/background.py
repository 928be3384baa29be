"""Long work off the UI thread: a :class:`BackgroundJob` runs a core function on its own
read-only connection to the database (:meth:`rapport.store.Store.reader`) in a thread,
or, for work that holds Python's lock (the Rust FSRS fit), in a worker process that reads
the file itself; it reports its stages and hands its result back on the UI thread. Review
goes on meanwhile; a job outlives the dialog that started it (kept until it finishes).
"""

from __future__ import annotations

import multiprocessing
import queue as queues
import threading
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, Signal

if TYPE_CHECKING:
    from rapport.store import Store
    from rapport.study import Collection

Work = Callable[["Store", Callable[[str], None]], Any]

_running: set[BackgroundJob] = set()  # jobs in flight, kept from the garbage collector


class BackgroundJob(QObject):
    """Run ``work(store, say)`` in a thread; ``stage`` carries what ``say`` reports and
    ``finished`` the result (or the exception raised), both on the UI thread."""

    stage = Signal(str)
    finished = Signal(object)

    def __init__(
        self,
        collection: Collection,
        work: Work,
        name: str,
        process: tuple[Callable[..., Any], tuple[Any, ...]] | None = None,
    ) -> None:
        """``process``: a module-level function and its arguments to run in a worker
        process instead (it is given ``progress=`` a function reporting its stages)."""
        super().__init__()
        self._collection = collection
        self._work = work
        self._process = process
        self._name = name
        self._thread: threading.Thread | None = None
        self.result: object = None
        self.finished.connect(self._done)

    @property
    def running(self) -> bool:
        return self._thread is not None

    def start(self) -> None:
        collection, work = self._collection, self._work
        if collection.read_only:  # a private copy in memory: only its connection sees it
            self.finished.emit(_attempt(lambda: work(collection.store, self.stage.emit)))
            return
        store = collection.store
        stage, finished = self.stage, self.finished
        process = self._process

        def run() -> None:
            def compute() -> object:
                if process is not None:
                    return _in_a_process(process[0], process[1], stage.emit)
                reader = store.reader()
                try:
                    return work(reader, stage.emit)
                finally:
                    reader.close()

            result = _attempt(compute)
            try:
                finished.emit(result)
            except RuntimeError:
                pass  # the app is closing

        _running.add(self)
        self._thread = threading.Thread(target=run, name=self._name, daemon=True)
        self._thread.start()

    def wait(self) -> None:
        """Wait for the thread to end (the window is closing); its result is then handed
        back when the event loop next turns, if anyone is still there to take it."""
        if self._thread is not None:
            self._thread.join()

    def _done(self, result: object) -> None:
        self.wait()
        self._thread = None
        self.result = result
        _running.discard(self)


def _in_a_process(
    function: Callable[..., Any], arguments: tuple[Any, ...], say: Callable[[str], None]
) -> object:
    """Run ``function(*arguments, progress=...)`` in a fresh process; its stages reach
    ``say``; its result (or the exception it raised) is returned."""
    context = multiprocessing.get_context("spawn")
    channel = context.Queue()
    worker = context.Process(
        target=_worker, args=(channel, function, arguments), name="rapport-worker", daemon=True
    )
    worker.start()
    try:
        while True:
            try:
                kind, value = channel.get(timeout=0.5)
            except queues.Empty:
                if not worker.is_alive():
                    raise RuntimeError(f"the worker stopped (exit {worker.exitcode})") from None
                continue
            if kind == "stage":
                say(str(value))
            else:
                return value
    finally:
        worker.join(timeout=5)


def _worker(channel: Any, function: Callable[..., Any], arguments: tuple[Any, ...]) -> None:
    try:
        result: object = function(*arguments, progress=lambda text: channel.put(("stage", text)))
    except Exception as exc:  # handed back to the app, which shows or raises it
        result = exc
    channel.put(("done", result))


def _attempt(compute: Callable[[], object]) -> object:
    try:
        return compute()
    except Exception as exc:  # handed to the UI thread, which shows or raises it
        return exc
