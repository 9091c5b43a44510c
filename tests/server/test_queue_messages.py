"""Queue messages to tickets taken from a phone: "N people ahead of you" and "your turn"."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import UTC, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from server.appointment_service import AppointmentService, AppointmentSettings
from shared.config.notify import NotifyConfig, SmsConfig, SmtpConfig
from shared.domain.site import Site
from shared.messaging import appointment_commands as ac
from shared.messaging import commands as c
from shared.messaging.appointment_views import BookingResult, CheckInResult
from shared.storage.notifications import NotificationRow
from shared.storage.personal_data import access_log
from tests.helpers.appointments import KEY, Phones, book, tick
from tests.helpers.clock import FakeClock
from tests.helpers.memory_server import Hall
from tests.helpers.sites import demo_config

# Monday 23 November 2026, 09:00 in Hà Nội; a slot at 09:30 (02:30 UTC).
MONDAY = datetime(2026, 11, 23, 2, 0, tzinfo=UTC)
SLOT = datetime(2026, 11, 23, 2, 30, tzinfo=UTC)
PHONE = "0912345678"
QUEUE_KINDS = ("ahead", "turn")
NOTIFY = NotifyConfig(enabled=True, sms=SmsConfig(url="https://sms.example.vn/send"))


def _hall(
    site: Site,
    sessions: sessionmaker[Session],
    clock: FakeClock,
    notify: NotifyConfig | None = NOTIFY,
) -> tuple[Hall, Phones]:
    """A hall taking bookings, with `[notify]` as given; places published at every change."""
    hall = Hall(site, sessions, clock)
    hall.server.lines_interval = 0
    settings = replace(AppointmentSettings.from_config(demo_config(), KEY), notify=notify)
    phones = Phones()  # keeps the one-time codes: only the queue's messages reach the outbox
    hall.server.service.appointments = AppointmentService(site, settings, sender=phones)
    return hall, phones


def _messages(sessions: sessionmaker[Session]) -> list[tuple[str, str, dict[str, str]]]:
    """The queue's messages (not the booking's own): kind, phone, values, oldest first."""
    with sessions() as session:
        rows = session.scalars(
            select(NotificationRow)
            .where(NotificationRow.kind.in_(QUEUE_KINDS))
            .order_by(NotificationRow.id)
        )
        return [(r.kind, r.phone, json.loads(r.params)) for r in rows]


def _reads(sessions: sessionmaker[Session], site: Site) -> list[str]:
    with sessions() as session:
        reads = [r.purpose for r in access_log(session, site.id)]
    return [r for r in reads if r in ("notify_ahead", "notify_turn")]


def _remote(hall: Hall, phones: Phones, service: str = "can-cuoc") -> str:
    reply = book(hall, phones, service, None, PHONE)
    assert reply.ok, reply.error
    ticket = reply.result_as(BookingResult).booking.ticket
    assert ticket is not None
    return ticket.number


def test_a_remote_ticket_is_told_once_when_near_and_at_each_call(
    demo_site: Site, sessions: sessionmaker[Session], clock: FakeClock
) -> None:
    clock.set(MONDAY)
    hall, phones = _hall(demo_site, sessions, clock)
    walk_ins = [hall.issue("can-cuoc") for _ in range(5)]
    number = _remote(hall, phones)
    assert _messages(sessions) == [], "5 people ahead: more than ahead_people (3)"
    q04 = hall.counter("q04")
    assert q04.call_next() == walk_ins[0]
    assert _messages(sessions) == [], "4 ahead"
    assert q04.call_next() == walk_ins[1]
    ahead = ("ahead", PHONE, {"ahead": "3", "number": number, "service": "Cấp thẻ căn cước"})
    assert _messages(sessions) == [ahead]
    for walk_in in walk_ins[2:]:
        assert q04.call_next() == walk_in
    assert _messages(sessions) == [ahead], "one 'ahead' per ticket, however near it comes"
    assert q04.call_next() == number
    turn = ("turn", PHONE, {"number": number, "counter": "4"})
    assert _messages(sessions) == [ahead, turn]
    assert q04.do(c.Recall).ok
    assert _messages(sessions) == [ahead, turn, turn], "a recall is a call of its own"
    assert _reads(sessions, demo_site) == ["notify_ahead", "notify_turn", "notify_turn"]
    with sessions() as session:
        keys = list(
            session.scalars(
                select(NotificationRow.dedupe_key).where(NotificationRow.kind.in_(QUEUE_KINDS))
            )
        )
    assert keys == [
        f"ahead:2026-11-23:{number}",
        f"turn:2026-11-23:{number}:1",
        f"turn:2026-11-23:{number}:2",
    ]


def test_walk_ins_get_nothing(
    demo_site: Site, sessions: sessionmaker[Session], clock: FakeClock
) -> None:
    clock.set(MONDAY)
    hall, _ = _hall(demo_site, sessions, clock)
    numbers = [hall.issue("ho-tich") for _ in range(3)]
    q01 = hall.counter("q01")
    for number in numbers:
        assert q01.call_next() == number
        assert q01.do(c.Recall).ok
    assert _messages(sessions) == [] and _reads(sessions, demo_site) == []


def test_a_checked_in_appointment_is_told_when_its_time_came_and_when_called(
    demo_site: Site, sessions: sessionmaker[Session], clock: FakeClock
) -> None:
    clock.set(MONDAY)
    hall, phones = _hall(demo_site, sessions, clock)
    reply = book(hall, phones, "ho-tich", SLOT, PHONE)
    assert reply.ok, reply.error
    code = reply.result_as(BookingResult).booking.code
    clock.set(SLOT - timedelta(minutes=15))  # 09:15: checked in, called from 09:25
    checked = hall.do("kiosk-1", ac.CheckIn, code=code).result_as(CheckInResult)
    number = checked.ticket.number
    assert _messages(sessions) == [], "its time has not come: not told by its place"
    clock.set(SLOT - timedelta(minutes=4))
    tick(hall)  # the timer sees the appointment come due: the places are published
    ahead = (
        "ahead",
        PHONE,
        {"ahead": "0", "number": number, "service": "Hộ tịch, trích lục hộ tịch"},
    )
    assert _messages(sessions) == [ahead]
    assert hall.counter("q02").call_next() == number
    assert _messages(sessions) == [ahead, ("turn", PHONE, {"number": number, "counter": "2"})]


def test_a_restart_does_not_tell_a_ticket_twice(
    demo_site: Site, sessions: sessionmaker[Session], clock: FakeClock
) -> None:
    clock.set(MONDAY)
    hall, phones = _hall(demo_site, sessions, clock)
    number = _remote(hall, phones)
    assert [kind for kind, _, _ in _messages(sessions)] == ["ahead"]
    again, _ = _hall(demo_site, sessions, clock)  # a new server on the same database
    day = again.server.day()
    assert day.phoned == {day.by_number[number]}, "read back from the bookings"
    again.server.publish_all()
    again.issue("can-cuoc")
    assert [kind for kind, _, _ in _messages(sessions)] == ["ahead"]
    assert _reads(sessions, demo_site) == ["notify_ahead"]
    assert again.counter("q04").call_next() == number
    assert [kind for kind, _, _ in _messages(sessions)] == ["ahead", "turn"]


def test_nothing_without_notify_or_without_a_gateway_for_the_kind(
    demo_site: Site, sessions: sessionmaker[Session], clock: FakeClock
) -> None:
    clock.set(MONDAY)
    hall, phones = _hall(demo_site, sessions, clock, notify=None)
    number = _remote(hall, phones)
    q04 = hall.counter("q04")
    assert q04.call_next() == number and q04.do(c.Recall).ok
    assert _messages(sessions) == []
    mail_only = NotifyConfig(enabled=True, smtp=SmtpConfig(host="mail", from_address="a@b.vn"))
    hall, phones = _hall(demo_site, sessions, clock, notify=mail_only)
    number = _remote(hall, phones)
    assert hall.counter("q05").call_next() == number
    assert _messages(sessions) == [], "'ahead' and 'turn' go by Zalo or SMS only"
