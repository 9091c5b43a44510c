"""ID card details shared at the kiosk: kept with the ticket, read only by its serving counter."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from shared.domain.site import Site
from shared.messaging import commands as c
from shared.messaging.client import new_request_id
from shared.storage.personal_data import access_log
from shared.storage.tables import CommandLogRow
from shared.storage.ticket_cards import TicketCardRow
from tests.helpers.clock import FakeClock
from tests.helpers.memory_server import Hall

CARD = c.CitizenCard(
    full_name="Trần Thị Ngọc Ánh",
    id_number="079190004321",
    address="Số 12 Nguyễn Huệ, phường Sài Gòn, Thành phố Hồ Chí Minh",
)
# Monday 7 December 2026, 09:00 in Hà Nội.
MONDAY = datetime(2026, 12, 7, 2, 0, tzinfo=UTC)


@pytest.fixture
def hall(demo_site: Site, sessions: sessionmaker[Session], clock: FakeClock) -> Hall:
    clock.set(MONDAY)
    return Hall(demo_site, sessions, clock)


def issue(hall: Hall, card: c.CitizenCard | None = CARD, request_id: str | None = None) -> str:
    command = c.IssueTicket(
        request_id=request_id or new_request_id(), service="can-cuoc", citizen=card
    )
    reply = hall.device("kiosk-1").send(command)
    assert reply.ok, reply.error
    return str(reply.result["ticket"]["number"])


def card_rows(sessions: sessionmaker[Session]) -> list[TicketCardRow]:
    with sessions() as session:
        return list(session.scalars(select(TicketCardRow)))


def counter_state(hall: Hall, counter: str) -> dict[str, object]:
    return hall.retained(hall.topics.counter(counter))


def test_serving_counter_reads_the_card_once_served_it_is_deleted(
    hall: Hall, sessions: sessionmaker[Session]
) -> None:
    number = issue(hall)
    assert [r.id_number for r in card_rows(sessions)] == [CARD.id_number]
    q04 = hall.counter("q04")
    assert q04.call_next() == number
    assert counter_state(hall, "q04")["current_card"] is True

    reply = q04.do(c.TicketCitizen, number=number)
    assert reply.ok, reply.error
    assert reply.result == {"number": number, "citizen": CARD.model_dump(mode="json")}
    with sessions() as session:
        reads = access_log(session, hall.site.id)
    assert [(r.actor, r.device_id, r.fields) for r in reads] == [
        ("cb01", "q04", "full_name,id_number,address")
    ]

    assert q04.do(c.Finish).ok
    assert card_rows(sessions) == []
    assert counter_state(hall, "q04")["current_card"] is False
    after = q04.do(c.TicketCitizen, number=number)
    assert not after.ok and after.error is not None and after.error.code == "forbidden"


def test_no_card_detail_reaches_the_command_log(
    hall: Hall, sessions: sessionmaker[Session]
) -> None:
    number = issue(hall)
    q04 = hall.counter("q04")
    q04.call_next()
    assert q04.do(c.TicketCitizen, number=number).ok
    with sessions() as session:
        logged = list(session.scalars(select(CommandLogRow)))
    text = json.dumps([[r.verb, r.payload, r.reply] for r in logged], ensure_ascii=False)
    assert "issue_ticket" in text
    for secret in (CARD.full_name, CARD.id_number, CARD.address, "Ánh"):
        assert secret not in text
    assert "ticket_citizen" not in text  # the read is in the access log only


def test_only_the_counter_serving_the_ticket_reads_its_card(hall: Hall) -> None:
    number = issue(hall)
    other = hall.counter("q05")
    refused = other.do(c.TicketCitizen, number=number)  # waiting, not called by anyone
    assert not refused.ok and refused.error is not None and refused.error.code == "forbidden"
    q04 = hall.counter("q04")
    q04.call_next()
    refused = other.do(c.TicketCitizen, number=number)
    assert not refused.ok and refused.error is not None and refused.error.code == "forbidden"
    kiosk = hall.do("kiosk-1", c.TicketCitizen, number=number)
    assert not kiosk.ok and kiosk.error is not None and kiosk.error.code == "forbidden"


def test_a_ticket_without_a_card_says_so(hall: Hall, sessions: sessionmaker[Session]) -> None:
    number = issue(hall, card=None)
    q04 = hall.counter("q04")
    q04.call_next()
    assert counter_state(hall, "q04")["current_card"] is False
    reply = q04.do(c.TicketCitizen, number=number)
    assert not reply.ok and reply.error is not None and reply.error.code == "not_found"
    assert "không chia sẻ" in reply.error.message
    assert card_rows(sessions) == []


def test_no_show_void_and_a_new_day_delete_cards(
    hall: Hall, sessions: sessionmaker[Session], clock: FakeClock
) -> None:
    gone = issue(hall)
    voided = issue(hall)
    waiting = issue(hall)
    q04 = hall.counter("q04")
    assert q04.call_next() == gone
    for _ in range(hall.site.rules.max_recalls + 1):
        if not q04.do(c.NoShow).ok:
            q04.do(c.Recall)
    assert hall.do("kiosk-1", c.VoidTicket, number=voided).ok
    assert [r.id_number for r in card_rows(sessions)] == [CARD.id_number]  # only `waiting`'s
    assert waiting not in (gone, voided)
    clock.set(MONDAY + timedelta(days=1))
    hall.server.rollover()
    assert card_rows(sessions) == []


def test_a_retried_issue_keeps_one_card_and_a_restart_keeps_it(
    demo_site: Site, hall: Hall, sessions: sessionmaker[Session], clock: FakeClock
) -> None:
    first = issue(hall, request_id="kiosk-1-retry")
    again = issue(hall, request_id="kiosk-1-retry")
    assert first == again
    assert len(card_rows(sessions)) == 1
    restarted = Hall(demo_site, sessions, clock)
    q04 = restarted.counter("q04")
    assert q04.call_next() == first
    assert counter_state(restarted, "q04")["current_card"] is True
    assert q04.do(c.TicketCitizen, number=first).result["citizen"]["id_number"] == CARD.id_number
