"""The centre as the queue rules see it: departments, services, counters, zones and priorities."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import time, timedelta

from shared.domain.errors import NotFound

# Ids of sites, services, counters, zones… (they become MQTT topic levels and URL parts).
ID = r"[a-z0-9][a-z0-9_-]{0,39}"
ID_PATTERN = f"^{ID}$"


@dataclass(frozen=True)
class TimeWindow:
    """A ticket-taking window in local time, start inclusive, end exclusive."""

    start: time
    end: time

    def contains(self, moment: time) -> bool:
        """Tell whether a local time of day falls inside the window."""
        return self.start <= moment < self.end

    def label(self) -> str:
        """Render the window as people read it, e.g. 07:30–11:30."""
        return f"{self.start:%H:%M}–{self.end:%H:%M}"


@dataclass(frozen=True)
class Department:
    """A department (sở, ngành) whose dossiers the centre receives."""

    id: str
    name: str


@dataclass(frozen=True)
class Service:
    """A queue a citizen can take a number for; its prefix starts every ticket number."""

    code: str
    name: str
    department_id: str
    prefix: str
    daily_cap: int | None = None
    windows: tuple[TimeWindow, ...] = ()
    default_service_seconds: float = 600.0


@dataclass(frozen=True)
class Counter:
    """A counter (quầy) serving some services, in the order it calls them."""

    id: str
    name: str
    label: str
    services: tuple[str, ...]
    zone: str


@dataclass(frozen=True)
class Zone:
    """A part of the hall with its own display board."""

    id: str
    name: str


@dataclass(frozen=True)
class PriorityCategory:
    """A class of citizens served first (người cao tuổi, phụ nữ mang thai, …)."""

    id: str
    name: str


@dataclass(frozen=True)
class QueueRules:
    """Site-wide queue rules; every number here is configurable."""

    timezone: str = "Asia/Ho_Chi_Minh"
    day_reset: time = time(0, 0)
    number_width: int = 3
    max_recalls: int = 2
    priority_ratio: int = 3
    recent_calls: int = 8
    estimate_sample: int = 20
    # A checked-in appointment goes ahead of walk-ins from this long before its slot.
    appointment_margin_minutes: int = 5

    @property
    def appointment_margin(self) -> timedelta:
        """How long before its slot a checked-in appointment goes ahead of walk-ins."""
        return timedelta(minutes=self.appointment_margin_minutes)


@dataclass(frozen=True)
class Site:
    """Everything the queue server needs to know about one centre."""

    id: str
    name: str
    departments: tuple[Department, ...] = ()
    services: tuple[Service, ...] = ()
    counters: tuple[Counter, ...] = ()
    zones: tuple[Zone, ...] = ()
    priorities: tuple[PriorityCategory, ...] = ()
    rules: QueueRules = field(default_factory=QueueRules)

    def service(self, code: str) -> Service:
        """Return the service with this code or raise NotFound."""
        for service in self.services:
            if service.code == code:
                return service
        raise NotFound(f"Không có dịch vụ mã {code!r}.")

    def counter(self, counter_id: str) -> Counter:
        """Return the counter with this id or raise NotFound."""
        for counter in self.counters:
            if counter.id == counter_id:
                return counter
        raise NotFound(f"Không có quầy {counter_id!r}.")

    def priority(self, category_id: str) -> PriorityCategory:
        """Return the priority category with this id or raise NotFound."""
        for category in self.priorities:
            if category.id == category_id:
                return category
        raise NotFound(f"Không có đối tượng ưu tiên {category_id!r}.")

    def counters_in_zone(self, zone_id: str) -> tuple[Counter, ...]:
        """Return the counters shown on a zone's board, in configured order."""
        return tuple(c for c in self.counters if c.zone == zone_id)

    def counters_serving(self, service_code: str) -> tuple[Counter, ...]:
        """Return the counters that serve a service."""
        return tuple(c for c in self.counters if service_code in c.services)
