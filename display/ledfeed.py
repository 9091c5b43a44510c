"""Drives the LED counter boards from the board view-model, on a worker thread."""

from __future__ import annotations

import logging
import queue
import threading
from collections.abc import Iterable

from display.viewmodel import CounterLine
from hw.ledboard.base import LedBoard
from shared.domain.counters import CounterStatus

log = logging.getLogger(__name__)


class LedBoardFeed:
    """Sends each counter's number to its LED board when it changes; I/O on a worker thread.

    `update` is called on the UI thread with the board's counter lines; it only compares and
    queues, so a slow or unplugged RS-485 line never blocks the screen. Counters outside
    `counters` (the ids of this display's zone) are never sent.
    """

    def __init__(self, board: LedBoard, counters: Iterable[str] | None = None) -> None:
        self.board = board
        self.counters = None if counters is None else set(counters)
        self._sent: dict[str, str] = {}  # counter label → text last queued ("" = blank)
        self._queue: queue.Queue[tuple[str, str] | None] = queue.Queue()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        """Start the worker thread."""
        if self._thread is None:
            self._thread = threading.Thread(target=self._run, name="led-boards", daemon=True)
            self._thread.start()

    def update(self, lines: Iterable[CounterLine]) -> int:
        """Queue an update for every counter whose number changed; return how many were queued."""
        queued = 0
        for line in lines:
            if self.counters is not None and line.counter not in self.counters:
                continue
            text = line.number if line.number and line.status != CounterStatus.CLOSED else ""
            if self._sent.get(line.label) == text:
                continue
            self._sent[line.label] = text
            self._queue.put((line.label, text))
            queued += 1
        return queued

    def wait_idle(self, timeout: float) -> bool:
        """Wait until every queued update has been handed to the driver."""
        done = self._queue.all_tasks_done  # queue.Queue counts what is queued but not done
        with done:
            return done.wait_for(lambda: not self._queue.unfinished_tasks, timeout)

    def stop(self, timeout: float = 5.0) -> None:
        """Stop the worker after the update in progress, then close the driver."""
        self._queue.put(None)
        if self._thread is not None:
            self._thread.join(timeout)
            self._thread = None
        try:
            self.board.close()
        except Exception:
            log.exception("closing the LED boards failed")

    def _run(self) -> None:
        while True:
            item = self._queue.get()
            if item is None:
                self._queue.task_done()
                return
            label, text = item
            try:
                if text:
                    self.board.show(label, text)
                else:
                    self.board.blank(label)
            except Exception:
                # Drivers should not raise; if one does, the display still must not stop.
                log.exception("LED board update of counter %s failed", label)
            finally:
                self._queue.task_done()
