"""The writer's copy of today's queue in memory: tickets, counters, numbers, and what changed.

The single writer decides every queue command against this copy and writes only what changed
(see `server.day_store`), so the hot path reads nothing from the database. A command that is
refused is undone here with the journal, as its savepoint would be undone in the database.
"""

from __future__ import annotations

from collections import defaultdict, deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from server.request_log import RequestLog
from shared.domain.counters import CounterState
from shared.domain.policy import QueueEntry, queue_entry
from shared.domain.tickets import PeriodKind, Ticket, TicketState

# Calls kept for the boards: far more than any board shows (a few per zone).
RECENT_CALLS = 500
BUSY_KINDS = (PeriodKind.CALLED, PeriodKind.SERVING)


@dataclass(frozen=True)
class Call:
    """A ticket called (or recalled) to a counter, as the boards list it."""

    ticket_id: int
    number: str
    counter_id: str
    at: datetime


@dataclass
class Pending:
    """Rows to write at the end of the batch, besides the changed tickets and counters."""

    facts: list[dict[str, Any]] = field(default_factory=list)
    log: list[dict[str, Any]] = field(default_factory=list)
    after: list[Callable[[Any], None]] = field(default_factory=list)


class Day:
    """Today's tickets and counters with the indexes the rules and the screens ask for."""

    def __init__(self, service_day: date, next_ticket_id: int) -> None:
        self.service_day = service_day
        self.next_ticket_id = next_ticket_id
        # Bumped by every change to tickets or counters: what was derived from them is stale.
        self.changes = 0
        self.memo: dict[object, object] = {}
        self._memo_changes = 0
        self.tickets: dict[int, Ticket] = {}
        self.by_number: dict[str, int] = {}
        self.waiting: dict[int, QueueEntry] = {}
        self.held: dict[str, set[int]] = defaultdict(set)
        self.issued: dict[str, int] = defaultdict(int)
        self.sequences: dict[str, int] = {}
        self.counters: dict[str, CounterState] = {}
        self.counter_updated: dict[str, datetime] = {}
        self.served: dict[str, int] = defaultdict(int)
        self.busy_seconds: dict[str, float] = defaultdict(float)
        self.calls: deque[Call] = deque(maxlen=RECENT_CALLS)
        self.carded: set[int] = set()  # tickets carrying ID card details shared at the kiosk
        # Tickets that came from a booking with a phone (a remote ticket, a checked-in
        # appointment): they get the "ahead" and "turn" messages. The phone stays in the database.
        self.phoned: set[int] = set()
        # Phoned tickets whose "ahead" message is queued (or was, before a restart: the outbox's
        # dedupe key says so); not undone, as it is noted after its own transaction committed.
        self.told_ahead: set[int] = set()
        # What the database does not have yet.
        self.stored_periods: dict[int, int] = {}
        self.numbering: dict[int, tuple[str, int]] = {}  # new tickets: prefix and sequence
        self.new_tickets: set[int] = set()
        self.dirty_tickets: set[int] = set()
        self.dirty_counters: set[str] = set()
        self.dirty_sequences: set[str] = set()
        self.pending = Pending()
        self.requests = RequestLog()
        self.writes = 0  # how many times changes were written (see DayRepository.savepoint)
        self._journal: list[Callable[[], None]] = []

    # Undo --------------------------------------------------------------------------------

    def mark(self) -> int:
        """Return a point to undo back to (the start of a command)."""
        return len(self._journal)

    def undo(self, mark: int) -> None:
        """Undo every change made since `mark`, newest first."""
        while len(self._journal) > mark:
            self._journal.pop()()

    def adopt(self, fresh: Day) -> None:
        """Take over a day read back from the database, keeping the request ids seen."""
        requests, writes = self.requests, self.writes
        self.__dict__.update(fresh.__dict__)
        self.requests, self.writes = requests, writes + 1

    def forget_journal(self) -> None:
        """Drop the undo journal once the batch is written (nothing left to undo)."""
        self._journal.clear()

    def _remember(self, undo: Callable[[], None]) -> None:
        self._journal.append(undo)

    def _append(self, rows: list[Any], row: Any) -> None:
        rows.append(row)
        self._remember(rows.pop)

    # Tickets -----------------------------------------------------------------------------

    def set_carded(self, ticket_id: int, carded: bool) -> None:
        """Note whether a ticket carries card details (undone with the command)."""
        if (ticket_id in self.carded) == carded:
            return
        if carded:
            self.carded.add(ticket_id)
            self._remember(lambda: self.carded.discard(ticket_id))
        else:
            self.carded.discard(ticket_id)
            self._remember(lambda: self.carded.add(ticket_id))
        self.changes += 1

    def set_phoned(self, ticket_id: int) -> None:
        """Note that a ticket came from a booking with a phone (undone with the command)."""
        if ticket_id in self.phoned:
            return
        self.phoned.add(ticket_id)
        self._remember(lambda: self.phoned.discard(ticket_id))

    def take_ticket_id(self) -> int:
        """Allocate the id of a new ticket (this writer is the only one adding tickets)."""
        taken = self.next_ticket_id
        self.next_ticket_id += 1

        def give_back() -> None:
            self.next_ticket_id = taken

        self._remember(give_back)
        return taken

    def take_number(self, prefix: str) -> int:
        """Take the next sequence number of a prefix today."""
        before = self.sequences.get(prefix, 0)
        self.sequences[prefix] = before + 1
        self.dirty_sequences.add(prefix)

        def give_back() -> None:
            self.sequences[prefix] = before

        self._remember(give_back)
        return before + 1

    def put(self, before: Ticket | None, after: Ticket, new: bool = False) -> None:
        """Store a ticket's new version (or a new ticket) and keep every index in step."""
        assert after.id is not None
        self._index(before, after)
        if new:
            self.new_tickets.add(after.id)
        else:
            self.dirty_tickets.add(after.id)
        self._remember(lambda: self._index(after, before))

    def load_ticket(self, ticket: Ticket) -> None:
        """Add a stored ticket while loading the day (nothing to write, nothing to undo)."""
        assert ticket.id is not None
        self._index(None, ticket)
        self.stored_periods[ticket.id] = len(ticket.periods)

    def _index(self, before: Ticket | None, after: Ticket | None) -> None:
        """Replace `before` by `after` in the tickets and every index (either may be None)."""
        self.changes += 1
        for ticket, sign in ((before, -1), (after, 1)):
            if ticket is None:
                continue
            assert ticket.id is not None
            ticket_id = ticket.id
            if sign > 0:
                self.tickets[ticket_id] = ticket
                self.by_number[ticket.number] = ticket_id
            elif after is None:
                del self.tickets[ticket_id]
                del self.by_number[ticket.number]
            self._count(ticket, sign)
        self._calls(before, after)

    def _count(self, ticket: Ticket, sign: int) -> None:
        assert ticket.id is not None
        if ticket.state is TicketState.WAITING:
            if sign > 0:
                self.waiting[ticket.id] = queue_entry(ticket)
            else:
                self.waiting.pop(ticket.id, None)
        if ticket.state is TicketState.ON_HOLD and ticket.counter_id is not None:
            if sign > 0:
                self.held[ticket.counter_id].add(ticket.id)
            else:
                self.held[ticket.counter_id].discard(ticket.id)
        self.issued[ticket.original_service] += sign
        for period in ticket.periods:
            if period.counter_id is None:
                continue
            if period.kind is PeriodKind.DONE:
                self.served[period.counter_id] += sign
            if period.kind in BUSY_KINDS and period.ended_at is not None:
                seconds = (period.ended_at - period.started_at).total_seconds()
                self.busy_seconds[period.counter_id] += sign * seconds

    def _calls(self, before: Ticket | None, after: Ticket | None) -> None:
        """Add the calls `after` has beyond `before`, or drop them when undoing."""
        old = len(before.periods) if before is not None else 0
        new = len(after.periods) if after is not None else 0
        if new > old and after is not None:
            assert after.id is not None
            for period in after.periods[old:]:
                if period.kind is PeriodKind.CALLED and period.counter_id is not None:
                    self.calls.append(
                        Call(after.id, after.number, period.counter_id, period.started_at)
                    )
        elif old > new and before is not None:
            dropped = sum(
                1
                for p in before.periods[new:]
                if p.kind is PeriodKind.CALLED and p.counter_id is not None
            )
            for _ in range(dropped):
                if self.calls and self.calls[-1].ticket_id == before.id:
                    self.calls.pop()

    def order_calls(self) -> None:
        """Put the calls in time order (tickets are loaded by id, not by when they were called)."""
        self.calls = deque(sorted(self.calls, key=lambda call: call.at), maxlen=RECENT_CALLS)

    def derived(self, key: object, build: Callable[[], object]) -> object:
        """A value worked out from the day, kept until the tickets or counters change."""
        if self._memo_changes != self.changes:
            self.memo.clear()
            self._memo_changes = self.changes
        if key not in self.memo:
            self.memo[key] = build()
        return self.memo[key]

    def find(self, number: str) -> Ticket | None:
        """Return today's ticket with this number, if any."""
        ticket_id = self.by_number.get(number)
        return None if ticket_id is None else self.tickets[ticket_id]

    def recent_calls(self, counter_ids: Iterable[str], limit: int) -> list[Call]:
        """The latest calls at some counters, newest first."""
        wanted = set(counter_ids)
        found: list[Call] = []
        for call in reversed(self.calls):
            if call.counter_id in wanted:
                found.append(call)
                if len(found) >= limit:
                    break
        return found

    # Counters ----------------------------------------------------------------------------

    def counter(self, counter_id: str) -> CounterState:
        """A counter's state (closed when never opened)."""
        return self.counters.get(counter_id) or CounterState(counter_id)

    def set_counter(self, state: CounterState, at: datetime) -> None:
        """Store a counter's new state."""
        key = state.counter_id
        before, before_at = self.counters.get(key), self.counter_updated.get(key)
        self.changes += 1
        self.counters[key] = state
        self.counter_updated[key] = at
        self.dirty_counters.add(key)

        def restore() -> None:
            self.changes += 1
            if before is None:
                self.counters.pop(key, None)
            else:
                self.counters[key] = before
            if before_at is None:
                self.counter_updated.pop(key, None)
            else:
                self.counter_updated[key] = before_at

        self._remember(restore)

    # Rows for the batch's write ----------------------------------------------------------

    def add_fact(self, row: dict[str, Any]) -> None:
        """Queue a ticket fact row."""
        self._append(self.pending.facts, row)

    def add_log(self, row: dict[str, Any]) -> None:
        """Queue a command log row and remember its request id and reply."""
        self._append(self.pending.log, row)
        key = (str(row["device_id"]), str(row["verb"]), str(row["request_id"]))
        self.requests.add(*key, str(row["payload"]), str(row["reply"]))
        self._remember(lambda: self.requests.remove(*key))

    def after_write(self, action: Callable[[Any], None]) -> None:
        """Queue a write that needs this batch's tickets stored first (e.g. a dossier link)."""
        self._append(self.pending.after, action)

    def has_writes(self) -> bool:
        """Whether anything waits to be written."""
        pending = self.pending
        return bool(
            self.new_tickets
            or self.dirty_tickets
            or self.dirty_counters
            or self.dirty_sequences
            or pending.facts
            or pending.log
            or pending.after
        )
