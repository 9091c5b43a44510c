"""The Bus over a real MQTT v5 broker with paho-mqtt: connects in the background, reconnects."""

from __future__ import annotations

import logging
import socket
import ssl
import threading
from dataclasses import dataclass

import paho.mqtt.client as mqtt
from paho.mqtt.enums import CallbackAPIVersion
from paho.mqtt.packettypes import PacketTypes
from paho.mqtt.properties import Properties
from paho.mqtt.reasoncodes import ReasonCode

from shared.messaging.bus import (
    ConnectionListener,
    Handler,
    Message,
    PendingRequests,
    topic_matches,
)
from shared.messaging.topics import reply_topic_for

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class BrokerAddress:
    """How to reach and log in to a broker."""

    host: str
    port: int
    username: str = ""
    password: str = ""
    tls_ca_file: str = ""


@dataclass(frozen=True)
class LastWill:
    """A retained message the broker publishes if we vanish, and its 'online' counterpart."""

    topic: str
    offline: bytes
    online: bytes


class PahoBus:
    """A Bus on paho-mqtt 2.x, MQTT v5; never blocks start-up, resubscribes after reconnects."""

    def __init__(
        self,
        address: BrokerAddress,
        client_id: str,
        *,
        reply_topic: str | None = None,
        will: LastWill | None = None,
        persistent_session: bool = False,
        keepalive: int = 15,
    ) -> None:
        self._client = mqtt.Client(
            CallbackAPIVersion.VERSION2, client_id=client_id, protocol=mqtt.MQTTv5
        )
        self._client.max_inflight_messages_set(1000)
        self._client.reconnect_delay_set(min_delay=1, max_delay=10)
        if address.username:
            self._client.username_pw_set(address.username, address.password or None)
        if address.tls_ca_file:
            self._client.tls_set(ca_certs=address.tls_ca_file, tls_version=ssl.PROTOCOL_TLS_CLIENT)
        self._will = will
        if will is not None:
            self._client.will_set(will.topic, will.offline, qos=1, retain=True)
        self._lock = threading.Lock()
        # Subscriptions sent and not yet acknowledged by the broker (see wait_subscribed).
        self._unacknowledged: set[int] = set()
        self._early: set[int] = set()
        self._acknowledged = threading.Condition(self._lock)
        self._subscriptions: list[tuple[str, Handler]] = []
        self._listeners: list[ConnectionListener] = []
        self._connected = threading.Event()
        self._pending = PendingRequests()
        self._reply_topic = reply_topic
        if reply_topic is not None:
            self._subscriptions.append((reply_topic, self._pending.resolve))
        self._client.on_connect = self._on_connect
        self._client.on_disconnect = self._on_disconnect
        self._client.on_message = self._on_message
        self._client.on_subscribe = self._on_subscribe
        properties = Properties(PacketTypes.CONNECT)  # type: ignore[no-untyped-call]
        properties.SessionExpiryInterval = 3600 if persistent_session else 0
        self._client.connect_async(
            address.host,
            address.port,
            keepalive=keepalive,
            clean_start=not persistent_session,
            properties=properties,
        )
        self._client.loop_start()

    @property
    def connected(self) -> bool:
        """Tell whether the broker connection is up."""
        return self._connected.is_set()

    def wait_connected(self, timeout: float) -> bool:
        """Wait up to `timeout` seconds for the connection; return whether it is up."""
        return self._connected.wait(timeout)

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
        """Publish; paho queues it in memory while disconnected."""
        properties = None
        if response_topic is not None or correlation_data is not None:
            properties = Properties(PacketTypes.PUBLISH)  # type: ignore[no-untyped-call]
            if response_topic is not None:
                properties.ResponseTopic = response_topic
            if correlation_data is not None:
                properties.CorrelationData = correlation_data
        self._client.publish(topic, payload, qos=qos, retain=retain, properties=properties)

    def subscribe(self, pattern: str, handler: Handler) -> None:
        """Subscribe now if connected, and again after every reconnect."""
        with self._lock:
            self._subscriptions.append((pattern, handler))
        if self.connected:
            self._sent(self._client.subscribe(pattern, qos=1))

    def request(self, topic: str, payload: bytes, timeout: float) -> Message:
        """Publish a request with ResponseTopic + CorrelationData and wait for the reply.

        A command's reply topic is always its sender's, `…/reply/{device}` (the server refuses
        any other); a tool sending as several devices is subscribed to each one's on first use.
        """
        reply_topic = reply_topic_for(topic) or self._reply_topic
        if reply_topic is None:
            raise RuntimeError("this bus was created without a reply topic")
        self._listen_for_replies(reply_topic)
        if not self._connected.wait(timeout):
            raise TimeoutError("not connected to the broker")
        correlation, future = self._pending.new()
        # QoS 0: a request is never queued by paho and sent after the caller gave up (a ticket
        # nobody asked for any more). Delivery is the caller's retry with the same request id,
        # which the server applies once.
        self.publish(
            topic,
            payload,
            qos=0,
            response_topic=reply_topic,
            correlation_data=correlation,
        )
        return self._pending.wait(correlation, future, timeout)

    def _listen_for_replies(self, reply_topic: str) -> None:
        with self._lock:
            if (reply_topic, self._pending.resolve) in self._subscriptions:
                return
        self.subscribe(reply_topic, self._pending.resolve)

    def _sent(self, result: tuple[int, int | None]) -> None:
        code, mid = result
        if code == mqtt.MQTT_ERR_SUCCESS and mid is not None:
            with self._lock:
                if mid in self._early:  # the acknowledgement came before subscribe() returned
                    self._early.discard(mid)
                else:
                    self._unacknowledged.add(mid)

    def _on_subscribe(
        self,
        client: mqtt.Client,
        userdata: object,
        mid: int,
        reason_codes: list[ReasonCode],
        properties: Properties | None,
    ) -> None:
        with self._acknowledged:
            if mid in self._unacknowledged:
                self._unacknowledged.discard(mid)
            else:
                self._early.add(mid)
            self._acknowledged.notify_all()

    def wait_subscribed(self, timeout: float) -> bool:
        """Wait until the broker acknowledged every subscription sent so far; False on timeout.

        Until then a message published by another client may reach nobody.
        """
        with self._acknowledged:
            return self._acknowledged.wait_for(lambda: not self._unacknowledged, timeout)

    def on_connection_change(self, listener: ConnectionListener) -> None:
        """Register a listener and tell it the current state."""
        with self._lock:
            self._listeners.append(listener)
        listener(self.connected)

    def close(self) -> None:
        """Publish 'offline' (we are leaving cleanly), disconnect and stop the network thread."""
        if self._will is not None and self.connected:
            info = self._client.publish(self._will.topic, self._will.offline, qos=1, retain=True)
            info.wait_for_publish(timeout=2)
        self._client.disconnect()
        self._client.loop_stop()
        self._connected.clear()

    def _on_connect(
        self,
        client: mqtt.Client,
        userdata: object,
        flags: mqtt.ConnectFlags,
        reason_code: ReasonCode,
        properties: Properties | None,
    ) -> None:
        if reason_code.is_failure:
            log.warning("broker refused the connection: %s", reason_code)
            return
        sock = client.socket()
        if isinstance(sock, socket.socket) and sock.family in (socket.AF_INET, socket.AF_INET6):
            # Small request/reply messages must not wait for Nagle's algorithm (40 ms stalls).
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        with self._lock:
            patterns = sorted({p for p, _ in self._subscriptions})
            listeners = list(self._listeners)
        if patterns:
            self._sent(client.subscribe([(p, 1) for p in patterns]))
        if self._will is not None:
            client.publish(self._will.topic, self._will.online, qos=1, retain=True)
        self._connected.set()
        for listener in listeners:
            listener(True)

    def _on_disconnect(
        self,
        client: mqtt.Client,
        userdata: object,
        flags: mqtt.DisconnectFlags,
        reason_code: ReasonCode,
        properties: Properties | None,
    ) -> None:
        was_connected = self._connected.is_set()
        self._connected.clear()
        if was_connected:
            log.info("broker connection lost (%s); reconnecting", reason_code)
            with self._lock:
                listeners = list(self._listeners)
            for listener in listeners:
                listener(False)

    def _on_message(self, client: mqtt.Client, userdata: object, msg: mqtt.MQTTMessage) -> None:
        properties = getattr(msg, "properties", None)
        message = Message(
            topic=msg.topic,
            payload=bytes(msg.payload),
            retain=bool(msg.retain),
            response_topic=getattr(properties, "ResponseTopic", None),
            correlation_data=getattr(properties, "CorrelationData", None),
        )
        with self._lock:
            handlers = [h for p, h in self._subscriptions if topic_matches(p, msg.topic)]
        for handler in handlers:
            try:
                handler(message)
            except Exception:
                log.exception("handler failed for a message on %s", msg.topic)
