"""Simulated queue history: arrivals with morning and afternoon peaks, counters serving them.

Each ticket's periods follow the domain's order (waiting → called → serving → done, with
recalls before a no-show, an occasional hold, and a transfer to the fee counter), numbers
restart every day per prefix, and capped services turn citizens away once the cap is reached.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from shared.config.site import SiteConfig
from shared.domain.tickets import PeriodKind

Row = dict[str, Any]
OPEN, LUNCH_START, LUNCH_END, CLOSE = 7.5, 11.5, 13.5, 17.0


@dataclass(frozen=True)
class SimCounter:
    """A counter of the simulated centre and the officer usually at it."""

    id: str
    services: tuple[str, ...]
    officer: str


def simulated_counters(config: SiteConfig, count: int) -> list[SimCounter]:
    """Use the site's counters first, then copies of them (q17, q18 …) up to `count`."""
    configured = config.counters
    counters = []
    for i in range(count):
        model = configured[i % len(configured)]
        counter_id = model.id if i < len(configured) else f"q{i + 1:02d}"
        counters.append(SimCounter(counter_id, tuple(model.services), f"cb{i + 1:02d}"))
    return counters


@dataclass
class QueueDay:
    """The rows of one simulated day."""

    tickets: list[Row] = field(default_factory=list)
    periods: list[Row] = field(default_factory=list)
    ratings: list[Row] = field(default_factory=list)


class QueueSimulator:
    """Generates tickets, periods and ratings day after day with a seeded random source."""

    def __init__(
        self, config: SiteConfig, counters: list[SimCounter], rng: random.Random, offset: int
    ) -> None:
        self.config = config
        self.counters = counters
        self.rng = rng
        self.offset = timedelta(minutes=offset)
        self.services = {s.code: s for s in config.services}
        self.priorities = [p.id for p in config.priorities]
        share: dict[str, float] = {}
        for counter in counters:
            for code in counter.services:
                share[code] = share.get(code, 0.0) + 1.0 / len(counter.services)
        self.fee_service = "thu-phi" if "thu-phi" in share else None
        self.weights = {
            code: value
            * 10.0
            / self.services[code].average_minutes
            * (1.8 if code == "can-cuoc" else 1.0)
            for code, value in share.items()
        }
        self.quality = {c.officer: rng.uniform(0.88, 0.99) for c in counters}
        self.next_ticket_id = 1

    def _instant(self, day: date, hours: float) -> datetime:
        local = datetime.combine(day, time(0), UTC) + timedelta(hours=hours)
        return local - self.offset

    def _arrival(self) -> float:
        if self.rng.random() < 0.65:
            return self.rng.triangular(OPEN, LUNCH_START - 0.5, 8.6)
        return self.rng.triangular(LUNCH_END, CLOSE - 0.6, 14.4)

    def day(self, day: date, scale: float) -> QueueDay:
        """Simulate one working day with `scale` times the usual demand."""
        rng = self.rng
        volume = int(30 * len(self.counters) * scale)
        codes, weights = list(self.weights), list(self.weights.values())
        arrivals = sorted((self._arrival(), rng.choices(codes, weights)[0]) for _ in range(volume))
        free: dict[str, float] = {c.id: OPEN + rng.uniform(0, 0.1) for c in self.counters}
        officer = {c.id: c.officer for c in self.counters}
        for c in self.counters:
            if rng.random() < 0.08:  # the backup officer covers this counter today
                officer[c.id] = f"cb{len(self.counters) + 1 + rng.randrange(3):02d}"
        by_service: dict[str, list[str]] = {}
        for c in self.counters:
            for code in c.services:
                by_service.setdefault(code, []).append(c.id)
        issued: dict[str, int] = {}
        out = QueueDay()
        for hours, code in arrivals:
            service = self.services[code]
            if service.daily_cap is not None and issued.get(code, 0) >= service.daily_cap:
                continue  # turned away: the day's numbers are gone
            issued[code] = issued.get(code, 0) + 1
            number = f"{service.prefix}{issued[code]:03d}"
            priority = (
                rng.choice(self.priorities) if self.priorities and rng.random() < 0.08 else None
            )
            self._ticket(out, day, hours, code, number, priority, by_service, free, officer)
        return out

    def _pick(
        self, code: str, at: float, by_service: dict[str, list[str]], free: dict[str, float]
    ) -> tuple[str, float]:
        counter = min(by_service[code], key=lambda c: free[c])
        start = max(at, free[counter])
        if LUNCH_START <= start < LUNCH_END:
            start = LUNCH_END + self.rng.uniform(0, 0.05)
        return counter, start

    def _ticket(
        self,
        out: QueueDay,
        day: date,
        hours: float,
        code: str,
        number: str,
        priority: str | None,
        by_service: dict[str, list[str]],
        free: dict[str, float],
        officer: dict[str, str],
    ) -> None:
        rng = self.rng
        ticket_id = self.next_ticket_id
        self.next_ticket_id += 1
        periods: list[tuple[str, float, str, str | None]] = [("waiting", hours, code, None)]
        counter, call = self._pick(code, hours, by_service, free)
        if call >= CLOSE:
            periods.append(("no_show", CLOSE, code, None))  # expired at the end of the day
        elif rng.random() < 0.05:
            periods += [
                ("called", call, code, counter),
                ("called", call + 1 / 60, code, counter),
                ("called", call + 2 / 60, code, counter),
                ("no_show", call + 3 / 60, code, counter),
            ]
            free[counter] = call + 3 / 60
        else:
            mean = self.services[code].average_minutes / 60
            duration = rng.lognormvariate(math.log(mean) - 0.125, 0.5)
            serve = call + rng.uniform(0.3, 1.5) / 60
            periods += [("called", call, code, counter), ("serving", serve, code, counter)]
            end = serve + duration
            if rng.random() < 0.03:
                hold = serve + duration / 2
                periods += [
                    ("on_hold", hold, code, counter),
                    ("serving", hold + rng.uniform(5, 15) / 60, code, counter),
                ]
                end = periods[-1][1] + duration / 2
            free[counter] = end + rng.uniform(0, 1) / 60
            if self.fee_service and code != self.fee_service and rng.random() < 0.03:
                periods.append(("transferred", end, self.fee_service, None))
                counter, call = self._pick(self.fee_service, end, by_service, free)
                end = call + rng.uniform(2, 5) / 60
                periods += [
                    ("called", call, self.fee_service, counter),
                    ("serving", call + 0.5 / 60, self.fee_service, counter),
                ]
                free[counter] = end
            periods.append(("done", end, periods[-1][2], counter))
            if rng.random() < 0.45:
                out.ratings.append(
                    self._rating(day, ticket_id, end, periods[-1][2], counter, officer[counter])
                )
        last = periods[-1]
        out.tickets.append(
            {
                "id": ticket_id,
                "site_id": self.config.site.id,
                "service_day": day,
                "number": number,
                "prefix": number.rstrip("0123456789"),
                "sequence": int(number.lstrip("ABCDEFGHIJKLMNOPQRSTUVWXYZ")),
                "original_service": code,
                "service_code": last[2],
                "priority": priority,
                "state": last[0],
                "counter_id": last[3],
                "issued_at": self._instant(day, hours),
                "issued_by": "kiosk-1",
            }
        )
        for position, (kind, start, service_code, counter_id) in enumerate(periods):
            terminal = kind in (PeriodKind.DONE, PeriodKind.NO_SHOW)
            ended = start if terminal else periods[position + 1][1]
            out.periods.append(
                {
                    "ticket_id": ticket_id,
                    "position": position,
                    "kind": kind,
                    "started_at": self._instant(day, start),
                    "ended_at": self._instant(day, ended),
                    "service_code": service_code,
                    "counter_id": counter_id,
                    "officer_id": officer[counter_id] if counter_id else None,
                    "note": "",
                }
            )

    def _rating(
        self, day: date, ticket_id: int, end: float, code: str, counter: str, officer: str
    ) -> Row:
        quality = self.quality.get(officer, 0.93)
        draw = self.rng.random()
        score = 1 if draw > quality else (3 if draw < quality * 0.62 else 2)
        return {
            "site_id": self.config.site.id,
            "ticket_id": ticket_id,
            "service_day": day,
            "service_code": code,
            "counter_id": counter,
            "officer_id": officer,
            "score": score,
            "scale": 3,
            "rated_at": self._instant(day, end + 0.4 / 60),
        }
