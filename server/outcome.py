"""What applying a command produced: the reply's result and what must be published."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from shared.domain.tickets import TicketEvent
from shared.storage.outbox import OutboxEntry


@dataclass(frozen=True)
class DossierEvent:
    """A dossier changed: what happened, its status and timeliness (no personal data)."""

    kind: str
    code: str
    status: int
    department: str
    timeliness: str
    at: datetime


@dataclass
class Outcome:
    """The result of one command: reply data, domain events, and the state to republish."""

    result: dict[str, Any] = field(default_factory=dict)
    events: list[TicketEvent] = field(default_factory=list)
    counters: set[str] = field(default_factory=set)
    zones: set[str] = field(default_factory=set)
    queues: bool = False
    officer_id: str | None = None
    dossier_events: list[DossierEvent] = field(default_factory=list)
    late_dossiers: bool = False
    logins: bool = False
    # Outbox entries for the provincial index written with this change (sent after the commit).
    index_entries: list[OutboxEntry] = field(default_factory=list)
    # Acknowledgements came back (or a resend tick): send more pending entries after the commit.
    index_pump: bool = False

    def merge(self, other: Outcome) -> None:
        """Add another outcome's events and publications to this one."""
        self.events.extend(other.events)
        self.counters |= other.counters
        self.zones |= other.zones
        self.queues = self.queues or other.queues
        self.dossier_events.extend(other.dossier_events)
        self.late_dossiers = self.late_dossiers or other.late_dossiers or bool(other.dossier_events)
        self.logins = self.logins or other.logins
        self.index_entries.extend(other.index_entries)
        self.index_pump = self.index_pump or other.index_pump
