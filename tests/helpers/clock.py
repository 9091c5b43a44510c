"""A clock tests move by hand."""

from __future__ import annotations

import threading
from datetime import datetime, timedelta


class FakeClock:
    """Returns a set instant; `advance` moves it forward."""

    def __init__(self, start: datetime) -> None:
        self._now = start
        self._lock = threading.Lock()

    def __call__(self) -> datetime:
        with self._lock:
            return self._now

    def advance(self, **delta: float) -> datetime:
        with self._lock:
            self._now += timedelta(**delta)
            return self._now

    def set(self, moment: datetime) -> None:
        with self._lock:
            self._now = moment
