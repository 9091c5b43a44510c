"""Events and retained state snapshots the server publishes; none carries personal data."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from shared.domain.counter_actions import CounterAction
from shared.domain.counters import CounterStatus
from shared.domain.dossiers import DossierEventKind, DossierStatus, Timeliness
from shared.domain.tickets import TicketEventKind
from shared.messaging.dossier_views import LateDossier
from shared.messaging.replies import TicketInfo


class _Message(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    v: Literal[1] = 1


class TicketEventMessage(_Message):
    """Something happened to a ticket (issued, called, recalled, finished, …)."""

    type: Literal["ticket_event"] = "ticket_event"
    kind: TicketEventKind
    number: str
    service: str
    counter: str | None = None
    counter_label: str | None = None
    zone: str | None = None
    at: datetime


class BoardCounter(_Message):
    """One counter's line on a board."""

    counter: str
    label: str
    number: str | None = None
    status: CounterStatus = CounterStatus.CLOSED
    appointment: bool = Field(False, description="The number is an appointment's.")


class BoardCall(_Message):
    """One recent call on a board."""

    number: str
    counter: str
    label: str
    at: datetime
    appointment: bool = Field(False, description="The number is an appointment's.")


class BoardState(_Message):
    """What a zone's hall display shows: numbers being served and the last calls."""

    type: Literal["board"] = "board"
    zone: str
    zone_name: str
    site_name: str
    counters: list[BoardCounter]
    recent_calls: list[BoardCall]
    updated_at: datetime


class ServiceWaiting(_Message):
    """Waiting figures of one service."""

    service: str
    name: str
    waiting: int
    priority_waiting: int = 0
    oldest_wait_seconds: int = 0
    open_counters: int = 0
    estimated_wait_minutes: int = 0
    available: bool = True
    reason: str = ""
    appointments_waiting: int = Field(
        0, description="Appointments checked in and waiting for their time (among `waiting`)."
    )
    next_appointment_at: datetime | None = Field(
        None, description="Slot of the earliest appointment waiting, if any."
    )


class QueuesState(_Message):
    """Waiting figures of every service."""

    type: Literal["queues"] = "queues"
    services: list[ServiceWaiting]
    updated_at: datetime


class ServiceLine(_Message):
    """The waiting tickets of one service in calling order."""

    service: str
    places: list[tuple[str, int, int]] = Field(
        default_factory=list,
        description="[number, people ahead, estimated wait in minutes] of each waiting ticket, "
        "first called first.",
    )


class LinesState(_Message):
    """Where every waiting ticket stands: for the citizen's live page (ticket numbers only)."""

    type: Literal["lines"] = "lines"
    services: list[ServiceLine]
    updated_at: datetime


class CounterStateMessage(_Message):
    """A counter's state for its console and supervisors."""

    type: Literal["counter_state"] = "counter_state"
    counter: str
    label: str
    status: CounterStatus
    officer_id: str | None = None
    pause_reason: str = ""
    current: TicketInfo | None = None
    current_card: bool = Field(
        False,
        description="The current citizen shared their ID card's details at the kiosk: the "
        "console fetches them with ticket_citizen (they never travel on a state topic).",
    )
    held: list[str] = Field(default_factory=list, description="Numbers on hold at this counter.")
    actions: list[CounterAction] = Field(
        default_factory=list,
        description=(
            "The counter commands the server accepts now (open_counter is listed while open: "
            "re-opening changes nothing). A command can still be refused for what it names, "
            "and call_next with nobody at the counter when nobody waits. Empty from a server "
            "too old to fill it."
        ),
    )
    waiting: list[ServiceWaiting] = Field(default_factory=list)
    served_today: int = 0
    average_service_seconds: int = 0
    updated_at: datetime


class DeviceStatus(_Message):
    """A process's or device's presence and health (retained; the last will says offline)."""

    type: Literal["status"] = "status"
    client_id: str
    role: str
    state: Literal["online", "offline"]
    detail: dict[str, Any] = Field(default_factory=dict)
    at: datetime | None = None


class DossierEventMessage(_Message):
    """A dossier changed (received, handed over, done, late notice…); no personal data."""

    type: Literal["dossier_event"] = "dossier_event"
    kind: DossierEventKind
    code: str
    status: DossierStatus
    department: str
    timeliness: Timeliness
    at: datetime


class LateDossiersState(_Message):
    """Retained: open dossiers due within one working day or overdue, for consoles."""

    type: Literal["late_dossiers"] = "late_dossiers"
    dossiers: list[LateDossier] = Field(default_factory=list)
    at: datetime


class LoginLock(_Message):
    """Failed logins of one officer id or one device, and until when logins there must wait."""

    scope: Literal["officer", "device"]
    subject: str = Field(description="The officer id typed, or the device id.")
    failures: int = Field(description="Failed logins in a row (a success resets them).")
    last_failed_at: datetime
    locked_until: datetime | None = Field(None, description="Null once the wait is over.")


class LoginLocksState(_Message):
    """Retained, for supervisors: who is failing to log in and who must wait (no PINs)."""

    type: Literal["login_locks"] = "login_locks"
    locks: list[LoginLock] = Field(default_factory=list)
    at: datetime
