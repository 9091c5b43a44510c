"""The estimates the demo's kiosk lines print, as the server computes them for every ticket."""

from __future__ import annotations

from sqlalchemy.orm import Session, sessionmaker

from shared.domain.site import Site
from shared.messaging import commands as c
from shared.messaging.client import new_request_id
from tests.helpers.clock import FakeClock
from tests.helpers.memory_server import Hall


def ticket(hall: Hall, service: str, priority: str | None = None) -> dict[str, object]:
    reply = hall.device("kiosk-1").send(
        c.IssueTicket(request_id=new_request_id(), service=service, priority=priority)
    )
    assert reply.ok, reply.error
    return dict(reply.result["ticket"])


def test_people_ahead_never_wait_zero_minutes(
    demo_site: Site, sessions: sessionmaker[Session], clock: FakeClock
) -> None:
    hall = Hall(demo_site, sessions, clock)
    for counter in ("q01", "q02", "q03"):  # the three counters serving civil status, all busy
        hall.counter(counter)
    for _ in range(3):
        hall.issue("ly-lich")
        hall.issue("chung-thuc")
    hall.issue("ho-tich")
    for counter in ("q01", "q02", "q03"):
        assert hall.counter(counter).call_next()
    tickets = [ticket(hall, "ho-tich") for _ in range(4)]
    assert [t["people_ahead"] for t in tickets] == [0, 1, 2, 3]
    minutes = [int(str(t["estimated_wait_minutes"])) for t in tickets]
    assert all(m >= 1 for m in minutes), minutes
    assert minutes == sorted(minutes) and minutes[-1] > minutes[0]


def test_priority_tickets_count_in_the_line_of_normal_ones(
    demo_site: Site, sessions: sessionmaker[Session], clock: FakeClock
) -> None:
    hall = Hall(demo_site, sessions, clock)
    hall.counter("q04")
    hall.issue("can-cuoc")
    assert hall.counter("q05").call_next()  # q05 busy, q04 open and idle with nobody waiting
    clock.advance(minutes=1)
    first = ticket(hall, "can-cuoc")
    assert first["people_ahead"] == 0 and first["estimated_wait_minutes"] == 0, "q04 is free"
    normal = ticket(hall, "can-cuoc")
    elderly = ticket(hall, "can-cuoc", "elderly")
    assert elderly["people_ahead"] == 0
    status = hall.device("kiosk-1").send(
        c.TicketStatus(request_id=new_request_id(), number=str(normal["number"]))
    )
    assert status.result["ticket"]["people_ahead"] == 2, "the elderly citizen goes first"


def test_the_kiosk_board_estimate_is_what_the_next_ticket_gets(
    demo_site: Site, sessions: sessionmaker[Session], clock: FakeClock
) -> None:
    hall = Hall(demo_site, sessions, clock)
    hall.counter("q09")
    for _ in range(3):
        hall.issue("doanh-nghiep")
    assert hall.counter("q09").call_next()
    hall.issue("dau-tu")
    queues = hall.retained(hall.topics.queues())["services"]
    shown = next(s for s in queues if s["service"] == "doanh-nghiep")
    taken = ticket(hall, "doanh-nghiep")
    assert taken["estimated_wait_minutes"] == shown["estimated_wait_minutes"] > 0
