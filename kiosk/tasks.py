"""Run blocking work (commands, printing) off the UI thread and hand results back to it."""

from __future__ import annotations

import logging
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any, TypeVar

from PySide6.QtCore import QObject, Qt, Signal, Slot

log = logging.getLogger(__name__)
T = TypeVar("T")


class UiTasks(QObject):
    """Starts work on a worker thread; its callback later runs on the UI thread."""

    _finished = Signal(object, object)

    def __init__(self, workers: int = 2, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._pool = ThreadPoolExecutor(workers, thread_name_prefix="kiosk-task")
        self._finished.connect(self._deliver, Qt.ConnectionType.QueuedConnection)
        self._closed = False

    def run(self, work: Callable[[], T], done: Callable[[T], None]) -> None:
        """Run `work` on a worker thread, then `done(result)` on the UI thread."""
        if self._closed:
            return
        self.watch(self._pool.submit(work), done)

    def watch(self, future: Future[T], done: Callable[[T], None]) -> None:
        """Call `done(result)` on the UI thread once `future` resolves."""
        future.add_done_callback(lambda f: self._finished.emit(done, f))

    @Slot(object, object)
    def _deliver(self, done: Callable[[Any], None], future: Future[Any]) -> None:
        if self._closed:
            return
        try:
            result = future.result()
        except Exception:
            log.exception("kiosk background task failed")
            return
        done(result)

    def close(self) -> None:
        """Stop taking work and wait for what is running."""
        self._closed = True
        self._pool.shutdown(wait=True, cancel_futures=True)
