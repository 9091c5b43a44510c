"""Request ids are scoped per (device, command), conflicts are typed, and they are kept."""

from __future__ import annotations

from sqlalchemy.orm import Session, sessionmaker

from server.daemon import QueueServer
from shared.domain.site import Site
from shared.messaging import commands as c
from shared.messaging.replies import ErrorCode
from tests.helpers.clock import FakeClock
from tests.helpers.memory_server import Hall


def test_the_same_id_for_another_command_is_a_new_request(
    demo_site: Site, sessions: sessionmaker[Session], clock: FakeClock
) -> None:
    hall = Hall(demo_site, sessions, clock)
    kiosk = hall.device("kiosk-1")
    assert kiosk.send(c.IssueTicket(request_id="id-1", service="ho-tich")).ok
    assert hall.issue("ho-tich") == "A002"
    status = kiosk.send(c.TicketStatus(request_id="id-1", number="A002"))
    assert status.ok, status.error
    assert status.result["ticket"]["number"] == "A002"


def test_a_reused_id_with_another_payload_is_a_conflict(
    demo_site: Site, sessions: sessionmaker[Session], clock: FakeClock
) -> None:
    hall = Hall(demo_site, sessions, clock)
    kiosk = hall.device("kiosk-1")
    assert kiosk.send(c.IssueTicket(request_id="id-2", service="ho-tich")).ok
    other = kiosk.send(c.IssueTicket(request_id="id-2", service="can-cuoc"))
    assert other.error is not None and other.error.code is ErrorCode.REQUEST_ID_CONFLICT
    assert other.request_id == "id-2"
    assert hall.issue("ho-tich") == "A002"  # the conflicting one issued nothing


def test_ids_of_other_devices_do_not_collide(
    demo_site: Site, sessions: sessionmaker[Session], clock: FakeClock
) -> None:
    hall = Hall(demo_site, sessions, clock)
    first = hall.device("kiosk-1").send(c.IssueTicket(request_id="id-3", service="ho-tich"))
    second = hall.device("kiosk-2").send(c.IssueTicket(request_id="id-3", service="ho-tich"))
    assert first.ok and second.ok and first != second


def test_an_id_is_remembered_across_service_days_and_server_restarts(
    demo_site: Site, sessions: sessionmaker[Session], clock: FakeClock
) -> None:
    """docs/protocol.md: a request id is kept as long as the audit log, not for a day."""
    hall = Hall(demo_site, sessions, clock)
    command = c.IssueTicket(request_id="id-4", service="ho-tich")
    first = hall.device("kiosk-1").send(command)
    clock.advance(days=40)
    restarted = Hall(demo_site, sessions, clock)
    assert isinstance(restarted.server, QueueServer)
    again = restarted.device("kiosk-1").send(command)
    assert again == first
