"""Legal deadlines: working days on Vietnam's real calendar, the cutoff, swaps and pauses."""

from __future__ import annotations

from datetime import UTC, date, datetime, time

import pytest

from shared.domain.deadlines import (
    PAUSED_REASON,
    CalendarDay,
    DeadlineRule,
    Pause,
    RuleSnapshot,
    WorkingCalendar,
    compute_deadline,
)
from shared.domain.errors import InvalidInput

NATIONAL = WorkingCalendar()


def due(received: str, days: int, **kwargs: object) -> date:
    return compute_deadline(datetime.fromisoformat(received), days, **kwargs).due  # type: ignore[arg-type]


def test_weekend_days_are_not_working_days() -> None:
    assert NATIONAL.day_off_reason(date(2026, 3, 7)) == "thứ Bảy"
    assert NATIONAL.day_off_reason(date(2026, 3, 8)) == "Chủ nhật"
    assert NATIONAL.is_working_day(date(2026, 3, 9))


def test_receipt_day_is_not_counted_and_weekend_is_skipped() -> None:
    assert due("2026-03-05 09:00", 1) == date(2026, 3, 6)
    assert due("2026-03-05 09:00", 2) == date(2026, 3, 9)


def test_tet_2026_skips_the_five_tet_days_and_both_weekends() -> None:
    deadline = compute_deadline(datetime(2026, 2, 13, 10, 0), 3)
    assert deadline.due == date(2026, 2, 25)
    lines = deadline.explanation()
    assert "2026-02-17: Tết Nguyên Đán" in lines
    assert "2026-02-16: Giao thừa Tết Nguyên Đán" in lines
    assert "2026-02-21: thứ Bảy" in lines


def test_hung_kings_day_on_sunday_2026_is_observed_on_monday() -> None:
    assert NATIONAL.day_off_reason(date(2026, 4, 26)) == "Ngày Giỗ Tổ Hùng Vương"
    assert due("2026-04-24 09:00", 1) == date(2026, 4, 28)


def test_hung_kings_day_2025_on_monday() -> None:
    assert due("2025-04-04 09:00", 1) == date(2025, 4, 8)


def test_30_april_and_1_may_2026_push_the_deadline_past_the_long_weekend() -> None:
    assert due("2026-04-29 09:00", 1) == date(2026, 5, 4)
    assert due("2026-04-29 09:00", 2) == date(2026, 5, 5)


def test_2025_swap_day_2_may_is_off_in_the_national_calendar() -> None:
    assert not NATIONAL.is_working_day(date(2025, 5, 2))
    assert due("2025-04-29 09:00", 1) == date(2025, 5, 5)


def test_national_day_2026_skips_1_and_2_september_and_the_swapped_31_august() -> None:
    assert due("2026-08-28 09:00", 1) == date(2026, 9, 3)


def test_received_after_cutoff_counts_from_the_next_working_day() -> None:
    assert due("2026-03-05 15:01", 1) == date(2026, 3, 9)


def test_received_exactly_at_cutoff_counts_the_same_day() -> None:
    assert due("2026-03-05 15:00", 1) == date(2026, 3, 6)


def test_cutoff_is_configurable() -> None:
    rule = DeadlineRule(cutoff=time(16, 30))
    assert due("2026-03-05 16:00", 1, rule=rule) == date(2026, 3, 6)


def test_received_on_saturday_counts_as_received_on_monday() -> None:
    deadline = compute_deadline(datetime(2026, 3, 7, 9, 0), 1)
    assert deadline.effective_receipt == date(2026, 3, 9)
    assert deadline.due == date(2026, 3, 10)


def test_same_day_procedure_is_due_on_the_receipt_day() -> None:
    assert due("2026-03-05 09:00", 0) == date(2026, 3, 5)


def test_same_day_procedure_after_cutoff_before_tet_is_due_after_tet() -> None:
    assert due("2026-02-13 15:30", 0) == date(2026, 2, 23)


def test_aware_receipt_time_is_converted_to_local_time() -> None:
    # 08:30 UTC is 15:30 in Hà Nội: after the cutoff.
    received = datetime(2026, 3, 5, 8, 30, tzinfo=UTC)
    assert compute_deadline(received, 1).due == date(2026, 3, 9)


def test_configured_make_up_saturday_is_a_working_day() -> None:
    swap = WorkingCalendar(working_days=(CalendarDay(date(2026, 8, 22), "Làm bù"),))
    assert due("2026-08-21 09:00", 1, calendar=swap) == date(2026, 8, 22)
    assert due("2026-08-21 09:00", 1) == date(2026, 8, 24)


def test_configured_extra_day_off_is_skipped_and_explained() -> None:
    off = WorkingCalendar(days_off=(CalendarDay(date(2026, 3, 6), "Nghỉ theo quyết định"),))
    deadline = compute_deadline(datetime(2026, 3, 5, 9, 0), 1, calendar=off)
    assert deadline.due == date(2026, 3, 9)
    assert "2026-03-06: Nghỉ theo quyết định" in deadline.explanation()


def test_a_day_cannot_be_both_off_and_working() -> None:
    day = date(2026, 3, 6)
    with pytest.raises(InvalidInput):
        WorkingCalendar(days_off=(CalendarDay(day, "a"),), working_days=(CalendarDay(day, "b"),))


def test_supplement_pause_days_are_not_counted() -> None:
    pause = Pause(datetime(2026, 3, 3, 10, 0), datetime(2026, 3, 4, 9, 0))
    deadline = compute_deadline(datetime(2026, 3, 2, 9, 0), 3, pauses=[pause])
    # 3 and 4 March paused; counted: 5, 6, 9.
    assert deadline.due == date(2026, 3, 9)
    assert f"2026-03-03: {PAUSED_REASON}" in deadline.explanation()


def test_supplement_arriving_after_cutoff_pauses_until_the_next_working_day() -> None:
    pause = Pause(datetime(2026, 3, 3, 10, 0), datetime(2026, 3, 4, 16, 0))
    assert due("2026-03-02 09:00", 3, pauses=[pause]) == date(2026, 3, 10)


def test_overlapping_pauses_count_a_day_once() -> None:
    pauses = [
        Pause(datetime(2026, 3, 3, 8, 0), datetime(2026, 3, 4, 9, 0)),
        Pause(datetime(2026, 3, 4, 8, 0), datetime(2026, 3, 4, 10, 0)),
    ]
    assert due("2026-03-02 09:00", 3, pauses=pauses) == date(2026, 3, 9)


def test_same_day_procedure_with_a_pause_is_due_when_the_supplement_arrives() -> None:
    pause = Pause(datetime(2026, 3, 5, 10, 0), datetime(2026, 3, 6, 9, 0))
    assert due("2026-03-05 09:00", 0, pauses=[pause]) == date(2026, 3, 6)


def test_pause_ending_before_it_starts_is_rejected() -> None:
    pause = Pause(datetime(2026, 3, 4, 10, 0), datetime(2026, 3, 3, 10, 0))
    with pytest.raises(InvalidInput):
        compute_deadline(datetime(2026, 3, 2, 9, 0), 3, pauses=[pause])


def test_negative_working_days_are_rejected() -> None:
    with pytest.raises(InvalidInput):
        compute_deadline(datetime(2026, 3, 2, 9, 0), -1)


def test_snapshot_round_trips_through_a_dict() -> None:
    calendar = WorkingCalendar(working_days=(CalendarDay(date(2026, 8, 22), "Làm bù"),))
    deadline = compute_deadline(datetime(2026, 8, 21, 9, 0), 1, calendar=calendar)
    data = deadline.snapshot.to_dict()
    assert data["rule_version"] == "2025-07"
    assert data["cutoff"] == "15:00"
    assert data["calendar_version"].startswith("holidays ")
    assert data["working_days"] == [{"date": "2026-08-22", "name": "Làm bù"}]
    kept = RuleSnapshot.from_dict(data)
    assert kept == deadline.snapshot
    again = compute_deadline(datetime(2026, 8, 21, 9, 0), 1, kept.calendar(), kept.rule())
    assert again.due == date(2026, 8, 22)
