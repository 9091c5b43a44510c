"""Every retained state the server publishes is back after the broker restarts (real Mosquitto)."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest
from sqlalchemy.orm import Session, sessionmaker

from server.broker import EmbeddedBroker
from server.daemon import QueueServer
from shared.domain.site import Site
from shared.messaging import commands as c
from shared.messaging.bus import Message
from shared.messaging.client import CommandClient, new_request_id
from shared.messaging.paho_bus import PahoBus
from shared.messaging.topics import Topics
from shared.runtime import connect_bus
from tests.helpers.clock import FakeClock

pytestmark = pytest.mark.integration
PATIENCE = 20.0  # seconds to wait for the broker (a bound on waiting, not an assertion)


class Retained:
    """The retained state topics a fresh subscriber is handed."""

    def __init__(self, live_too: bool = False) -> None:
        self.topics: set[str] = set()
        self.changed = threading.Condition()
        self.live_too = live_too

    def __call__(self, message: Message) -> None:
        if message.retain or self.live_too:
            with self.changed:
                self.topics.add(message.topic)
                self.changed.notify_all()

    def wait_for(self, expected: set[str]) -> set[str]:
        """Wait until every expected topic came; return the missing ones."""
        deadline = time.monotonic() + PATIENCE
        with self.changed:
            while not expected <= self.topics and time.monotonic() < deadline:
                self.changed.wait(0.2)
            return expected - self.topics


def listen(
    address: object, site: str, name: str, live_too: bool = False
) -> tuple[PahoBus, Retained]:
    """Subscribe a fresh client to every state topic."""
    bus = PahoBus(address, name)  # type: ignore[arg-type]
    retained = Retained(live_too)
    bus.subscribe(Topics(site).states(), retained)
    assert bus.wait_connected(PATIENCE)
    return bus, retained


def test_every_retained_state_is_back_after_a_broker_restart(
    tmp_path: Path, demo_site: Site, sessions: sessionmaker[Session], clock: FakeClock
) -> None:
    broker = EmbeddedBroker(tmp_path / "broker")
    address = broker.start()
    server_bus = connect_bus(address, demo_site.id, "server-x", "server", persistent=True)
    kiosk_bus = connect_bus(address, demo_site.id, "kiosk-1", "kiosk")
    published: list[str] = []
    publish = server_bus.publish

    def recording(topic: str, payload: bytes, **options: object) -> None:
        if options.get("retain"):
            published.append(topic)
        publish(topic, payload, **options)  # type: ignore[arg-type]

    server_bus.publish = recording  # type: ignore[method-assign]
    server = QueueServer(demo_site, sessions, server_bus, clock)
    buses = [server_bus, kiosk_bus]
    try:
        assert server_bus.wait_connected(PATIENCE) and kiosk_bus.wait_connected(PATIENCE)
        server.start()
        kiosk = CommandClient(kiosk_bus, Topics(demo_site.id), "kiosk-1")
        assert kiosk.send(c.IssueTicket(request_id=new_request_id(), service="ho-tich"), 5).ok
        expected = set(server.retained_topics())
        # The list is the code's: whatever the server retains is in it (later additions too).
        assert set(published) <= expected and {
            Topics(demo_site.id).late_dossiers(),
            Topics(demo_site.id).logins(),
        } <= set(published)
        before, seen = listen(address, demo_site.id, "listener-1")
        buses.append(before)
        assert seen.wait_for(expected) == set()
        broker.stop()
        # A broker that lost its retained messages: a crash before saving, a replaced machine.
        for saved in (tmp_path / "broker").rglob("*.db"):
            saved.unlink()
        broker.start()
        assert server_bus.wait_connected(PATIENCE)
        # Connected before the server republished, this one may get them live, not retained.
        watcher, republished = listen(address, demo_site.id, "listener-2", live_too=True)
        buses.append(watcher)
        assert republished.wait_for(expected) == set()
        after, seen_again = listen(address, demo_site.id, "listener-3")
        buses.append(after)
        assert seen_again.wait_for(expected) == set()
    finally:
        server.stop()
        for bus in buses:
            bus.close()
        broker.stop()
