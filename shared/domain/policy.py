"""Call-next policy: which waiting ticket a counter gets when the officer presses "call next"."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from shared.domain.tickets import Ticket

NO_MARGIN = timedelta(0)


@dataclass(frozen=True)
class QueueEntry:
    """What the policy needs to know of one waiting ticket."""

    ticket_id: int
    number: str
    service_code: str
    issued_at: datetime
    priority: str | None = None
    front: bool = False
    target_counter: str | None = None
    # The slot of an appointment checked in in time, on its first wait (None: a walk-in).
    appointment_at: datetime | None = None

    def due(self, now: datetime | None, margin: timedelta = NO_MARGIN) -> bool:
        """Whether this is an appointment whose time has come (its slot less the margin)."""
        return self.appointment_at is not None and (
            now is None or now >= self.appointment_at - margin
        )


def queue_entry(ticket: Ticket) -> QueueEntry:
    """What the policy needs of a stored ticket.

    An appointment keeps its slot while it waits for its first call; transferred or put back,
    it waits like any other ticket.
    """
    if ticket.id is None:
        raise ValueError("ticket was never stored")
    return QueueEntry(
        ticket.id,
        ticket.number,
        ticket.service_code,
        ticket.issued_at,
        ticket.priority,
        ticket.front,
        ticket.target_counter,
        ticket.appointment_at if len(ticket.periods) == 1 else None,
    )


@dataclass(frozen=True)
class Choice:
    """The ticket chosen and the counter's new run of consecutive priority calls."""

    entry: QueueEntry
    priority_streak: int


def _order(entry: QueueEntry) -> tuple[bool, datetime, int]:
    # Tickets put "at the front" by a transfer go first; then first issued, first served.
    return (not entry.front, entry.issued_at, entry.ticket_id)


def appointment_order(entry: QueueEntry) -> tuple[datetime, datetime, int]:
    """Appointments are called by their slot, then by when they checked in."""
    assert entry.appointment_at is not None
    return (entry.appointment_at, entry.issued_at, entry.ticket_id)


def eligible(counter_id: str, services: Sequence[str], entry: QueueEntry) -> bool:
    """Tell whether a counter may call this waiting ticket."""
    if entry.target_counter is not None:
        return entry.target_counter == counter_id
    return entry.service_code in services


def choose_next(
    counter_id: str,
    services: Sequence[str],
    waiting: Sequence[QueueEntry],
    priority_streak: int = 0,
    priority_ratio: int = 0,
    now: datetime | None = None,
    margin: timedelta = NO_MARGIN,
) -> Choice | None:
    """Choose the next ticket for a counter, or None when nobody waits for it.

    Order: tickets transferred to this very counter; then appointments whose time has come
    (`now` past their slot less `margin`), earliest slot first, whatever the service; then
    priority tickets of any of the counter's services, oldest first whatever the service,
    unless `priority_ratio` priority calls in a row were just made and a normal ticket waits
    (0 means priority always first); then normal tickets, taking the counter's services in
    their configured order. First issued, first served within a class. An appointment whose
    time has not come is not called (call it by number to take it early).
    """
    candidates = [e for e in waiting if eligible(counter_id, services, e)]
    if not candidates:
        return None
    targeted = [e for e in candidates if e.target_counter == counter_id]
    if targeted:
        return Choice(min(targeted, key=_order), priority_streak)
    due = [e for e in candidates if e.due(now, margin)]
    if due:
        return Choice(min(due, key=appointment_order), priority_streak)
    candidates = [e for e in candidates if e.appointment_at is None]
    if not candidates:
        return None
    rank = {code: i for i, code in enumerate(services)}
    priority = [e for e in candidates if e.priority]
    normal = [e for e in candidates if not e.priority]
    starving = priority_ratio > 0 and priority_streak >= priority_ratio
    if priority and (not normal or not starving):
        # A priority citizen waits for nobody who came later, whatever the service.
        return Choice(min(priority, key=_order), priority_streak + 1)
    best = min(normal, key=lambda e: (rank.get(e.service_code, len(rank)), *_order(e)))
    return Choice(best, 0)


def next_appointment(
    counter_id: str, services: Sequence[str], waiting: Sequence[QueueEntry]
) -> QueueEntry | None:
    """The earliest appointment a counter may call once its time comes, if any waits."""
    booked = [
        e for e in waiting if e.appointment_at is not None and eligible(counter_id, services, e)
    ]
    return min(booked, key=appointment_order, default=None)


def people_ahead(entry: QueueEntry, waiting: Sequence[QueueEntry]) -> int:
    """Count the tickets of the same service that will be called before this one."""
    same = [e for e in waiting if e.service_code == entry.service_code and e is not entry]
    if entry.priority:
        return sum(1 for e in same if e.priority and _order(e) < _order(entry))
    return sum(1 for e in same if e.priority or _order(e) < _order(entry))
