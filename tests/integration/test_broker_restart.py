"""A broker restart: the server and the kiosks reconnect and resubscribe by themselves."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy.orm import Session, sessionmaker

from server.broker import EmbeddedBroker
from server.daemon import QueueServer
from shared.domain.site import Site
from shared.messaging import commands as c
from shared.messaging.client import CommandClient, new_request_id
from shared.messaging.topics import Topics
from shared.runtime import connect_bus
from tests.helpers.clock import FakeClock

pytestmark = pytest.mark.integration


def test_everyone_recovers_after_the_broker_restarts(
    tmp_path: Path, demo_site: Site, sessions: sessionmaker[Session], clock: FakeClock
) -> None:
    broker = EmbeddedBroker(tmp_path / "broker")
    address = broker.start()
    server_bus = connect_bus(address, demo_site.id, "server-x", "server", persistent=True)
    kiosk_bus = connect_bus(address, demo_site.id, "kiosk-1", "kiosk")
    server = QueueServer(demo_site, sessions, server_bus, clock)
    try:
        assert server_bus.wait_connected(10) and kiosk_bus.wait_connected(10)
        server.start()
        kiosk = CommandClient(kiosk_bus, Topics(demo_site.id), "kiosk-1")
        assert kiosk.send(c.IssueTicket(request_id=new_request_id(), service="ho-tich")).ok
        states: list[bool] = []
        kiosk_bus.on_connection_change(states.append)
        broker.stop()
        refused = kiosk.send(c.IssueTicket(request_id=new_request_id(), service="ho-tich"), 0.3, 1)
        assert refused.error is not None and refused.error.code.value == "timeout"
        broker.start()
        assert kiosk_bus.wait_connected(20) and server_bus.wait_connected(20)
        again = kiosk.send(c.IssueTicket(request_id=new_request_id(), service="ho-tich"), 3, 5)
        assert again.ok, again.error
        assert again.result["ticket"]["number"] == "A002"
        assert False in states and states[-1] is True
    finally:
        server.stop()
        server_bus.close()
        kiosk_bus.close()
        broker.stop()
