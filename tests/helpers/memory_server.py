"""A queue server on the in-memory bus, driven by CommandClient like any device."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy.orm import Session, sessionmaker

from server.daemon import QueueServer
from server.dossier_service import DossierSettings
from shared.domain.site import Site
from shared.messaging import commands as c
from shared.messaging.bus import Message
from shared.messaging.client import CommandClient, new_request_id
from shared.messaging.memory import MemoryBroker, MemoryBus
from shared.messaging.replies import Reply
from shared.messaging.topics import Topics
from tests.helpers.clock import FakeClock


class Hall:
    """A server plus devices on one in-memory broker; messages are delivered synchronously."""

    def __init__(
        self,
        site: Site,
        sessions: sessionmaker[Session],
        clock: FakeClock,
        settings: DossierSettings | None = None,
        broker: MemoryBroker | None = None,
    ) -> None:
        self.site = site
        self.clock = clock
        self.broker = broker or MemoryBroker()
        self.topics = Topics(site.id)
        bus = MemoryBus(self.broker, f"server-{site.id}")
        self.server = QueueServer(site, sessions, bus, clock, settings)
        self.server.rollover()
        self.server.publish_all()
        # Deliver commands straight to the handler, so each send returns after it is applied.
        self.broker.subscribe(self.topics.commands(), self.server.handle)
        self.events: list[dict[str, Any]] = []
        self.broker.subscribe(self.topics.events(), self._event)

    def _event(self, message: Message) -> None:
        self.events.append(json.loads(message.payload))

    def device(self, device_id: str) -> CommandClient:
        return CommandClient(MemoryBus(self.broker, device_id), self.topics, device_id)

    def retained(self, topic: str) -> dict[str, Any]:
        return dict(json.loads(self.broker.retained[topic].payload))

    def issue(self, service: str, priority: str | None = None, kiosk: str = "kiosk-1") -> str:
        reply = self.device(kiosk).send(
            c.IssueTicket(request_id=new_request_id(), service=service, priority=priority)
        )
        assert reply.ok, reply.error
        return str(reply.result["ticket"]["number"])

    def counter(self, counter_id: str, officer: str = "cb01") -> CounterConsole:
        console = CounterConsole(self.device(counter_id))
        assert console.do(c.OpenCounter, officer_id=officer).ok
        return console

    def do(self, device_id: str, kind: type[c.Command], **fields: Any) -> Reply:
        """Send one command from a device with a fresh request id."""
        return self.device(device_id).send(kind(request_id=new_request_id(), **fields))


class CounterConsole:
    """Sends counter commands with fresh request ids."""

    def __init__(self, client: CommandClient) -> None:
        self.client = client

    def do(self, kind: type[c.Command], **fields: Any) -> Reply:
        return self.client.send(kind(request_id=new_request_id(), **fields))

    def call_next(self) -> str | None:
        reply = self.do(c.CallNext)
        assert reply.ok, reply.error
        ticket = reply.result.get("ticket")
        return None if ticket is None else str(ticket["number"])
