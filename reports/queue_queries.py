"""Queue figures in SQL: one per-ticket facts table, then counts, times and heat maps over it.

The temporary table is copied from `ticket_facts` (written by the server when a ticket finishes)
plus the facts of the period's tickets that have none yet, worked out from their periods.

Definitions (docs/reports.md explains them for a director):
* waiting time = issue → the start of the first call (tickets never called have none);
* service time = the start of the first call at the counter that finished the ticket → done:
  the first called period after the last transfer (a ticket's first period is always waiting,
  the only way out of waiting is a call, so that period sits right after the last transfer,
  or at position 1 when there was none);
* waiting is grouped by the issued service, the first call's counter and officer, and the local
  hour of issue; service time by the finishing service, counter, officer and local hour served.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from sqlalchemy import (
    Column,
    Connection,
    Date,
    Float,
    FromClause,
    Integer,
    MetaData,
    String,
    Table,
    and_,
    case,
    func,
    select,
)
from sqlalchemy.sql.elements import ColumnElement

from reports.figures import (
    CapReached,
    Dimension,
    HeatCell,
    QueueFigures,
    TicketCountRow,
    TicketCounts,
    TimeRow,
    TimeStats,
)
from reports.local_time import LocalClock
from reports.percentiles import time_stats
from reports.scope import Names, Scope
from shared.domain.tickets import TERMINAL_STATES, TicketState
from shared.storage.fact_tables import TicketFactRow
from shared.storage.facts import facts_select, without_fact
from shared.storage.tables import TicketRow

_metadata = MetaData()
ticket_facts = Table(
    "report_ticket_facts",
    _metadata,
    Column("ticket_id", Integer),
    Column("service_day", Date),
    Column("weekday", Integer),
    Column("issue_hour", Integer),
    Column("original_service", String(40)),
    Column("priority", String(40)),
    Column("state", String(16)),
    Column("transfers", Integer),
    Column("wait_seconds", Float),
    Column("wait_counter", String(40)),
    Column("wait_officer", String(40)),
    Column("service_seconds", Float),
    Column("service_code", String(40)),
    Column("service_counter", String(40)),
    Column("service_officer", String(40)),
    Column("service_hour", Integer),
    prefixes=["TEMPORARY"],
)
# Ticket states are stored as their values (the facts' `state` column is the ticket's state).
OPEN_STATES = tuple(s.value for s in TicketState if s not in TERMINAL_STATES)
DONE, NO_SHOW, VOIDED = (
    s.value for s in (TicketState.DONE, TicketState.NO_SHOW, TicketState.VOIDED)
)


def ticket_filter(scope: Scope, table: FromClause) -> list[ColumnElement[bool]]:
    """Return the WHERE conditions selecting the scope's rows of `tickets` or `ticket_facts`."""
    c = table.c
    conditions = [
        c.site_id == scope.site_id,
        c.service_day >= scope.period.first_day,
        c.service_day <= scope.period.last_day,
    ]
    if scope.department is not None:
        conditions.append(c.original_service.in_(scope.department_services))
    return conditions


def _report_columns(source: Any, clock: LocalClock) -> list[ColumnElement[Any]]:
    c = source.c
    return [
        c.ticket_id,
        c.service_day,
        clock.weekday(c.service_day),
        clock.hour(c.issued_at),
        c.original_service,
        c.priority,
        c.outcome,
        c.transfers,
        c.wait_seconds,
        c.wait_counter,
        c.wait_officer,
        c.service_seconds,
        c.service_code,
        c.service_counter,
        c.service_officer,
        clock.hour(c.service_started_at),
    ]


def fill_ticket_facts(connection: Connection, scope: Scope) -> Table:
    """Create the temporary per-ticket facts table for the scope and fill it in two statements.

    Finished tickets are copied from `ticket_facts`; the few without a fact row (still open, or
    written without the server) get theirs worked out from their periods by the same SQL.
    """
    stored = TicketFactRow.__table__
    tickets = TicketRow.__table__
    live = facts_select(connection.dialect.name, [*ticket_filter(scope, tickets), without_fact()])
    live_facts = live.subquery("live_facts")
    ticket_facts.drop(connection, checkfirst=True)  # left by a failed report on this connection
    ticket_facts.create(connection)
    names = list(ticket_facts.c.keys())
    copied = select(*_report_columns(stored, scope.clock)).where(*ticket_filter(scope, stored))
    connection.execute(ticket_facts.insert().from_select(names, copied))
    worked_out = select(*_report_columns(live_facts, scope.clock))
    connection.execute(ticket_facts.insert().from_select(names, worked_out))
    return ticket_facts


def drop_ticket_facts(connection: Connection) -> None:
    """Drop the temporary facts table."""
    ticket_facts.drop(connection, checkfirst=True)


def _counts(row: Any) -> TicketCounts:
    return TicketCounts(*(int(value or 0) for value in row[1:]))


def ticket_counts(
    connection: Connection, names: Names
) -> tuple[TicketCounts, list[TicketCountRow]]:
    """Count tickets per issued service; the totals are the sum of the services."""
    f = ticket_facts.c

    def count(condition: ColumnElement[bool]) -> ColumnElement[int]:
        return func.sum(case((condition, 1), else_=0))

    live = f.state != VOIDED
    rows = connection.execute(
        select(
            f.original_service,
            count(live),
            count(f.state == DONE),
            count(f.state == NO_SHOW),
            count(and_(live, f.transfers > 0)),
            count(and_(live, f.priority.is_not(None))),
            count(f.state == VOIDED),
            count(f.state.in_(OPEN_STATES)),
        )
        .group_by(f.original_service)
        .order_by(f.original_service)
    ).all()
    by_service = [TicketCountRow(r[0], names.service(r[0]), _counts(r)) for r in rows]
    totals = TicketCounts()
    for row in by_service:
        totals = totals.plus(row.counts)
    return totals, by_service


def _stats(row: Any, offset: int) -> TimeStats:
    count, mean, p50, p90 = row[offset : offset + 4]
    if not count:
        return TimeStats()
    return TimeStats(int(count), float(mean), float(p50), float(p90))


def _time_rows(
    connection: Connection,
    key: ColumnElement[Any],
    value: ColumnElement[float],
    label: Any,
) -> tuple[TimeRow, ...]:
    rows = time_stats(connection, ticket_facts, [key], value)
    keyed = [(r[0], _stats(r, 1)) for r in rows]
    keyed.sort(key=lambda item: (item[0] is None, item[0] if item[0] is not None else ""))
    return tuple(TimeRow("" if k is None else str(k), label(k), stats) for k, stats in keyed)


def _hour_label(hour: int | None) -> str:
    return "(không rõ)" if hour is None else f"{hour:02d}:00–{hour:02d}:59"


def time_figures(
    connection: Connection, names: Names
) -> tuple[TimeStats, TimeStats, dict[Dimension, tuple[TimeRow, ...]], dict[Dimension, Any]]:
    """Return overall waiting and service times, then both grouped by every dimension."""
    f = ticket_facts.c
    overall_wait = time_stats(connection, ticket_facts, [], f.wait_seconds)[0]
    overall_serve = time_stats(connection, ticket_facts, [], f.service_seconds)[0]
    priority = func.coalesce(f.priority, "")
    waiting_keys: Sequence[tuple[Dimension, ColumnElement[Any], Any]] = (
        (Dimension.SERVICE, f.original_service, names.service),
        (Dimension.COUNTER, f.wait_counter, names.counter),
        (Dimension.OFFICER, f.wait_officer, names.officer),
        (Dimension.HOUR, f.issue_hour, _hour_label),
        (Dimension.PRIORITY, priority, names.priority),
    )
    service_keys: Sequence[tuple[Dimension, ColumnElement[Any], Any]] = (
        (Dimension.SERVICE, f.service_code, names.service),
        (Dimension.COUNTER, f.service_counter, names.counter),
        (Dimension.OFFICER, f.service_officer, names.officer),
        (Dimension.HOUR, f.service_hour, _hour_label),
        (Dimension.PRIORITY, priority, names.priority),
    )
    waiting_by = {d: _time_rows(connection, k, f.wait_seconds, lab) for d, k, lab in waiting_keys}
    service_by = {
        d: _time_rows(connection, k, f.service_seconds, lab) for d, k, lab in service_keys
    }
    return _stats(overall_wait, 0), _stats(overall_serve, 0), waiting_by, service_by


def heat_map(connection: Connection) -> tuple[HeatCell, ...]:
    """Tickets issued and their mean wait per weekday (0 = Monday) and local hour of issue."""
    f = ticket_facts.c
    rows = connection.execute(
        select(f.weekday, f.issue_hour, func.count(), func.avg(f.wait_seconds))
        .where(f.state != VOIDED)
        .group_by(f.weekday, f.issue_hour)
    ).all()
    cells = [
        HeatCell((int(w) + 6) % 7, int(h), int(n), None if m is None else float(m))
        for w, h, n, m in rows
    ]
    return tuple(sorted(cells, key=lambda c: (c.weekday, c.hour)))


def tickets_per_day(connection: Connection) -> dict[date, tuple[int, int]]:
    """Tickets issued (not voided) and served per local service day."""
    f = ticket_facts.c
    rows = connection.execute(
        select(
            f.service_day,
            func.sum(case((f.state != VOIDED, 1), else_=0)),
            func.sum(case((f.state == DONE, 1), else_=0)),
        ).group_by(f.service_day)
    ).all()
    return {_as_date(day): (int(issued), int(served)) for day, issued, served in rows}


def caps_reached(connection: Connection, names: Names) -> tuple[CapReached, ...]:
    """Days a capped service issued as many numbers as its cap (voided numbers count too)."""
    if not names.caps:
        return ()
    f = ticket_facts.c
    rows = connection.execute(
        select(f.service_day, f.original_service, func.count())
        .where(f.original_service.in_(list(names.caps)))
        .group_by(f.service_day, f.original_service)
    ).all()
    reached = [
        CapReached(_as_date(day), code, names.service(code), names.caps[code], int(n))
        for day, code, n in rows
        if int(n) >= names.caps[code]
    ]
    return tuple(sorted(reached, key=lambda c: (c.day, c.service)))


def _as_date(value: Any) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value))


def queue_figures(connection: Connection, names: Names) -> QueueFigures:
    """Compute every queue figure from the filled facts table."""
    totals, by_service = ticket_counts(connection, names)
    waiting, service, waiting_by, service_by = time_figures(connection, names)
    return QueueFigures(
        totals=totals,
        by_service=tuple(by_service),
        waiting=waiting,
        service=service,
        waiting_by=waiting_by,
        service_by=service_by,
        heat=heat_map(connection),
        caps=caps_reached(connection, names),
    )
