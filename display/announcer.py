"""The announcement queue: chime then the call, repeated, one at a time, in order, none dropped."""

from __future__ import annotations

import logging
import queue
import threading
from collections import deque
from collections.abc import Callable

from display.audio import AudioSink
from display.speech import DEFAULT_TEMPLATE, Announcement, check_template, make_announcement

log = logging.getLogger(__name__)


class Announcer:
    """Reads calls out on a worker thread so the UI thread never waits for audio."""

    def __init__(
        self,
        sink: AudioSink,
        *,
        repeat: int = 2,
        template: str = DEFAULT_TEMPLATE,
        chime: bool = True,
        pause_seconds: float = 0.5,
        quiet: Callable[[], bool] | None = None,
    ) -> None:
        self.sink = sink
        self.repeat = max(1, repeat)
        self.template = check_template(template)
        self.chime = chime
        self.pause_seconds = pause_seconds
        # Asked when a call is queued: during quiet hours the board shows it, nobody hears it.
        self.quiet = quiet
        self.skipped: deque[Announcement] = deque(maxlen=50)  # the latest, for tests and logs
        self._queue: queue.Queue[Announcement | None] = queue.Queue()
        self._stopping = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        """Start the worker thread."""
        if self._thread is None:
            self._thread = threading.Thread(target=self._run, name="announcer", daemon=True)
            self._thread.start()

    def announce(self, number: str, counter_label: str, kind: str = "called") -> Announcement:
        """Queue a call (a recall is queued and read again like any call); never blocks.

        During quiet hours the call is logged and not queued.
        """
        item = make_announcement(number, counter_label, kind, self.template)
        if self.quiet is not None and self.quiet():
            log.info("quiet hours: call %s to counter %s not read", number, counter_label)
            self.skipped.append(item)
            return item
        self._queue.put(item)
        return item

    def wait_idle(self, timeout: float) -> bool:
        """Wait until every queued announcement has been played; return whether that happened."""
        done = self._queue.all_tasks_done  # queue.Queue counts what is queued but not done
        with done:
            return done.wait_for(lambda: not self._queue.unfinished_tasks, timeout)

    def stop(self, timeout: float = 5.0) -> None:
        """Stop after the sound playing now; announcements still queued are not read."""
        self._stopping.set()
        self._queue.put(None)
        if self._thread is not None:
            self._thread.join(timeout)
            self._thread = None

    def _run(self) -> None:
        while True:
            item = self._queue.get()
            if item is None or self._stopping.is_set():
                self._queue.task_done()
                return
            try:
                self._read(item)
            except Exception:
                log.exception("announcement of %s failed", item.number)
            finally:
                self._queue.task_done()

    def _read(self, item: Announcement) -> None:
        if self.chime:
            self.sink.play_chime()
        for i in range(self.repeat):
            if self._stopping.is_set():
                return
            if i and self.pause_seconds:
                self._stopping.wait(self.pause_seconds)
            self.sink.speak(item)
