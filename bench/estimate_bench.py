"""Waiting-time estimates against the waits that followed, over simulated mornings.

Runs the real queue server (QueueServer on the in-memory bus, SQLite in a temporary folder) on
the demo site with a simulated clock. Citizens arrive at random (Poisson, with a peak from 8:00
to 9:30; 12 % priority) at a rate near what the counters can serve; an officer at every counter
presses "call next" when done with a citizen (service times vary around each service's
configured average, lognormal), answers an empty queue as soon as someone arrives, and marks
3 % of the called as no-shows after a minute. For every ticket it records the estimate the
kiosk printed and the wait that followed (issue → first call), then prints the median and 90th
percentile absolute error in minutes, next to the naive formula the server used before
(people ahead × mean service time / open counters).

    .venv/bin/python bench/estimate_bench.py [--seed 7] [--days 5] [--load 0.9] [--hours 3.5]
"""

from __future__ import annotations

import argparse
import heapq
import json
import math
import random
import statistics
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sqlalchemy.orm import Session, sessionmaker  # noqa: E402

from server.daemon import QueueServer  # noqa: E402
from shared.config.site import load_site_config  # noqa: E402
from shared.domain.counters import CounterStatus  # noqa: E402
from shared.domain.estimate import average_service_seconds, estimate_wait_seconds  # noqa: E402
from shared.domain.policy import people_ahead  # noqa: E402
from shared.domain.site import Site  # noqa: E402
from shared.messaging import commands as c  # noqa: E402
from shared.messaging.client import CommandClient, new_request_id  # noqa: E402
from shared.messaging.memory import MemoryBroker, MemoryBus  # noqa: E402
from shared.messaging.replies import Reply  # noqa: E402
from shared.messaging.topics import Topics  # noqa: E402
from shared.storage.engine import close_database, open_database  # noqa: E402
from shared.storage.repository import QueueRepository  # noqa: E402

CONFIG = ROOT / "config" / "demo-site.toml"
OPENING = datetime(2026, 11, 24, 0, 30, tzinfo=UTC)  # a Tuesday, 07:30 in Việt Nam
PRIORITY_SHARE = 0.12
NO_SHOW_SHARE = 0.03
NO_SHOW_WAIT = 60.0
SPREAD = 0.45  # sigma of the lognormal service times


class Clock:
    """The simulated time the server reads."""

    def __init__(self, start: datetime) -> None:
        self.now = start

    def __call__(self) -> datetime:
        return self.now


@dataclass
class Record:
    """One ticket: what the kiosk said at issue, and when it was really called."""

    number: str
    service: str
    priority: bool
    ahead: int
    issued: datetime
    estimate: int
    naive: int
    called: datetime | None = None

    @property
    def wait_minutes(self) -> float:
        """The wait that followed, in minutes."""
        assert self.called is not None
        return (self.called - self.issued).total_seconds() / 60


@dataclass
class Hall:
    """The server and the devices that drive it, on one in-memory broker."""

    site: Site
    sessions: sessionmaker[Session]
    clock: Clock
    broker: MemoryBroker = field(default_factory=MemoryBroker)

    def __post_init__(self) -> None:
        topics = Topics(self.site.id)
        self.topics = topics
        self.server = QueueServer(
            self.site, self.sessions, MemoryBus(self.broker, "server"), self.clock
        )
        self.server.rollover()
        self.server.publish_all()
        self.broker.subscribe(topics.commands(), self.server.handle)
        self.devices: dict[str, CommandClient] = {}

    def send(self, device: str, command: c.Command) -> Reply:
        """Send a command from a device; the in-memory broker applies it before returning."""
        client = self.devices.get(device)
        if client is None:
            client = CommandClient(MemoryBus(self.broker, device), self.topics, device)
            self.devices[device] = client
        return client.send(command)


def arrival_rates(site: Site, load: float) -> dict[str, float]:
    """Citizens per second for each service, so that counters run at `load` of their capacity."""
    capacity = {s.code: 0.0 for s in site.services}
    for counter in site.counters:
        for code in counter.services:
            seconds = site.service(code).default_service_seconds
            capacity[code] += 1 / len(counter.services) / seconds
    return {code: load * per_second for code, per_second in capacity.items()}


def peak(minute: float) -> float:
    """The morning's shape: quieter at opening, a peak from 8:00 to 9:30."""
    if minute < 30:
        return 0.7
    if minute < 120:
        return 1.15
    return 0.85


def naive_minutes(hall: Hall, number: str, service: str) -> int:
    """The estimate the server gave before: people ahead × mean / open counters."""
    with hall.sessions.begin() as session:
        repo = QueueRepository(session, hall.site.id)
        day = hall.server.service.today()
        waiting = repo.waiting_entries(day, [service])
        entry = next(e for e in waiting if e.number == number)
        recent = repo.recent_service_seconds(service, hall.site.rules.estimate_sample)
        mean = average_service_seconds(recent, hall.site.service(service).default_service_seconds)
        states = repo.counter_states()
        staffed = sum(
            1
            for counter in hall.site.counters_serving(service)
            if counter.id in states and states[counter.id].status is CounterStatus.OPEN
        )
        seconds = estimate_wait_seconds(people_ahead(entry, waiting), mean, staffed)
    return round(seconds / 60)


class Day:
    """An event-driven simulation of arrivals and officers around the real server."""

    def __init__(self, hall: Hall, rng: random.Random, load: float, hours: float) -> None:
        self.hall = hall
        self.rng = rng
        self.rates = arrival_rates(hall.site, load)
        self.end = hours * 3600
        self.events: list[tuple[float, int, str, str]] = []
        self.sequence = 0
        self.idle = {counter.id for counter in hall.site.counters}
        self.records: dict[str, Record] = {}

    def at(self, seconds: float, kind: str, subject: str) -> None:
        """Schedule an event `seconds` after opening."""
        self.sequence += 1
        heapq.heappush(self.events, (seconds, self.sequence, kind, subject))

    def run(self) -> list[Record]:
        """Open every counter, let the morning happen, and return the tickets."""
        for counter in self.hall.site.counters:
            reply = self.hall.send(
                counter.id, c.OpenCounter(request_id=new_request_id(), officer_id=counter.id)
            )
            assert reply.ok, reply.error
        for service in self.hall.site.services:
            self.at(self.next_arrival(0.0, service.code), "arrive", service.code)
        while self.events:
            seconds, _, kind, subject = heapq.heappop(self.events)
            self.hall.clock.now = OPENING + timedelta(seconds=seconds)
            if kind == "arrive":
                self.arrive(seconds, subject)
            elif kind == "free":
                self.call_next(seconds, subject)
            elif kind == "absent":
                self.hall.send(subject, c.NoShow(request_id=new_request_id()))
                self.call_next(seconds, subject)
        return list(self.records.values())

    def next_arrival(self, seconds: float, service: str) -> float:
        """When the next citizen for a service arrives (thinning of a Poisson process)."""
        rate = self.rates[service]
        while True:
            seconds += self.rng.expovariate(rate * 1.15)
            if self.rng.random() < peak(seconds / 60) / 1.15:
                return seconds

    def arrive(self, seconds: float, service: str) -> None:
        """A citizen takes a number; idle officers serving that service notice soon after."""
        if seconds < self.end:
            self.at(self.next_arrival(seconds, service), "arrive", service)
        else:
            return
        priority = self.rng.random() < PRIORITY_SHARE
        kind = self.hall.site.priorities[0].id if priority else None
        reply = self.hall.send(
            "kiosk-1", c.IssueTicket(request_id=new_request_id(), service=service, priority=kind)
        )
        if not reply.ok:
            return
        ticket = reply.result["ticket"]
        number = ticket["number"]
        self.records[number] = Record(
            number,
            service,
            priority,
            ticket["people_ahead"],
            self.hall.clock.now,
            ticket["estimated_wait_minutes"],
            naive_minutes(self.hall, number, service),
        )
        for counter in self.hall.site.counters_serving(service):
            if counter.id in self.idle:
                self.idle.discard(counter.id)
                self.at(seconds + self.rng.uniform(5, 20), "free", counter.id)

    def call_next(self, seconds: float, counter_id: str) -> None:
        """The officer finishes with the citizen and calls the next one, if anyone waits."""
        reply = self.hall.send(counter_id, c.CallNext(request_id=new_request_id()))
        ticket = reply.result.get("ticket") if reply.ok else None
        if ticket is None:
            self.idle.add(counter_id)
            return
        record = self.records[ticket["number"]]
        if record.called is None:
            record.called = self.hall.clock.now
        if self.rng.random() < NO_SHOW_SHARE:
            self.at(seconds + NO_SHOW_WAIT, "absent", counter_id)
            return
        mean = self.hall.site.service(ticket["service"]).default_service_seconds
        duration = self.rng.lognormvariate(math.log(mean) - SPREAD**2 / 2, SPREAD)
        self.at(seconds + duration, "free", counter_id)


def percentile(values: list[float], share: float) -> float:
    """The value below which `share` of the values fall (nearest rank)."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, math.ceil(share * len(ordered)) - 1))]


def summary(records: list[Record], name: str, pick: str) -> dict[str, float]:
    """Median and p90 absolute error, and the mean signed error (bias), in minutes."""
    errors = [getattr(r, pick) - r.wait_minutes for r in records]
    absolute = [abs(e) for e in errors]
    return {
        "model": name,
        "median_abs_error_min": round(statistics.median(absolute), 2),
        "p90_abs_error_min": round(percentile(absolute, 0.9), 2),
        "bias_min": round(statistics.fmean(errors), 2),
    }


def by_group(records: list[Record]) -> list[dict[str, object]]:
    """The same figures by people ahead and by priority."""
    groups = {
        "0 ahead": [r for r in records if r.ahead == 0],
        "1-3 ahead": [r for r in records if 1 <= r.ahead <= 3],
        "4-9 ahead": [r for r in records if 4 <= r.ahead <= 9],
        "10+ ahead": [r for r in records if r.ahead >= 10],
        "priority": [r for r in records if r.priority],
        "normal": [r for r in records if not r.priority],
    }
    rows: list[dict[str, object]] = []
    for name, group in groups.items():
        if group:
            rows.append(
                {
                    "group": name,
                    "tickets": len(group),
                    "mean_wait_min": round(statistics.fmean(r.wait_minutes for r in group), 1),
                    **{k: v for k, v in summary(group, "", "estimate").items() if k != "model"},
                }
            )
    return rows


@contextmanager
def database() -> Iterator[sessionmaker[Session]]:
    """A fresh SQLite database in a temporary folder."""
    with tempfile.TemporaryDirectory() as folder:
        sessions = open_database(f"sqlite:///{Path(folder) / 'bench.db'}")
        try:
            yield sessions
        finally:
            close_database(sessions)


def main() -> int:
    """Simulate the mornings and print the estimate errors."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=7, help="random seed (same seed, same day)")
    parser.add_argument("--load", type=float, default=0.9, help="arrivals / counter capacity")
    parser.add_argument("--hours", type=float, default=3.5, help="hours citizens keep arriving")
    parser.add_argument("--days", type=int, default=5, help="mornings simulated (seeds in a row)")
    args = parser.parse_args()
    site = load_site_config(CONFIG).to_domain()
    records: list[Record] = []
    for day in range(args.days):
        with database() as sessions:
            hall = Hall(site, sessions, Clock(OPENING))
            records += Day(hall, random.Random(args.seed + day), args.load, args.hours).run()
    called = [r for r in records if r.called is not None]
    waits = [r.wait_minutes for r in called]
    print(
        json.dumps(
            {
                "seeds": f"{args.seed}..{args.seed + args.days - 1}",
                "load": args.load,
                "hours": args.hours,
                "tickets": len(records),
                "called": len(called),
                "wait_median_min": round(statistics.median(waits), 1),
                "wait_p90_min": round(percentile(waits, 0.9), 1),
            }
        )
    )
    print(json.dumps(summary(called, "estimate (docs/estimates.md)", "estimate")))
    print(json.dumps(summary(called, "naive: ahead x mean / open", "naive")))
    for row in by_group(called):
        print(json.dumps(row))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
