"""The `Bus` every process talks through, and the request/reply machinery both buses share."""

from __future__ import annotations

import threading
import uuid
from collections.abc import Callable
from concurrent.futures import Future
from dataclasses import dataclass
from typing import Protocol


@dataclass(frozen=True)
class Message:
    """One received MQTT message with the v5 request/reply properties."""

    topic: str
    payload: bytes
    retain: bool = False
    response_topic: str | None = None
    correlation_data: bytes | None = None


Handler = Callable[[Message], object]  # the return value, if any, is ignored
ConnectionListener = Callable[[bool], None]


class Bus(Protocol):
    """Publish, subscribe and request over the site's broker."""

    @property
    def connected(self) -> bool:
        """Tell whether the bus is connected to its broker now."""
        ...

    def publish(
        self,
        topic: str,
        payload: bytes,
        *,
        qos: int = 1,
        retain: bool = False,
        response_topic: str | None = None,
        correlation_data: bytes | None = None,
    ) -> None:
        """Send a message (queued while disconnected)."""
        ...

    def subscribe(self, pattern: str, handler: Handler) -> None:
        """Call `handler` for every message matching `pattern` (kept across reconnects)."""
        ...

    def request(self, topic: str, payload: bytes, timeout: float) -> Message:
        """Publish a request and wait for its reply; raise TimeoutError when none comes."""
        ...

    def on_connection_change(self, listener: ConnectionListener) -> None:
        """Call `listener(connected)` whenever the connection comes or goes."""
        ...

    def close(self) -> None:
        """Disconnect and stop background work."""
        ...


def topic_matches(pattern: str, topic: str) -> bool:
    """Match an MQTT topic against a filter with + and # wildcards."""
    pattern_parts = pattern.split("/")
    topic_parts = topic.split("/")
    for i, part in enumerate(pattern_parts):
        if part == "#":
            return True
        if i >= len(topic_parts):
            return False
        if part != "+" and part != topic_parts[i]:
            return False
    return len(pattern_parts) == len(topic_parts)


class PendingRequests:
    """Correlates replies with the requests waiting for them."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._waiting: dict[bytes, Future[Message]] = {}

    def new(self) -> tuple[bytes, Future[Message]]:
        """Register a request and return its correlation data and the future of its reply."""
        correlation = uuid.uuid4().bytes
        future: Future[Message] = Future()
        with self._lock:
            self._waiting[correlation] = future
        return correlation, future

    def resolve(self, message: Message) -> None:
        """Hand a reply to the request with the same correlation data (late replies are dropped)."""
        if message.correlation_data is None:
            return
        with self._lock:
            future = self._waiting.pop(message.correlation_data, None)
        if future is not None:
            future.set_result(message)

    def wait(self, correlation: bytes, future: Future[Message], timeout: float) -> Message:
        """Wait for a reply or raise TimeoutError, forgetting the request either way."""
        try:
            return future.result(timeout)
        except TimeoutError:
            raise TimeoutError("no reply from the server") from None
        finally:
            with self._lock:
                self._waiting.pop(correlation, None)
