"""Call-next policy: service order, priority first with interleave, FIFO, transfers."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from shared.domain.policy import QueueEntry, choose_next, people_ahead

T0 = datetime(2026, 11, 23, 2, 0, tzinfo=UTC)


def entry(i: int, service: str = "a", minute: int | None = None, **kw: object) -> QueueEntry:
    at = T0 + timedelta(minutes=i if minute is None else minute)
    return QueueEntry(i, f"X{i:03d}", service, at, **kw)  # type: ignore[arg-type]


def test_first_issued_first_served_within_a_service() -> None:
    waiting = [entry(3), entry(1), entry(2)]
    choice = choose_next("c1", ["a"], waiting)
    assert choice is not None and choice.entry.ticket_id == 1


def test_services_are_taken_in_the_counters_order() -> None:
    waiting = [entry(1, "b"), entry(2, "a")]
    assert choose_next("c1", ["a", "b"], waiting).entry.ticket_id == 2  # type: ignore[union-attr]
    assert choose_next("c1", ["b", "a"], waiting).entry.ticket_id == 1  # type: ignore[union-attr]


def test_other_services_are_not_called() -> None:
    assert choose_next("c1", ["a"], [entry(1, "z")]) is None


def test_priority_ticket_goes_before_earlier_normal_tickets_of_any_served_service() -> None:
    waiting = [entry(1, "a"), entry(2, "a"), entry(3, "b", priority="elderly")]
    choice = choose_next("c1", ["a", "b"], waiting)
    assert choice is not None
    assert choice.entry.ticket_id == 3
    assert choice.priority_streak == 1


def test_interleave_ratio_lets_one_normal_ticket_through_after_n_priority_calls() -> None:
    waiting = [entry(1)] + [entry(i, priority="elderly") for i in range(2, 8)]
    called = []
    streak = 0
    while waiting:
        choice = choose_next("c1", ["a"], waiting, streak, priority_ratio=2)
        assert choice is not None
        called.append(choice.entry.ticket_id)
        streak = choice.priority_streak
        waiting = [e for e in waiting if e is not choice.entry]
    assert called == [2, 3, 1, 4, 5, 6, 7]


def test_ratio_zero_means_priority_always_first() -> None:
    waiting = [entry(1)] + [entry(i, priority="pregnant") for i in range(2, 6)]
    choice = choose_next("c1", ["a"], waiting, priority_streak=50, priority_ratio=0)
    assert choice is not None and choice.entry.priority == "pregnant"


def test_when_only_normal_tickets_wait_the_streak_does_not_block() -> None:
    choice = choose_next("c1", ["a"], [entry(1)], priority_streak=3, priority_ratio=3)
    assert choice is not None and choice.priority_streak == 0


def test_ticket_transferred_to_a_counter_goes_to_that_counter_first_and_only() -> None:
    waiting = [entry(1), entry(2, "z", target_counter="c2")]
    assert choose_next("c2", ["a"], waiting).entry.ticket_id == 2  # type: ignore[union-attr]
    assert choose_next("c1", ["a", "z"], waiting).entry.ticket_id == 1  # type: ignore[union-attr]


def test_front_flag_puts_a_transferred_ticket_before_earlier_ones() -> None:
    waiting = [entry(1), entry(2, minute=30, front=True)]
    assert choose_next("c1", ["a"], waiting).entry.ticket_id == 2  # type: ignore[union-attr]


def test_people_ahead_counts_priority_and_earlier_tickets() -> None:
    waiting = [entry(1), entry(2), entry(3, priority="elderly"), entry(4)]
    assert people_ahead(waiting[3], waiting) == 3
    assert people_ahead(waiting[2], waiting) == 0
    assert people_ahead(waiting[0], waiting) == 1
