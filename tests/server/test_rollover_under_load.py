"""A server that never goes idle still starts the new service day on time."""

from __future__ import annotations

import json

import pytest
from sqlalchemy.orm import Session, sessionmaker

from server import daemon
from server.daemon import QueueServer
from shared.domain.site import Site
from shared.messaging import commands as c
from shared.messaging.client import CommandClient, new_request_id
from shared.messaging.memory import MemoryBroker, MemoryBus
from shared.messaging.topics import Topics
from tests.helpers.clock import FakeClock


def test_busy_server_closes_yesterdays_tickets_without_an_idle_moment(
    monkeypatch: pytest.MonkeyPatch,
    demo_site: Site,
    sessions: sessionmaker[Session],
    clock: FakeClock,
) -> None:
    monkeypatch.setattr(daemon, "ROLLOVER_CHECK_SECONDS", 0.05)
    broker = MemoryBroker()
    topics = Topics(demo_site.id)
    expired: list[str] = []
    broker.subscribe(
        topics.event("expired"), lambda m: expired.append(json.loads(m.payload)["number"])
    )
    server = QueueServer(demo_site, sessions, MemoryBus(broker, "server"), clock)
    server.start()
    try:
        kiosk = CommandClient(MemoryBus(broker, "kiosk-1"), topics, "kiosk-1")

        def issue() -> str:
            reply = kiosk.send(c.IssueTicket(request_id=new_request_id(), service="ho-tich"))
            assert reply.ok, reply.error
            return str(reply.result["ticket"]["number"])

        assert issue() == "A001"
        clock.advance(days=1)
        numbers = []
        for _ in range(500):  # back to back: the inbox is never idle for long
            numbers.append(issue())
            if expired:
                break
        assert expired == ["A001"]
        assert numbers[0] == "A001", "the new day numbers from 001 again"
    finally:
        server.stop()
