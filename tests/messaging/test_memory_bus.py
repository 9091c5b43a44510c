"""The in-memory bus behaves like MQTT for what the apps rely on."""

from __future__ import annotations

import pytest

from shared.messaging.bus import Message
from shared.messaging.memory import MemoryBroker, MemoryBus


def test_retained_messages_reach_late_subscribers_and_empty_payload_clears() -> None:
    broker = MemoryBroker()
    publisher, late = MemoryBus(broker), MemoryBus(broker)
    publisher.publish("s/board/z1", b"one", retain=True)
    got: list[Message] = []
    late.subscribe("s/board/+", got.append)
    assert [m.payload for m in got] == [b"one"] and got[0].retain
    publisher.publish("s/board/z1", b"", retain=True)
    assert "s/board/z1" not in broker.retained


def test_request_gets_the_reply_with_matching_correlation() -> None:
    broker = MemoryBroker()
    server, client = MemoryBus(broker), MemoryBus(broker)

    def echo(message: Message) -> None:
        assert message.response_topic is not None
        server.publish(
            message.response_topic,
            message.payload.upper(),
            correlation_data=message.correlation_data,
        )

    server.subscribe("cmd/#", echo)
    assert client.request("cmd/x", b"hello", timeout=1).payload == b"HELLO"


def test_request_without_a_reply_times_out() -> None:
    client = MemoryBus(MemoryBroker())
    with pytest.raises(TimeoutError):
        client.request("nobody/listens", b"?", timeout=0.05)
