"""The queue's messages to a ticket taken from a phone: "N people ahead of you", "your turn".

Only tickets that came from a booking with a phone (a same-day remote ticket, a checked-in
appointment) get them; walk-in tickets have no phone. Which tickets those are is kept in memory
(`Day.phoned`, like `Day.carded`), so a queue command on any other ticket costs nothing more;
the phone itself is read from the booking only when a message is queued.

* "turn": queued when such a ticket is called (call_next, call_number) or recalled, with the
  call's batch (`repo.after_write`, in the same transaction as the call): one message per call.
* "ahead": decided where every waiting ticket's place is already worked out, the `state/lines`
  publication (at most twice a second): a phoned ticket not yet told, with `[notify]
  ahead_people` or fewer ahead (an appointment once its time has come), gets one message, in a
  short transaction of its own. The outbox's dedupe key per ticket keeps it to one across
  restarts.

Nothing is queued without `[notify] enabled`, or when no gateway serves the kind's channels.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime

from sqlalchemy.orm import Session, sessionmaker

from server.booking_messages import TicketAhead, TicketCall, queue_ahead, queue_turn
from server.day import Day
from server.day_repository import has_phone
from shared.config.notify import NotifyConfig
from shared.domain.site import Site
from shared.domain.tickets import PeriodKind, Ticket, TicketEvent, TicketEventKind
from shared.messaging.states import LinesState
from shared.storage.repository import QueueRepository

log = logging.getLogger(__name__)
CALL_EVENTS = frozenset({TicketEventKind.CALLED, TicketEventKind.RECALLED})


class QueueMessages:
    """Queues the "turn" and "ahead" messages of today's phoned tickets."""

    def __init__(self, site: Site, notify: Callable[[], NotifyConfig | None]) -> None:
        self.site = site
        # The site's `[notify]` (None when off), asked each time: the booking settings hold it.
        self.notify = notify

    def called(self, repo: QueueRepository, ticket: Ticket, event: TicketEvent) -> None:
        """Queue "your turn" with the call's batch when a phoned ticket was (re)called."""
        if event.kind not in CALL_EVENTS or ticket.id is None or not has_phone(repo, ticket.id):
            return
        notify = self.notify()
        if notify is None or event.counter_id is None:
            return
        call = TicketCall(
            site_id=self.site.id,
            service_day=ticket.service_day,
            number=ticket.number,
            counter_label=self.site.counter(event.counter_id).label,
            calls=sum(1 for p in ticket.periods if p.kind is PeriodKind.CALLED),
            at=event.at,
        )
        repo.after_write(lambda session: queue_turn(session, notify, call))

    def ahead(
        self, sessions: sessionmaker[Session], day: Day, lines: LinesState, at: datetime
    ) -> None:
        """Queue "N people ahead" for phoned tickets that just came near the front."""
        notify = self.notify()
        if notify is None or not day.phoned or len(day.told_ahead) >= len(day.phoned):
            return
        near = self._near(day, lines, notify.ahead_people, at)
        if not near:
            return
        tickets = [place for _, place in near]
        try:
            with sessions.begin() as session:
                queue_ahead(session, notify, self.site.id, day.service_day, tickets, at)
        except Exception:
            log.exception("could not queue the 'ahead' messages; tried again with the next places")
            return
        day.told_ahead.update(ticket_id for ticket_id, _ in near)

    def _near(
        self, day: Day, lines: LinesState, limit: int, at: datetime
    ) -> list[tuple[int, TicketAhead]]:
        """The phoned tickets not told yet with `limit` or fewer ahead (their line is sorted)."""
        margin = self.site.rules.appointment_margin
        near = []
        for line in lines.services:
            for number, ahead, _ in line.places:
                if ahead > limit:
                    break
                ticket_id = day.by_number.get(number)
                if ticket_id is None or ticket_id not in day.phoned or ticket_id in day.told_ahead:
                    continue
                entry = day.waiting.get(ticket_id)
                if entry is None or (
                    entry.appointment_at is not None and not entry.due(at, margin)
                ):
                    continue  # an appointment is called at its time, not by its place
                service = self.site.service(line.service)
                near.append((ticket_id, TicketAhead(number, ahead, service.name)))
        return near
