"""Ticket transitions: history only grows, illegal moves are refused with the domain's errors."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from shared.domain import tickets as t
from shared.domain.errors import InvalidTransition, WrongCounter
from shared.domain.tickets import PeriodKind, TicketEventKind, TicketState

T0 = datetime(2026, 11, 23, 2, 0, tzinfo=UTC)


def at(minutes: float) -> datetime:
    return T0 + timedelta(minutes=minutes)


def new_ticket() -> t.Ticket:
    ticket, event = t.issue("A001", "ho-tich", date(2026, 11, 23), T0, None, "kiosk-1")
    assert event.kind is TicketEventKind.ISSUED
    return ticket


def test_full_cycle_keeps_every_period_and_derives_times() -> None:
    ticket = new_ticket()
    ticket, _ = t.call(ticket, "q01", "cb01", at(10))
    ticket, _ = t.start_serving(ticket, "q01", at(11))
    ticket, event = t.finish(ticket, "q01", at(20))
    assert event.kind is TicketEventKind.FINISHED
    assert [p.kind for p in ticket.periods] == [
        PeriodKind.WAITING,
        PeriodKind.CALLED,
        PeriodKind.SERVING,
        PeriodKind.DONE,
    ]
    assert all(p.ended_at is not None for p in ticket.periods)
    assert t.waiting_seconds(ticket) == 600
    assert t.service_seconds(ticket) == 600
    assert ticket.state is TicketState.DONE


def test_no_show_after_the_configured_number_of_recalls() -> None:
    ticket, _ = t.call(new_ticket(), "q01", None, at(1))
    ticket, first = t.recall(ticket, "q01", at(2), max_recalls=2)
    ticket, second = t.recall(ticket, "q01", at(3), max_recalls=2)
    assert (first.kind, second.kind) == (TicketEventKind.RECALLED, TicketEventKind.RECALLED)
    assert ticket.recall_count == 2
    ticket, third = t.recall(ticket, "q01", at(4), max_recalls=2)
    assert third.kind is TicketEventKind.NO_SHOW
    assert ticket.state is TicketState.NO_SHOW


def test_transfer_keeps_the_original_issue_time_and_can_go_to_the_front() -> None:
    ticket, _ = t.call(new_ticket(), "q01", None, at(5))
    moved, event = t.transfer(ticket, "q01", at(8), "chung-thuc", None, front=True, note="thiếu")
    assert event.kind is TicketEventKind.TRANSFERRED
    assert moved.state is TicketState.WAITING
    assert moved.service_code == "chung-thuc"
    assert moved.original_service == "ho-tich"
    assert moved.issued_at == T0
    assert moved.front is True
    assert moved.current.kind is PeriodKind.TRANSFERRED


def test_transfer_to_a_counter_only_that_counter_may_call_it() -> None:
    ticket, _ = t.call(new_ticket(), "q01", None, at(5))
    moved, _ = t.transfer(ticket, "q01", at(6), "ho-tich", "q03")
    with pytest.raises(WrongCounter):
        t.call(moved, "q02", None, at(7))
    called, _ = t.call(moved, "q03", None, at(7))
    assert called.target_counter is None


def test_hold_and_resume_at_the_same_counter_only() -> None:
    ticket, _ = t.call(new_ticket(), "q01", None, at(1))
    held, _ = t.hold(ticket, "q01", at(2), "đi photo giấy tờ")
    assert held.state is TicketState.ON_HOLD and held.current.note == "đi photo giấy tờ"
    with pytest.raises(WrongCounter):
        t.resume(held, "q02", None, at(3))
    resumed, event = t.resume(held, "q01", None, at(3))
    assert event.kind is TicketEventKind.RESUMED and resumed.state is TicketState.SERVING


def test_another_counter_cannot_finish_my_ticket() -> None:
    ticket, _ = t.call(new_ticket(), "q01", None, at(1))
    with pytest.raises(WrongCounter):
        t.finish(ticket, "q02", at(2))


@pytest.mark.parametrize(
    "action",
    [
        lambda k: t.finish(k, "q01", at(1)),
        lambda k: t.recall(k, "q01", at(1), 2),
        lambda k: t.no_show(k, "q01", at(1)),
        lambda k: t.hold(k, "q01", at(1), "x"),
    ],
)
def test_waiting_ticket_refuses_counter_actions(action: object) -> None:
    with pytest.raises(InvalidTransition):
        action(new_ticket())  # type: ignore[operator]


def test_finished_ticket_cannot_be_called_again() -> None:
    ticket, _ = t.call(new_ticket(), "q01", None, at(1))
    ticket, _ = t.finish(ticket, "q01", at(2))
    with pytest.raises(InvalidTransition):
        t.call(ticket, "q01", None, at(3))


def test_void_only_before_the_first_call() -> None:
    voided, event = t.void(new_ticket(), at(1), "máy in hỏng")
    assert voided.state is TicketState.VOIDED and event.kind is TicketEventKind.VOIDED
    called, _ = t.call(new_ticket(), "q01", None, at(1))
    with pytest.raises(InvalidTransition):
        t.void(called, at(2))


def test_expire_closes_any_open_ticket_at_the_end_of_the_day() -> None:
    gone, event = t.expire(new_ticket(), at(600))
    assert gone.state is TicketState.NO_SHOW and event.kind is TicketEventKind.EXPIRED
    with pytest.raises(InvalidTransition):
        t.expire(gone, at(601))
