"""The queue repository over today's queue in memory: reads cost no query.

Writes wait for the batch. Rules and projections use it exactly like the database repository;
anything outside today (another service day, an old ticket) is read from the database.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import asdict, replace
from datetime import date, datetime

from sqlalchemy.orm import Session

from server.day import Day
from server.day_store import load_day, write_day
from shared.domain.citizen_id import CardDetails
from shared.domain.counters import CounterState
from shared.domain.policy import QueueEntry
from shared.domain.ticket_facts import TicketFact
from shared.domain.tickets import Ticket
from shared.storage.repository import ConcurrentUpdate, QueueRepository
from shared.storage.ticket_cards import attach_card, forget_cards


class DayRepository(QueueRepository):
    """Reads and writes one site's queue in the writer's memory; the batch writes it out."""

    def __init__(self, session: Session, site_id: str, day: Day, careful: bool = False) -> None:
        super().__init__(session, site_id)
        self.day = day
        # Careful: a request id not seen in memory is looked up in the log too (after a failure).
        self.careful = careful

    def _today(self, day: date) -> bool:
        return day == self.day.service_day

    # Numbering and tickets ---------------------------------------------------------------

    def next_sequence(self, day: date, prefix: str) -> int:
        """Take the next number of a prefix for a day."""
        if not self._today(day):
            return super().next_sequence(day, prefix)
        return self.day.take_number(prefix)

    def add_ticket(self, ticket: Ticket, prefix: str, sequence: int) -> Ticket:
        """Add a new ticket; it is written with the batch."""
        if not self._today(ticket.service_day):
            return super().add_ticket(ticket, prefix, sequence)
        stored = replace(ticket, id=self.day.take_ticket_id())
        assert stored.id is not None
        self.day.numbering[stored.id] = (prefix, sequence)
        self.day.put(None, stored, new=True)
        return stored

    def attach_card(self, ticket: Ticket, card: CardDetails, at: datetime) -> None:
        """Keep a new ticket's card details; written with the batch, after the ticket."""
        if not self._today(ticket.service_day):
            super().attach_card(ticket, card, at)
            return
        assert ticket.id is not None
        ticket_id, site_id, day = ticket.id, self.site_id, ticket.service_day
        self.day.set_carded(ticket_id, True)
        self.day.after_write(
            lambda session: attach_card(session, site_id, ticket_id, day, card, at)
        )

    def has_card(self, ticket_id: int) -> bool:
        """Whether a ticket carries card details (today's from memory)."""
        if ticket_id in self.day.tickets:
            return ticket_id in self.day.carded
        return super().has_card(ticket_id)

    def forget_card(self, ticket_id: int) -> None:
        """Delete a ticket's card details with the batch."""
        if ticket_id not in self.day.tickets:
            super().forget_card(ticket_id)
            return
        self.day.set_carded(ticket_id, False)
        self.day.after_write(lambda session: forget_cards(session, [ticket_id]))

    def has_phone(self, ticket_id: int) -> bool:
        """Whether one of today's tickets came from a booking with a phone (from memory)."""
        return ticket_id in self.day.phoned

    def get_ticket(self, ticket_id: int) -> Ticket:
        """A ticket with its whole history."""
        ticket = self.day.tickets.get(ticket_id)
        return ticket if ticket is not None else super().get_ticket(ticket_id)

    def find_ticket(self, day: date, number: str) -> Ticket | None:
        """A ticket by its number on a service day."""
        if not self._today(day):
            return super().find_ticket(day, number)
        return self.day.find(number)

    def save(self, before: Ticket, after: Ticket) -> None:
        """Store a transition (refused when the ticket changed since `before` was read)."""
        if before.id is None:
            raise ValueError("ticket was never stored")
        held = self.day.tickets.get(before.id)
        if held is None:  # a ticket of another day
            super().save(before, after)
            return
        if len(held.periods) != len(before.periods):
            raise ConcurrentUpdate(f"ticket {before.number} changed concurrently")
        self.day.put(held, after)

    def waiting_entries(self, day: date, services: Iterable[str] | None = None) -> list[QueueEntry]:
        """The waiting tickets of a day (optionally of some services), in no given order."""
        if not self._today(day):
            return super().waiting_entries(day, services)
        if services is None:
            return list(self.day.waiting.values())
        wanted = set(services)
        return [e for e in self.day.waiting.values() if e.service_code in wanted]

    def waiting_for_counter(
        self, day: date, counter_id: str, services: Sequence[str]
    ) -> list[QueueEntry]:
        """The waiting tickets a counter may call: its services' and those sent to it."""
        if not self._today(day):
            return super().waiting_for_counter(day, counter_id, services)
        wanted = set(services)
        return [
            e
            for e in self.day.waiting.values()
            if e.target_counter == counter_id
            or (e.target_counter is None and e.service_code in wanted)
        ]

    def issued_count(self, day: date, service_code: str) -> int:
        """Tickets issued for a service on a day (voided ones included)."""
        if not self._today(day):
            return super().issued_count(day, service_code)
        return self.day.issued.get(service_code, 0)

    def issued_counts(self, day: date) -> dict[str, int]:
        """Per original service: tickets issued on a day."""
        if not self._today(day):
            return super().issued_counts(day)
        return {code: n for code, n in self.day.issued.items() if n}

    def held_numbers(self, day: date, counter_id: str) -> list[str]:
        """The numbers on hold at a counter."""
        if not self._today(day):
            return super().held_numbers(day, counter_id)
        held = self.day.held.get(counter_id, set())
        return [self.day.tickets[i].number for i in sorted(held)]

    def recent_calls(
        self, day: date, counter_ids: Sequence[str], limit: int
    ) -> list[tuple[str, str, datetime]]:
        """The latest calls (number, counter, time) at some counters, newest first."""
        if not self._today(day):
            return super().recent_calls(day, counter_ids, limit)
        return [(c.number, c.counter_id, c.at) for c in self.day.recent_calls(counter_ids, limit)]

    def served_count(self, day: date, counter_id: str) -> int:
        """Tickets a counter finished on a day."""
        if not self._today(day):
            return super().served_count(day, counter_id)
        return self.day.served.get(counter_id, 0)

    def counter_service_seconds(self, day: date, counter_id: str) -> float:
        """Time citizens spent at a counter on a day (finished called or serving periods)."""
        if not self._today(day):
            return super().counter_service_seconds(day, counter_id)
        return self.day.busy_seconds.get(counter_id, 0.0)

    def waiting_summary(self, day: date) -> dict[str, tuple[int, int, datetime]]:
        """Per service: waiting count, priority waiting count, oldest issue time."""
        if not self._today(day):
            return super().waiting_summary(day)
        summary: dict[str, tuple[int, int, datetime]] = {}
        for e in self.day.waiting.values():
            count, priority, oldest = summary.get(e.service_code, (0, 0, e.issued_at))
            summary[e.service_code] = (
                count + 1,
                priority + (e.priority is not None),
                min(oldest, e.issued_at),
            )
        return summary

    def numbers_by_id(self, ids: Iterable[int]) -> dict[int, str]:
        """Map ticket ids to their numbers."""
        found: dict[int, str] = {}
        missing = []
        for ticket_id in ids:
            ticket = self.day.tickets.get(ticket_id)
            if ticket is None:
                missing.append(ticket_id)
            else:
                found[ticket_id] = ticket.number
        return found | super().numbers_by_id(missing) if missing else found

    # Counters ----------------------------------------------------------------------------

    def counter_state(self, counter_id: str, lock: bool = False) -> CounterState:
        """A counter's state (closed when never opened)."""
        return self.day.counter(counter_id)

    def save_counter_state(self, state: CounterState, at: datetime) -> None:
        """Store a counter's state."""
        self.day.set_counter(state, at)

    def counter_states(self) -> dict[str, CounterState]:
        """Every counter's stored state by counter id."""
        return dict(self.day.counters)

    # Log, facts and writes ---------------------------------------------------------------

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
        """Record a command and its reply (written with the batch)."""
        self.day.add_log(
            {
                "site_id": self.site_id,
                "device_id": device_id,
                "verb": verb,
                "request_id": request_id,
                "officer_id": officer_id,
                "received_at": received_at,
                "payload": payload,
                "ok": ok,
                "error_code": error_code,
                "reply": reply,
            }
        )

    def stored_request(self, device_id: str, verb: str, request_id: str) -> tuple[str, str] | None:
        """The payload and reply of a command already applied, or None when it is new."""
        seen = self.day.requests.get(device_id, verb, request_id)
        if seen is None and not self.careful:
            return None
        if seen is not None and seen.payload is not None and seen.reply is not None:
            return seen.payload, seen.reply
        self.write()  # the reply may be in this batch's rows
        return super().stored_request(device_id, verb, request_id)

    def add_fact(self, ticket_id: int, fact: TicketFact) -> None:
        """Store a finished ticket's report facts (written with the batch)."""
        self.day.add_fact({"ticket_id": ticket_id, "site_id": self.site_id, **asdict(fact)})

    def after_write(self, action: Callable[[Session], None]) -> None:
        """Run a write once this batch's tickets are stored."""
        self.day.after_write(action)

    def derived(self, key: object, build: Callable[[], object]) -> object:
        """A value worked out from today's queue, kept until it changes."""
        return self.day.derived(key, build)

    def write(self) -> None:
        """Write everything the batch changed so far."""
        write_day(self.session, self.site_id, self.day)

    @contextmanager
    def savepoint(self, database: bool = True) -> Iterator[None]:
        """Undo the block's changes if it raises; `database`: it may write outside the queue.

        Queue commands change only memory, undone with the journal. A command that reads or
        writes other tables gets the batch's changes written first and a database savepoint.
        """
        mark, writes = self.day.mark(), self.day.writes
        try:
            if database:
                self.write()
                writes = self.day.writes
                with self.session.begin_nested():
                    yield
            else:
                yield
        except BaseException:
            self.day.undo(mark)
            if database and self.day.writes != writes:
                # Rows written inside the savepoint are gone with it: read the day back.
                fresh = load_day(self.session, self.site_id, self.day.service_day)
                self.day.adopt(fresh)
            raise


def note_phone(repo: QueueRepository, ticket: Ticket) -> None:
    """Note that today's ticket came from a booking with a phone (it gets queue messages)."""
    if isinstance(repo, DayRepository) and ticket.id in repo.day.tickets:
        assert ticket.id is not None
        repo.day.set_phoned(ticket.id)


def has_phone(repo: QueueRepository, ticket_id: int) -> bool:
    """Whether a ticket of today's queue in memory came from a booking with a phone."""
    return isinstance(repo, DayRepository) and repo.has_phone(ticket_id)
