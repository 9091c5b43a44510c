"""Waiting-time estimates: how long until a ticket is called, from the queue as it stands.

The model (explained for directors and technicians in docs/estimates.md):

* **typical service time** of a service: the trimmed mean of its last measured services (the
  shortest and longest tenth dropped, so a forgotten "finish" does not swing it), pulled
  toward the configured default while fewer than `MIN_SAMPLES` services were measured;
* **people ahead**: tickets of the same service the call-next policy will call first; with a
  priority ratio N, a normal ticket is passed by at most N priority tickets per normal call
  ahead of it, and a priority ticket lets one normal ticket through after every N;
* **counters**: each open counter serving the service becomes free for it once it has finished
  its current citizen and the work its call order puts first (priority tickets of its other
  services, normal tickets of the services it lists before this one); a counter serving
  several services thereby gives this one only the time the others leave;
* **wait**: the counters then take the service's tickets one typical service apart; the
  estimate is the moment of the turn after the people ahead;
* **appointments** (docs/appointments.md): one whose time has come is ahead of every walk-in,
  earliest slot first; one whose time has not come yet counts the appointments before it and
  waits at least until its time; a walk-in counts the appointments already due, not those
  still to come (they pass it when their time comes: its estimate grows then).
"""

from __future__ import annotations

import heapq
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from statistics import fmean

from shared.domain.policy import NO_MARGIN, QueueEntry, appointment_order

MIN_SAMPLES = 5
TRIM = 0.1


def typical_service_seconds(recent: Sequence[float], default_seconds: float) -> float:
    """Trimmed mean of recent service durations, shrunk toward the default when few are known."""
    samples = sorted(s for s in recent if s > 0)
    if not samples:
        return default_seconds
    cut = int(len(samples) * TRIM)
    kept = samples[cut : len(samples) - cut] if cut else samples
    typical = fmean(kept)
    if len(samples) >= MIN_SAMPLES:
        return typical
    weight = len(samples) / MIN_SAMPLES
    return weight * typical + (1 - weight) * default_seconds


def average_service_seconds(recent: Sequence[float], default_seconds: float) -> float:
    """Plain mean of recent service durations, or the default (the bench's naive baseline)."""
    samples = [s for s in recent if s > 0]
    return fmean(samples) if samples else default_seconds


def estimate_wait_seconds(people_ahead: int, average_seconds: float, open_counters: int) -> float:
    """Naive estimate: people ahead × mean service / open counters (the bench's baseline)."""
    if people_ahead <= 0:
        return 0.0
    return people_ahead * average_seconds / max(1, open_counters)


def _order(entry: QueueEntry) -> tuple[bool, object, int]:
    return (not entry.front, entry.issued_at, entry.ticket_id)


def ahead_in_line(
    entry: QueueEntry,
    waiting: Sequence[QueueEntry],
    priority_ratio: int,
    now: datetime | None = None,
    margin: timedelta = NO_MARGIN,
) -> int:
    """Count the same-service tickets called before a waiting one, priority interleave included.

    Appointments (docs/appointments.md): one whose time has come goes before every walk-in;
    one whose time has not come counts the appointments before it and those already due.
    """
    same = [e for e in waiting if e.service_code == entry.service_code and e is not entry]
    due = [e for e in same if e.due(now, margin)]
    if entry.appointment_at is not None:
        key = appointment_order(entry)
        if entry.due(now, margin):
            return sum(1 for e in due if appointment_order(e) < key)
        later = [e for e in same if e.appointment_at is not None and not e.due(now, margin)]
        return len(due) + sum(1 for e in later if appointment_order(e) < key)
    walk_ins = [e for e in same if e.appointment_at is None]
    return len(due) + _walk_in_ahead(entry, walk_ins, priority_ratio)


def _walk_in_ahead(entry: QueueEntry, same: Sequence[QueueEntry], priority_ratio: int) -> int:
    """Walk-ins of the same service called before a walk-in (priority interleave included)."""
    earlier = [e for e in same if _order(e) < _order(entry)]
    if entry.priority:
        priority_ahead = sum(1 for e in earlier if e.priority)
        normal_waiting = sum(1 for e in same if not e.priority)
        slipped = priority_ahead // priority_ratio if priority_ratio > 0 else 0
        return priority_ahead + min(normal_waiting, slipped)
    normal_ahead = sum(1 for e in earlier if not e.priority)
    priority_waiting = sum(1 for e in same if e.priority)
    return normal_ahead + priority_passing(priority_waiting, normal_ahead, priority_ratio)


def places_in_line(
    waiting: Sequence[QueueEntry],
    priority_ratio: int,
    now: datetime | None = None,
    margin: timedelta = NO_MARGIN,
) -> list[tuple[int, int]]:
    """Each waiting ticket of one service with how many are called before it, in that order.

    The same count as `ahead_in_line` for every ticket, in one pass over the sorted line.
    """
    due = sorted((e for e in waiting if e.due(now, margin)), key=appointment_order)
    later = sorted(
        (e for e in waiting if e.appointment_at is not None and not e.due(now, margin)),
        key=appointment_order,
    )
    walk_ins = [e for e in waiting if e.appointment_at is None]
    priority = sorted((e for e in walk_ins if e.priority), key=_order)
    normal = sorted((e for e in walk_ins if not e.priority), key=_order)
    places: list[tuple[int, int]] = [(e.ticket_id, i) for i, e in enumerate(due)]
    places += [(e.ticket_id, len(due) + i) for i, e in enumerate(later)]
    for j, entry in enumerate(priority):
        slipped = j // priority_ratio if priority_ratio > 0 else 0
        places.append((entry.ticket_id, len(due) + j + min(len(normal), slipped)))
    for i, entry in enumerate(normal):
        ahead = i + priority_passing(len(priority), i, priority_ratio)
        places.append((entry.ticket_id, len(due) + ahead))
    return sorted(places, key=lambda place: place[1])


def not_before_seconds(entry: QueueEntry, now: datetime, margin: timedelta = NO_MARGIN) -> float:
    """Seconds until an appointment's time comes (0 for walk-ins and appointments due)."""
    if entry.appointment_at is None:
        return 0.0
    return max(0.0, (entry.appointment_at - margin - now).total_seconds())


def ahead_of_new(normal_waiting: int, priority_waiting: int, priority_ratio: int) -> int:
    """Count the tickets called before a normal ticket taken now."""
    return normal_waiting + priority_passing(priority_waiting, normal_waiting, priority_ratio)


def priority_passing(priority_waiting: int, normal_ahead: int, priority_ratio: int) -> int:
    """How many waiting priority tickets pass a normal ticket with `normal_ahead` before it."""
    if priority_ratio <= 0:
        return priority_waiting
    return min(priority_waiting, priority_ratio * (normal_ahead + 1))


@dataclass(frozen=True)
class CounterLoad:
    """What the estimate needs of one counter: its services in call order, open, busy."""

    services: tuple[str, ...]
    open: bool
    busy: bool


@dataclass(frozen=True)
class Waiting:
    """How many normal and priority tickets of one service are waiting."""

    normal: int = 0
    priority: int = 0


@dataclass(frozen=True)
class Turns:
    """When a counter can first take a ticket of the service, and how often after that."""

    start: float
    every: float


MIN_AVAILABLE = 0.2  # a counter keeps at least a fifth of its time for a service it lists last


class TurnModel:
    """Every service's counter turns from one picture of the hall (built once, asked per service).

    `turns(service)` gives what `counter_turns` gives; the per-counter sums every service shares
    are worked out once, so asking for all services costs about as much as asking for one.
    """

    def __init__(
        self,
        counters: Sequence[CounterLoad],
        waiting: Mapping[str, Waiting],
        typical: Mapping[str, float],
        issued: Mapping[str, int],
    ) -> None:
        self.counters = counters
        self.waiting = waiting
        self.typical = typical
        self.issued = issued
        self._open_sharing = _sharing([c for c in counters if c.open])
        self._serving: dict[str, list[CounterLoad]] = {}
        self._kept: dict[int, tuple[dict[str, tuple[float, int, float]], float]] = {}
        for counter in counters:
            for code in counter.services:
                self._serving.setdefault(code, []).append(counter)

    def turns(self, service: str) -> list[Turns]:
        """When each counter serving `service` can take its tickets, in seconds from now."""
        serving = self._serving.get(service, [])
        working = [c for c in serving if c.open]
        if working:
            sharing = self._open_sharing
        else:
            working = [CounterLoad(c.services, True, True) for c in serving]
            sharing = _sharing(working)
        own = self.typical.get(service, 0.0)
        busy = sum(1 for c in working if c.busy)
        turns = []
        rank = 0
        for counter in working:
            start = 0.0
            if counter.busy:
                rank += 1
                start = own * rank / (busy + 1)
            before = counter.services[: counter.services.index(service)]
            terms, total = self._terms(counter, sharing, own)
            backlog = 0.0
            for code, (seconds, share, _) in terms.items():
                if code != service:
                    queue = self.waiting.get(code, NOBODY)
                    tickets = queue.priority + (queue.normal if code in before else 0)
                    backlog += tickets * seconds / share
            first = sum(terms[code][2] for code in before) / total
            available = max(MIN_AVAILABLE, 1 - first)
            turns.append(Turns(start + backlog / available, own / available))
        return turns

    def _terms(
        self, counter: CounterLoad, sharing: Mapping[str, int], own: float
    ) -> tuple[dict[str, tuple[float, int, float]], float]:
        """Per service of a counter: typical seconds, counters sharing it, work it brings.

        The same for every service the counter serves (kept) unless a duration is unknown.
        """
        keep = sharing is self._open_sharing and all(c in self.typical for c in counter.services)
        if keep and id(counter) in self._kept:
            return self._kept[id(counter)]
        terms: dict[str, tuple[float, int, float]] = {}
        for code in counter.services:
            seconds = self.typical.get(code, own)
            share = max(1, sharing.get(code, 1))
            terms[code] = (seconds, share, (self.issued.get(code, 0) + 1) * seconds / share)
        found = terms, sum(work for _, _, work in terms.values())
        if keep:
            self._kept[id(counter)] = found
        return found


def _sharing(pool: Sequence[CounterLoad]) -> dict[str, int]:
    sharing: dict[str, int] = {}
    for counter in pool:
        for code in counter.services:
            sharing[code] = sharing.get(code, 0) + 1
    return sharing


NOBODY = Waiting()


def counter_turns(
    service: str,
    counters: Sequence[CounterLoad],
    waiting: Mapping[str, Waiting],
    typical: Mapping[str, float],
    issued: Mapping[str, int],
) -> list[Turns]:
    """When each counter serving `service` can take its tickets, in seconds from now.

    A busy counter first finishes its citizen (busy counters are taken to be spread evenly
    through their current service). It then serves what its call order puts first: priority
    tickets of its other services, and normal tickets of the services it lists before this one,
    that work shared with the other open counters serving them. Those services keep bringing
    citizens, so the counter gives this one only the part of its time they leave, judged by
    the work each service brought today (tickets issued × typical time). When no counter serving
    the service is open, they are all taken to open busy (before the morning's logins, say).
    """
    return TurnModel(counters, waiting, typical, issued).turns(service)


def wait_seconds(ahead: int, turns: Sequence[Turns], typical_seconds: float) -> float:
    """Seconds until the turn of someone with `ahead` people of the same service before them.

    Each counter takes the service's tickets from its start, one every `every` seconds; the
    estimate is the moment of the (ahead + 1)-th such turn.
    """
    if not turns:
        return (ahead + 1) * typical_seconds  # no counter serves it: a guess, not a promise
    heap = [(t.start, t.every) for t in turns]
    heapq.heapify(heap)
    for _ in range(ahead):
        start, every = heap[0]
        heapq.heapreplace(heap, (start + every, every))
    return heap[0][0]


def wait_minutes(seconds: float) -> int:
    """Whole minutes to show: 0 only when the call comes at once, else at least 1."""
    if seconds <= 0:
        return 0
    return max(1, math.floor(seconds / 60 + 0.5))
