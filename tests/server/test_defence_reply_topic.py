"""A command's ResponseTopic must be its sender's own reply topic, else it is refused."""

from __future__ import annotations

import logging

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from shared.domain.site import Site
from shared.messaging import commands as c
from shared.messaging.bus import Message
from shared.messaging.codec import encode
from shared.storage.tables import TicketRow
from tests.helpers.clock import FakeClock
from tests.helpers.memory_server import Hall


def test_a_reply_is_never_delivered_to_another_devices_reply_topic(
    demo_site: Site,
    sessions: sessionmaker[Session],
    clock: FakeClock,
    caplog: pytest.LogCaptureFixture,
) -> None:
    hall = Hall(demo_site, sessions, clock)
    stolen: list[Message] = []
    hall.broker.subscribe(hall.topics.reply("q06"), stolen.append)
    command = encode(c.IssueTicket(request_id="forged-1", service="ho-tich"))
    topic = hall.topics.command("issue_ticket", "kiosk-1")
    with caplog.at_level(logging.WARNING):
        hall.broker.publish(Message(topic, command, False, hall.topics.reply("q06"), b"x"))
    assert stolen == []
    with sessions() as session:
        assert session.scalars(select(TicketRow)).all() == []  # refused, not applied
    assert "reply topic" in caplog.text
    errors = hall.server.metrics.errors.labels("invalid", "forged_reply_topic")
    assert errors._value.get() == 1


def test_a_reply_topic_of_another_site_or_shape_is_refused_too(
    demo_site: Site, sessions: sessionmaker[Session], clock: FakeClock
) -> None:
    hall = Hall(demo_site, sessions, clock)
    seen: list[Message] = []
    hall.broker.subscribe("#", seen.append)
    command = encode(c.IssueTicket(request_id="forged-2", service="ho-tich"))
    topic = hall.topics.command("issue_ticket", "kiosk-1")
    for forged in ("motcua/v1/other/reply/kiosk-1", "anything", hall.topics.reply("kiosk-1/x")):
        hall.broker.publish(Message(topic, command, False, forged, b"x"))
    assert [m.topic for m in seen if m.topic not in (topic, *hall.broker.retained)] == []
    assert hall.issue("ho-tich") == "A001"  # the own reply topic works
