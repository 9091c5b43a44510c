"""What a report covers: the site, the local days, an optional department, and the names."""

from __future__ import annotations

from dataclasses import dataclass, field

from reports.local_time import LocalClock, ReportPeriod
from shared.config.site import SiteConfig


@dataclass(frozen=True)
class Names:
    """Vietnamese names of services, counters, departments and officers, by id."""

    services: dict[str, str] = field(default_factory=dict)
    counters: dict[str, str] = field(default_factory=dict)
    departments: dict[str, str] = field(default_factory=dict)
    officers: dict[str, str] = field(default_factory=dict)
    service_department: dict[str, str] = field(default_factory=dict)
    caps: dict[str, int] = field(default_factory=dict)
    priorities: dict[str, str] = field(default_factory=dict)

    @classmethod
    def from_config(cls, config: SiteConfig) -> Names:
        """Take the names and daily caps from a site file."""
        return cls(
            services={s.code: s.name for s in config.services},
            counters={c.id: c.name or f"Quầy {c.label}" for c in config.counters},
            departments={d.id: d.name for d in config.departments},
            service_department={s.code: s.department for s in config.services},
            caps={s.code: s.daily_cap for s in config.services if s.daily_cap},
            priorities={p.id: p.name for p in config.priorities},
        )

    def service(self, code: str | None) -> str:
        """Return a service's name, or its code when unknown."""
        return self.services.get(code or "", code or "(không rõ)")

    def counter(self, counter_id: str | None) -> str:
        """Return a counter's name, or 'Quầy <id>' when unknown."""
        if not counter_id:
            return "(không rõ)"
        return self.counters.get(counter_id, f"Quầy {counter_id}")

    def department(self, department_id: str | None) -> str:
        """Return a department's name, or its id when unknown."""
        return self.departments.get(department_id or "", department_id or "(không rõ)")

    def priority(self, category: str | None) -> str:
        """Return a priority category's name; no category means an ordinary ticket."""
        if not category:
            return "Không ưu tiên"
        return self.priorities.get(category, category)

    def officer(self, officer_id: str | None) -> str:
        """Return an officer's name with the id, or the id alone when unknown."""
        if not officer_id:
            return "(không ghi nhận)"
        name = self.officers.get(officer_id)
        return f"{name} ({officer_id})" if name else officer_id


@dataclass(frozen=True)
class Scope:
    """The site, period and department a report's queries are restricted to."""

    site_id: str
    period: ReportPeriod
    clock: LocalClock
    department: str | None = None
    department_services: tuple[str, ...] = ()
