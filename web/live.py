"""The live hub: retained lines and queues, recent ticket events, and the pages watching them.

It lives on the web server's event loop. Messages from the broker are decoded on the MQTT
thread and handed over with `call_soon_threadsafe`; each change is pushed only to the pages of
the numbers it touches (a lines snapshot to the waiting pages of its site).
"""

from __future__ import annotations

import asyncio
from collections import OrderedDict
from dataclasses import dataclass, field

from shared.messaging.states import LinesState, QueuesState, TicketEventMessage
from web.views import SiteLines, TicketView, current_view, site_lines

# Events and status replies remembered per ticket (a day of a large centre, several times).
MAX_EVENTS = 200_000
MAX_SEEDS = 50_000
# Views waiting to be sent to one page; a page that cannot keep up loses the oldest.
QUEUE_SIZE = 16


@dataclass(eq=False)
class Watcher:
    """One open page: the ticket it follows and the views waiting to be sent to it."""

    site: str
    number: str
    queue: asyncio.Queue[TicketView] = field(
        default_factory=lambda: asyncio.Queue(maxsize=QUEUE_SIZE)
    )
    last: TicketView | None = None

    def offer(self, view: TicketView) -> None:
        """Queue a view unless it is the one last queued (the oldest goes when full)."""
        if view == self.last:
            return
        self.last = view
        if self.queue.full():
            self.queue.get_nowait()
        self.queue.put_nowait(view)


class LiveHub:
    """What the broker said lately, and who is watching which ticket."""

    def __init__(self) -> None:
        self.lines: dict[str, SiteLines] = {}
        self.names: dict[str, dict[str, str]] = {}
        self.events: OrderedDict[tuple[str, str], TicketEventMessage] = OrderedDict()
        self.seeds: OrderedDict[tuple[str, str], TicketView] = OrderedDict()
        self._watchers: dict[str, dict[str, set[Watcher]]] = {}

    # From the broker ------------------------------------------------------------------------

    def apply_lines(self, site: str, state: LinesState) -> None:
        """Take a new lines snapshot and tell every page of the site that waits."""
        known = self.lines.get(site)
        if known is not None and state.updated_at < known.updated_at:
            return  # an older snapshot arriving late (several servers, a bridge)
        self.lines[site] = site_lines(state)
        for number, watchers in self._watchers.get(site, {}).items():
            self._push(site, number, watchers)

    def apply_queues(self, site: str, state: QueuesState) -> None:
        """Remember the services' names (a transferred ticket's page names its new service)."""
        self.names[site] = {s.service: s.name for s in state.services}

    def apply_event(self, site: str, event: TicketEventMessage) -> None:
        """Remember a ticket's last event and tell the pages of that number."""
        key = (site, event.number)
        known = self.events.get(key)
        if known is not None and event.at < known.at:
            return
        self.events[key] = event
        self.events.move_to_end(key)
        while len(self.events) > MAX_EVENTS:
            self.events.popitem(last=False)
        watchers = self._watchers.get(site, {}).get(event.number)
        if watchers:
            self._push(site, event.number, watchers)

    # From the pages -------------------------------------------------------------------------

    def seed(self, site: str, view: TicketView) -> None:
        """Remember what a status reply said of a ticket (used while nothing newer is known)."""
        key = (site, view.number)
        self.seeds[key] = view
        self.seeds.move_to_end(key)
        while len(self.seeds) > MAX_SEEDS:
            self.seeds.popitem(last=False)

    def view(self, site: str, number: str) -> TicketView | None:
        """Where a ticket stands as far as this instance knows; None when it knows nothing."""
        return current_view(
            number,
            self.lines.get(site),
            self.events.get((site, number)),
            self.seeds.get((site, number)),
        )

    def knows_site(self, site: str) -> bool:
        """Whether this site's server has published its lines (it exists on this broker)."""
        return site in self.lines

    def service_name(self, site: str, service: str) -> str:
        """A service's name as the site's queues state gives it (else its code)."""
        return self.names.get(site, {}).get(service, service)

    def watch(self, site: str, number: str) -> Watcher:
        """Start following a ticket; its current view, if known, is queued at once."""
        watcher = Watcher(site, number)
        self._watchers.setdefault(site, {}).setdefault(number, set()).add(watcher)
        view = self.view(site, number)
        if view is not None:
            watcher.offer(view)
        return watcher

    def unwatch(self, watcher: Watcher) -> None:
        """Stop following (the page went away)."""
        numbers = self._watchers.get(watcher.site, {})
        watchers = numbers.get(watcher.number)
        if watchers is None:
            return
        watchers.discard(watcher)
        if not watchers:
            del numbers[watcher.number]
        if not numbers:
            self._watchers.pop(watcher.site, None)

    def watching(self) -> int:
        """How many pages are open."""
        return sum(len(w) for numbers in self._watchers.values() for w in numbers.values())

    def _push(self, site: str, number: str, watchers: set[Watcher]) -> None:
        view = self.view(site, number)
        if view is None:
            return
        for watcher in watchers:
            watcher.offer(view)
