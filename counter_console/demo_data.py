"""Plausible data for screenshots: a counter serving a citizen, queues, a dossier, the floor."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from shared.config.site import SiteConfig
from shared.messaging.commands import Command
from shared.messaging.replies import ErrorCode, Reply, TicketInfo
from shared.messaging.states import CounterStateMessage, QueuesState, ServiceWaiting

AT = datetime(2026, 11, 23, 2, 40, tzinfo=UTC)


class OfflineSender:
    """A sender for screenshots: every command fails politely."""

    def send(self, command: Command, timeout: float = 2.0, attempts: int = 3) -> Reply:
        """Refuse the command."""
        return Reply.failure(command.request_id, ErrorCode.TIMEOUT, "Ảnh chụp màn hình mẫu.")


def demo_queues(config: SiteConfig) -> QueuesState:
    """Waiting figures for every service."""
    services = [
        ServiceWaiting(
            service=s.code,
            name=s.name,
            waiting=(7 * i + 3) % 11,
            priority_waiting=i % 3 == 0,
            oldest_wait_seconds=((7 * i + 3) % 11) * 260,
            open_counters=1 + i % 2,
            estimated_wait_minutes=(7 * i + 3) % 11 * 4,
        )
        for i, s in enumerate(config.services)
    ]
    return QueuesState(services=services, updated_at=AT)


def demo_counter_state(config: SiteConfig, counter_id: str, index: int = 0) -> CounterStateMessage:
    """A counter serving a citizen (or idle, or paused) with a few figures of the day."""
    counter = next(c for c in config.counters if c.id == counter_id)
    service = next(s for s in config.services if s.code == counter.services[0])
    current = None
    if index % 4 != 3:
        current = TicketInfo(
            number=f"{service.prefix}{12 + index * 3:03d}",
            service=service.code,
            service_name=service.name,
            priority="elderly" if index == 0 else None,
            state="serving" if index % 2 == 0 else "called",
            counter=counter.id,
            counter_label=counter.label,
            issued_at=AT - timedelta(minutes=23 + index),
            service_day="2026-11-23",
            counters=[counter.label],
        )
    return CounterStateMessage(
        counter=counter.id,
        label=counter.label,
        status="paused" if index % 7 == 5 else ("closed" if index % 5 == 4 else "open"),
        officer_id=None if index % 5 == 4 else f"cb{index + 1:02d}",
        pause_reason="Họp giao ban" if index % 7 == 5 else "",
        current=current if index % 5 != 4 else None,
        held=["A009"] if index == 0 else [],
        served_today=14 + index,
        average_service_seconds=372 + 20 * index,
        updated_at=AT - timedelta(minutes=index * 3),
    )
