"""An in-process bus with MQTT semantics (wildcards, retained messages) for unit tests."""

from __future__ import annotations

import threading
import uuid

from shared.messaging.bus import (
    ConnectionListener,
    Handler,
    Message,
    PendingRequests,
    topic_matches,
)
from shared.messaging.topics import reply_topic_for


class MemoryBroker:
    """The shared hub that several MemoryBus clients connect to."""

    def __init__(self) -> None:
        self._lock = threading.RLock()
        self._subscriptions: list[tuple[str, Handler]] = []
        self.retained: dict[str, Message] = {}

    def subscribe(self, pattern: str, handler: Handler) -> None:
        """Register a handler and deliver the retained messages it matches."""
        with self._lock:
            self._subscriptions.append((pattern, handler))
            retained = [m for t, m in self.retained.items() if topic_matches(pattern, t)]
        for message in retained:
            handler(message)

    def unsubscribe_all(self, handlers: list[Handler]) -> None:
        """Remove a client's handlers."""
        with self._lock:
            self._subscriptions = [(p, h) for p, h in self._subscriptions if h not in handlers]

    def publish(self, message: Message) -> None:
        """Deliver a message synchronously to every matching handler."""
        with self._lock:
            if message.retain:
                if message.payload:
                    self.retained[message.topic] = message
                else:
                    self.retained.pop(message.topic, None)
            targets = [h for p, h in self._subscriptions if topic_matches(p, message.topic)]
        live = Message(
            message.topic, message.payload, False, message.response_topic, message.correlation_data
        )
        for handler in targets:
            handler(live)


class MemoryBus:
    """A Bus over a MemoryBroker: synchronous delivery, always connected."""

    def __init__(self, broker: MemoryBroker, client_id: str = "") -> None:
        self._broker = broker
        self._handlers: list[Handler] = []
        self._pending = PendingRequests()
        self._reply_topic = f"_memory/reply/{client_id or uuid.uuid4().hex}"
        self._reply_subscribed: set[str] = set()

    @property
    def connected(self) -> bool:
        """Always connected."""
        return True

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
        """Deliver to the broker's subscribers."""
        self._broker.publish(Message(topic, payload, retain, response_topic, correlation_data))

    def subscribe(self, pattern: str, handler: Handler) -> None:
        """Register a handler on the broker."""
        self._handlers.append(handler)
        self._broker.subscribe(pattern, handler)

    def request(self, topic: str, payload: bytes, timeout: float) -> Message:
        """Publish with a reply topic and correlation data, then wait for the reply.

        A command's reply topic is its sender's (`…/reply/{device}`); other requests get a
        private one.
        """
        reply_topic = reply_topic_for(topic) or self._reply_topic
        if reply_topic not in self._reply_subscribed:
            self.subscribe(reply_topic, self._pending.resolve)
            self._reply_subscribed.add(reply_topic)
        correlation, future = self._pending.new()
        self.publish(topic, payload, response_topic=reply_topic, correlation_data=correlation)
        return self._pending.wait(correlation, future, timeout)

    def on_connection_change(self, listener: ConnectionListener) -> None:
        """Report the (permanent) connection once."""
        listener(True)

    def close(self) -> None:
        """Remove this client's handlers."""
        self._broker.unsubscribe_all(self._handlers)
        self._handlers.clear()
