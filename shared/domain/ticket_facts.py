"""The facts a report needs about a finished ticket, worked out once from its periods.

Definitions (the same as docs/reports.md and the SQL backfill in shared.storage.facts):
* waiting = issue → the start of the first call, when the ticket's second period is a call;
* service = the start of the period right after the last transfer (the call at the counter that
  finished the ticket) → done, only for tickets served; its counter, officer and service are
  those of the `done` period.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from shared.domain.tickets import TERMINAL_STATES, PeriodKind, Ticket


@dataclass(frozen=True)
class TicketFact:
    """One finished ticket as the reports count it; seconds are None when not measured."""

    service_day: date
    original_service: str
    priority: str | None
    outcome: str
    transfers: int
    issued_at: datetime
    wait_seconds: float | None
    wait_counter: str | None
    wait_officer: str | None
    service_started_at: datetime | None
    service_seconds: float | None
    service_code: str | None
    service_counter: str | None
    service_officer: str | None


def ticket_fact(ticket: Ticket) -> TicketFact | None:
    """Return the report facts of a ticket in a terminal state, or None while it is open."""
    if ticket.state not in TERMINAL_STATES:
        return None
    periods = ticket.periods
    moves = [i for i, p in enumerate(periods) if p.kind is PeriodKind.TRANSFERRED]
    call = periods[1] if len(periods) > 1 and periods[1].kind is PeriodKind.CALLED else None
    done = next((p for p in periods if p.kind is PeriodKind.DONE), None)
    start_index = (moves[-1] if moves else 0) + 1
    start = periods[start_index] if done is not None and start_index < len(periods) else None
    return TicketFact(
        service_day=ticket.service_day,
        original_service=ticket.original_service,
        priority=ticket.priority,
        outcome=ticket.state.value,
        transfers=len(moves),
        issued_at=ticket.issued_at,
        wait_seconds=None if call is None else _seconds(call.started_at, ticket.issued_at),
        wait_counter=None if call is None else call.counter_id,
        wait_officer=None if call is None else call.officer_id,
        service_started_at=None if start is None else start.started_at,
        service_seconds=(
            None if start is None or done is None else _seconds(done.started_at, start.started_at)
        ),
        service_code=None if done is None else done.service_code,
        service_counter=None if done is None else done.counter_id,
        service_officer=None if done is None else done.officer_id,
    )


def _seconds(end: datetime, start: datetime) -> float:
    return (end - start).total_seconds()
