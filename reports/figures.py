"""The figures of a report: plain frozen dataclasses filled from SQL aggregates."""

from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import date, datetime
from enum import StrEnum


class Dimension(StrEnum):
    """What waiting and service times are grouped by."""

    SERVICE = "service"
    COUNTER = "counter"
    OFFICER = "officer"
    HOUR = "hour"
    PRIORITY = "priority"


@dataclass(frozen=True)
class TimeStats:
    """Count, mean, median and 90th percentile of durations in seconds (None without data)."""

    count: int = 0
    mean: float | None = None
    median: float | None = None
    p90: float | None = None


@dataclass(frozen=True)
class TimeRow:
    """Time statistics of one group: a service, a counter, an officer, an hour or a priority."""

    key: str
    label: str
    stats: TimeStats


@dataclass(frozen=True)
class TicketCounts:
    """How many tickets were issued, served, missed, transferred, prioritised, voided, open."""

    issued: int = 0
    served: int = 0
    no_show: int = 0
    transferred: int = 0
    priority: int = 0
    voided: int = 0
    open: int = 0

    def plus(self, other: TicketCounts) -> TicketCounts:
        """Return the field-by-field sum of two counts."""
        return TicketCounts(*(getattr(self, f.name) + getattr(other, f.name) for f in fields(self)))


@dataclass(frozen=True)
class TicketCountRow:
    """Ticket counts of one service."""

    key: str
    label: str
    counts: TicketCounts


@dataclass(frozen=True)
class HeatCell:
    """Tickets issued in one local hour of one weekday (0 = Monday), and their mean wait."""

    weekday: int
    hour: int
    tickets: int
    mean_wait: float | None


@dataclass(frozen=True)
class DayCount:
    """Tickets issued and served, and dossiers received, on one local day."""

    day: date
    tickets_issued: int = 0
    tickets_served: int = 0
    dossiers_received: int = 0


@dataclass(frozen=True)
class CapReached:
    """A day a service handed out every number its daily cap allows."""

    day: date
    service: str
    label: str
    cap: int
    issued: int


@dataclass(frozen=True)
class QueueFigures:
    """Everything about the queue in the period."""

    totals: TicketCounts
    by_service: tuple[TicketCountRow, ...]
    waiting: TimeStats
    service: TimeStats
    waiting_by: dict[Dimension, tuple[TimeRow, ...]]
    service_by: dict[Dimension, tuple[TimeRow, ...]]
    heat: tuple[HeatCell, ...]
    caps: tuple[CapReached, ...]


@dataclass(frozen=True)
class DossierCounts:
    """Dossier figures of a group; `progress_percent` and the rest follow QĐ 766/QĐ-TTg."""

    received: int = 0
    in_person: int = 0
    online: int = 0
    post: int = 0
    finished: int = 0
    early: int = 0
    on_time: int = 0
    late: int = 0
    in_progress: int = 0
    within: int = 0
    overdue: int = 0
    paused: int = 0
    supplements: int = 0
    refusals: int = 0
    apologies: int = 0

    def plus(self, other: DossierCounts) -> DossierCounts:
        """Return the field-by-field sum of two counts."""
        return DossierCounts(
            *(getattr(self, f.name) + getattr(other, f.name) for f in fields(self))
        )

    @property
    def progress_percent(self) -> float | None:
        """Return QĐ 766 progress: finished early or on time, in % of finished (None if none)."""
        if not self.finished:
            return None
        return 100.0 * (self.early + self.on_time) / self.finished

    @property
    def late_percent(self) -> float | None:
        """Return the late share of finished dossiers, in %."""
        return None if not self.finished else 100.0 * self.late / self.finished

    def satisfaction_766_percent(self, complaint_percent: float = 0.0) -> float | None:
        """Return QĐ 766 satisfaction: 100 % − (late % + complaint %), never below 0."""
        late = self.late_percent
        return None if late is None else max(0.0, 100.0 - (late + complaint_percent))


@dataclass(frozen=True)
class DossierRow:
    """Dossier counts of one department or one procedure."""

    key: str
    label: str
    department: str
    counts: DossierCounts


@dataclass(frozen=True)
class DossierFigures:
    """Everything about dossiers in the period."""

    totals: DossierCounts
    by_department: tuple[DossierRow, ...]
    by_procedure: tuple[DossierRow, ...]


@dataclass(frozen=True)
class RatingCounts:
    """Ratings of a group by level; 3-level and 5-level scales share the five level names."""

    very_unsatisfied: int = 0
    unsatisfied: int = 0
    neutral: int = 0
    satisfied: int = 0
    very_satisfied: int = 0

    def plus(self, other: RatingCounts) -> RatingCounts:
        """Return the field-by-field sum of two counts."""
        return RatingCounts(*(getattr(self, f.name) + getattr(other, f.name) for f in fields(self)))

    @property
    def total(self) -> int:
        """Return the number of ratings."""
        return sum(getattr(self, f.name) for f in fields(self))

    @property
    def satisfied_percent(self) -> float | None:
        """Return 'satisfied' or 'very satisfied' in % of all ratings (None without ratings)."""
        total = self.total
        return None if not total else 100.0 * (self.satisfied + self.very_satisfied) / total


@dataclass(frozen=True)
class RatingRow:
    """Ratings of one counter, officer or service."""

    key: str
    label: str
    counts: RatingCounts


@dataclass(frozen=True)
class SatisfactionFigures:
    """Citizens' ratings in the period."""

    totals: RatingCounts
    lowest: int
    by_counter: tuple[RatingRow, ...]
    by_officer: tuple[RatingRow, ...]
    by_service: tuple[RatingRow, ...]


@dataclass(frozen=True)
class Report:
    """A whole report: who it is about, the period, and every figure."""

    site_id: str
    site_name: str
    department: str | None
    department_name: str | None
    first_day: date
    last_day: date
    timezone: str
    generated_at: datetime
    queue: QueueFigures
    dossiers: DossierFigures
    satisfaction: SatisfactionFigures
    days: tuple[DayCount, ...]
