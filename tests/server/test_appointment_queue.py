"""Appointments in the queue: check-in, called at their time ahead of walk-ins, released late."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from shared.domain.site import Site
from shared.messaging import appointment_commands as ac
from shared.messaging import commands as c
from shared.messaging import dossier_commands as dc
from shared.messaging.appointment_views import BookingResult, CheckInResult
from shared.messaging.client import new_request_id
from shared.messaging.replies import Reply
from shared.storage.appointments import BookingRow
from tests.helpers.appointments import Phones, book, booking_hall, tick, with_appointments
from tests.helpers.clock import FakeClock
from tests.helpers.memory_server import Hall

# Monday 23 November 2026, 09:00 in Hà Nội; the slot at 09:30 (02:30 UTC).
MONDAY = datetime(2026, 11, 23, 2, 0, tzinfo=UTC)
SLOT = datetime(2026, 11, 23, 2, 30, tzinfo=UTC)


@pytest.fixture
def hall_and_phones(
    demo_site: Site, sessions: sessionmaker[Session], clock: FakeClock
) -> tuple[Hall, Phones]:
    clock.set(MONDAY)
    hall, phones = booking_hall(demo_site, sessions, clock)
    hall.server.lines_interval = 0
    return hall, phones


def _code(reply: Reply) -> str:
    assert reply.error is not None, reply
    return reply.error.code.value


def _booked(hall: Hall, phones: Phones, slot: datetime = SLOT, **fields: str) -> BookingResult:
    reply = book(hall, phones, "ho-tich", slot, **fields)
    assert reply.ok, reply.error
    return reply.result_as(BookingResult)


def _check_in(hall: Hall, kiosk: str = "kiosk-1", **fields: str) -> CheckInResult:
    reply = hall.do(kiosk, ac.CheckIn, **fields)
    assert reply.ok, reply.error
    return reply.result_as(CheckInResult)


def test_an_appointment_is_called_at_its_time_ahead_of_walk_ins(
    hall_and_phones: tuple[Hall, Phones], clock: FakeClock
) -> None:
    hall, phones = hall_and_phones
    booking = _booked(hall, phones).booking
    walk_ins = [hall.issue("ho-tich") for _ in range(3)]
    clock.set(SLOT - timedelta(minutes=15))  # 09:15: checked in early
    checked = _check_in(hall, code=booking.code)
    assert not checked.walk_in and checked.ticket.appointment_at == SLOT
    assert checked.booking.state.value == "checked_in" and checked.booking.token == ""
    again = _check_in(hall, code=booking.code)
    assert again.ticket.number == checked.ticket.number, "scanned twice: the same ticket"
    q01 = hall.counter("q01")
    assert q01.call_next() == walk_ins[0], "09:15: not before 09:25 (slot less the margin)"
    clock.set(SLOT - timedelta(minutes=5))
    assert q01.call_next() == checked.ticket.number, "09:25: ahead of the walk-ins waiting"
    assert q01.call_next() == walk_ins[1]
    assert _code(hall.do("kiosk-1", ac.CheckIn, code=booking.code)) == "invalid_state"


def test_an_appointment_waits_for_the_counter_call_in_progress(
    hall_and_phones: tuple[Hall, Phones], clock: FakeClock
) -> None:
    hall, phones = hall_and_phones
    walk_in = hall.issue("ho-tich")
    q01 = hall.counter("q01")
    assert q01.call_next() == walk_in
    booking = _booked(hall, phones).booking
    clock.set(SLOT)
    ticket = _check_in(hall, code=booking.code).ticket
    state = hall.retained(hall.topics.counter("q01"))
    assert state["current"]["number"] == walk_in, "the call in progress is not taken over"
    assert q01.call_next() == ticket.number


def test_only_appointments_waiting_call_next_says_when_and_call_number_takes_one_early(
    hall_and_phones: tuple[Hall, Phones], clock: FakeClock
) -> None:
    hall, phones = hall_and_phones
    booking = _booked(hall, phones).booking
    ticket = _check_in(hall, code=booking.code).ticket
    q01 = hall.counter("q01")
    empty = q01.do(c.CallNext)
    assert _code(empty) == "queue_empty" and "09:30" in (empty.error.message or "")
    early = q01.do(c.CallNumber, number=ticket.number)
    assert early.ok and early.result["ticket"]["appointment_at"] is not None


def test_an_appointment_not_checked_in_is_released_after_the_grace_period(
    hall_and_phones: tuple[Hall, Phones], clock: FakeClock, sessions: sessionmaker[Session]
) -> None:
    hall, phones = hall_and_phones
    booking = _booked(hall, phones).booking
    clock.set(SLOT + timedelta(minutes=14))
    tick(hall)
    status = hall.do("web", ac.BookingStatus, code=booking.code, token=booking.token)
    assert status.result_as(BookingResult).booking.state.value == "booked"
    clock.set(SLOT + timedelta(minutes=15))
    tick(hall)
    status = hall.do("web", ac.BookingStatus, code=booking.code, token=booking.token)
    assert status.result_as(BookingResult).booking.state.value == "no_show"
    walk_in = hall.issue("ho-tich")
    clock.advance(minutes=20)
    late = _check_in(hall, code=booking.code)
    assert late.walk_in and late.ticket.appointment_at is None
    assert late.ticket.people_ahead == 1, "a walk-in behind those who came before"
    q01 = hall.counter("q01")
    assert q01.call_next() == walk_in


def test_the_timer_notes_when_a_checked_in_appointment_is_called(
    hall_and_phones: tuple[Hall, Phones], clock: FakeClock
) -> None:
    hall, phones = hall_and_phones
    booking = _booked(hall, phones).booking
    clock.set(SLOT)
    _check_in(hall, code=booking.code)
    hall.counter("q01").call_next()
    tick(hall)
    status = hall.do("web", ac.BookingStatus, code=booking.code, token=booking.token)
    seen = status.result_as(BookingResult).booking
    assert seen.state.value == "called" and seen.ticket is not None
    assert seen.ticket.counter == "q01"


def test_an_id_card_checks_in_the_booking_made_with_it(
    hall_and_phones: tuple[Hall, Phones], clock: FakeClock, sessions: sessionmaker[Session]
) -> None:
    hall, phones = hall_and_phones
    _booked(hall, phones, id_number="001090000001")
    clock.set(SLOT - timedelta(minutes=10))
    assert _code(hall.do("kiosk-1", ac.CheckIn, id_number="001090000002")) == "not_found"
    checked = _check_in(hall, id_number="001 090 000 001")
    assert checked.ticket.appointment_at == SLOT and checked.booking.phone_masked == ""
    with sessions() as session:
        assert "001090000001" not in session.scalars(select(BookingRow)).one().id_hash


def test_a_kiosk_guessing_booking_codes_is_locked_out(
    hall_and_phones: tuple[Hall, Phones],
) -> None:
    hall, phones = hall_and_phones
    booking = _booked(hall, phones).booking
    for _ in range(10):
        assert _code(hall.do("kiosk-2", ac.CheckIn, code="ABCDEFGH")) == "not_found"
    locked = hall.do("kiosk-2", ac.CheckIn, code=booking.code)
    assert _code(locked) == "locked_out" and locked.error and locked.error.retry_after
    assert hall.do("kiosk-1", ac.CheckIn, code=booking.code).ok, "another kiosk still works"
    assert _code(hall.do("kiosk-1", ac.CheckIn, code="not a code")) == "invalid_input"


def test_wrong_booking_codes_and_wrong_dossier_lookups_share_one_allowance(
    hall_and_phones: tuple[Hall, Phones],
) -> None:
    hall, phones = hall_and_phones
    booking = _booked(hall, phones).booking
    for _ in range(5):
        assert _code(hall.do("kiosk-3", ac.CheckIn, code="ABCDEFGH")) == "not_found"
    for _ in range(5):
        missed = hall.do("kiosk-3", dc.LookUpDossier, text="K7M2Q9XD")
        assert _code(missed) == "not_found"
    assert _code(hall.do("kiosk-3", ac.CheckIn, code=booking.code)) == "locked_out"
    assert _code(hall.do("kiosk-3", dc.LookUpDossier, text="K7M2Q9XD")) == "locked_out"


def test_a_booking_of_another_day_does_not_check_in(
    hall_and_phones: tuple[Hall, Phones],
) -> None:
    hall, phones = hall_and_phones
    booking = _booked(hall, phones, SLOT + timedelta(days=2)).booking
    refused = hall.do("kiosk-1", ac.CheckIn, code=booking.code)
    assert _code(refused) == "invalid_state" and "25/11/2026" in (refused.error.message or "")


def test_the_scanned_qr_checks_in_and_a_wrong_token_does_not(
    hall_and_phones: tuple[Hall, Phones],
) -> None:
    hall, phones = hall_and_phones
    booking = _booked(hall, phones).booking
    forged = booking.qr[:-4] + "aaaa"
    assert _code(hall.do("kiosk-1", ac.CheckIn, code=forged)) == "not_found"
    assert _check_in(hall, code=booking.qr).ticket.appointment_at == SLOT


def test_places_on_phones_follow_the_appointments_order(
    hall_and_phones: tuple[Hall, Phones], clock: FakeClock
) -> None:
    hall, phones = hall_and_phones
    booking = _booked(hall, phones).booking
    walk_ins = [hall.issue("ho-tich") for _ in range(2)]
    hall.counter("q01")
    ticket = _check_in(hall, code=booking.code).ticket
    assert ticket.estimated_wait_minutes >= 25, "not called before its time"

    def places() -> dict[str, int]:
        lines = hall.retained(hall.topics.lines())
        line = next(s for s in lines["services"] if s["service"] == "ho-tich")
        return {number: ahead for number, ahead, _ in line["places"]}

    assert places() == {walk_ins[0]: 0, walk_ins[1]: 1, ticket.number: 0}
    clock.set(SLOT - timedelta(minutes=5))
    tick(hall)  # its time came: the places move
    assert places() == {ticket.number: 0, walk_ins[0]: 1, walk_ins[1]: 2}
    for number, ahead in places().items():
        status = hall.do("kiosk-1", c.TicketStatus, number=number)
        assert status.result["ticket"]["people_ahead"] == ahead
    waiting = hall.retained(hall.topics.queues())
    line = next(s for s in waiting["services"] if s["service"] == "ho-tich")
    assert line["appointments_waiting"] == 1 and line["next_appointment_at"] is not None


def test_the_board_and_the_counter_show_an_appointment(
    hall_and_phones: tuple[Hall, Phones], clock: FakeClock
) -> None:
    hall, phones = hall_and_phones
    booking = _booked(hall, phones).booking
    clock.set(SLOT)
    ticket = _check_in(hall, code=booking.code).ticket
    q01 = hall.counter("q01")
    q01.call_next()
    board = hall.retained(hall.topics.board("tang-1"))
    line = next(c for c in board["counters"] if c["counter"] == "q01")
    assert line["number"] == ticket.number and line["appointment"] is True
    assert board["recent_calls"][0]["appointment"] is True
    assert "phone" not in str(board) and booking.code not in str(board)
    state = hall.retained(hall.topics.counter("q01"))
    assert state["current"]["appointment_at"] is not None


def test_remote_tickets_share_the_daily_cap_with_the_kiosk(
    demo_site: Site, sessions: sessionmaker[Session], clock: FakeClock
) -> None:
    clock.set(MONDAY)
    services = tuple(
        replace(s, daily_cap=5) if s.code == "can-cuoc" else s for s in demo_site.services
    )
    site = replace(demo_site, services=services)
    hall = Hall(site, sessions, clock)
    _, phones = with_appointments(hall)
    plan_share = 1  # 20 % of 5
    remote = book(hall, phones, "can-cuoc", None, "0912000001")
    ticket = remote.result_as(BookingResult).booking.ticket
    assert ticket is not None and ticket.number == "D001" and ticket.state.value == "waiting"
    second = book(hall, phones, "can-cuoc", None, "0912000002")
    assert _code(second) == "service_unavailable", f"the remote share is {plan_share}"
    for _ in range(4):
        hall.issue("can-cuoc")
    kiosk = hall.device("kiosk-1").send(
        c.IssueTicket(request_id=new_request_id(), service="can-cuoc")
    )
    assert _code(kiosk) == "service_unavailable", "remote tickets count in the kiosk's cap"


def test_a_remote_ticket_is_withdrawn_when_cancelled_from_the_phone(
    hall_and_phones: tuple[Hall, Phones],
) -> None:
    hall, phones = hall_and_phones
    booking = book(hall, phones, "can-cuoc", None).result_as(BookingResult).booking
    assert booking.kind.value == "remote" and booking.ticket is not None
    checked = _check_in(hall, code=booking.code)
    assert checked.ticket.number == booking.ticket.number and not checked.walk_in
    cancelled = hall.do("web", ac.CancelBooking, code=booking.code, token=booking.token)
    seen = cancelled.result_as(BookingResult).booking
    assert seen.state.value == "cancelled" and seen.ticket is not None
    assert seen.ticket.state.value == "voided"
    assert any(e["kind"] == "voided" and e["number"] == booking.ticket.number for e in hall.events)


def test_remote_tickets_follow_the_ticket_taking_window(
    hall_and_phones: tuple[Hall, Phones], clock: FakeClock
) -> None:
    hall, phones = hall_and_phones
    clock.set(MONDAY + timedelta(hours=3))  # 12:00: between the windows
    assert _code(book(hall, phones, "can-cuoc", None)) == "service_unavailable"
    assert _code(book(hall, phones, "ho-tich", None)) == "service_unavailable"
