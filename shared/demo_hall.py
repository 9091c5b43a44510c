"""The hall at the moment of the screenshots: the sample ticket and every service's queue.

The ticket is the one the sample dossier "received" was handed in for (A012, an elderly
citizen, counter 1); the waiting figures are estimated by the server's own model
(`shared.domain.estimate`), so the kiosk and console screenshots show what the server would.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from shared.demo_dossiers import LOCAL
from shared.domain.availability import unavailable_reason
from shared.domain.estimate import (
    CounterLoad,
    Waiting,
    ahead_of_new,
    counter_turns,
    wait_minutes,
    wait_seconds,
)
from shared.domain.site import Site
from shared.messaging.states import QueuesState, ServiceWaiting


@dataclass(frozen=True)
class SampleTicket:
    """The ticket the screenshots and the printed sample show (for dossier "received")."""

    number: str = "A012"
    service: str = "ho-tich"
    service_name: str = "Hộ tịch, trích lục hộ tịch"
    department_name: str = "Sở Tư pháp"
    counters: tuple[str, ...] = ("1", "2", "3")
    priority: str = "elderly"
    priority_name: str = "Người cao tuổi"
    issued_at: datetime = datetime(2026, 11, 23, 9, 10, tzinfo=LOCAL)
    people_ahead: int = 1
    estimated_wait_minutes: int = 6
    called_at: datetime = datetime(2026, 11, 23, 9, 17, tzinfo=LOCAL)
    counter_id: str = "q01"


SAMPLE_TICKET = SampleTicket()


@dataclass(frozen=True)
class SampleQueue:
    """Waiting figures of one service at the moment of the screenshots."""

    service: str
    name: str
    waiting: int
    priority_waiting: int
    oldest_wait_seconds: int
    open_counters: int
    estimated_wait_minutes: int
    reason: str


def sample_queues(site: Site, at: datetime) -> list[SampleQueue]:
    """Plausible waiting figures for every service, estimated by the server's own model.

    Every counter is open and busy; a few people wait for each service (fewer for the slow
    ones); the first service with
    a daily cap has used it up, so a screenshot shows a service refusing tickets with the reason.
    """
    counts = {}
    for i, service in enumerate(site.services):
        # About twenty minutes of work waits at most, so slow services have fewer people.
        waiting = min((3 * i + 2) % 7, max(1, round(1200 / service.default_service_seconds)))
        priority = 1 if i % 4 == 0 and waiting else 0
        counts[service.code] = Waiting(waiting - priority, priority)
    loads = [CounterLoad(c.services, True, True) for c in site.counters]
    typical = {s.code: s.default_service_seconds for s in site.services}
    issued = {s.code: 6 + 4 * i for i, s in enumerate(site.services)}
    capped = next((s.code for s in site.services if s.daily_cap is not None), None)
    figures = []
    for service in site.services:
        queue = counts[service.code]
        ahead = ahead_of_new(queue.normal, queue.priority, site.rules.priority_ratio)
        turns = counter_turns(service.code, loads, counts, typical, issued)
        wait = wait_seconds(ahead, turns, typical[service.code])
        used = service.daily_cap or 0 if service.code == capped else issued[service.code]
        reason = unavailable_reason(service, at, site.rules.timezone, used) or ""
        waiting = queue.normal + queue.priority
        figures.append(
            SampleQueue(
                service.code,
                service.name,
                waiting,
                queue.priority,
                int(waiting * typical[service.code] / 2),
                len(site.counters_serving(service.code)),
                wait_minutes(wait),
                reason,
            )
        )
    return figures


def queues_state(site: Site, at: datetime) -> QueuesState:
    """The sample waiting figures as the server publishes them on `state/queues`."""
    return QueuesState(
        services=[
            ServiceWaiting(
                service=q.service,
                name=q.name,
                waiting=q.waiting,
                priority_waiting=q.priority_waiting,
                oldest_wait_seconds=q.oldest_wait_seconds,
                open_counters=q.open_counters,
                estimated_wait_minutes=q.estimated_wait_minutes,
                available=not q.reason,
                reason=q.reason,
            )
            for q in sample_queues(site, at)
        ],
        updated_at=at,
    )
