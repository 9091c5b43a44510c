"""Ticket QR codes become links where the site has a public page; the web asks with the token."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from shared.domain.site import Site
from shared.domain.ticket_links import TicketLink, TicketLinks, parse_link
from shared.messaging import commands as c
from shared.storage.tables import CommandLogRow
from tests.helpers.clock import FakeClock
from tests.helpers.memory_server import Hall

MONDAY = datetime(2026, 12, 7, 2, 0, tzinfo=UTC)
LINKS = TicketLinks("https://hcc.example.vn/motcua", bytes(range(32)))


@pytest.fixture
def hall(demo_site: Site, sessions: sessionmaker[Session], clock: FakeClock) -> Hall:
    clock.set(MONDAY)
    hall = Hall(demo_site, sessions, clock)
    hall.server.service.links = LINKS
    return hall


def _issued_link(hall: Hall) -> TicketLink:
    reply = hall.do("kiosk-1", c.IssueTicket, service="ho-tich")
    link = parse_link(reply.result["ticket"]["qr"])
    assert isinstance(link, TicketLink)
    return link


def test_the_web_finds_a_ticket_only_with_its_token(hall: Hall) -> None:
    link = _issued_link(hall)
    assert link.site_id == hall.site.id and link.service_day == MONDAY.date()
    found = hall.do("web", c.TicketStatus, number=link.number, token=link.token)
    assert found.ok and found.result["ticket"]["number"] == link.number
    for token in (None, "a" * 20, LINKS.ticket(hall.site.id, MONDAY.date(), "A999")[-20:]):
        refused = hall.do("web", c.TicketStatus, number=link.number, token=token)
        assert not refused.ok and refused.error is not None
        assert refused.error.code == "not_found"  # the same answer as an unknown number
    kiosk = hall.do("kiosk-1", c.TicketStatus, number=link.number)  # kiosks need none
    assert kiosk.ok


def test_a_link_of_yesterday_finds_nothing_today(hall: Hall, clock: FakeClock) -> None:
    link = _issued_link(hall)
    clock.set(MONDAY + timedelta(days=1))
    hall.server.rollover()
    refused = hall.do("web", c.TicketStatus, number=link.number, token=link.token)
    assert not refused.ok and refused.error is not None and refused.error.code == "not_found"


def test_without_a_public_page_the_web_finds_nothing(hall: Hall) -> None:
    link = _issued_link(hall)
    hall.server.service.links = None
    refused = hall.do("web", c.TicketStatus, number=link.number, token=link.token)
    assert not refused.ok and refused.error is not None and refused.error.code == "not_found"
    plain = hall.do("kiosk-1", c.IssueTicket, service="ho-tich").result["ticket"]["qr"]
    assert plain.startswith("MCT1:")


def test_the_web_may_not_take_tickets_or_act_as_a_counter(hall: Hall) -> None:
    for kind, fields in ((c.IssueTicket, {"service": "ho-tich"}), (c.CallNext, {})):
        refused = hall.do("web", kind, **fields)
        assert not refused.ok and refused.error is not None and refused.error.code == "forbidden"


def test_opening_a_ticket_page_writes_nothing_to_the_command_log(
    hall: Hall, sessions: sessionmaker[Session]
) -> None:
    """Page opens leave no row: the log does not grow with every phone that looks."""
    link = _issued_link(hall)
    for _ in range(2):  # a page opened twice: answered afresh each time
        assert hall.do("web", c.TicketStatus, number=link.number, token=link.token).ok
    with sessions() as session:
        rows = list(session.scalars(select(CommandLogRow)))
    # Only the kiosk's issue_ticket, whose reply (the ticket, its link) answers a retry.
    assert [r.verb for r in rows] == ["issue_ticket"]
    assert all(link.token not in r.payload for r in rows)
