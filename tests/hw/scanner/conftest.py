from __future__ import annotations

import queue
import threading
from collections.abc import Iterator

import pytest

from hw.scanner.events import ConnectionState, ScanEvent


class Collector:
    """Collects a scanner's events and states; waits for them without sleeping blindly."""

    def __init__(self) -> None:
        self.events: queue.Queue[ScanEvent] = queue.Queue()
        self.states: list[ConnectionState] = []
        self._state_changed = threading.Condition()

    def on_scan(self, event: ScanEvent) -> None:
        self.events.put(event)

    def on_state(self, state: ConnectionState) -> None:
        with self._state_changed:
            self.states.append(state)
            self._state_changed.notify_all()

    def take(self, count: int, timeout: float = 5.0) -> list[ScanEvent]:
        return [self.events.get(timeout=timeout) for _ in range(count)]

    def texts(self, count: int, timeout: float = 5.0) -> list[str]:
        return [event.text for event in self.take(count, timeout)]

    def nothing_more(self, timeout: float = 0.2) -> bool:
        try:
            self.events.get(timeout=timeout)
        except queue.Empty:
            return True
        return False

    def wait_state(self, state: ConnectionState, occurrences: int = 1, timeout: float = 5) -> None:
        with self._state_changed:
            ok = self._state_changed.wait_for(
                lambda: self.states.count(state) >= occurrences, timeout
            )
        assert ok, f"never reached {state} x{occurrences}: {self.states}"

    def attach(self, scanner: object) -> None:
        scanner.add_scan_listener(self.on_scan)  # type: ignore[attr-defined]
        scanner.add_state_listener(self.on_state)  # type: ignore[attr-defined]


@pytest.fixture
def collector() -> Collector:
    return Collector()


@pytest.fixture(autouse=True)
def no_leftover_threads() -> Iterator[None]:
    """Fail a test that leaves a scanner worker thread running."""
    before = set(threading.enumerate())
    yield
    left = [t for t in threading.enumerate() if t not in before and t.is_alive()]
    assert not left, f"threads left running: {left}"
