"""A priority citizen never waits behind a later priority ticket of another service."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from shared.domain.policy import QueueEntry, choose_next

T0 = datetime(2026, 12, 1, 1, 0, tzinfo=UTC)


def test_priority_tickets_of_any_service_go_first_issued_first_served() -> None:
    waiting = [
        QueueEntry(1, "A001", "a", T0),  # normal, first service, earliest
        QueueEntry(2, "B001", "b", T0 + timedelta(minutes=1), priority="elderly"),
        QueueEntry(3, "A002", "a", T0 + timedelta(minutes=2), priority="elderly"),
    ]
    choice = choose_next("q01", ["a", "b"], waiting)
    assert choice is not None and choice.entry.number == "B001"


def test_normal_tickets_still_follow_the_counters_service_order() -> None:
    waiting = [
        QueueEntry(1, "B001", "b", T0),
        QueueEntry(2, "A001", "a", T0 + timedelta(minutes=1)),
    ]
    choice = choose_next("q01", ["a", "b"], waiting)
    assert choice is not None and choice.entry.number == "A001"
