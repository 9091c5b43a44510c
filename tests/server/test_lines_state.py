"""The retained `state/lines`: every waiting ticket's place and wait, as ticket_status gives it."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from datetime import UTC, datetime

import pytest
from sqlalchemy.orm import Session, sessionmaker

from server.daemon import QueueServer
from shared.domain.site import Site
from shared.messaging import commands as c
from shared.messaging.client import CommandClient, new_request_id
from shared.messaging.paho_bus import PahoBus
from shared.messaging.topics import Topics
from tests.helpers.clock import FakeClock
from tests.helpers.memory_server import Hall

MONDAY = datetime(2026, 12, 7, 2, 0, tzinfo=UTC)


@pytest.fixture
def hall(demo_site: Site, sessions: sessionmaker[Session], clock: FakeClock) -> Hall:
    clock.set(MONDAY)
    hall = Hall(demo_site, sessions, clock)
    hall.server.lines_interval = 0  # every change at once (a hall publishes at most twice a second)
    return hall


def test_every_waiting_ticket_stands_where_ticket_status_says(hall: Hall, clock: FakeClock) -> None:
    issued = []
    for i in range(9):
        priority = "elderly" if i % 3 == 2 else None
        issued.append(hall.issue("can-cuoc" if i % 2 else "ho-tich", priority))
    q04 = hall.counter("q04")
    called = q04.call_next()
    lines = hall.retained(hall.topics.lines())
    assert lines["type"] == "lines"
    places = {
        number: (line["service"], ahead, minutes)
        for line in lines["services"]
        for number, ahead, minutes in line["places"]
    }
    assert called not in places
    assert set(places) == set(issued) - {called}
    for number, (service, ahead, minutes) in places.items():
        reply = hall.device("kiosk-1").send(
            c.TicketStatus(request_id=new_request_id(), number=number)
        )
        ticket = reply.result["ticket"]
        assert (ticket["service"], ticket["people_ahead"], ticket["estimated_wait_minutes"]) == (
            service,
            ahead,
            minutes,
        )
    for line in lines["services"]:
        aheads = [ahead for _, ahead, _ in line["places"]]
        assert aheads == sorted(aheads)


def test_the_running_server_publishes_the_newest_places_after_a_burst(
    running_server: QueueServer, bus_factory: Callable[..., PahoBus], topics: Topics
) -> None:
    """Places go out at most twice a second, and the last change of a burst is never left out."""
    seen: list[dict[str, object]] = []
    watcher = bus_factory("supervisor-lines", "supervisor")
    watcher.subscribe(topics.lines(), lambda m: seen.append(json.loads(m.payload)))
    assert watcher.wait_subscribed(10)
    kiosk = CommandClient(bus_factory("kiosk-1", "kiosk"), topics, "kiosk-1")
    numbers = []
    for _ in range(12):
        reply = kiosk.send(c.IssueTicket(request_id=new_request_id(), service="ho-tich"))
        numbers.append(reply.result["ticket"]["number"])

    def newest() -> list[str]:
        if not seen:
            return []
        line = next(s for s in seen[-1]["services"] if s["service"] == "ho-tich")  # type: ignore[index,union-attr,attr-defined]
        return [number for number, _, _ in line["places"]]

    deadline = time.monotonic() + 10
    while newest() != numbers and time.monotonic() < deadline:
        time.sleep(0.05)
    assert newest() == numbers
    assert len(seen) < 12 + 1  # fewer publications than changes (the first is the start's)
