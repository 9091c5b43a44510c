"""The citizen's pages as a Starlette application: tickets, dossiers, appointments.

A ticket's live page, a dossier's progress, and booking an appointment (web.bookings).

Nothing is kept here but caches of what the broker retains: several instances can serve the
same sites behind a load balancer.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

from jinja2 import Environment, FileSystemLoader
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response, StreamingResponse
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.types import Scope

from shared.domain.ticket_links import DossierLink, TicketLink, parse_link
from web.bookings import BookingPages
from web.dossier_page import dossier_page
from web.gateway import Gateway, Unavailable
from web.guard import Guard, GuardSettings
from web.limits import AddressLimiter, ProxyTrust
from web.live import LiveHub, Watcher
from web.views import TicketView, from_info
from web.wording import language, t, ticket_words

HERE = Path(__file__).parent
STATIC = HERE / "static"
# A comment line this often keeps proxies and phones from closing a quiet live page.
HEARTBEAT_SECONDS = 20.0
# How long a browser waits before reconnecting a dropped live page.
RETRY_MS = 3000
# A page whose ticket is gone does not come back (its script closes it; this is in case).
GONE_RETRY_MS = 3_600_000
STREAM_HEADERS = {"cache-control": "no-store", "x-accel-buffering": "no"}
# Slip links that found no dossier, per address: guessing tokens from one address stops here,
# before it costs the queue server a command.
DOSSIER_MISSES_PER_HOUR = 10
DOSSIER_MISS_BURST = 5
# Booking requests and one-time codes per address (a stricter bucket than the other pages'):
# 10 at once, then one every two minutes.
BOOKINGS_PER_HOUR = 30.0
BOOKING_BURST = 10


@dataclass(frozen=True)
class PageSettings:
    """What the pages need to know of the deployment."""

    public_url: str = ""
    site_names: dict[str, str] = field(default_factory=dict)
    service_names_en: dict[str, dict[str, str]] = field(default_factory=dict)
    timezone: str = "Asia/Ho_Chi_Minh"
    trusted_proxies: tuple[str, ...] = ("127.0.0.1", "::1")
    requests_per_minute: float = 60.0
    request_burst: int = 30
    max_live_pages: int = 20_000
    heartbeat_seconds: float = HEARTBEAT_SECONDS
    # Booking requests and confirmations one address (an IPv6 /64) may send, hourly and at once.
    booking_per_hour: float = BOOKINGS_PER_HOUR
    booking_burst: int = BOOKING_BURST
    # Key of the `client` hash sent with bookings; empty = a fresh one per process.
    client_key: bytes = field(default=b"", repr=False)

    @property
    def base_path(self) -> str:
        """The path the pages live under on the public address ('' at its root)."""
        return urlsplit(self.public_url).path.rstrip("/") if self.public_url else ""


def _asset_version() -> str:
    digest = hashlib.sha256()
    for name in sorted(p.name for p in STATIC.iterdir()):
        digest.update((STATIC / name).read_bytes())
    return digest.hexdigest()[:12]


class Pages:
    """Renders the pages from the templates (every value escaped)."""

    def __init__(self, settings: PageSettings) -> None:
        self.settings = settings
        self.version = _asset_version()
        self.env = Environment(
            loader=FileSystemLoader(HERE / "templates"),
            autoescape=True,
            trim_blocks=True,
            lstrip_blocks=True,
        )

    def url(self, path: str) -> str:
        """An address on this site, under the public path prefix."""
        return f"{self.settings.base_path}{path}"

    def static_url(self, name: str) -> str:
        """A static file's address, versioned so it can be cached for good."""
        return self.url(f"/static/{name}?v={self.version}")

    def render(self, template: str, lang: str, site: str = "", **values: Any) -> str:
        """Render a page in `lang`."""
        other = "en" if lang == "vi" else "vi"
        context = {
            "lang": lang,
            "other_lang": other,
            "switch_label": t("switch", lang),
            "switch_url": f"?lang={other}",
            "style_sheets": (),
            "site_name": self.settings.site_names.get(site, ""),
            "static_url": self.static_url,
            **values,
        }
        return self.env.get_template(template).render(context)

    def message(self, lang: str, heading: str, message: str, status: int) -> HTMLResponse:
        """A short page saying what went wrong."""
        body = self.render("message.html", lang, title=heading, heading=heading, message=message)
        return HTMLResponse(body, status_code=status)

    def limited(self, scope: Scope, wait: int) -> tuple[bytes, str]:
        """The 429 page (for the guard)."""
        lang = _lang_of(scope)
        heading = t("limited_title", lang)
        text = t("limited", lang, seconds=wait)
        body = self.render("message.html", lang, title=heading, heading=heading, message=text)
        return body.encode(), "text/html; charset=utf-8"


def _lang_of(scope: Scope) -> str:
    query = parse_qs(scope.get("query_string", b"").decode("latin-1"))
    return language(query.get("lang", [""])[0])


def _lang(request: Request) -> str:
    return language(request.query_params.get("lang"))


class CitizenPages:
    """The route handlers."""

    def __init__(self, gateway: Gateway, hub: LiveHub, pages: Pages) -> None:
        self.gateway = gateway
        self.hub = hub
        self.pages = pages
        self.settings = pages.settings
        self.misses = AddressLimiter(DOSSIER_MISSES_PER_HOUR / 60, DOSSIER_MISS_BURST)
        self.bookings = BookingPages(gateway, pages, self.misses, self.service_name)

    def _missing_ticket(self, lang: str) -> HTMLResponse:
        return self.pages.message(
            lang, t("ticket_missing_title", lang), t("ticket_missing", lang), 404
        )

    def _busy(self, lang: str, retry_after: int) -> HTMLResponse:
        response = self.pages.message(lang, t("busy_title", lang), t("busy", lang), 503)
        response.headers["retry-after"] = str(retry_after)
        return response

    def _ticket_link(self, request: Request, suffix: str = "") -> TicketLink | None:
        path = request.url.path.removesuffix(suffix)
        link = parse_link(f"http://web{path}")
        if not isinstance(link, TicketLink) or not self.gateway.serves(link.site_id):
            return None
        return link

    def service_name(self, site: str, service: str, lang: str, fallback: str = "") -> str:
        """A service's name in the page's language (English where the site file gives one)."""
        if lang == "en":
            english = self.settings.service_names_en.get(site, {}).get(service)
            if english:
                return english
        name = self.hub.service_name(site, service)
        return fallback if name == service and fallback else name

    async def ticket(self, request: Request) -> Response:
        """A ticket's live page; its first render asks the server once, with the token."""
        lang = _lang(request)
        link = self._ticket_link(request)
        if link is None:
            return self._missing_ticket(lang)
        try:
            info = await self.gateway.ticket_status(link)
        except Unavailable as exc:
            return self._busy(lang, exc.retry_after)
        if info is None:
            return self._missing_ticket(lang)
        view = from_info(info)
        name = self.service_name(link.site_id, info.service, lang, info.service_name)
        words = ticket_words(view, name, lang)
        stream = self.pages.url(f"{request.url.path}/events?lang={lang}")
        body = self.pages.render(
            "ticket.html",
            lang,
            link.site_id,
            title=t("ticket_title", lang, number=info.number),
            number=info.number,
            words=words,
            stream_url=stream,
            text={key: t(key, lang) for key in _TICKET_TEXTS},
        )
        return HTMLResponse(body)

    async def ticket_events(self, request: Request) -> Response:
        """A ticket's live updates (Server-Sent Events): the current view at once, then changes.

        A link that names no ticket (forged, or of another day) gets one `gone` event and the
        end of the stream: the page says so and stops reconnecting.
        """
        lang = _lang(request)
        link = self._ticket_link(request, "/events")
        if link is None:
            return self._gone(lang)
        if self.hub.watching() >= self.settings.max_live_pages:
            return self._busy(lang, 60)
        if not self.gateway.confirmed(link) or self.hub.view(link.site_id, link.number) is None:
            try:
                info = await self.gateway.ticket_status(link)
            except Unavailable as exc:
                return self._busy(lang, exc.retry_after)
            if info is None:
                return self._gone(lang)
        watcher = self.hub.watch(link.site_id, link.number)
        return StreamingResponse(
            self._stream(watcher, lang),
            media_type="text/event-stream",
            headers=STREAM_HEADERS,
        )

    def _gone(self, lang: str) -> Response:
        data = json.dumps({"headline": t("ticket_missing", lang)}, ensure_ascii=False)
        body = f"retry: {GONE_RETRY_MS}\n\nevent: gone\ndata: {data}\n\n"
        return Response(body, media_type="text/event-stream", headers=STREAM_HEADERS)

    async def _stream(self, watcher: Watcher, lang: str) -> AsyncIterator[str]:
        try:
            yield f"retry: {RETRY_MS}\n\n"
            while True:
                try:
                    async with asyncio.timeout(self.settings.heartbeat_seconds):
                        view = await watcher.queue.get()
                except TimeoutError:
                    yield ": still here\n\n"
                    continue
                yield self._event(watcher.site, view, lang)
        finally:
            self.hub.unwatch(watcher)

    def _event(self, site: str, view: TicketView, lang: str) -> str:
        words = ticket_words(view, self.service_name(site, view.service, lang), lang)
        data = json.dumps(words.as_json(), ensure_ascii=False)
        return f"event: ticket\ndata: {data}\n\n"

    async def dossier(self, request: Request) -> Response:
        """A dossier's progress page (the masked public view)."""
        lang = _lang(request)
        client = str(request.scope.get("state", {}).get("client", ""))
        wait = self.misses.waiting(client)
        if wait:
            limited = self.pages.message(
                lang, t("limited_title", lang), t("limited", lang, seconds=wait), 429
            )
            limited.headers["retry-after"] = str(wait)
            return limited
        link = parse_link(f"http://web{request.url.path}")
        dossier = None
        if isinstance(link, DossierLink):
            try:
                dossier = await self.gateway.look_up(link.dossier_code, link.lookup_token)
            except Unavailable as exc:
                return self._busy(lang, exc.retry_after)
        if dossier is None:
            self.misses.take(client)
            return self.pages.message(
                lang, t("dossier_missing_title", lang), t("dossier_missing", lang), 404
            )
        page = dossier_page(dossier, lang, self.settings.timezone)
        body = self.pages.render(
            "dossier.html", lang, dossier.site_id, title=page.heading, page=page
        )
        return HTMLResponse(body)

    async def home(self, request: Request) -> Response:
        """What someone who typed the bare address sees (and where to book, if anywhere)."""
        lang = _lang(request)
        links = await self.bookings.home_links(lang)
        heading = t("home_title", lang)
        body = self.pages.render(
            "home.html",
            lang,
            self.gateway.lookup_site,
            title=heading,
            heading=heading,
            message=t("home", lang),
            book_intro=t("home_book", lang),
            book_links=links,
        )
        return HTMLResponse(body)

    async def not_found(self, request: Request, exc: Exception) -> Response:
        """Any other address."""
        lang = _lang(request)
        return self.pages.message(lang, t("page_missing_title", lang), t("page_missing", lang), 404)

    async def health(self, request: Request) -> Response:
        """Whether this instance can serve: connected to the broker (for load balancers)."""
        connected = self.gateway.bus.connected
        report = {
            "ok": connected,
            "broker": connected,
            "sites": sorted(self.hub.lines),
            "live_pages": self.hub.watching(),
        }
        return JSONResponse(report, status_code=200 if connected else 503)


_TICKET_TEXTS = (
    "your_number",
    "service",
    "keep_open",
    "alert_on",
    "alert_ready",
    "live",
    "reconnecting",
)


def build_app(gateway: Gateway, hub: LiveHub, settings: PageSettings) -> Guard:
    """The whole web application, wrapped in its guard."""
    pages = Pages(settings)
    handlers = CitizenPages(gateway, hub, pages)
    bookings = handlers.bookings
    routes = [
        Route("/", handlers.home),
        Route("/healthz", handlers.health),
        Route("/t/{site}/{day}/{number}/{token}", handlers.ticket),
        Route("/t/{site}/{day}/{number}/{token}/events", handlers.ticket_events),
        Route("/d/{code}/{token}", handlers.dossier),
        Route("/book/{site}", bookings.services),
        Route("/book/{site}/{service}", bookings.service),
        Route("/book/{site}/{service}/phone", bookings.phone, methods=["GET", "POST"]),
        Route("/book/{site}/{service}/code/{request}", bookings.code, methods=["GET", "POST"]),
        Route("/b/{code}/{token}", bookings.booking),
        Route("/b/{code}/{token}/cancel", bookings.cancel, methods=["GET", "POST"]),
        Route("/b/{code}/{token}/change", bookings.change, methods=["GET", "POST"]),
        Mount("/static", StaticFiles(directory=STATIC), name="static"),
    ]
    app = Starlette(routes=routes, exception_handlers={404: handlers.not_found})
    limiter = AddressLimiter(settings.requests_per_minute, settings.request_burst)
    guard_settings = GuardSettings(
        settings.base_path, ProxyTrust(settings.trusted_proxies), limiter
    )
    return Guard(app, guard_settings, pages.limited)
