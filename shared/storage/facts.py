"""Ticket facts: written by the queue server per finished ticket, or worked out in SQL in bulk.

`facts_select` is the SQL twin of shared.domain.ticket_facts.ticket_fact: the migration and
`motcua demo-data` use it to fill the table for tickets written without the server, and the
reports use it for the tickets of a period that have no fact row yet (those still open).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import (
    Connection,
    Float,
    Select,
    and_,
    case,
    cast,
    exists,
    extract,
    func,
    insert,
    select,
)
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import ColumnElement

from shared.domain.ticket_facts import TicketFact
from shared.storage.fact_tables import TicketFactRow
from shared.storage.tables import PeriodRow, TicketRow

TERMINAL = ("done", "no_show", "voided")
FACT_COLUMNS = tuple(c.name for c in TicketFactRow.__table__.c)


class FactRepository:
    """Stores the facts of finished tickets inside the caller's session and transaction."""

    def __init__(self, session: Session, site_id: str) -> None:
        self.session = session
        self.site_id = site_id

    def add(self, ticket_id: int, fact: TicketFact) -> None:
        """Insert the fact row of a ticket that just reached a terminal state."""
        self.session.add(TicketFactRow(ticket_id=ticket_id, site_id=self.site_id, **vars(fact)))
        self.session.flush()


def seconds_between(
    dialect: str, end: ColumnElement[Any], start: ColumnElement[Any]
) -> ColumnElement[float]:
    """Return the seconds from `start` to `end` in SQL (SQLite rounded to the millisecond)."""
    if dialect == "sqlite":
        days = func.julianday(end) - func.julianday(start)
        return func.round(days * 86400.0, 3, type_=Float)
    return cast(extract("epoch", end - start), Float)


def _when(condition: ColumnElement[bool], value: ColumnElement[Any]) -> ColumnElement[Any]:
    return func.max(case((condition, value)))


def facts_select(dialect: str, conditions: list[ColumnElement[bool]]) -> Select[Any]:
    """Select the facts of the tickets matching `conditions`, columns named as in ticket_facts.

    The outcome column is the ticket's current state, so open tickets can be selected too.
    """
    ticket_table, periods = TicketRow.__table__, PeriodRow.__table__
    tickets, p = ticket_table.c, periods.c
    called_first = and_(p.position == 1, p.kind == "called")
    done = p.kind == "done"
    per_ticket = (
        select(
            p.ticket_id,
            func.max(case((p.kind == "transferred", p.position), else_=0)).label("last_move"),
            func.sum(case((p.kind == "transferred", 1), else_=0)).label("transfers"),
            _when(called_first, p.started_at).label("call_at"),
            _when(called_first, p.counter_id).label("call_counter"),
            _when(called_first, p.officer_id).label("call_officer"),
            _when(done, p.started_at).label("done_at"),
            _when(done, p.service_code).label("done_service"),
            _when(done, p.counter_id).label("done_counter"),
            _when(done, p.officer_id).label("done_officer"),
        )
        .join(ticket_table, tickets.id == p.ticket_id)
        .where(*conditions)
        .group_by(p.ticket_id)
        .subquery("per_ticket")
    )
    start = periods.alias("service_start")
    joined = ticket_table.join(per_ticket, per_ticket.c.ticket_id == tickets.id).outerjoin(
        start,
        and_(
            start.c.ticket_id == tickets.id,
            start.c.position == per_ticket.c.last_move + 1,
            per_ticket.c.done_at.is_not(None),
        ),
    )
    return select(
        tickets.id.label("ticket_id"),
        tickets.site_id,
        tickets.service_day,
        tickets.original_service,
        tickets.priority,
        tickets.state.label("outcome"),
        per_ticket.c.transfers,
        tickets.issued_at,
        seconds_between(dialect, per_ticket.c.call_at, tickets.issued_at).label("wait_seconds"),
        per_ticket.c.call_counter.label("wait_counter"),
        per_ticket.c.call_officer.label("wait_officer"),
        start.c.started_at.label("service_started_at"),
        seconds_between(dialect, per_ticket.c.done_at, start.c.started_at).label("service_seconds"),
        per_ticket.c.done_service.label("service_code"),
        per_ticket.c.done_counter.label("service_counter"),
        per_ticket.c.done_officer.label("service_officer"),
    ).select_from(joined)


def without_fact() -> ColumnElement[bool]:
    """Return the condition 'this ticket has no fact row yet'."""
    facts = TicketFactRow.__table__.c
    return ~exists().where(facts.ticket_id == TicketRow.__table__.c.id)


def backfill(connection: Connection, *conditions: ColumnElement[bool]) -> None:
    """Write the missing fact rows of terminal tickets (optionally filtered) in one statement."""
    tickets = TicketRow.__table__.c
    where = [tickets.state.in_(TERMINAL), without_fact(), *conditions]
    source = facts_select(connection.dialect.name, where)
    connection.execute(insert(TicketFactRow).from_select(list(FACT_COLUMNS), source))
