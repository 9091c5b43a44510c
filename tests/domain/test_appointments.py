"""Appointment rules: slots and the calendar, codes and tokens, and the merge into the queue."""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, time, timedelta

import pytest

from shared.domain import appointments as a
from shared.domain.codes import CodeKind, booking_qr, classify
from shared.domain.deadlines import CalendarDay, WorkingCalendar
from shared.domain.errors import InvalidInput
from shared.domain.estimate import ahead_in_line, places_in_line
from shared.domain.policy import QueueEntry, appointment_order, choose_next
from shared.domain.site import TimeWindow
from shared.domain.ticket_links import BookingLink, booking_url, parse_link

T0 = datetime(2026, 12, 7, 1, 0, tzinfo=UTC)  # 08:00 in Hà Nội
PLAN = a.SlotPlan(
    "ho-tich",
    minutes=20,
    capacity=2,
    windows=(TimeWindow(time(8, 0), time(9, 0)), TimeWindow(time(13, 30), time(14, 15))),
)
CALENDAR = WorkingCalendar(
    days_off=(CalendarDay(date(2026, 12, 11), "Nghỉ bù"),),
    working_days=(CalendarDay(date(2026, 12, 12), "Làm bù"),),
)


def test_slots_fill_each_window_and_stop_before_its_end() -> None:
    assert PLAN.slot_times() == [time(8, 0), time(8, 20), time(8, 40), time(13, 30), time(13, 50)]
    starts = a.day_slots(PLAN, date(2026, 12, 7), "Asia/Ho_Chi_Minh")
    assert starts[0] == T0 and a.is_slot_start(PLAN, starts[1], "Asia/Ho_Chi_Minh")
    assert not a.is_slot_start(PLAN, T0 + timedelta(minutes=5), "Asia/Ho_Chi_Minh")


def test_the_calendar_closes_holidays_days_off_and_weekends_but_not_make_up_days() -> None:
    blackouts = {date(2026, 12, 10): "Kiểm kê"}

    def reason(day: date, plan: a.SlotPlan = PLAN) -> str | None:
        return a.closed_reason(plan, day, CALENDAR, blackouts)

    assert reason(date(2026, 12, 7)) is None
    assert reason(date(2026, 12, 10)) == "Kiểm kê"
    assert reason(date(2026, 12, 11)) == "Nghỉ bù"
    assert reason(date(2026, 12, 12)) is None, "a make-up Saturday has slots"
    assert reason(date(2026, 12, 13)) == "Không nhận lịch hẹn vào Chủ nhật"
    assert reason(date(2027, 1, 1)), "New Year's Day"
    saturdays = a.SlotPlan("x", weekdays=frozenset({5}), windows=PLAN.windows)
    assert reason(date(2026, 12, 19), saturdays) is None, "a ward open on Saturdays"
    assert reason(date(2026, 12, 7), saturdays) == "Không nhận lịch hẹn vào thứ Hai"


def test_booking_codes_are_short_typable_and_tokens_are_keyed() -> None:
    code = a.new_booking_code()
    assert len(code) == 8 and not set(code) & set("IO01")
    assert a.normalise_booking_code(f" {code[:4].lower()}-{code[4:]} ") == code
    assert a.normalise_booking_code("ABCD1234") is None
    token = a.booking_token(b"k" * 32, "hcc-demo", code)
    assert a.booking_token_ok(b"k" * 32, "hcc-demo", code, token)
    assert not a.booking_token_ok(b"x" * 32, "hcc-demo", code, token)
    stored = a.one_time_code_hash(b"k" * 32, "req", "123456")
    assert a.one_time_code_ok(b"k" * 32, "req", "123456", stored)
    assert not a.one_time_code_ok(b"k" * 32, "req", "123457", stored)
    assert not a.one_time_code_ok(b"k" * 32, "req", "123456", "")


def test_phone_numbers_are_read_in_local_form_and_masked() -> None:
    assert a.normalise_phone("+84 912 345 678") == "0912345678"
    assert a.normalise_phone("0912.345.678") == "0912345678"
    assert a.mask_phone("0912345678") == "09xx xxx 678"
    with pytest.raises(InvalidInput):
        a.normalise_phone("12345")


def test_a_booking_qr_reads_back_as_a_link_or_as_text() -> None:
    code, token = "H7KQ2MXA", "abcdefghijklmnopqrst"
    link = parse_link(booking_url("https://hcc.example.vn/motcua", code, token))
    assert link == BookingLink(code, token)
    for text in (booking_url("https://x.vn", code, token), booking_qr(code, token)):
        scanned = classify(text)
        assert scanned.kind is CodeKind.BOOKING
        assert (scanned.booking_code, scanned.booking_token) == (code, token)


def _entry(i: int, minutes: int, **kw: object) -> QueueEntry:
    return QueueEntry(i, f"A{i:03d}", "ho-tich", T0 + timedelta(minutes=minutes), **kw)  # type: ignore[arg-type]


def test_an_appointment_goes_ahead_of_walk_ins_only_once_its_time_comes() -> None:
    slot = T0 + timedelta(minutes=30)
    waiting = [
        _entry(1, 0),
        _entry(2, 1, priority="elderly"),
        _entry(3, 2, appointment_at=slot),
    ]
    margin = timedelta(minutes=5)
    early = choose_next("q1", ["ho-tich"], waiting, 0, 3, slot - timedelta(minutes=6), margin)
    assert early is not None and early.entry.ticket_id == 2, "not yet: priority first"
    due = choose_next("q1", ["ho-tich"], waiting, 2, 3, slot - margin, margin)
    assert due is not None and due.entry.ticket_id == 3 and due.priority_streak == 2
    only = choose_next("q1", ["ho-tich"], [waiting[2]], 0, 3, T0, margin)
    assert only is None, "an appointment is never called before its time by call next"
    sent = _entry(4, 3, target_counter="q1")
    first = choose_next("q1", ["ho-tich"], [*waiting, sent], 0, 3, slot, margin)
    assert first is not None and first.entry.ticket_id == 4, "a ticket sent to the counter first"


def test_appointments_due_go_by_their_slot() -> None:
    waiting = [
        _entry(1, 5, appointment_at=T0 + timedelta(minutes=20)),
        _entry(2, 1, appointment_at=T0 + timedelta(minutes=10)),
    ]
    choice = choose_next("q1", ["ho-tich"], waiting, now=T0 + timedelta(minutes=30))
    assert choice is not None and choice.entry.ticket_id == 2


def _line(rng: random.Random, size: int) -> list[QueueEntry]:
    return [
        QueueEntry(
            ticket_id=i + 1,
            number=f"A{i + 1:03d}",
            service_code="ho-tich",
            priority="elderly" if rng.random() < 0.3 else None,
            issued_at=T0 + timedelta(seconds=rng.randrange(0, 3600)),
            front=rng.random() < 0.05,
            appointment_at=T0 + timedelta(minutes=15 * rng.randrange(0, 8))
            if rng.random() < 0.3
            else None,
        )
        for i in range(size)
    ]


@pytest.mark.parametrize("ratio", [0, 2, 3])
@pytest.mark.parametrize("seed", range(15))
def test_places_match_ahead_in_line_with_appointments(seed: int, ratio: int) -> None:
    rng = random.Random(seed)
    line = _line(rng, rng.randrange(0, 40))
    now, margin = T0 + timedelta(minutes=rng.randrange(0, 120)), timedelta(minutes=5)
    places = places_in_line(line, ratio, now, margin)
    assert sorted(ticket for ticket, _ in places) == [e.ticket_id for e in line]
    expected = {e.ticket_id: ahead_in_line(e, line, ratio, now, margin) for e in line}
    assert dict(places) == expected
    due = sorted((e for e in line if e.due(now, margin)), key=appointment_order)
    assert [dict(places)[e.ticket_id] for e in due] == list(range(len(due)))
