"""The waiting-time model: typical service times, people ahead, counters, and the minutes shown."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from shared.domain.estimate import (
    CounterLoad,
    Waiting,
    ahead_in_line,
    ahead_of_new,
    counter_turns,
    priority_passing,
    typical_service_seconds,
    wait_minutes,
    wait_seconds,
)
from shared.domain.policy import QueueEntry

T0 = datetime(2026, 11, 23, 1, 0, tzinfo=UTC)


def entry(n: int, priority: str | None = None, service: str = "a") -> QueueEntry:
    return QueueEntry(n, f"A{n:03d}", service, T0 + timedelta(minutes=n), priority)


def test_typical_time_drops_the_extremes_and_falls_back_to_the_default() -> None:
    assert typical_service_seconds([], 600) == 600
    ten = [300.0] * 8 + [5.0, 7200.0]  # one officer pressed twice, one forgot to finish
    assert typical_service_seconds(ten, 600) == 300
    assert typical_service_seconds([0, -3], 600) == 600


def test_few_measurements_are_pulled_toward_the_default() -> None:
    one = typical_service_seconds([100], 600)
    assert 100 < one < 600
    assert typical_service_seconds([100] * 5, 600) == 100


def test_priority_tickets_pass_a_normal_one_at_most_ratio_per_normal_call() -> None:
    assert priority_passing(5, normal_ahead=0, priority_ratio=3) == 3
    assert priority_passing(5, normal_ahead=1, priority_ratio=3) == 5
    assert priority_passing(5, normal_ahead=0, priority_ratio=0) == 5, "0: always first"


def test_people_ahead_count_the_interleave() -> None:
    waiting = [entry(1), entry(2), entry(3, "elderly"), entry(4, "elderly"), entry(5)]
    # A005 (normal): two normal tickets before it, and both priority tickets pass it.
    assert ahead_in_line(waiting[4], waiting, priority_ratio=3) == 4
    # With a ratio of 1, a normal ticket goes after each priority one: A001 is passed once.
    assert ahead_in_line(waiting[0], waiting, priority_ratio=1) == 1
    # A004 (priority): A003 first; no normal ticket slips in before two priority calls.
    assert ahead_in_line(waiting[3], waiting, priority_ratio=2) == 1
    # …but with a ratio of 1, one normal ticket is called between A003 and A004.
    assert ahead_in_line(waiting[3], waiting, priority_ratio=1) == 2
    other = entry(9, service="b")
    assert ahead_in_line(other, [*waiting, other], 3) == 0, "other services do not count"


def test_a_new_ticket_sees_the_same_people_ahead_as_once_issued() -> None:
    waiting = [entry(1), entry(2, "elderly"), entry(3), entry(4, "pregnant")]
    new = entry(5)
    normal = sum(1 for e in waiting if not e.priority)
    priority = len(waiting) - normal
    assert ahead_of_new(normal, priority, 3) == ahead_in_line(new, [*waiting, new], 3)


def test_an_idle_counter_calls_at_once_a_busy_one_never_says_zero() -> None:
    idle = counter_turns("a", [CounterLoad(("a",), True, False)], {}, {"a": 300}, {})
    assert wait_seconds(0, idle, 300) == 0
    busy = counter_turns("a", [CounterLoad(("a",), True, True)], {}, {"a": 300}, {})
    assert wait_seconds(0, busy, 300) > 0
    assert wait_minutes(wait_seconds(0, busy, 300)) >= 1
    assert wait_seconds(3, busy, 300) > wait_seconds(2, busy, 300)


def test_more_counters_shorten_the_wait() -> None:
    one = counter_turns("a", [CounterLoad(("a",), True, True)], {}, {"a": 300}, {})
    three = counter_turns("a", [CounterLoad(("a",), True, True)] * 3, {}, {"a": 300}, {})
    assert wait_seconds(6, three, 300) < wait_seconds(6, one, 300) / 2


def test_a_counter_listing_the_service_second_first_clears_its_first_service() -> None:
    counter = [CounterLoad(("b", "a"), True, False)]
    typical = {"a": 300.0, "b": 600.0}
    empty = counter_turns("a", counter, {}, typical, {"a": 10, "b": 10})
    busy = counter_turns("a", counter, {"b": Waiting(normal=2)}, typical, {"a": 10, "b": 10})
    assert wait_seconds(0, empty, 300) == 0
    assert wait_seconds(0, busy, 300) >= 2 * 600, "two citizens of the first service go first"
    # Listed first, the service does not wait for the other one's normal tickets.
    first = counter_turns("b", counter, {"a": Waiting(normal=5)}, typical, {"a": 10, "b": 10})
    assert wait_seconds(0, first, 600) == 0


def test_a_shared_counter_gives_each_service_only_its_share_of_time() -> None:
    alone = counter_turns("a", [CounterLoad(("a",), True, False)], {}, {"a": 300}, {})
    shared = counter_turns(
        "a", [CounterLoad(("b", "a"), True, False)], {}, {"a": 300, "b": 300}, {"a": 10, "b": 10}
    )
    assert wait_seconds(4, shared, 300) > wait_seconds(4, alone, 300)


def test_with_no_counter_open_the_serving_counters_are_assumed_to_open() -> None:
    closed = [CounterLoad(("a",), False, False)]
    turns = counter_turns("a", closed, {}, {"a": 300}, {})
    assert turns and wait_seconds(2, turns, 300) > 0
    assert wait_seconds(2, [], 300) == 900, "no counter serves it: a rough guess"


@pytest.mark.parametrize(("seconds", "minutes"), [(0, 0), (1, 1), (29, 1), (89, 1), (91, 2)])
def test_minutes_are_zero_only_when_called_at_once(seconds: float, minutes: int) -> None:
    assert wait_minutes(seconds) == minutes
