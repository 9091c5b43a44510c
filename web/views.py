"""Where a ticket stands, worked out from retained lines, ticket events and one status reply.

Pure functions: the live hub feeds them what it cached from the broker; nothing here does I/O.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from shared.domain.tickets import TicketEventKind, TicketState
from shared.messaging.replies import TicketInfo
from shared.messaging.states import LinesState, TicketEventMessage


class Stage(StrEnum):
    """What the citizen's page says about the ticket."""

    WAITING = "waiting"
    CALLED = "called"
    SERVING = "serving"
    ON_HOLD = "on_hold"
    DONE = "done"
    NO_SHOW = "no_show"
    ENDED = "ended"


# Events after which the ticket waits in a line again: the lines state says where.
WAITING_EVENTS = frozenset({TicketEventKind.ISSUED, TicketEventKind.TRANSFERRED})
_EVENT_STAGES: dict[TicketEventKind, Stage] = {
    TicketEventKind.CALLED: Stage.CALLED,
    TicketEventKind.RECALLED: Stage.CALLED,
    TicketEventKind.SERVING: Stage.SERVING,
    TicketEventKind.RESUMED: Stage.SERVING,
    TicketEventKind.HELD: Stage.ON_HOLD,
    TicketEventKind.FINISHED: Stage.DONE,
    TicketEventKind.NO_SHOW: Stage.NO_SHOW,
    TicketEventKind.EXPIRED: Stage.ENDED,
    TicketEventKind.VOIDED: Stage.ENDED,
}
_STATE_STAGES: dict[TicketState, Stage] = {
    TicketState.WAITING: Stage.WAITING,
    TicketState.CALLED: Stage.CALLED,
    TicketState.SERVING: Stage.SERVING,
    TicketState.ON_HOLD: Stage.ON_HOLD,
    TicketState.DONE: Stage.DONE,
    TicketState.NO_SHOW: Stage.NO_SHOW,
    TicketState.VOIDED: Stage.ENDED,
}


@dataclass(frozen=True)
class Place:
    """A waiting ticket's place: its service, people ahead, estimated minutes."""

    service: str
    ahead: int
    wait_minutes: int


@dataclass(frozen=True)
class SiteLines:
    """A site's waiting tickets by number, as of one `state/lines` snapshot."""

    updated_at: datetime
    places: dict[str, Place]


@dataclass(frozen=True)
class TicketView:
    """One ticket as its page shows it; `call` names the call (a new one rings the phone)."""

    number: str
    stage: Stage
    service: str
    ahead: int | None = None
    wait_minutes: int | None = None
    counter_label: str | None = None
    call: str | None = None


def site_lines(state: LinesState) -> SiteLines:
    """Index a lines snapshot by ticket number."""
    places = {
        number: Place(line.service, ahead, wait)
        for line in state.services
        for number, ahead, wait in line.places
    }
    return SiteLines(state.updated_at, places)


def call_key(event: TicketEventMessage) -> str:
    """Name one call or recall (the page rings once per name)."""
    return f"{event.kind}@{event.at.isoformat()}"


def from_event(event: TicketEventMessage) -> TicketView | None:
    """The view an event gives, or None for an event after which the ticket waits again."""
    stage = _EVENT_STAGES.get(event.kind)
    if stage is None:
        return None
    calling = event.kind in (TicketEventKind.CALLED, TicketEventKind.RECALLED)
    return TicketView(
        event.number,
        stage,
        event.service,
        counter_label=event.counter_label,
        call=call_key(event) if calling else None,
    )


def from_info(info: TicketInfo) -> TicketView:
    """The view a `ticket_status` reply gives."""
    stage = _STATE_STAGES[info.state]
    waiting = stage is Stage.WAITING
    return TicketView(
        info.number,
        stage,
        info.service,
        ahead=info.people_ahead if waiting else None,
        wait_minutes=info.estimated_wait_minutes if waiting else None,
        counter_label=None if waiting else info.counter_label,
    )


def current_view(
    number: str,
    lines: SiteLines | None,
    event: TicketEventMessage | None,
    seed: TicketView | None,
) -> TicketView | None:
    """Where the ticket stands now, from what is known of it; None when nothing is.

    The newest of the last event and the lines snapshot wins (an event published just before
    its lines snapshot wins a tie); a status reply fills in what neither says.
    """
    place = lines.places.get(number) if lines is not None else None
    newest = lines is None or (event is not None and event.at >= lines.updated_at)
    if event is not None and event.kind not in WAITING_EVENTS and (place is None or newest):
        return from_event(event)
    if place is not None:
        return TicketView(number, Stage.WAITING, place.service, place.ahead, place.wait_minutes)
    if event is not None and lines is not None and event.at > lines.updated_at:
        # Issued or transferred, and its lines snapshot is on the way.
        return TicketView(number, Stage.WAITING, event.service)
    return seed
