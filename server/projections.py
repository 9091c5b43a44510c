"""Builds the published views (ticket info, boards, counter states, queues) from storage."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime

from server.service_times import ServiceTimes
from shared.domain.availability import unavailable_reason
from shared.domain.codes import ticket_qr
from shared.domain.counter_actions import allowed_actions
from shared.domain.counters import CounterState, CounterStatus
from shared.domain.estimate import (
    CounterLoad,
    TurnModel,
    Waiting,
    ahead_in_line,
    ahead_of_new,
    not_before_seconds,
    places_in_line,
    wait_minutes,
    wait_seconds,
)
from shared.domain.policy import QueueEntry
from shared.domain.site import Counter, Service, Site
from shared.domain.tickets import Ticket, TicketState
from shared.messaging.replies import TicketInfo
from shared.messaging.states import (
    BoardCall,
    BoardCounter,
    BoardState,
    CounterStateMessage,
    LinesState,
    QueuesState,
    ServiceLine,
    ServiceWaiting,
)
from shared.storage.repository import QueueRepository


def counter_loads(site: Site, states: dict[str, CounterState]) -> list[CounterLoad]:
    """Describe every counter for the estimate: its services, open or not, busy or idle."""
    loads = []
    for counter in site.counters:
        state = states.get(counter.id, CounterState(counter.id))
        loads.append(
            CounterLoad(
                counter.services,
                state.status is CounterStatus.OPEN,
                state.current_ticket_id is not None,
            )
        )
    return loads


class WaitPicture:
    """The hall as the estimates see it at one moment: counters, queues, typical durations.

    Built once per publication (or per reply that needs it) and asked for every service.
    """

    def __init__(self, site: Site, repo: QueueRepository, times: ServiceTimes, day: date) -> None:
        self.summary = repo.waiting_summary(day)
        self.issued = repo.issued_counts(day)
        self.states = repo.counter_states()
        self.typical = {
            s.code: times.typical(s.code, s.default_service_seconds, repo.recent_service_seconds)
            for s in site.services
        }
        loads = counter_loads(site, self.states)
        self.model = TurnModel(loads, _waiting(self.summary), self.typical, self.issued)
        self._open: dict[str, int] = {}
        for counter, load in zip(site.counters, loads, strict=True):
            if load.open:
                for code in counter.services:
                    self._open[code] = self._open.get(code, 0) + 1

    def open_counters(self, service_code: str) -> int:
        """How many counters serving the service are open (not paused)."""
        return self._open.get(service_code, 0)

    def wait(self, service: Service, ahead: int) -> float:
        """Seconds until someone with `ahead` people before them is called (docs/estimates.md)."""
        return wait_seconds(ahead, self.model.turns(service.code), self.typical[service.code])


def wait_picture(site: Site, repo: QueueRepository, times: ServiceTimes, day: date) -> WaitPicture:
    """The hall's picture for the estimates, built again only when the queue or durations moved."""
    picture = repo.derived(
        ("wait", day, times.changes), lambda: WaitPicture(site, repo, times, day)
    )
    assert isinstance(picture, WaitPicture)
    return picture


def _waiting(summary: dict[str, tuple[int, int, datetime]]) -> dict[str, Waiting]:
    return {
        code: Waiting(count - priority, priority) for code, (count, priority, _) in summary.items()
    }


def ticket_info(
    site: Site,
    repo: QueueRepository,
    times: ServiceTimes,
    ticket: Ticket,
    at: datetime,
    qr: str | None = None,
) -> TicketInfo:
    """Describe a ticket for replies: where it stands and, while waiting, how long to go.

    `qr`: the text of its QR code (the page's link), else the kiosks' own code.
    """
    service = site.service(ticket.service_code)
    ahead = 0
    wait = 0.0
    if ticket.state is TicketState.WAITING:
        waiting = repo.waiting_entries(ticket.service_day, [service.code])
        entry = next((e for e in waiting if e.ticket_id == ticket.id), None)
        if entry is not None:
            margin = site.rules.appointment_margin
            ahead = ahead_in_line(entry, waiting, site.rules.priority_ratio, at, margin)
            wait = wait_picture(site, repo, times, ticket.service_day).wait(service, ahead)
            wait = max(wait, not_before_seconds(entry, at, margin))
    counter = site.counter(ticket.counter_id) if ticket.counter_id else None
    return TicketInfo(
        number=ticket.number,
        service=service.code,
        service_name=service.name,
        priority=ticket.priority,
        state=ticket.state.value,
        counter=counter.id if counter else None,
        counter_label=counter.label if counter else None,
        issued_at=ticket.issued_at,
        service_day=ticket.service_day.isoformat(),
        people_ahead=ahead,
        estimated_wait_minutes=wait_minutes(wait),
        counters=[c.label for c in site.counters_serving(service.code)],
        qr=qr or ticket_qr(site.id, ticket.service_day, ticket.number),
        recall_count=ticket.recall_count,
        appointment_at=ticket.appointment_at,
    )


def board(site: Site, repo: QueueRepository, zone_id: str, day: date, at: datetime) -> BoardState:
    """Build a zone's board: each counter's current number and the latest calls."""
    zone = next(z for z in site.zones if z.id == zone_id)
    counters = site.counters_in_zone(zone_id)
    states = repo.counter_states()
    current_ids = [
        s.current_ticket_id
        for c in counters
        if (s := states.get(c.id)) is not None and s.current_ticket_id is not None
    ]
    numbers = repo.numbers_by_id(current_ids)
    booked = _appointments(repo, day, numbers.values())
    lines = []
    for counter in counters:
        state = states.get(counter.id, CounterState(counter.id))
        number = numbers.get(state.current_ticket_id) if state.current_ticket_id else None
        lines.append(
            BoardCounter(
                counter=counter.id,
                label=counter.label,
                number=number,
                status=state.status.value,
                appointment=number in booked,
            )
        )
    labels = {c.id: c.label for c in counters}
    calls: list[tuple[str, str, datetime]] = []
    seen: set[str] = set()
    for number, counter_id, at_time in repo.recent_calls(
        day, [c.id for c in counters], site.rules.recent_calls * 3
    ):
        if number not in seen and len(calls) < site.rules.recent_calls:
            seen.add(number)  # a recall refreshes the call, it does not add a line
            calls.append((number, counter_id, at_time))
    booked |= _appointments(repo, day, (number for number, _, _ in calls))
    return BoardState(
        zone=zone.id,
        zone_name=zone.name,
        site_name=site.name,
        counters=lines,
        recent_calls=[
            BoardCall(number=n, counter=c, label=labels[c], at=t, appointment=n in booked)
            for n, c, t in calls
        ],
        updated_at=at,
    )


def _appointments(repo: QueueRepository, day: date, numbers: Iterable[str]) -> set[str]:
    """The numbers, among these, of appointments checked in in time (for the board's mark)."""
    found = set()
    for number in numbers:
        ticket = repo.find_ticket(day, number)
        if ticket is not None and ticket.appointment_at is not None:
            found.add(number)
    return found


def counter_message(
    site: Site,
    repo: QueueRepository,
    times: ServiceTimes,
    counter: Counter,
    day: date,
    at: datetime,
    officer_accounts: bool = True,
) -> CounterStateMessage:
    """Build a counter's retained state for its console and supervisors.

    `officer_accounts`: whether the site has officer accounts (a closed counter then opens only
    through a login), which decides whether `open_counter` is among the actions allowed now.
    """
    state = repo.counter_state(counter.id)
    current, carded = None, False
    if state.current_ticket_id is not None:
        current = ticket_info(site, repo, times, repo.get_ticket(state.current_ticket_id), at)
        carded = repo.has_card(state.current_ticket_id)
    served = repo.served_count(day, counter.id)
    total = repo.counter_service_seconds(day, counter.id)
    held = repo.held_numbers(day, counter.id)
    actions = allowed_actions(
        state.status,
        current.state if current is not None else None,
        held=bool(held),
        officer_accounts=officer_accounts,
    )
    return CounterStateMessage(
        counter=counter.id,
        label=counter.label,
        status=state.status,
        officer_id=state.officer_id,
        pause_reason=state.pause_reason,
        current=current,
        current_card=carded,
        held=held,
        actions=actions,
        served_today=served,
        average_service_seconds=int(total / served) if served else 0,
        updated_at=at,
    )


def lines(
    site: Site, repo: QueueRepository, times: ServiceTimes, day: date, at: datetime
) -> LinesState:
    """Build every waiting ticket's place and estimate, service by service."""
    picture = wait_picture(site, repo, times, day)
    waiting = repo.waiting_entries(day)
    by_service: dict[str, list[QueueEntry]] = {}
    for entry in waiting:
        by_service.setdefault(entry.service_code, []).append(entry)
    entries = {entry.ticket_id: entry for entry in waiting}
    margin = site.rules.appointment_margin
    services = []
    for service in site.services:
        line = by_service.get(service.code, [])
        places = places_in_line(line, site.rules.priority_ratio, at, margin)
        services.append(
            ServiceLine(
                service=service.code,
                places=[
                    (
                        entries[ticket].number,
                        ahead,
                        wait_minutes(
                            max(
                                picture.wait(service, ahead),
                                not_before_seconds(entries[ticket], at, margin),
                            )
                        ),
                    )
                    for ticket, ahead in places
                ],
            )
        )
    return LinesState(services=services, updated_at=at)


def queues(
    site: Site, repo: QueueRepository, times: ServiceTimes, day: date, at: datetime
) -> QueuesState:
    """Build the waiting figures and availability of every service."""
    picture = wait_picture(site, repo, times, day)
    summary, issued = picture.summary, picture.issued
    booked = _booked_waiting(repo, day)
    services = []
    for service in site.services:
        count, priority_count, oldest = summary.get(service.code, (0, 0, None))
        staffed = picture.open_counters(service.code)
        ahead = ahead_of_new(count - priority_count, priority_count, site.rules.priority_ratio)
        wait = picture.wait(service, ahead)
        reason = unavailable_reason(service, at, site.rules.timezone, issued.get(service.code, 0))
        services.append(
            ServiceWaiting(
                service=service.code,
                name=service.name,
                waiting=count,
                priority_waiting=priority_count,
                oldest_wait_seconds=int((at - oldest).total_seconds()) if oldest else 0,
                open_counters=staffed,
                estimated_wait_minutes=wait_minutes(wait),
                available=reason is None,
                reason=reason or "",
                appointments_waiting=len(booked.get(service.code, [])),
                next_appointment_at=min(booked.get(service.code, []), default=None),
            )
        )
    return QueuesState(services=services, updated_at=at)


def _booked_waiting(repo: QueueRepository, day: date) -> dict[str, list[datetime]]:
    """Per service, the slots of the appointments checked in and waiting."""
    booked: dict[str, list[datetime]] = {}
    for entry in repo.waiting_entries(day):
        if entry.appointment_at is not None:
            booked.setdefault(entry.service_code, []).append(entry.appointment_at)
    return booked
