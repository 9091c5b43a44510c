"""Recent service durations per service, kept in memory by the single writer for estimates."""

from __future__ import annotations

from collections import deque
from collections.abc import Callable

from shared.domain.estimate import typical_service_seconds

Loader = Callable[[str, int], list[float]]


class ServiceTimes:
    """A sliding window of recent service durations for each service, loaded once from storage."""

    def __init__(self, sample: int) -> None:
        self._sample = sample
        self.changes = 0  # bumped by every new duration: estimates made before are stale
        self._typical: dict[tuple[str, float], float] = {}
        self._recent: dict[str, deque[float]] = {}

    def _window(self, service_code: str, load: Loader) -> deque[float]:
        window = self._recent.get(service_code)
        if window is None:
            window = deque(load(service_code, self._sample), maxlen=self._sample)
            self._recent[service_code] = window
        return window

    def load(self, recent: dict[str, list[float]], service_codes: list[str]) -> None:
        """Start from stored durations (oldest first) for every service; none means none yet."""
        self._recent = {
            code: deque(recent.get(code, []), maxlen=self._sample) for code in service_codes
        }
        self.changes += 1
        self._typical.clear()

    def record(self, service_code: str, seconds: float, load: Loader) -> None:
        """Add a finished service's duration."""
        if seconds > 0:
            self._window(service_code, load).append(seconds)
            self.changes += 1
            self._typical.clear()

    def typical(self, service_code: str, default_seconds: float, load: Loader) -> float:
        """Typical recent duration (trimmed mean), near the default while few were measured."""
        key = (service_code, default_seconds)
        if key not in self._typical:
            window = self._window(service_code, load)
            self._typical[key] = typical_service_seconds(window, default_seconds)
        return self._typical[key]
