"""Garbage never crashes the server; retries are applied once; every command is audited."""

from __future__ import annotations

import json

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from shared.domain.site import Site
from shared.messaging import commands as c
from shared.messaging.bus import Message
from shared.messaging.codec import encode
from shared.messaging.memory import MemoryBus
from shared.messaging.replies import ErrorCode, Reply
from shared.storage.tables import CommandLogRow, TicketRow
from tests.helpers.clock import FakeClock
from tests.helpers.memory_server import Hall


def raw_request(hall: Hall, topic: str, payload: bytes) -> Reply:
    bus = MemoryBus(hall.broker, "raw")
    return Reply.model_validate_json(bus.request(topic, payload, timeout=1).payload)


def test_garbage_gets_error_replies_and_the_server_keeps_working(
    demo_site: Site, sessions: sessionmaker[Session], clock: FakeClock
) -> None:
    hall = Hall(demo_site, sessions, clock)
    topic = hall.topics.command("issue_ticket", "kiosk-1")
    cases = {
        b"\x00\x01garbage": ErrorCode.MALFORMED,
        b'{"type": "issue_ticket"}': ErrorCode.INVALID_MESSAGE,
        b'{"type": "nuke", "request_id": "x"}': ErrorCode.UNKNOWN_TYPE,
        json.dumps({"type": "issue_ticket", "request_id": "x", "service": "a" * 20000}).encode(): (
            ErrorCode.PAYLOAD_TOO_LARGE
        ),
        encode(c.CallNext(request_id="x1")): ErrorCode.WRONG_TOPIC,
    }
    for payload, code in cases.items():
        reply = raw_request(hall, topic, payload)
        assert not reply.ok and reply.error is not None and reply.error.code is code
    # No reply topic: nothing to answer, and still no crash.
    hall.server.handle(Message(topic, b"{{{"))
    hall.server.handle(Message("motcua/v1/hcc-demo/cmd/too/many/parts", b"{}"))
    assert hall.issue("ho-tich") == "A001"


def test_a_retry_with_the_same_request_id_is_applied_once(
    demo_site: Site, sessions: sessionmaker[Session], clock: FakeClock
) -> None:
    hall = Hall(demo_site, sessions, clock)
    kiosk = hall.device("kiosk-1")
    command = c.IssueTicket(request_id="same-id-1", service="ho-tich")
    first, second = kiosk.send(command), kiosk.send(command)
    assert first == second and first.ok
    assert hall.issue("ho-tich") == "A002"
    with sessions() as session:
        assert len(session.scalars(select(TicketRow)).all()) == 2


def test_every_command_is_in_the_audit_log_with_device_officer_and_result(
    demo_site: Site, sessions: sessionmaker[Session], clock: FakeClock
) -> None:
    hall = Hall(demo_site, sessions, clock)
    hall.issue("ho-tich")
    q01 = hall.counter("q01", "cb07")
    q01.call_next()
    q01.do(c.Resume, number="A001")  # refused: the ticket is not on hold
    with sessions() as session:
        rows = session.scalars(select(CommandLogRow).order_by(CommandLogRow.id)).all()
    assert [(r.device_id, r.verb, r.ok) for r in rows] == [
        ("kiosk-1", "issue_ticket", True),
        ("q01", "open_counter", True),
        ("q01", "call_next", True),
        ("q01", "resume", False),
    ]
    assert rows[2].officer_id == "cb07" and rows[3].error_code == "invalid_state"
