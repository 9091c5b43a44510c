"""A thread-free MQTT v5 test client that reports the broker's reason codes."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import paho.mqtt.client as mqtt
from paho.mqtt.enums import CallbackAPIVersion
from paho.mqtt.reasoncodes import ReasonCode

# Longest wait for one answer; a loopback broker answers in milliseconds.
TIMEOUT = 5.0
NOT_AUTHORIZED = 135


class Probe:
    """One MQTT v5 client driven by `loop()` in the test's own thread (no background thread)."""

    def __init__(self, port: int, client_id: str, user: str | None, password: str | None) -> None:
        self.client = mqtt.Client(
            CallbackAPIVersion.VERSION2, client_id=client_id, protocol=mqtt.MQTTv5
        )
        if user is not None:
            self.client.username_pw_set(user, password)
        self.connack: ReasonCode | None = None
        self.acks: dict[int, ReasonCode] = {}
        self.messages: list[mqtt.MQTTMessage] = []
        self._subacks: dict[int, list[ReasonCode]] = {}
        self.client.on_connect = self._on_connect
        self.client.on_publish = self._on_publish
        self.client.on_subscribe = self._on_subscribe
        self.client.on_message = self._on_message
        self.client.connect("127.0.0.1", port, keepalive=30)
        self.wait_for(lambda: self.connack is not None)

    @property
    def accepted(self) -> bool:
        """Tell whether the broker accepted the connection."""
        return self.connack is not None and not self.connack.is_failure

    def _on_connect(self, *args: Any) -> None:
        self.connack = args[3]

    def _on_publish(self, client: Any, userdata: Any, mid: int, code: ReasonCode, _: Any) -> None:
        self.acks[mid] = code

    def _on_subscribe(self, client: Any, userdata: Any, mid: int, codes: Any, _: Any) -> None:
        self._subacks[mid] = list(codes)

    def _on_message(self, client: Any, userdata: Any, message: mqtt.MQTTMessage) -> None:
        self.messages.append(message)

    def wait_for(self, done: Callable[[], bool], timeout: float = TIMEOUT) -> bool:
        """Run the network loop until `done()` or the timeout; return `done()`."""
        deadline = time.monotonic() + timeout
        while not done() and time.monotonic() < deadline:
            if self.client.loop(timeout=0.02) != mqtt.MQTT_ERR_SUCCESS:
                break
        return done()

    def publish_all(self, topics: list[str]) -> dict[str, int]:
        """Publish `{}` at QoS 1 on each topic; return each topic's PUBACK reason code."""
        mids = {self.client.publish(t, b"{}", qos=1).mid: t for t in topics}
        self.wait_for(lambda: all(m in self.acks for m in mids))
        return {t: self.acks[m].value for m, t in mids.items() if m in self.acks}

    def subscribe(self, topic: str) -> int | None:
        """Subscribe at QoS 1 and return the SUBACK reason code."""
        _, mid = self.client.subscribe(topic, qos=1)
        self.wait_for(lambda: mid in self._subacks)
        return self._subacks[mid][0].value if mid in self._subacks else None

    def received(self, topic: str) -> bool:
        """Tell whether a message arrived on the topic."""
        return any(m.topic == topic for m in self.messages)

    def close(self) -> None:
        """Disconnect cleanly and close the socket."""
        if self.client.is_connected():
            self.client.disconnect()
            self.wait_for(lambda: not self.client.is_connected(), 1.0)
        self.client.loop(timeout=0)
