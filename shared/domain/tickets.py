"""Tickets and their history, a list of periods that only grows; transitions are pure functions."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime
from enum import StrEnum

from shared.domain.errors import InvalidTransition, WrongCounter


class PeriodKind(StrEnum):
    """What a ticket was doing during one period of its history."""

    WAITING = "waiting"
    TRANSFERRED = "transferred"
    CALLED = "called"
    SERVING = "serving"
    ON_HOLD = "on_hold"
    DONE = "done"
    NO_SHOW = "no_show"
    VOIDED = "voided"


class TicketState(StrEnum):
    """Where a ticket stands now, derived from its last period."""

    WAITING = "waiting"
    CALLED = "called"
    SERVING = "serving"
    ON_HOLD = "on_hold"
    DONE = "done"
    NO_SHOW = "no_show"
    VOIDED = "voided"


_STATE_OF_KIND = {
    PeriodKind.WAITING: TicketState.WAITING,
    PeriodKind.TRANSFERRED: TicketState.WAITING,
    PeriodKind.CALLED: TicketState.CALLED,
    PeriodKind.SERVING: TicketState.SERVING,
    PeriodKind.ON_HOLD: TicketState.ON_HOLD,
    PeriodKind.DONE: TicketState.DONE,
    PeriodKind.NO_SHOW: TicketState.NO_SHOW,
    PeriodKind.VOIDED: TicketState.VOIDED,
}

TERMINAL_STATES = frozenset({TicketState.DONE, TicketState.NO_SHOW, TicketState.VOIDED})
AT_COUNTER_STATES = frozenset({TicketState.CALLED, TicketState.SERVING})


class TicketEventKind(StrEnum):
    """The domain events a transition produces."""

    ISSUED = "issued"
    CALLED = "called"
    RECALLED = "recalled"
    SERVING = "serving"
    FINISHED = "finished"
    NO_SHOW = "no_show"
    TRANSFERRED = "transferred"
    HELD = "held"
    RESUMED = "resumed"
    EXPIRED = "expired"
    VOIDED = "voided"


@dataclass(frozen=True)
class Period:
    """One stretch of a ticket's history; `ended_at` is None while it lasts."""

    kind: PeriodKind
    started_at: datetime
    service_code: str
    counter_id: str | None = None
    officer_id: str | None = None
    note: str = ""
    ended_at: datetime | None = None


@dataclass(frozen=True)
class Ticket:
    """A citizen's numbered place in line for one service day."""

    number: str
    service_day: date
    issued_at: datetime
    periods: tuple[Period, ...]
    priority: str | None = None
    recall_count: int = 0
    front: bool = False
    target_counter: str | None = None
    issued_by: str = ""
    id: int | None = None
    # An appointment checked in in time: its slot's start (UTC); it goes ahead of walk-ins.
    appointment_at: datetime | None = None

    @property
    def current(self) -> Period:
        """Return the period the ticket is in now."""
        return self.periods[-1]

    @property
    def state(self) -> TicketState:
        """Return the ticket's state, derived from its last period."""
        return _STATE_OF_KIND[self.current.kind]

    @property
    def service_code(self) -> str:
        """Return the service the ticket waits for or is served in now."""
        return self.current.service_code

    @property
    def counter_id(self) -> str | None:
        """Return the counter holding the ticket (called, serving or on hold), if any."""
        if self.state in AT_COUNTER_STATES or self.state is TicketState.ON_HOLD:
            return self.current.counter_id
        return None

    @property
    def original_service(self) -> str:
        """Return the service the ticket was issued for."""
        return self.periods[0].service_code


@dataclass(frozen=True)
class TicketEvent:
    """Something that happened to a ticket, for the server to persist and publish."""

    kind: TicketEventKind
    ticket: Ticket
    at: datetime
    counter_id: str | None = None


def issue(
    number: str,
    service_code: str,
    service_day: date,
    at: datetime,
    priority: str | None = None,
    issued_by: str = "",
    appointment_at: datetime | None = None,
) -> tuple[Ticket, TicketEvent]:
    """Create a waiting ticket (`appointment_at`: the slot of an appointment checked in)."""
    ticket = Ticket(
        number=number,
        service_day=service_day,
        issued_at=at,
        periods=(Period(PeriodKind.WAITING, at, service_code),),
        priority=priority,
        issued_by=issued_by,
        appointment_at=appointment_at,
    )
    return ticket, TicketEvent(TicketEventKind.ISSUED, ticket, at)


def _advance(ticket: Ticket, period: Period, **changes: object) -> Ticket:
    closed = replace(ticket.current, ended_at=period.started_at)
    return replace(ticket, periods=(*ticket.periods[:-1], closed, period), **changes)  # type: ignore[arg-type]


def _terminal(kind: PeriodKind, ticket: Ticket, at: datetime, note: str = "") -> Period:
    current = ticket.current
    return Period(kind, at, current.service_code, current.counter_id, current.officer_id, note, at)


def _require_at_counter(ticket: Ticket, counter_id: str, allowed: frozenset[TicketState]) -> None:
    if ticket.state not in allowed:
        raise InvalidTransition(
            f"Số {ticket.number} đang ở trạng thái {ticket.state.value}, không thể thực hiện."
        )
    if ticket.counter_id != counter_id:
        raise WrongCounter(f"Số {ticket.number} không thuộc quầy {counter_id}.")


def call(
    ticket: Ticket, counter_id: str, officer_id: str | None, at: datetime
) -> tuple[Ticket, TicketEvent]:
    """Call a waiting ticket to a counter."""
    if ticket.state is not TicketState.WAITING:
        raise InvalidTransition(f"Số {ticket.number} không còn chờ gọi.")
    if ticket.target_counter not in (None, counter_id):
        raise WrongCounter(f"Số {ticket.number} đã được chuyển cho quầy {ticket.target_counter}.")
    period = Period(PeriodKind.CALLED, at, ticket.service_code, counter_id, officer_id)
    called = _advance(ticket, period, recall_count=0, front=False, target_counter=None)
    return called, TicketEvent(TicketEventKind.CALLED, called, at, counter_id)


def recall(
    ticket: Ticket, counter_id: str, at: datetime, max_recalls: int
) -> tuple[Ticket, TicketEvent]:
    """Call the same ticket again; past `max_recalls` recalls it becomes a no-show instead."""
    _require_at_counter(ticket, counter_id, frozenset({TicketState.CALLED}))
    if ticket.recall_count >= max_recalls:
        return no_show(ticket, counter_id, at, note=f"không đến sau {max_recalls} lần gọi lại")
    current = ticket.current
    period = Period(PeriodKind.CALLED, at, current.service_code, counter_id, current.officer_id)
    recalled = _advance(ticket, period, recall_count=ticket.recall_count + 1)
    return recalled, TicketEvent(TicketEventKind.RECALLED, recalled, at, counter_id)


def start_serving(ticket: Ticket, counter_id: str, at: datetime) -> tuple[Ticket, TicketEvent]:
    """Record that the called citizen arrived at the counter."""
    _require_at_counter(ticket, counter_id, frozenset({TicketState.CALLED}))
    current = ticket.current
    period = Period(PeriodKind.SERVING, at, current.service_code, counter_id, current.officer_id)
    serving = _advance(ticket, period)
    return serving, TicketEvent(TicketEventKind.SERVING, serving, at, counter_id)


def finish(ticket: Ticket, counter_id: str, at: datetime) -> tuple[Ticket, TicketEvent]:
    """Close a ticket that was called or served at the counter."""
    _require_at_counter(ticket, counter_id, AT_COUNTER_STATES)
    done = _advance(ticket, _terminal(PeriodKind.DONE, ticket, at))
    return done, TicketEvent(TicketEventKind.FINISHED, done, at, counter_id)


def no_show(
    ticket: Ticket, counter_id: str, at: datetime, note: str = ""
) -> tuple[Ticket, TicketEvent]:
    """Close a called ticket whose citizen did not come."""
    _require_at_counter(ticket, counter_id, frozenset({TicketState.CALLED}))
    gone = _advance(ticket, _terminal(PeriodKind.NO_SHOW, ticket, at, note))
    return gone, TicketEvent(TicketEventKind.NO_SHOW, gone, at, counter_id)


def transfer(
    ticket: Ticket,
    counter_id: str,
    at: datetime,
    to_service: str,
    to_counter: str | None = None,
    front: bool = False,
    note: str = "",
) -> tuple[Ticket, TicketEvent]:
    """Send a ticket at the counter back to waiting for another service or counter.

    The original issue time is kept, so the ticket keeps its place by when it was issued.
    """
    _require_at_counter(ticket, counter_id, AT_COUNTER_STATES)
    period = Period(PeriodKind.TRANSFERRED, at, to_service, None, None, note)
    moved = _advance(ticket, period, recall_count=0, front=front, target_counter=to_counter)
    return moved, TicketEvent(TicketEventKind.TRANSFERRED, moved, at, counter_id)


def hold(ticket: Ticket, counter_id: str, at: datetime, reason: str) -> tuple[Ticket, TicketEvent]:
    """Put the ticket aside (the citizen fetches a document); the counter is free meanwhile."""
    _require_at_counter(ticket, counter_id, AT_COUNTER_STATES)
    current = ticket.current
    period = Period(
        PeriodKind.ON_HOLD, at, current.service_code, counter_id, current.officer_id, reason
    )
    held = _advance(ticket, period)
    return held, TicketEvent(TicketEventKind.HELD, held, at, counter_id)


def resume(
    ticket: Ticket, counter_id: str, officer_id: str | None, at: datetime
) -> tuple[Ticket, TicketEvent]:
    """Take a held ticket back into service at the counter that held it."""
    _require_at_counter(ticket, counter_id, frozenset({TicketState.ON_HOLD}))
    period = Period(PeriodKind.SERVING, at, ticket.service_code, counter_id, officer_id)
    resumed = _advance(ticket, period)
    return resumed, TicketEvent(TicketEventKind.RESUMED, resumed, at, counter_id)


def expire(ticket: Ticket, at: datetime) -> tuple[Ticket, TicketEvent]:
    """Close a ticket left open when its service day ended."""
    if ticket.state in TERMINAL_STATES:
        raise InvalidTransition(f"Số {ticket.number} đã kết thúc.")
    gone = _advance(ticket, _terminal(PeriodKind.NO_SHOW, ticket, at, "hết ngày làm việc"))
    return gone, TicketEvent(TicketEventKind.EXPIRED, gone, at, ticket.counter_id)


def void(ticket: Ticket, at: datetime, reason: str = "") -> tuple[Ticket, TicketEvent]:
    """Withdraw a ticket that was never called (its kiosk could neither print nor show it)."""
    if ticket.state is not TicketState.WAITING or len(ticket.periods) != 1:
        raise InvalidTransition(f"Số {ticket.number} đã được gọi, không thể hủy.")
    gone = _advance(ticket, _terminal(PeriodKind.VOIDED, ticket, at, reason))
    return gone, TicketEvent(TicketEventKind.VOIDED, gone, at)


def waiting_seconds(ticket: Ticket) -> float:
    """Return the total time spent waiting to be called, over every waiting period that ended."""
    total = 0.0
    for period in ticket.periods:
        if period.kind in (PeriodKind.WAITING, PeriodKind.TRANSFERRED) and period.ended_at:
            total += (period.ended_at - period.started_at).total_seconds()
    return total


def service_seconds(ticket: Ticket) -> float:
    """Return the total time the citizen spent at a counter (called or serving)."""
    total = 0.0
    for period in ticket.periods:
        if period.kind in (PeriodKind.CALLED, PeriodKind.SERVING) and period.ended_at:
            total += (period.ended_at - period.started_at).total_seconds()
    return total
