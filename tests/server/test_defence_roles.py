"""The server refuses a command whose sender's role may not send it (`forbidden`)."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from shared.domain.site import Site
from shared.messaging import commands as c
from shared.messaging.memory import MemoryBus
from shared.messaging.registry import COMMANDS, Role, device_role, may_send
from shared.messaging.replies import ErrorCode, Reply
from shared.storage.tables import TicketRow
from tests.helpers.clock import FakeClock
from tests.helpers.memory_server import Hall

REFUSED = "Thiết bị này không được gửi lệnh"  # the role check's, not a counter rule's
DEVICES = {Role.KIOSK: "kiosk-1", Role.COUNTER: "q01", Role.EXTERNAL: "external"}


def raw(hall: Hall, verb: str, device: str) -> Reply:
    """Send a bare command (type and request id only) on a device's topic."""
    bus = MemoryBus(hall.broker, device)
    payload = json.dumps({"type": verb, "request_id": "r-1"}).encode()
    return Reply.model_validate_json(
        bus.request(hall.topics.command(verb, device), payload, 1).payload
    )


def test_issue_ticket_on_a_counters_topic_is_forbidden(
    demo_site: Site, sessions: sessionmaker[Session], clock: FakeClock
) -> None:
    hall = Hall(demo_site, sessions, clock)
    reply = hall.do("q01", c.IssueTicket, service="ho-tich")
    assert reply.error is not None and reply.error.code is ErrorCode.FORBIDDEN
    with sessions() as session:
        assert session.scalars(select(TicketRow)).all() == []


def test_a_kiosk_cannot_call_tickets(
    demo_site: Site, sessions: sessionmaker[Session], clock: FakeClock
) -> None:
    hall = Hall(demo_site, sessions, clock)
    hall.issue("ho-tich")
    reply = hall.do("kiosk-1", c.CallNext)
    assert reply.error is not None and reply.error.code is ErrorCode.FORBIDDEN


@pytest.mark.parametrize("role", list(DEVICES))
def test_every_verb_a_role_may_not_send_is_forbidden_before_its_payload_is_read(
    role: Role, demo_site: Site, sessions: sessionmaker[Session], clock: FakeClock
) -> None:
    hall = Hall(demo_site, sessions, clock)
    for verb, spec in COMMANDS.items():
        reply = raw(hall, verb, DEVICES[role])
        if role in spec.roles:
            assert reply.error is None or not reply.error.message.startswith(REFUSED), verb
        else:
            assert reply.error is not None and reply.error.code is ErrorCode.FORBIDDEN, verb
            assert reply.error.message.startswith(REFUSED), verb
            assert reply.request_id == "r-1"


def test_devices_map_to_roles_by_the_site_file() -> None:
    counters = ["q01", "q02"]
    assert device_role("q01", counters) is Role.COUNTER
    assert device_role("igate", counters, ["igate"]) is Role.EXTERNAL
    assert device_role("external", counters) is Role.EXTERNAL
    assert device_role("display-tang-1", counters) is Role.DISPLAY
    assert device_role("supervisor", counters) is Role.SUPERVISOR
    assert device_role("kiosk-7", counters) is Role.KIOSK
    assert not may_send(Role.DISPLAY, "ticket_status")
    assert not may_send(Role.SUPERVISOR, "call_next")
    assert may_send(Role.COUNTER, "officer_login") and not may_send(Role.KIOSK, "officer_login")
