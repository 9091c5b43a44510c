"""Booking from a phone: slots by capacity, calendar, horizon; the one-time code; cancel, move."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from server.appointment_service import AppointmentService, AppointmentSettings
from shared.config.notify import NotifyConfig, SmsConfig
from shared.domain.site import Site
from shared.messaging import appointment_commands as ac
from shared.messaging.appointment_views import (
    BookingOptionsResult,
    BookingRequestResult,
    BookingResult,
    SlotsResult,
)
from shared.messaging.replies import Reply
from shared.storage.appointments import BookingRow
from shared.storage.notifications import NotificationRow
from shared.storage.personal_data import access_log
from shared.storage.tables import CommandLogRow
from tests.helpers.appointments import KEY, Phones, book, booking_hall, tick
from tests.helpers.clock import FakeClock
from tests.helpers.memory_server import Hall
from tests.helpers.sites import demo_config

# Monday 23 November 2026, 09:00 in Hà Nội.
MONDAY = datetime(2026, 11, 23, 2, 0, tzinfo=UTC)
# Wednesday 25 November, 09:30 local: a slot of the civil-status service (15 min, 2 places).
# (Tuesday 24/11 is Ngày Văn hóa Việt Nam, a day off the `holidays` package knows.)
WEDNESDAY_0930 = datetime(2026, 11, 25, 2, 30, tzinfo=UTC)


@pytest.fixture
def hall_and_phones(
    demo_site: Site, sessions: sessionmaker[Session], clock: FakeClock
) -> tuple[Hall, Phones]:
    clock.set(MONDAY)
    return booking_hall(demo_site, sessions, clock)


def _code(reply: Reply) -> str:
    assert reply.error is not None, reply
    return reply.error.code.value


def _slots(hall: Hall, service: str, day: date | None = None, days: int = 7) -> SlotsResult:
    reply = hall.do("web", ac.ListSlots, service=service, day=day, days=days)
    assert reply.ok, reply.error
    return reply.result_as(SlotsResult)


def test_the_options_name_the_services_that_take_bookings(
    hall_and_phones: tuple[Hall, Phones],
) -> None:
    hall, _ = hall_and_phones
    options = hall.do("web", ac.BookingOptions).result_as(BookingOptionsResult)
    offered = {s.service: s for s in options.services}
    assert set(offered) == {"ho-tich", "can-cuoc"}
    assert offered["ho-tich"].slots and not offered["ho-tich"].remote
    assert offered["can-cuoc"].remote and offered["can-cuoc"].remote_available
    assert options.code_length == 6 and options.timezone == "Asia/Ho_Chi_Minh"


def test_slots_respect_the_weekdays_the_horizon_and_the_lead_time(
    hall_and_phones: tuple[Hall, Phones],
) -> None:
    hall, _ = hall_and_phones
    slots = _slots(hall, "ho-tich", days=31)
    assert slots.first_day == date(2026, 11, 23) and slots.last_day == date(2026, 12, 7)
    assert [d.day for d in slots.days][-1] == date(2026, 12, 7), "never past the horizon"
    by_day = {d.day: d for d in slots.days}
    assert by_day[date(2026, 11, 28)].closed == "Không nhận lịch hẹn vào thứ Bảy"
    assert not by_day[date(2026, 11, 29)].slots
    today = by_day[date(2026, 11, 23)]
    assert today.slots[0].time == "09:30", "09:00 now, 30 minutes' lead: 09:30 is the first"
    wednesday = by_day[date(2026, 11, 25)]
    assert [s.time for s in wednesday.slots][:2] == ["08:00", "08:15"]
    assert wednesday.slots[-1].time == "15:45" and all(s.free == 2 for s in wednesday.slots)
    assert by_day[date(2026, 11, 24)].closed == "Ngày Văn hóa Việt Nam", "a public holiday"


def test_holidays_days_off_and_blackout_days_have_no_slots(
    hall_and_phones: tuple[Hall, Phones], clock: FakeClock
) -> None:
    hall, _ = hall_and_phones
    clock.set(datetime(2026, 12, 28, 2, 0, tzinfo=UTC))  # Monday before New Year
    by_day = {d.day: d for d in _slots(hall, "ho-tich", days=5).days}
    assert by_day[date(2026, 12, 31)].closed == "Tổng kết cuối năm", "the site's blackout day"
    assert by_day[date(2027, 1, 1)].closed, "New Year's Day is a public holiday"
    assert not by_day[date(2027, 1, 1)].slots
    assert by_day[date(2026, 12, 30)].slots
    booked = book(hall, Phones(), "ho-tich", datetime(2026, 12, 31, 2, 0, tzinfo=UTC))
    assert _code(booked) == "slot_full"


def test_a_slot_takes_its_capacity_and_no_more(hall_and_phones: tuple[Hall, Phones]) -> None:
    hall, phones = hall_and_phones
    for phone in ("0912000001", "0912000002"):
        assert book(hall, phones, "ho-tich", WEDNESDAY_0930, phone).ok
    third = book(hall, phones, "ho-tich", WEDNESDAY_0930, "0912000003")
    assert _code(third) == "slot_full"
    wednesday = next(d for d in _slots(hall, "ho-tich").days if d.day == date(2026, 11, 25))
    assert next(s for s in wednesday.slots if s.start == WEDNESDAY_0930).free == 0
    beyond = book(hall, phones, "ho-tich", datetime(2026, 12, 8, 2, 30, tzinfo=UTC))
    assert _code(beyond) == "slot_full", "past the 14 days' horizon"
    off_grid = book(hall, phones, "ho-tich", WEDNESDAY_0930 + timedelta(minutes=7))
    assert _code(off_grid) == "slot_full", "not the start of a slot"


def test_a_request_holds_its_place_only_while_its_code_is_valid(
    hall_and_phones: tuple[Hall, Phones], clock: FakeClock
) -> None:
    hall, phones = hall_and_phones
    for phone in ("0912000001", "0912000002"):
        asked = hall.do(
            "web", ac.RequestBooking, service="ho-tich", slot=WEDNESDAY_0930, phone=phone
        )
        assert asked.ok
    assert _code(book(hall, phones, "ho-tich", WEDNESDAY_0930, "0912000003")) == "slot_full"
    clock.advance(minutes=6)  # both codes expired unused
    assert book(hall, phones, "ho-tich", WEDNESDAY_0930, "0912000003").ok


def test_the_one_time_code_is_checked_counted_and_expires(
    hall_and_phones: tuple[Hall, Phones], clock: FakeClock, sessions: sessionmaker[Session]
) -> None:
    hall, phones = hall_and_phones
    asked = hall.do(
        "web", ac.RequestBooking, service="ho-tich", slot=WEDNESDAY_0930, phone="+84 912 345 678"
    ).result_as(BookingRequestResult)
    assert asked.phone_masked == "09xx xxx 678" and asked.code_length == 6
    assert phones.sent[-1].phone == "0912345678"
    right = phones.code(asked.request)
    wrong = "000000" if right != "000000" else "111111"
    first = hall.do("web", ac.ConfirmBooking, request=asked.request, otp=wrong)
    assert _code(first) == "wrong_code" and "Còn 4 lần thử" in (first.error.message or "")
    tick(hall)  # the timer writes the count: a restart would not forget it
    with sessions() as session:
        row = session.scalars(select(BookingRow)).one()
        assert row.otp_attempts == 1 and row.otp_hash and right not in row.otp_hash
    for _ in range(3):
        assert _code(hall.do("web", ac.ConfirmBooking, request=asked.request, otp=wrong)) == (
            "wrong_code"
        )
    last = hall.do("web", ac.ConfirmBooking, request=asked.request, otp=wrong)
    assert _code(last) == "code_expired", "the fifth wrong code ends the request"
    assert _code(hall.do("web", ac.ConfirmBooking, request=asked.request, otp=right)) == (
        "code_expired"
    )
    again = hall.do(
        "web", ac.RequestBooking, service="ho-tich", slot=WEDNESDAY_0930, phone="0912345678"
    ).result_as(BookingRequestResult)
    clock.advance(minutes=5)
    late = hall.do("web", ac.ConfirmBooking, request=again.request, otp=phones.code(again.request))
    assert _code(late) == "code_expired"


def test_a_confirmed_booking_has_a_code_and_a_link_and_no_secret_in_the_log(
    hall_and_phones: tuple[Hall, Phones], sessions: sessionmaker[Session]
) -> None:
    hall, phones = hall_and_phones
    confirmed = book(hall, phones, "ho-tich", WEDNESDAY_0930, id_number="001090000001")
    booking = confirmed.result_as(BookingResult).booking
    assert len(booking.code) == 8 and len(booking.token) == 20
    assert booking.qr == f"http://127.0.0.1:8380/b/{booking.code}/{booking.token}"
    assert booking.slot_time == "09:30" and booking.state.value == "booked"
    assert booking.check_in_until == WEDNESDAY_0930 + timedelta(minutes=15)
    status = hall.do("web", ac.BookingStatus, code=booking.code, token=booking.token)
    assert status.result_as(BookingResult).booking == booking
    forged = hall.do("web", ac.BookingStatus, code=booking.code, token="a" * 20)
    assert _code(forged) == "not_found"
    with sessions() as session:
        log = " ".join(r.payload for r in session.scalars(select(CommandLogRow)))
        row = session.scalars(select(BookingRow)).one()
    code = phones.sent[-1].code
    assert "0912345678" not in log and "001090000001" not in log and f'"{code}"' not in log
    assert row.id_hash and "001090000001" not in row.id_hash and not row.otp_hash


def test_a_booking_moves_to_another_slot_a_limited_number_of_times(
    hall_and_phones: tuple[Hall, Phones],
) -> None:
    hall, phones = hall_and_phones
    booking = book(hall, phones, "ho-tich", WEDNESDAY_0930).result_as(BookingResult).booking
    moved = WEDNESDAY_0930
    for left in (1, 0):
        moved += timedelta(minutes=15)
        reply = hall.do("web", ac.ChangeBooking, code=booking.code, token=booking.token, slot=moved)
        changed = reply.result_as(BookingResult).booking
        assert changed.slot == moved and changed.changes_left == left
    refused = hall.do(
        "web", ac.ChangeBooking, code=booking.code, token=booking.token, slot=WEDNESDAY_0930
    )
    assert _code(refused) == "invalid_state"


def test_a_cancelled_booking_frees_its_place_and_cannot_check_in(
    hall_and_phones: tuple[Hall, Phones], clock: FakeClock
) -> None:
    hall, phones = hall_and_phones
    today_1000 = MONDAY + timedelta(hours=1)
    first = book(hall, phones, "ho-tich", today_1000, "0912000001").result_as(BookingResult)
    assert book(hall, phones, "ho-tich", today_1000, "0912000002").ok
    code, token = first.booking.code, first.booking.token
    cancelled = hall.do("web", ac.CancelBooking, code=code, token=token)
    assert cancelled.result_as(BookingResult).booking.state.value == "cancelled"
    assert book(hall, phones, "ho-tich", today_1000, "0912000003").ok, "its place is free again"
    refused = hall.do("kiosk-1", ac.CheckIn, code=code)
    assert _code(refused) == "invalid_state"


def test_booking_floods_are_limited_per_phone_and_per_client(
    hall_and_phones: tuple[Hall, Phones],
) -> None:
    hall, _ = hall_and_phones
    wednesday = next(d for d in _slots(hall, "ho-tich").days if d.day == date(2026, 11, 25))
    places = [slot.start for slot in wednesday.slots for _ in range(2)]

    def request(phone: str, client: str | None = None) -> Reply:
        slot = places.pop()
        fields = {"service": "ho-tich", "slot": slot, "phone": phone, "client": client}
        return hall.do("web", ac.RequestBooking, **fields)

    for _ in range(5):
        assert request("0912000009").ok
    flood = request("0912000009")
    assert _code(flood) == "rate_limited" and flood.error is not None
    assert flood.error.retry_after is not None and flood.error.retry_after > 3600
    for i in range(20):
        assert request(f"09130000{i:02d}", "ip-1").ok
    assert _code(request("0914000000", "ip-1")) == "rate_limited"
    assert request("0914000000", "ip-2").ok, "another client is not held up"


def test_a_phone_holds_a_few_bookings_a_day(hall_and_phones: tuple[Hall, Phones]) -> None:
    hall, phones = hall_and_phones
    for minutes in (0, 15):
        assert book(hall, phones, "ho-tich", WEDNESDAY_0930 + timedelta(minutes=minutes)).ok
    third = book(hall, phones, "ho-tich", WEDNESDAY_0930 + timedelta(minutes=30))
    assert _code(third) == "invalid_state"
    other_day = book(hall, phones, "ho-tich", WEDNESDAY_0930 + timedelta(days=1))
    assert other_day.ok


def test_only_the_web_books_and_only_kiosks_check_in(
    hall_and_phones: tuple[Hall, Phones],
) -> None:
    hall, _ = hall_and_phones
    fields = {"service": "ho-tich", "slot": WEDNESDAY_0930, "phone": "0912345678"}
    assert _code(hall.do("kiosk-1", ac.RequestBooking, **fields)) == "forbidden"
    assert _code(hall.do("q01", ac.RequestBooking, **fields)) == "forbidden"
    assert _code(hall.do("web", ac.CheckIn, code="ABCDEFGH")) == "forbidden"


def test_a_site_without_appointments_says_so(
    demo_site: Site, sessions: sessionmaker[Session], clock: FakeClock
) -> None:
    hall = Hall(demo_site, sessions, clock)
    options = hall.do("web", ac.BookingOptions).result_as(BookingOptionsResult)
    assert options.services == []
    refused = hall.do("web", ac.ListSlots, service="ho-tich")
    assert _code(refused) == "service_unavailable"


def test_without_messages_to_phones_no_booking_is_taken_from_one(
    demo_site: Site, sessions: sessionmaker[Session], clock: FakeClock
) -> None:
    """No `[notify]`: no one-time code could reach the phone, so the request is refused."""
    clock.set(MONDAY)
    hall = Hall(demo_site, sessions, clock)
    settings = AppointmentSettings.from_config(demo_config(), KEY)
    hall.server.service.appointments = AppointmentService(demo_site, settings)
    asked = hall.do(
        "web", ac.RequestBooking, service="ho-tich", slot=WEDNESDAY_0930, phone="0912345678"
    )
    assert _code(asked) == "service_unavailable"
    with sessions() as session:
        assert session.scalars(select(BookingRow)).first() is None


def test_the_one_time_code_and_the_confirmation_go_through_the_outbox(
    demo_site: Site, sessions: sessionmaker[Session], clock: FakeClock
) -> None:
    clock.set(MONDAY)
    hall = Hall(demo_site, sessions, clock)
    notify = NotifyConfig(enabled=True, sms=SmsConfig(url="https://sms.example.vn/send"))
    settings = replace(AppointmentSettings.from_config(demo_config(), KEY), notify=notify)
    hall.server.service.appointments = AppointmentService(demo_site, settings)
    asked = hall.do(
        "web", ac.RequestBooking, service="ho-tich", slot=WEDNESDAY_0930, phone="0912345678"
    ).result_as(BookingRequestResult)
    with sessions() as session:
        otp = session.scalars(select(NotificationRow)).one()
    assert otp.kind == "otp" and otp.phone == "0912345678" and otp.channels == "sms,zns"
    code = json.loads(otp.params)["code"]
    confirmed = hall.do("web", ac.ConfirmBooking, request=asked.request, otp=code)
    booking = confirmed.result_as(BookingResult).booking
    with sessions() as session:
        rows = list(session.scalars(select(NotificationRow).order_by(NotificationRow.id)))
        reads = [r.purpose for r in access_log(session, demo_site.id)]
    assert [r.kind for r in rows] == ["otp", "booking"]
    assert json.loads(rows[1].params) == {
        "service": "Hộ tịch, trích lục hộ tịch",
        "time": "09:30",
        "date": "25/11/2026",
        "code": booking.code,
    }
    assert reads == ["notify_otp", "notify_booking"], "the phone went to a gateway: logged"
