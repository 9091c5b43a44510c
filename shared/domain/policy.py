"""Call-next policy: which waiting ticket a counter gets when the officer presses "call next"."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from shared.domain.tickets import Ticket


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


def queue_entry(ticket: Ticket) -> QueueEntry:
    """What the policy needs of a stored ticket."""
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
    )


@dataclass(frozen=True)
class Choice:
    """The ticket chosen and the counter's new run of consecutive priority calls."""

    entry: QueueEntry
    priority_streak: int


def _order(entry: QueueEntry) -> tuple[bool, datetime, int]:
    # Tickets put "at the front" by a transfer go first; then first issued, first served.
    return (not entry.front, entry.issued_at, entry.ticket_id)


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
) -> Choice | None:
    """Choose the next ticket for a counter, or None when nobody waits for it.

    Order: tickets transferred to this very counter; then priority tickets of any of the
    counter's services, oldest first whatever the service, unless `priority_ratio` priority
    calls in a row were just made and a normal ticket waits (0 means priority always first);
    then normal tickets, taking the counter's services in their configured order. First issued,
    first served within a class.
    """
    candidates = [e for e in waiting if eligible(counter_id, services, e)]
    if not candidates:
        return None
    targeted = [e for e in candidates if e.target_counter == counter_id]
    if targeted:
        return Choice(min(targeted, key=_order), priority_streak)
    rank = {code: i for i, code in enumerate(services)}
    priority = [e for e in candidates if e.priority]
    normal = [e for e in candidates if not e.priority]
    starving = priority_ratio > 0 and priority_streak >= priority_ratio
    if priority and (not normal or not starving):
        # A priority citizen waits for nobody who came later, whatever the service.
        return Choice(min(priority, key=_order), priority_streak + 1)
    best = min(normal, key=lambda e: (rank.get(e.service_code, len(rank)), *_order(e)))
    return Choice(best, 0)


def people_ahead(entry: QueueEntry, waiting: Sequence[QueueEntry]) -> int:
    """Count the tickets of the same service that will be called before this one."""
    same = [e for e in waiting if e.service_code == entry.service_code and e is not entry]
    if entry.priority:
        return sum(1 for e in same if e.priority and _order(e) < _order(entry))
    return sum(1 for e in same if e.priority or _order(e) < _order(entry))
