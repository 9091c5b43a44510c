"""Loading today's queue into memory at start, and writing a batch's changes in a few statements."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime, timedelta
from functools import cache
from typing import Any

from sqlalchemy import Connection, Table, bindparam, func, select, text
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from server.day import Day
from server.request_log import RequestLog
from shared.domain.counters import CounterState, CounterStatus
from shared.domain.tickets import Period, PeriodKind, Ticket, TicketState
from shared.storage.appointments import BookingRepository
from shared.storage.fact_tables import TicketFactRow
from shared.storage.repository import period_of, period_values, ticket_values
from shared.storage.tables import (
    CommandLogRow,
    CounterStateRow,
    NumberSequenceRow,
    PeriodRow,
    TicketRow,
)
from shared.storage.ticket_cards import carded_tickets

# Retries carry the same request id within seconds; two days of ids cover any device's outbox
# that survived a night. An older id still finds its reply: the log's unique key refuses the
# duplicate and the batch is applied again one command at a time, reading the log.
REQUEST_DAYS = 2
# Service durations for the estimates come from this many recent service days at most.
SERVICE_TIME_DAYS = 14


def _table(model: type[Any]) -> Table:
    table = model.__table__
    assert isinstance(table, Table)
    return table


TICKETS = _table(TicketRow)
PERIODS = _table(PeriodRow)
COUNTERS = _table(CounterStateRow)
SEQUENCES = _table(NumberSequenceRow)
FACTS = _table(TicketFactRow)
LOG = _table(CommandLogRow)
TICKET_COLUMNS = (
    "state",
    "service_code",
    "counter_id",
    "target_counter",
    "front",
    "recall_count",
    "version",
)
UPDATE_TICKET = (
    TICKETS.update()
    .where(TICKETS.c.id == bindparam("v_id"))
    .values({k: bindparam(f"v_{k}") for k in TICKET_COLUMNS})
)
END_PERIOD = (
    PERIODS.update()
    .where(
        PERIODS.c.ticket_id == bindparam("v_ticket"),
        PERIODS.c.position == bindparam("v_position"),
    )
    .values(ended_at=bindparam("v_end"))
)


def load_day(session: Session, site_id: str, service_day: date) -> Day:
    """Read a service day's tickets, the counters and the day's numbers into a new Day."""
    connection = session.connection()
    top = connection.execute(select(func.max(TICKETS.c.id))).scalar()
    day = Day(service_day, int(top or 0) + 1)
    for ticket in _tickets(connection, site_id, service_day):
        day.load_ticket(ticket)
    day.order_calls()
    day.sequences.update(_sequences(connection, site_id, service_day))
    day.carded = carded_tickets(session, site_id, service_day)
    phones = BookingRepository(session, site_id).ticket_phones(service_day)
    day.phoned = {day.by_number[n] for n in phones if n in day.by_number}
    for state, updated_at in _counters(connection, site_id):
        day.counters[state.counter_id] = state
        day.counter_updated[state.counter_id] = updated_at
    return day


def _tickets(connection: Connection, site_id: str, service_day: date) -> list[Ticket]:
    rows = connection.execute(
        select(TICKETS).where(TICKETS.c.site_id == site_id, TICKETS.c.service_day == service_day)
    ).all()
    if not rows:
        return []
    periods: dict[int, list[Period]] = defaultdict(list)
    for p in connection.execute(
        select(PERIODS)
        .join(TICKETS, TICKETS.c.id == PERIODS.c.ticket_id)
        .where(TICKETS.c.site_id == site_id, TICKETS.c.service_day == service_day)
        .order_by(PERIODS.c.ticket_id, PERIODS.c.position)
    ).all():
        periods[p.ticket_id].append(period_of(p))
    return [
        Ticket(
            number=r.number,
            service_day=r.service_day,
            issued_at=r.issued_at,
            periods=tuple(periods[r.id]),
            priority=r.priority,
            recall_count=r.recall_count,
            front=r.front,
            target_counter=r.target_counter,
            issued_by=r.issued_by,
            id=r.id,
            appointment_at=r.appointment_at,
        )
        for r in sorted(rows, key=lambda r: int(r.id))
    ]


def _sequences(connection: Connection, site_id: str, service_day: date) -> dict[str, int]:
    rows = connection.execute(
        select(SEQUENCES.c.prefix, SEQUENCES.c.value).where(
            SEQUENCES.c.site_id == site_id, SEQUENCES.c.service_day == service_day
        )
    ).all()
    return {str(prefix): int(value) for prefix, value in rows}


def _counters(connection: Connection, site_id: str) -> list[tuple[CounterState, datetime]]:
    rows = connection.execute(select(COUNTERS).where(COUNTERS.c.site_id == site_id)).all()
    return [
        (
            CounterState(
                r.counter_id,
                CounterStatus(r.status),
                r.officer_id,
                r.current_ticket_id,
                r.priority_streak,
                r.pause_reason,
            ),
            r.updated_at,
        )
        for r in rows
    ]


def load_requests(session: Session, site_id: str, now: datetime) -> RequestLog:
    """The request ids of the last days' commands, to tell a retry from a new command."""
    since = now - timedelta(days=REQUEST_DAYS)
    rows = session.execute(
        select(LOG.c.device_id, LOG.c.verb, LOG.c.request_id).where(
            LOG.c.site_id == site_id, LOG.c.received_at >= since
        )
    ).all()
    log = RequestLog()
    for device, verb, request_id in rows:
        log.seen(device, verb, request_id)
    return log


def recent_service_seconds(
    session: Session, site_id: str, today: date, sample: int
) -> dict[str, list[float]]:
    """Per service, the durations of its last finished tickets (oldest first), for estimates."""
    since = today - timedelta(days=SERVICE_TIME_DAYS)
    rows = session.execute(
        select(TICKETS.c.id, TICKETS.c.service_code, PERIODS.c.started_at, PERIODS.c.ended_at)
        .join(PERIODS, PERIODS.c.ticket_id == TICKETS.c.id)
        .where(
            TICKETS.c.site_id == site_id,
            TICKETS.c.service_day >= since,
            TICKETS.c.state == TicketState.DONE.value,
            PERIODS.c.kind.in_([PeriodKind.CALLED.value, PeriodKind.SERVING.value]),
            PERIODS.c.ended_at.is_not(None),
        )
        .order_by(TICKETS.c.id)
    ).all()
    totals: dict[int, tuple[str, float]] = {}
    for ticket_id, service_code, started, ended in rows:
        _, seconds = totals.get(ticket_id, (service_code, 0.0))
        totals[ticket_id] = (service_code, seconds + (ended - started).total_seconds())
    recent: dict[str, list[float]] = defaultdict(list)
    for service_code, seconds in totals.values():  # ticket ids ascending: oldest first
        recent[service_code].append(seconds)
    return {code: values[-sample:] for code, values in recent.items()}


# Writing -------------------------------------------------------------------------------------


def write_day(session: Session, site_id: str, day: Day) -> None:
    """Write what the batch changed: new and changed tickets, counters, numbers, facts, log."""
    if not day.has_writes():
        return
    connection = session.connection()
    postgres = connection.dialect.name == "postgresql"
    _write_tickets(connection, site_id, day)
    if day.dirty_counters:
        _write_counters(connection, site_id, day, postgres)
    if day.dirty_sequences:
        _write_sequences(connection, site_id, day, postgres)
    pending = day.pending
    if pending.facts:
        connection.execute(FACTS.insert(), pending.facts)
    if pending.log:
        connection.execute(LOG.insert(), pending.log)
    for action in pending.after:
        action(session)
    pending.facts, pending.log, pending.after = [], [], []
    day.writes += 1


def _write_tickets(connection: Connection, site_id: str, day: Day) -> None:
    inserts: list[dict[str, Any]] = []
    updates: list[dict[str, Any]] = []
    ends: list[dict[str, Any]] = []
    periods: list[dict[str, Any]] = []
    for ticket_id in sorted(day.new_tickets | day.dirty_tickets):
        ticket = day.tickets.get(ticket_id)
        if ticket is None:  # added, then undone
            continue
        stored = day.stored_periods.get(ticket_id, 0)
        values = ticket_values(ticket)
        if stored == 0:
            prefix, sequence = day.numbering[ticket_id]
            inserts.append(
                {
                    **values,
                    "id": ticket_id,
                    "site_id": site_id,
                    "service_day": ticket.service_day,
                    "number": ticket.number,
                    "prefix": prefix,
                    "sequence": sequence,
                    "original_service": ticket.original_service,
                    "priority": ticket.priority,
                    "issued_at": ticket.issued_at,
                    "issued_by": ticket.issued_by,
                    "appointment_at": ticket.appointment_at,
                }
            )
        else:
            updates.append({**{f"v_{k}": v for k, v in values.items()}, "v_id": ticket_id})
            last = ticket.periods[stored - 1]
            ends.append({"v_ticket": ticket_id, "v_position": stored - 1, "v_end": last.ended_at})
        periods += [
            period_values(ticket_id, i, p) for i, p in enumerate(ticket.periods) if i >= stored
        ]
        day.stored_periods[ticket_id] = len(ticket.periods)
    if inserts:
        connection.execute(TICKETS.insert(), inserts)
        if connection.dialect.name == "postgresql":  # keep the id sequence ahead of our ids
            connection.execute(
                text("SELECT setval(pg_get_serial_sequence('tickets', 'id'), :top)"),
                {"top": max(row["id"] for row in inserts)},
            )
    if updates:
        connection.execute(UPDATE_TICKET, updates)
    if ends:
        connection.execute(END_PERIOD, ends)
    if periods:
        connection.execute(PERIODS.insert(), periods)
    day.new_tickets.clear()
    day.dirty_tickets.clear()


@cache
def _upsert(postgres: bool, table: Table, keys: tuple[str, ...]) -> Any:
    """Insert or update by key (built once per table and database kind: building costs)."""
    insert = postgresql.insert(table) if postgres else sqlite.insert(table)
    columns = [c.name for c in table.columns if c.name not in keys]
    return insert.on_conflict_do_update(
        index_elements=list(keys), set_={c: insert.excluded[c] for c in columns}
    )


def _write_counters(connection: Connection, site_id: str, day: Day, postgres: bool) -> None:
    rows = []
    for counter_id in sorted(day.dirty_counters):
        state = day.counter(counter_id)
        rows.append(
            {
                "site_id": site_id,
                "counter_id": counter_id,
                "status": state.status.value,
                "officer_id": state.officer_id,
                "current_ticket_id": state.current_ticket_id,
                "priority_streak": state.priority_streak,
                "pause_reason": state.pause_reason,
                "updated_at": day.counter_updated[counter_id],
            }
        )
    connection.execute(_upsert(postgres, COUNTERS, ("site_id", "counter_id")), rows)
    day.dirty_counters.clear()


def _write_sequences(connection: Connection, site_id: str, day: Day, postgres: bool) -> None:
    assert day.service_day is not None
    rows = [
        {"site_id": site_id, "service_day": day.service_day, "prefix": p, "value": v}
        for p in sorted(day.dirty_sequences)
        if (v := day.sequences.get(p, 0)) > 0
    ]
    if rows:
        keys = ("site_id", "service_day", "prefix")
        connection.execute(_upsert(postgres, SEQUENCES, keys), rows)
    day.dirty_sequences.clear()
