"""Floods: per-device rate limits, a catalogue sent in pages, and garbage that costs nobody else."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy.orm import Session, sessionmaker

from server.daemon import QueueServer
from server.dossier_service import DossierSettings
from server.main import build_queue_server
from shared.config.site import SiteConfig
from shared.domain.procedures import Procedure, RequiredDocument
from shared.domain.site import Site
from shared.messaging import commands as c
from shared.messaging import dossier_commands as dc
from shared.messaging.bus import Message
from shared.messaging.client import CommandClient, new_request_id
from shared.messaging.codec import ProtocolError, decode_command, encode
from shared.messaging.memory import MemoryBroker, MemoryBus
from shared.messaging.replies import Reply
from shared.messaging.topics import Topics
from shared.storage.catalogue import CatalogueRepository
from tests.helpers.clock import FakeClock
from tests.helpers.memory_server import Hall
from tests.helpers.sites import demo_config


class Seconds:
    """A monotonic clock the test moves by hand (for the rate limiter's token buckets)."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


class Site_:
    """A server built from a site file as `motcua server` builds it, on the in-memory bus."""

    def __init__(
        self, config: SiteConfig, sessions: sessionmaker[Session], clock: FakeClock
    ) -> None:
        self.broker = MemoryBroker()
        self.topics = Topics(config.site.id)
        self.seconds = Seconds()
        bus = MemoryBus(self.broker, f"server-{config.site.id}")
        self.server: QueueServer = build_queue_server(
            config, sessions, bus, clock, monotonic=self.seconds
        )
        self.server.rollover()
        self.broker.subscribe(self.topics.commands(), self.server.handle)

    def send(self, device: str, command: c.Command) -> Reply:
        client = CommandClient(MemoryBus(self.broker, device), self.topics, device)
        return client.send(command, timeout=1, attempts=1)

    def issue(self, device: str, service: str = "can-cuoc") -> Reply:
        return self.send(device, c.IssueTicket(request_id=new_request_id(), service=service))


@pytest.fixture
def site(sessions: sessionmaker[Session], clock: FakeClock) -> Iterator[Site_]:
    yield Site_(demo_config(), sessions, clock)


def error(reply: Reply) -> str:
    return "ok" if reply.error is None else reply.error.code.value


def test_one_kiosk_cannot_use_up_a_daily_cap_in_a_burst(site: Site_) -> None:
    """The audit: a kiosk sending 150 issue_ticket at once took every ticket of the day."""
    replies = [site.issue("kiosk-1") for _ in range(150)]
    codes = [error(r) for r in replies]
    assert codes.count("ok") < 30, "the burst was not limited"
    assert set(codes) == {"ok", "rate_limited"}
    limited = next(r for r in replies if error(r) == "rate_limited")
    assert limited.error is not None and (limited.error.retry_after or 0) > 0
    assert site.issue("kiosk-2").ok, "another kiosk still gets a number"
    site.seconds.now += 60
    assert site.issue("kiosk-1").ok, "the kiosk gets numbers again after a while"


def test_every_command_of_a_device_is_rate_limited(site: Site_) -> None:
    number = site.issue("kiosk-1")
    assert number.ok
    text = number.result["ticket"]["number"]
    codes = [
        error(site.send("q01", c.TicketStatus(request_id=new_request_id(), number=text)))
        for _ in range(300)
    ]
    assert "rate_limited" in codes and codes[0] == "ok"
    assert error(site.send("q02", c.TicketStatus(request_id=new_request_id(), number=text))) == "ok"


def test_limits_are_documented_defaults_and_set_per_site() -> None:
    limits = demo_config().limits
    assert limits.enabled and limits.ticket_burst > 0 and limits.command_burst > 0
    assert limits.login_burst < limits.command_burst
    data = demo_config().model_dump()
    data["limits"] = {"tickets_per_minute": 2, "ticket_burst": 1, "exempt_devices": ["external"]}
    custom = SiteConfig.model_validate(data).limits
    assert custom.tickets_per_minute == 2 and custom.exempt_devices == ["external"]
    data["limits"] = {"ticket_burst": 0}
    with pytest.raises(ValueError, match="ticket_burst"):
        SiteConfig.model_validate(data)


def _procedures(count: int) -> list[Procedure]:
    return [
        Procedure(
            code=f"1.{n:06d}",
            name=f"Thủ tục số {n}",
            field="Thử",
            department="tu-phap",
            legal_days=3,
            documents=tuple(RequiredDocument(f"Giấy {d}", "Bản chính", 1) for d in range(60)),
        )
        for n in range(count)
    ]


def test_the_catalogue_is_sent_in_bounded_pages(
    demo_site: Site, sessions: sessionmaker[Session], clock: FakeClock
) -> None:
    with sessions.begin() as session:
        CatalogueRepository(session, demo_site.id).replace_all(_procedures(250), clock())
    hall = Hall(demo_site, sessions, clock, DossierSettings.from_config(demo_config()))
    first = hall.do("kiosk-1", dc.ListProcedures)
    assert first.ok, first.error
    assert len(first.result["procedures"]) == dc.MAX_PROCEDURE_PAGE < 250
    assert first.result["total"] == 250 and first.result["more"] is True
    assert all(len(p["documents"]) <= 40 for p in first.result["procedures"])
    assert len(encode(first)) < 2_000_000
    seen = [p["code"] for p in first.result["procedures"]]
    page = 2
    while True:
        reply = hall.do("kiosk-1", dc.ListProcedures, page=page, limit=dc.MAX_PROCEDURE_PAGE)
        seen += [p["code"] for p in reply.result["procedures"]]
        if not reply.result["more"]:
            break
        page += 1
    assert len(seen) == len(set(seen)) == 250, "every procedure once, none skipped"
    assert set(seen) == {p.code for p in _procedures(250)}
    too_big = {"type": "list_procedures", "request_id": "big", "limit": dc.MAX_PROCEDURE_PAGE + 1}
    bus = MemoryBus(hall.broker, "raw")
    topic = hall.topics.command("list_procedures", "kiosk-1")
    answer = Reply.model_validate_json(bus.request(topic, json.dumps(too_big).encode(), 1).payload)
    assert error(answer) == "invalid_message"


def nested(depth: int) -> bytes:
    return b'{"type": "issue_ticket", "request_id": "deep", "service": ' + (
        b"[" * depth + b"]" * depth + b"}"
    )


def test_deeply_nested_json_is_malformed() -> None:
    """The audit: 6 KB of brackets (under the 16 KiB cap) raised RecursionError."""
    payload = nested(3000)
    assert len(payload) < 16 * 1024
    with pytest.raises(ProtocolError) as caught:
        decode_command(payload, "issue_ticket")
    assert caught.value.code.value == "malformed"


def test_a_bad_message_costs_no_other_command_its_reply(
    demo_site: Site, sessions: sessionmaker[Session], clock: FakeClock
) -> None:
    """The audit: one such message dropped the batch, 56 of 200 commands got no reply."""
    hall = Hall(demo_site, sessions, clock)
    replies: dict[bytes, dict[str, Any]] = {}
    hall.broker.subscribe(
        hall.topics.reply("kiosk-1"),
        lambda m: replies.__setitem__(m.correlation_data or b"", json.loads(m.payload)),
    )
    topic = hall.topics.command("issue_ticket", "kiosk-1")
    messages = []
    for n in range(200):
        if n == 100:
            payload = nested(3000)
        else:
            payload = encode(c.IssueTicket(request_id=f"r{n}", service="ho-tich"))
        reply_topic = hall.topics.reply("kiosk-1")
        messages.append(Message(topic, payload, False, reply_topic, str(n).encode()))
    hall.server.handle_batch(messages)
    assert len(replies) == 200
    assert replies[b"100"]["error"]["code"] == "malformed"
    assert sum(r["ok"] for r in replies.values()) == 199


def test_a_counter_sending_logins_in_a_burst_is_slowed(site: Site_) -> None:
    """A counter may try a few logins at once, not hundreds (each costs an Argon2 check)."""
    codes = [
        error(
            site.send(
                "q01", dc.OfficerLogin(request_id=new_request_id(), officer_id="x", password="1")
            )
        )
        for _ in range(20)
    ]
    assert codes.count("rate_limited") >= 20 - demo_config().limits.login_burst
    assert error(site.send("q02", c.TicketStatus(request_id=new_request_id(), number="A001"))) in {
        "not_found",
        "ok",
    }
