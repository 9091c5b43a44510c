"""The web service's side of the broker: retained state into the hub, commands to the server.

The web account sends `ticket_status` (with the link's token), `look_up_dossier` and the
booking commands (`booking_options`, `list_slots`, `request_booking`, `confirm_booking`,
`booking_status`, `cancel_booking`, `change_booking`); it reads `state/lines`, `state/queues`
and `evt/+` of the sites it serves. Commands are sent from worker threads (the bus's request
blocks), at most `in_flight` at a time.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections import OrderedDict
from collections.abc import Callable
from typing import NoReturn, TypeVar

from pydantic import ValidationError

from shared.config.web import EVERY_SITE
from shared.domain.codes import dossier_qr
from shared.domain.ticket_links import TicketLink
from shared.messaging.appointment_commands import BookingOptions, BookingStatus
from shared.messaging.appointment_views import BookingOptionsResult, BookingResult, BookingView
from shared.messaging.bus import Bus, Message
from shared.messaging.client import CommandClient, new_request_id
from shared.messaging.commands import Command, TicketStatus
from shared.messaging.dossier_commands import LookUpDossier
from shared.messaging.dossier_views import DossierPublic
from shared.messaging.registry import WEB_USER
from shared.messaging.replies import ErrorCode, Reply, TicketInfo
from shared.messaging.results import PublicDossierResult, TicketResult
from shared.messaging.states import LinesState, QueuesState, TicketEventMessage
from shared.messaging.topics import Topics
from web.live import LiveHub
from web.views import from_info

log = logging.getLogger("motcua.web")
# Tickets whose link token the server confirmed (a reconnecting page needs no new command),
# for half a day at most: a link of another day is checked again.
MAX_CONFIRMED = 100_000
CONFIRMED_SECONDS = 12 * 3600
_State = TypeVar("_State", LinesState, QueuesState, TicketEventMessage)
_NOT_FOUND = frozenset({ErrorCode.NOT_FOUND, ErrorCode.INVALID_MESSAGE, ErrorCode.INVALID_INPUT})
# Refusals of a booking command that the pages word for the citizen (anything else: "busy").
REFUSALS = frozenset(
    {
        *_NOT_FOUND,
        ErrorCode.INVALID_STATE,
        ErrorCode.SERVICE_UNAVAILABLE,
        ErrorCode.RATE_LIMITED,
        ErrorCode.WRONG_CODE,
        ErrorCode.CODE_EXPIRED,
        ErrorCode.SLOT_FULL,
    }
)
# A site's booking options are asked again after this long (the home page links to them).
OPTIONS_SECONDS = 30.0
# Which site answered for a booking code (a booking's link names no site).
MAX_BOOKING_SITES = 20_000


class Unavailable(Exception):
    """The queue server did not answer usefully (timeout, busy, database down)."""

    def __init__(self, retry_after: int = 30) -> None:
        super().__init__("the queue server did not answer")
        self.retry_after = retry_after


def site_of(topic: str) -> str:
    """The site segment of a motcua/v1/{site}/… topic."""
    return topic.split("/")[2]


class Gateway:
    """Feeds the live hub from the broker and asks the queue server on the pages' behalf."""

    def __init__(
        self,
        bus: Bus,
        hub: LiveHub,
        sites: list[str],
        lookup_site: str,
        in_flight: int = 16,
        timeout: float = 2.0,
    ) -> None:
        self.bus = bus
        self.hub = hub
        self.sites = sites
        self.lookup_site = lookup_site
        self.timeout = timeout
        self._slots = asyncio.Semaphore(in_flight)
        self._clients: dict[str, CommandClient] = {}
        self._confirmed: OrderedDict[TicketLink, float] = OrderedDict()
        self._options: dict[str, tuple[float, BookingOptionsResult]] = {}
        self._options_failed: dict[str, float] = {}
        self._booking_sites: OrderedDict[str, str] = OrderedDict()
        self._loop: asyncio.AbstractEventLoop | None = None

    @property
    def every_site(self) -> bool:
        """Whether this instance serves every site the broker carries."""
        return self.sites == [EVERY_SITE]

    def serves(self, site: str) -> bool:
        """Whether pages of this site are shown here (with `+`: once its server was heard)."""
        if self.every_site:
            return self.hub.knows_site(site)
        return site in self.sites

    def start(self, loop: asyncio.AbstractEventLoop) -> None:
        """Subscribe to the served sites' lines, queues and events (handed to `loop`)."""
        self._loop = loop
        for site in self.sites:
            topics = Topics(site)
            self.bus.subscribe(topics.lines(), self._handler(LinesState, self.hub.apply_lines))
            self.bus.subscribe(topics.queues(), self._handler(QueuesState, self.hub.apply_queues))
            self.bus.subscribe(
                topics.events(), self._handler(TicketEventMessage, self.hub.apply_event)
            )

    def _handler(
        self, model: type[_State], apply: Callable[[str, _State], None]
    ) -> Callable[[Message], None]:
        def handle(message: Message) -> None:
            loop = self._loop
            if loop is None or not message.payload:
                return
            try:
                decoded = model.model_validate_json(message.payload)
            except ValidationError:
                return  # another kind on evt/ (dossier events) or a newer version
            loop.call_soon_threadsafe(apply, site_of(message.topic), decoded)

        return handle

    async def ticket_status(self, link: TicketLink) -> TicketInfo | None:
        """Ask the server for a ticket with its link's token; None when it is not that ticket.

        The ticket must be of the link's day (a link of yesterday names nothing today).
        """
        command = TicketStatus(request_id=new_request_id(), number=link.number, token=link.token)
        reply = await self._send(link.site_id, command)
        if reply is None:
            return None
        info = reply.result_as(TicketResult).ticket
        if info.service_day != link.service_day.isoformat():
            return None
        self.confirm(link)
        self.hub.seed(link.site_id, from_info(info))
        return info

    def confirmed(self, link: TicketLink) -> bool:
        """Whether the server confirmed this link's token lately (here)."""
        at = self._confirmed.get(link)
        return at is not None and time.monotonic() - at < CONFIRMED_SECONDS

    def confirm(self, link: TicketLink) -> None:
        """Remember a link the server confirmed."""
        self._confirmed[link] = time.monotonic()
        self._confirmed.move_to_end(link)
        while len(self._confirmed) > MAX_CONFIRMED:
            self._confirmed.popitem(last=False)

    async def look_up(self, code: str, token: str) -> DossierPublic | None:
        """The public view of a dossier named by its slip's code and token; None if none."""
        command = LookUpDossier(request_id=new_request_id(), text=dossier_qr(code, token))
        reply = await self._send(self.lookup_site, command)
        if reply is None:
            return None
        try:
            return reply.result_as(PublicDossierResult).dossier
        except ValidationError:
            # More than the public view (or something else): never shown to the public.
            log.error("look_up_dossier answered with more than the public view; not shown")
            raise Unavailable() from None

    # Bookings ------------------------------------------------------------------------------

    async def ask(self, site: str, command: Command) -> Reply:
        """A booking command's reply: ok, or a refusal the pages word for the citizen.

        Raises Unavailable when the server did not answer usefully (timeout, database down,
        a refusal that is no fault of the citizen's).
        """
        reply = await self._request(site, command)
        error = reply.error
        if reply.ok or (error is not None and error.code in REFUSALS):
            return reply
        self._refused(site, command, reply)

    async def booking_options(self, site: str, quick: bool = False) -> BookingOptionsResult | None:
        """What a site offers for booking (cached a little); None when it cannot say.

        `quick`: None at once while the server did not answer lately (the home page does not
        wait for a server that is down).
        """
        now = time.monotonic()
        cached = self._options.get(site)
        if cached is not None and now - cached[0] < OPTIONS_SECONDS:
            return cached[1]
        if quick and now - self._options_failed.get(site, -OPTIONS_SECONDS) < OPTIONS_SECONDS:
            return None
        try:
            reply = await self.ask(site, BookingOptions(request_id=new_request_id()))
        except Unavailable:
            self._options_failed[site] = time.monotonic()
            raise
        if not reply.ok:
            return None
        options = reply.result_as(BookingOptionsResult)
        self._options[site] = (time.monotonic(), options)
        return options

    def booking_sites(self, code: str) -> list[str]:
        """The sites to ask about a booking code: the one that answered before, then the rest."""
        served = sorted(self.hub.lines) if self.every_site else list(self.sites)
        order = [self._booking_sites.get(code, ""), self.lookup_site, *served]
        return [s for i, s in enumerate(order) if s and s not in order[:i] and self.serves(s)]

    def booking_site(self, code: str, site: str) -> None:
        """Remember which site answered for a booking code."""
        self._booking_sites[code] = site
        self._booking_sites.move_to_end(code)
        while len(self._booking_sites) > MAX_BOOKING_SITES:
            self._booking_sites.popitem(last=False)

    async def booking_status(self, code: str, token: str) -> tuple[str, BookingView] | None:
        """The booking a link names and the site that holds it; None when no site knows it."""
        for site in self.booking_sites(code):
            command = BookingStatus(request_id=new_request_id(), code=code, token=token)
            reply = await self._request(site, command)
            if reply.ok:
                self.booking_site(code, site)
                return site, reply.result_as(BookingResult).booking
            error = reply.error
            if error is None or error.code not in (*_NOT_FOUND, ErrorCode.SERVICE_UNAVAILABLE):
                self._refused(site, command, reply)
        return None

    async def _request(self, site: str, command: Command) -> Reply:
        """Send a command to a site's server; its reply whatever it says."""
        client = self._clients.get(site)
        if client is None:
            client = self._clients[site] = CommandClient(self.bus, Topics(site), WEB_USER)
        async with self._slots:
            return await asyncio.to_thread(client.send, command, self.timeout, 2)

    def _refused(self, site: str, command: Command, reply: Reply) -> NoReturn:
        """Log a refusal that is no fault of the citizen's and raise Unavailable."""
        error = reply.error
        code = error.code.value if error else "?"
        log.warning("%s to %s refused: %s", type(command).__name__, site, code)
        retry = error.retry_after if error and error.retry_after else 30
        raise Unavailable(retry)

    async def _send(self, site: str, command: Command) -> Reply | None:
        reply = await self._request(site, command)
        if reply.ok:
            return reply
        error = reply.error
        if error is not None and error.code in _NOT_FOUND:
            return None
        self._refused(site, command, reply)
