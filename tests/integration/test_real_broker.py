"""Against a real Mosquitto: concurrent kiosks and counters, retries, garbage, retained state."""

from __future__ import annotations

import json
import threading
from collections.abc import Callable

import pytest

from server.daemon import QueueServer
from shared.messaging import commands as c
from shared.messaging.bus import Message
from shared.messaging.client import CommandClient, new_request_id
from shared.messaging.paho_bus import PahoBus
from shared.messaging.replies import ErrorCode, Reply
from shared.messaging.topics import Topics

pytestmark = pytest.mark.integration
Connect = Callable[..., PahoBus]


def test_five_kiosks_issuing_at_once_never_share_a_number(
    running_server: QueueServer, bus_factory: Connect, topics: Topics
) -> None:
    numbers: list[str] = []
    failures: list[Reply] = []
    lock = threading.Lock()

    def kiosk(index: int) -> None:
        client = CommandClient(bus_factory(f"kiosk-{index}", "kiosk"), topics, f"kiosk-{index}")
        for _ in range(20):
            reply = client.send(c.IssueTicket(request_id=new_request_id(), service="ho-tich"))
            with lock:
                if reply.ok:
                    numbers.append(reply.result["ticket"]["number"])
                else:
                    failures.append(reply)

    buses_ready = [threading.Thread(target=kiosk, args=(i,)) for i in range(5)]
    for thread in buses_ready:
        thread.start()
    for thread in buses_ready:
        thread.join()
    assert not failures
    assert sorted(numbers) == [f"A{i:03d}" for i in range(1, 101)]


def test_two_counters_pressing_call_next_together_get_different_citizens(
    running_server: QueueServer, bus_factory: Connect, topics: Topics
) -> None:
    kiosk = CommandClient(bus_factory("kiosk-1"), topics, "kiosk-1")
    for _ in range(10):
        assert kiosk.send(c.IssueTicket(request_id=new_request_id(), service="ho-tich")).ok
    consoles = []
    for counter in ("q01", "q02"):
        console = CommandClient(bus_factory(counter, "counter"), topics, counter)
        assert console.send(
            c.OpenCounter(request_id=new_request_id(), officer_id=f"cb-{counter}")
        ).ok
        consoles.append(console)
    called: list[str] = []
    barrier = threading.Barrier(2)

    def press(console: CommandClient) -> None:
        for _ in range(5):
            barrier.wait()
            reply = console.send(c.CallNext(request_id=new_request_id()))
            assert reply.ok, reply.error
            called.append(reply.result["ticket"]["number"])

    threads = [threading.Thread(target=press, args=(x,)) for x in consoles]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(called) == [f"A{i:03d}" for i in range(1, 11)]


def test_retrying_a_request_over_mqtt_applies_it_once(
    running_server: QueueServer, bus_factory: Connect, topics: Topics
) -> None:
    bus = bus_factory("kiosk-7", "kiosk")
    payload = json.dumps(
        {"type": "issue_ticket", "v": 1, "request_id": "retry-1", "service": "bhxh"}
    )
    topic = topics.command("issue_ticket", "kiosk-7")
    replies = [
        Reply.model_validate_json(bus.request(topic, payload.encode(), 5).payload) for _ in range(3)
    ]
    assert {r.result["ticket"]["number"] for r in replies} == {"T001"}
    fresh = CommandClient(bus, topics, "kiosk-7").send(
        c.IssueTicket(request_id=new_request_id(), service="bhxh")
    )
    assert fresh.result["ticket"]["number"] == "T002"


def test_malformed_messages_get_error_replies_and_the_server_survives(
    running_server: QueueServer, bus_factory: Connect, topics: Topics
) -> None:
    bus = bus_factory("kiosk-9", "kiosk")
    topic = topics.command("issue_ticket", "kiosk-9")
    for payload in [b"", b"\xff" * 10, b"{}", b"[]", b"x" * 70000]:
        reply = Reply.model_validate_json(bus.request(topic, payload, 5).payload)
        assert not reply.ok and reply.error is not None
        assert reply.error.code in {
            ErrorCode.MALFORMED,
            ErrorCode.UNKNOWN_TYPE,
            ErrorCode.PAYLOAD_TOO_LARGE,
        }
    ok = CommandClient(bus, topics, "kiosk-9").send(
        c.IssueTicket(request_id=new_request_id(), service="ho-tich")
    )
    assert ok.ok


def test_a_display_that_connects_late_gets_the_retained_board_at_once(
    running_server: QueueServer, bus_factory: Connect, topics: Topics
) -> None:
    kiosk = CommandClient(bus_factory("kiosk-1"), topics, "kiosk-1")
    kiosk.send(c.IssueTicket(request_id=new_request_id(), service="dat-dai"))
    counter = CommandClient(bus_factory("q11", "counter"), topics, "q11")
    counter.send(c.OpenCounter(request_id=new_request_id(), officer_id="cb11"))
    assert counter.send(c.CallNext(request_id=new_request_id())).ok
    # Boards are published right after the reply: wait until the new one is out.
    watcher = bus_factory("supervisor-1", "supervisor")
    published = threading.Event()

    def on_any_board(message: Message) -> None:
        board = json.loads(message.payload)
        if any(x["counter"] == "q11" and x["number"] == "L001" for x in board["counters"]):
            published.set()

    watcher.subscribe(topics.board("tang-2"), on_any_board)
    assert published.wait(5)
    display = bus_factory("display-tang-2", "display")
    got = threading.Event()
    boards: list[Message] = []

    def on_board(message: Message) -> None:
        boards.append(message)
        got.set()

    display.subscribe(topics.board("tang-2"), on_board)
    assert got.wait(5)
    first = boards[0]
    board = json.loads(first.payload)
    line = next(x for x in board["counters"] if x["counter"] == "q11")
    assert line["number"] == "L001" and first.retain
