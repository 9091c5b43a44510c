"""Numbering, service days, ticket-taking windows, daily caps, estimates, counters."""

from __future__ import annotations

from datetime import UTC, date, datetime, time

import pytest

from shared.domain.availability import check_can_issue, unavailable_reason
from shared.domain.counters import (
    CounterState,
    CounterStatus,
    close_counter,
    open_counter,
    pause_counter,
    unpause_counter,
)
from shared.domain.errors import InvalidInput, InvalidTransition, ServiceUnavailable
from shared.domain.estimate import average_service_seconds, estimate_wait_seconds
from shared.domain.numbering import format_number, parse_number, service_day
from shared.domain.site import Service, TimeWindow

HCM = "Asia/Ho_Chi_Minh"


def test_number_is_prefix_and_zero_padded_sequence() -> None:
    assert format_number("A", 1) == "A001"
    assert format_number("BC", 1023, 3) == "BC1023"
    with pytest.raises(InvalidInput):
        format_number("A", 0)


def test_typed_numbers_are_normalised_or_refused() -> None:
    assert parse_number(" a012 ") == "A012"
    for bad in ["", "012", "A-12", "ABCD1", "A1234567"]:
        with pytest.raises(InvalidInput):
            parse_number(bad)


def test_service_day_follows_local_time_not_utc() -> None:
    # 23:30 UTC on the 22nd is 06:30 on the 23rd in Việt Nam.
    assert service_day(datetime(2026, 11, 22, 23, 30, tzinfo=UTC), HCM) == date(2026, 11, 23)


def test_service_day_starts_at_the_configured_reset_time() -> None:
    early = datetime(2026, 11, 22, 20, 0, tzinfo=UTC)  # 03:00 local on the 23rd
    assert service_day(early, HCM, time(5, 0)) == date(2026, 11, 22)
    assert service_day(early, HCM, time(0, 0)) == date(2026, 11, 23)


def test_naive_times_are_refused() -> None:
    with pytest.raises(InvalidInput):
        service_day(datetime(2026, 11, 23, 9, 0), HCM)


SERVICE = Service(
    "can-cuoc",
    "Cấp thẻ căn cước",
    "cong-an",
    "D",
    daily_cap=3,
    windows=(TimeWindow(time(7, 0), time(11, 0)), TimeWindow(time(13, 0), time(16, 0))),
)


def local(hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 11, 23, hour - 7, minute, tzinfo=UTC)


def test_windows_allow_inside_and_refuse_outside_with_the_hours() -> None:
    assert unavailable_reason(SERVICE, local(7, 0), HCM, 0) is None
    assert unavailable_reason(SERVICE, local(15, 59), HCM, 0) is None
    reason = unavailable_reason(SERVICE, local(11, 0), HCM, 0)
    assert reason is not None and "07:00–11:00" in reason and "13:00–16:00" in reason


def test_daily_cap_refuses_once_reached() -> None:
    check_can_issue(SERVICE, local(8), HCM, 2)
    with pytest.raises(ServiceUnavailable, match="3 số"):
        check_can_issue(SERVICE, local(8), HCM, 3)


def test_estimates_use_recent_services_and_open_counters() -> None:
    assert average_service_seconds([], 600) == 600
    assert average_service_seconds([100, 300], 600) == 200
    assert estimate_wait_seconds(4, 300, 2) == 600
    assert estimate_wait_seconds(0, 300, 2) == 0
    assert estimate_wait_seconds(3, 300, 0) == 900


def test_counter_open_pause_resume_close() -> None:
    state = open_counter(CounterState("q01"), "cb01")
    assert state.status is CounterStatus.OPEN
    state.require_calling()
    with pytest.raises(InvalidTransition):
        open_counter(state, "cb02")
    paused = pause_counter(state, "họp giao ban")
    with pytest.raises(InvalidTransition, match="tạm dừng"):
        paused.require_calling()
    with pytest.raises(InvalidTransition):
        pause_counter(state, "  ")
    assert unpause_counter(paused).status is CounterStatus.OPEN
    with pytest.raises(InvalidTransition):
        close_counter(CounterState("q01", CounterStatus.OPEN, "cb01", current_ticket_id=5))
    assert close_counter(state).status is CounterStatus.CLOSED
