"""The queue's repository: tickets with their periods, counters, sequences, and the command log."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from datetime import date, datetime
from typing import Any

from sqlalchemy import ColumnElement, Row, Table, and_, case, func, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from shared.domain.citizen_id import CardDetails
from shared.domain.counters import CounterState, CounterStatus
from shared.domain.errors import NotFound
from shared.domain.policy import QueueEntry
from shared.domain.ticket_facts import TicketFact
from shared.domain.tickets import Period, PeriodKind, Ticket, TicketState
from shared.storage.facts import FactRepository
from shared.storage.tables import (
    CommandLogRow,
    CounterStateRow,
    NumberSequenceRow,
    PeriodRow,
    SiteStateRow,
    TicketRow,
)
from shared.storage.ticket_cards import attach_card, forget_cards, forget_cards_before, ticket_card


class ConcurrentUpdate(Exception):
    """Another writer changed the ticket first; the command should be applied again."""


def period_of(row: PeriodRow | Row[Any]) -> Period:
    """The period a stored row (ORM or plain) describes."""
    return Period(
        kind=PeriodKind(row.kind),
        started_at=row.started_at,
        service_code=row.service_code,
        counter_id=row.counter_id,
        officer_id=row.officer_id,
        note=row.note,
        ended_at=row.ended_at,
    )


def ticket_values(ticket: Ticket) -> dict[str, Any]:
    """The columns of a ticket row that follow its last period (what a transition changes)."""
    return {
        "state": ticket.state.value,
        "service_code": ticket.service_code,
        "counter_id": ticket.counter_id,
        "target_counter": ticket.target_counter,
        "front": ticket.front,
        "recall_count": ticket.recall_count,
        "version": len(ticket.periods),
    }


def period_values(ticket_id: int, position: int, period: Period) -> dict[str, Any]:
    """The columns of a period's row."""
    return {
        "ticket_id": ticket_id,
        "position": position,
        "kind": period.kind.value,
        "started_at": period.started_at,
        "ended_at": period.ended_at,
        "service_code": period.service_code,
        "counter_id": period.counter_id,
        "officer_id": period.officer_id,
        "note": period.note,
    }


def _period_row(ticket_id: int, position: int, period: Period) -> PeriodRow:
    return PeriodRow(**period_values(ticket_id, position, period))


class QueueRepository:
    """Reads and writes one site's queue inside a caller-owned transaction."""

    def __init__(self, session: Session, site_id: str) -> None:
        self.session = session
        self.site_id = site_id

    # Numbering ---------------------------------------------------------------------------

    def next_sequence(self, day: date, prefix: str) -> int:
        """Atomically take the next number of a prefix for a day (safe across processes)."""
        dialect = self.session.get_bind().dialect.name
        insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
        table = NumberSequenceRow.__table__
        assert isinstance(table, Table)
        statement = (
            insert(table)
            .values(site_id=self.site_id, service_day=day, prefix=prefix, value=1)
            .on_conflict_do_update(
                index_elements=["site_id", "service_day", "prefix"],
                set_={"value": table.c.value + 1},
            )
            .returning(table.c.value)
        )
        return int(self.session.execute(statement).scalar_one())

    # Tickets -----------------------------------------------------------------------------

    def add_ticket(self, ticket: Ticket, prefix: str, sequence: int) -> Ticket:
        """Insert a new ticket and its first period; return it with its id."""
        first = ticket.current
        row = TicketRow(
            site_id=self.site_id,
            service_day=ticket.service_day,
            number=ticket.number,
            prefix=prefix,
            sequence=sequence,
            original_service=first.service_code,
            service_code=first.service_code,
            priority=ticket.priority,
            state=ticket.state.value,
            counter_id=None,
            target_counter=None,
            front=False,
            recall_count=0,
            issued_at=ticket.issued_at,
            issued_by=ticket.issued_by,
            version=len(ticket.periods),
            appointment_at=ticket.appointment_at,
        )
        self.session.add(row)
        self.session.flush()
        self.session.add(_period_row(row.id, 0, first))
        return Ticket(
            number=ticket.number,
            service_day=ticket.service_day,
            issued_at=ticket.issued_at,
            periods=ticket.periods,
            priority=ticket.priority,
            issued_by=ticket.issued_by,
            id=row.id,
            appointment_at=ticket.appointment_at,
        )

    def _ticket(self, row: TicketRow) -> Ticket:
        periods = self.session.scalars(
            select(PeriodRow).where(PeriodRow.ticket_id == row.id).order_by(PeriodRow.position)
        ).all()
        return Ticket(
            number=row.number,
            service_day=row.service_day,
            issued_at=row.issued_at,
            periods=tuple(period_of(p) for p in periods),
            priority=row.priority,
            recall_count=row.recall_count,
            front=row.front,
            target_counter=row.target_counter,
            issued_by=row.issued_by,
            id=row.id,
            appointment_at=row.appointment_at,
        )

    def get_ticket(self, ticket_id: int) -> Ticket:
        """Load a ticket with its whole history."""
        row = self.session.get(TicketRow, ticket_id)
        if row is None or row.site_id != self.site_id:
            raise NotFound(f"Không có vé {ticket_id}.")
        return self._ticket(row)

    def find_ticket(self, day: date, number: str) -> Ticket | None:
        """Find a ticket by its number on a service day."""
        row = self.session.scalars(
            select(TicketRow).where(
                TicketRow.site_id == self.site_id,
                TicketRow.service_day == day,
                TicketRow.number == number,
            )
        ).one_or_none()
        return None if row is None else self._ticket(row)

    def save(self, before: Ticket, after: Ticket) -> None:
        """Persist a transition: close the last period, append the new ones, move the index row.

        Raises ConcurrentUpdate when the ticket changed since `before` was read.
        """
        if before.id is None:
            raise ValueError("ticket was never stored")
        old, new = len(before.periods), len(after.periods)
        result = self.session.execute(
            update(TicketRow)
            .where(TicketRow.id == before.id, TicketRow.version == old)
            .values(**ticket_values(after))
            .execution_options(synchronize_session=False)
        )
        if result.rowcount != 1:  # type: ignore[attr-defined]
            raise ConcurrentUpdate(f"ticket {before.number} changed concurrently")
        self.session.execute(
            update(PeriodRow)
            .where(PeriodRow.ticket_id == before.id, PeriodRow.position == old - 1)
            .values(ended_at=after.periods[old - 1].ended_at)
            .execution_options(synchronize_session=False)
        )
        for position in range(old, new):
            self.session.add(_period_row(before.id, position, after.periods[position]))
        self.session.flush()

    def _waiting(self, day: date, *conditions: ColumnElement[bool]) -> list[QueueEntry]:
        query = select(
            TicketRow.id,
            TicketRow.number,
            TicketRow.service_code,
            TicketRow.issued_at,
            TicketRow.priority,
            TicketRow.front,
            TicketRow.target_counter,
            # The appointment goes ahead of walk-ins on its first wait only (see policy).
            case((TicketRow.version == 1, TicketRow.appointment_at), else_=None),
        ).where(
            TicketRow.site_id == self.site_id,
            TicketRow.service_day == day,
            TicketRow.state == TicketState.WAITING.value,
            *conditions,
        )
        return [QueueEntry(*row) for row in self.session.execute(query).all()]

    def waiting_entries(self, day: date, services: Iterable[str] | None = None) -> list[QueueEntry]:
        """Return the waiting tickets of a day (optionally of some services), in no given order."""
        if services is None:
            return self._waiting(day)
        return self._waiting(day, TicketRow.service_code.in_(list(services)))

    def waiting_for_counter(
        self, day: date, counter_id: str, services: Sequence[str]
    ) -> list[QueueEntry]:
        """Return the waiting tickets a counter may call: its services' and those sent to it."""
        return self._waiting(
            day,
            or_(
                and_(
                    TicketRow.service_code.in_(list(services)), TicketRow.target_counter.is_(None)
                ),
                TicketRow.target_counter == counter_id,
            ),
        )

    def issued_count(self, day: date, service_code: str) -> int:
        """Count the tickets issued for a service on a day (voided ones included: numbers used)."""
        return int(
            self.session.scalar(
                select(func.count()).where(
                    TicketRow.site_id == self.site_id,
                    TicketRow.service_day == day,
                    TicketRow.original_service == service_code,
                )
            )
            or 0
        )

    def held_numbers(self, day: date, counter_id: str) -> list[str]:
        """Return the numbers on hold at a counter."""
        return list(
            self.session.scalars(
                select(TicketRow.number)
                .where(
                    TicketRow.site_id == self.site_id,
                    TicketRow.service_day == day,
                    TicketRow.state == TicketState.ON_HOLD.value,
                    TicketRow.counter_id == counter_id,
                )
                .order_by(TicketRow.id)
            )
        )

    def open_tickets_before(self, day: date) -> list[Ticket]:
        """Return tickets of earlier service days that never reached a final state."""
        rows = self.session.scalars(
            select(TicketRow).where(
                TicketRow.site_id == self.site_id,
                TicketRow.service_day < day,
                TicketRow.state.in_(
                    [s.value for s in TicketState if s.value not in ("done", "no_show", "voided")]
                ),
            )
        ).all()
        return [self._ticket(r) for r in rows]

    def recent_calls(
        self, day: date, counter_ids: Sequence[str], limit: int
    ) -> list[tuple[str, str, datetime]]:
        """Return the latest calls (number, counter, time) at some counters, newest first."""
        rows = self.session.execute(
            select(TicketRow.number, PeriodRow.counter_id, PeriodRow.started_at)
            .join(PeriodRow, PeriodRow.ticket_id == TicketRow.id)
            .where(
                TicketRow.site_id == self.site_id,
                TicketRow.service_day == day,
                PeriodRow.kind == PeriodKind.CALLED.value,
                PeriodRow.counter_id.in_(list(counter_ids)),
            )
            .order_by(PeriodRow.started_at.desc(), PeriodRow.id.desc())
            .limit(limit)
        ).all()
        return [(r[0], str(r[1]), r[2]) for r in rows]

    def recent_service_seconds(self, service_code: str, limit: int) -> list[float]:
        """Return how long the last finished tickets of a service spent at a counter."""
        ids = (
            select(TicketRow.id)
            .where(
                TicketRow.site_id == self.site_id,
                TicketRow.service_code == service_code,
                TicketRow.state == TicketState.DONE.value,
            )
            .order_by(TicketRow.id.desc())
            .limit(limit)
            .scalar_subquery()
        )
        rows = self.session.execute(
            select(PeriodRow.ticket_id, PeriodRow.started_at, PeriodRow.ended_at).where(
                PeriodRow.ticket_id.in_(ids),
                PeriodRow.kind.in_([PeriodKind.CALLED.value, PeriodKind.SERVING.value]),
                PeriodRow.ended_at.is_not(None),
            )
        ).all()
        totals: dict[int, float] = {}
        for ticket_id, started, ended in rows:
            if ended is not None:
                totals[ticket_id] = totals.get(ticket_id, 0.0) + (ended - started).total_seconds()
        return list(totals.values())

    def served_count(self, day: date, counter_id: str) -> int:
        """Count the tickets a counter finished on a day."""
        return int(
            self.session.scalar(
                select(func.count())
                .select_from(PeriodRow)
                .join(TicketRow, PeriodRow.ticket_id == TicketRow.id)
                .where(
                    TicketRow.site_id == self.site_id,
                    TicketRow.service_day == day,
                    PeriodRow.kind == PeriodKind.DONE.value,
                    PeriodRow.counter_id == counter_id,
                )
            )
            or 0
        )

    # Counters ----------------------------------------------------------------------------

    def counter_state(self, counter_id: str, lock: bool = False) -> CounterState:
        """Return a counter's state (closed when never opened); `lock` takes its row lock."""
        query = select(CounterStateRow).where(
            CounterStateRow.site_id == self.site_id, CounterStateRow.counter_id == counter_id
        )
        if lock:
            query = query.with_for_update()
        row = self.session.scalars(query).one_or_none()
        if row is None:
            return CounterState(counter_id)
        return CounterState(
            counter_id=counter_id,
            status=CounterStatus(row.status),
            officer_id=row.officer_id,
            current_ticket_id=row.current_ticket_id,
            priority_streak=row.priority_streak,
            pause_reason=row.pause_reason,
        )

    def save_counter_state(self, state: CounterState, at: datetime) -> None:
        """Insert or update a counter's state."""
        row = self.session.get(CounterStateRow, (self.site_id, state.counter_id))
        if row is None:
            row = CounterStateRow(site_id=self.site_id, counter_id=state.counter_id)
            self.session.add(row)
        row.status = state.status.value
        row.officer_id = state.officer_id
        row.current_ticket_id = state.current_ticket_id
        row.priority_streak = state.priority_streak
        row.pause_reason = state.pause_reason
        row.updated_at = at
        self.session.flush()

    def counter_states(self) -> dict[str, CounterState]:
        """Return every stored counter state by counter id."""
        rows = self.session.scalars(
            select(CounterStateRow).where(CounterStateRow.site_id == self.site_id)
        ).all()
        return {
            r.counter_id: CounterState(
                r.counter_id,
                CounterStatus(r.status),
                r.officer_id,
                r.current_ticket_id,
                r.priority_streak,
                r.pause_reason,
            )
            for r in rows
        }

    # Command log -------------------------------------------------------------------------

    def log_command(
        self,
        *,
        device_id: str,
        verb: str,
        request_id: str,
        officer_id: str | None,
        received_at: datetime,
        payload: str,
        ok: bool,
        error_code: str | None,
        reply: str,
    ) -> None:
        """Record a command and its reply in the audit log."""
        self.session.add(
            CommandLogRow(
                site_id=self.site_id,
                device_id=device_id,
                verb=verb,
                request_id=request_id,
                officer_id=officer_id,
                received_at=received_at,
                payload=payload,
                ok=ok,
                error_code=error_code,
                reply=reply,
            )
        )

    def stored_request(self, device_id: str, verb: str, request_id: str) -> tuple[str, str] | None:
        """The payload and reply of a command already applied, or None when it is new."""
        row = self.session.execute(
            select(CommandLogRow.payload, CommandLogRow.reply).where(
                CommandLogRow.site_id == self.site_id,
                CommandLogRow.device_id == device_id,
                CommandLogRow.verb == verb,
                CommandLogRow.request_id == request_id,
            )
        ).first()
        return None if row is None else (row.payload, row.reply)

    # Writes that follow a command --------------------------------------------------------

    def add_fact(self, ticket_id: int, fact: TicketFact) -> None:
        """Store the report facts of a ticket that reached a terminal state."""
        FactRepository(self.session, self.site_id).add(ticket_id, fact)

    def after_write(self, action: Callable[[Session], None]) -> None:
        """Run a write that needs the command's tickets stored (here: they are, run it now)."""
        action(self.session)

    def derived(self, key: object, build: Callable[[], object]) -> object:
        """A value worked out from the queue (the database is read anew each time: no keeping)."""
        return build()

    @contextmanager
    def savepoint(self, database: bool = True) -> Iterator[None]:
        """Undo what the block changed if it raises (`database`: it may write outside the queue)."""
        with self.session.begin_nested():
            yield

    # ID card details shared at the kiosk -----------------------------------------------

    def attach_card(self, ticket: Ticket, card: CardDetails, at: datetime) -> None:
        """Keep a new ticket's card details for the counter that will serve it."""
        assert ticket.id is not None
        self.session.flush()
        attach_card(self.session, self.site_id, ticket.id, ticket.service_day, card, at)

    def has_card(self, ticket_id: int) -> bool:
        """Whether a ticket carries card details."""
        return ticket_card(self.session, ticket_id) is not None

    def card(self, ticket_id: int) -> CardDetails | None:
        """The card details of a ticket, or None."""
        return ticket_card(self.session, ticket_id)

    def forget_card(self, ticket_id: int) -> None:
        """Delete a ticket's card details (it ended)."""
        forget_cards(self.session, [ticket_id])

    def forget_cards_before(self, day: date) -> None:
        """Delete card details of earlier service days."""
        forget_cards_before(self.session, self.site_id, day)

    # Site --------------------------------------------------------------------------------

    def service_day(self) -> date | None:
        """Return the service day the server last rolled over to."""
        row = self.session.get(SiteStateRow, self.site_id)
        return None if row is None else row.service_day

    def set_service_day(self, day: date) -> None:
        """Record the current service day."""
        row = self.session.get(SiteStateRow, self.site_id)
        if row is None:
            self.session.add(SiteStateRow(site_id=self.site_id, service_day=day))
        else:
            row.service_day = day

    # Aggregates for the retained state snapshots ------------------------------------------

    def waiting_summary(self, day: date) -> dict[str, tuple[int, int, datetime]]:
        """Per service: waiting count, priority waiting count, oldest issue time."""
        rows = self.session.execute(
            select(
                TicketRow.service_code,
                func.count(),
                func.count(TicketRow.priority),
                func.min(TicketRow.issued_at),
            )
            .where(
                TicketRow.site_id == self.site_id,
                TicketRow.service_day == day,
                TicketRow.state == TicketState.WAITING.value,
            )
            .group_by(TicketRow.service_code)
        ).all()
        return {code: (int(n), int(p), oldest) for code, n, p, oldest in rows}

    def issued_counts(self, day: date) -> dict[str, int]:
        """Per original service: tickets issued on a day."""
        rows = self.session.execute(
            select(TicketRow.original_service, func.count())
            .where(TicketRow.site_id == self.site_id, TicketRow.service_day == day)
            .group_by(TicketRow.original_service)
        ).all()
        return {code: int(n) for code, n in rows}

    def numbers_by_id(self, ids: Iterable[int]) -> dict[int, str]:
        """Map ticket ids to their numbers."""
        wanted = list(ids)
        if not wanted:
            return {}
        rows = self.session.execute(
            select(TicketRow.id, TicketRow.number).where(TicketRow.id.in_(wanted))
        ).all()
        return {int(i): str(n) for i, n in rows}

    def counter_service_seconds(self, day: date, counter_id: str) -> float:
        """Total time citizens spent at a counter today (called or serving, finished periods)."""
        rows = self.session.execute(
            select(PeriodRow.started_at, PeriodRow.ended_at)
            .join(TicketRow, PeriodRow.ticket_id == TicketRow.id)
            .where(
                TicketRow.site_id == self.site_id,
                TicketRow.service_day == day,
                PeriodRow.counter_id == counter_id,
                PeriodRow.kind.in_([PeriodKind.CALLED.value, PeriodKind.SERVING.value]),
                PeriodRow.ended_at.is_not(None),
            )
        ).all()
        return sum((end - start).total_seconds() for start, end in rows if end is not None)
