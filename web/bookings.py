"""The booking pages: a service, a day and a time (or a remote number), the phone, its code.

Then the booking's own page (`/b/{code}/{token}`): its QR for the kiosk, cancel, change.
Nothing is kept here: each step carries what the next one shows in its address (the request's
reference, the masked phone, the slot), and the queue server decides everything. Requests and
confirmations take from a stricter bucket per address than the other pages, and carry a keyed
hash of the address (`client`) so that the server limits them per citizen's network too.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import ipaddress
import re
import secrets
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qs, urlencode, urlsplit

from pydantic import SecretStr
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response

from shared.domain.appointments import REQUEST_LENGTH, BookingState
from shared.domain.ticket_links import BookingLink, booking_url, parse_link
from shared.messaging import appointment_commands as ac
from shared.messaging.appointment_views import (
    BookingOptionsResult,
    BookingRequestResult,
    BookingResult,
    BookingServiceView,
    BookingView,
    SlotsResult,
)
from shared.messaging.client import new_request_id
from shared.messaging.replies import Reply
from web.booking_page import (
    BookingPage,
    Fact,
    Refusal,
    SlotsPage,
    Step,
    Then,
    booking_page,
    id_number,
    input_refusal,
    limited_refusal,
    local,
    mobile_number,
    refusal,
    slots_page,
    when_words,
)
from web.gateway import Gateway, Unavailable
from web.limits import AddressLimiter
from web.qr import qr_svg
from web.wording import language, t

if TYPE_CHECKING:
    from web.app import Pages

MAX_FORM_BYTES = 2048
MAX_FORM_FIELDS = 8
_REQUEST = re.compile(rf"^[a-z2-7]{{{REQUEST_LENGTH}}}$")
_MASKED_PHONE = re.compile(r"^[0-9x ]{4,16}$")
# Texts every booking template uses, by key.
_TEXTS = (
    "fact_service",
    "fact_code",
    "fact_number",
    "days_heading",
    "no_times",
    "no_days",
    "slots_none",
    "phone_label",
    "id_label",
    "id_hint",
    "send_code",
    "choose_other",
    "confirm",
    "code_again",
    "how_heading",
    "follow",
    "change",
    "book_again",
)
ServiceName = Callable[[str, str, str, str], str]


def network_of(address: str) -> str:
    """What one citizen's connection is counted as: an IPv4 address, an IPv6 /64."""
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return address
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.ipv4_mapped is not None:
            return str(ip.ipv4_mapped)
        return str(ipaddress.ip_network(f"{ip}/64", strict=False))
    return str(ip)


def client_id(key: bytes, address: str) -> str:
    """The `client` a booking command carries: a keyed hash of the citizen's network."""
    digest = hmac.new(key, network_of(address).encode(), hashlib.sha256).hexdigest()
    return f"web-{digest[:24]}"


def parse_instant(text: str | None) -> datetime | None:
    """An ISO instant with its offset (a slot's start), or None."""
    try:
        at = datetime.fromisoformat(text or "")
    except ValueError:
        return None
    return at if at.tzinfo is not None else None


def parse_day(text: str | None) -> date | None:
    """An ISO day (`?day=2026-11-25`), or None."""
    try:
        return date.fromisoformat(text or "")
    except ValueError:
        return None


async def read_form(request: Request) -> dict[str, str] | None:
    """A small url-encoded form's fields (first value of each); None when it is not one."""
    kind = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if kind != "application/x-www-form-urlencoded":
        return None
    body = b""
    async for chunk in request.stream():
        body += chunk
        if len(body) > MAX_FORM_BYTES:
            return None
    try:
        fields = parse_qs(body.decode("utf-8", "replace"), max_num_fields=MAX_FORM_FIELDS)
    except ValueError:
        return None
    return {name: values[0] for name, values in fields.items()}


@dataclass(frozen=True)
class Choice:
    """What the citizen chose: a slot, or a remote number today."""

    slot: datetime | None
    remote: bool

    def params(self) -> dict[str, str]:
        """The choice as query parameters of the next step."""
        return (
            {"remote": "1"} if self.remote else {"slot": self.slot.isoformat() if self.slot else ""}
        )


@dataclass(frozen=True)
class Item:
    """A link in a list: a service, a site."""

    label: str
    note: str
    href: str


@dataclass(frozen=True)
class RemoteOffer:
    """The remote-number box of a service's page."""

    href: str
    reason: str


class BookingPages:
    """The booking pages' handlers."""

    def __init__(
        self, gateway: Gateway, pages: Pages, misses: AddressLimiter, service_name: ServiceName
    ) -> None:
        self.gateway = gateway
        self.pages = pages
        self.settings = pages.settings
        self.misses = misses
        self.service_name = service_name
        self.limiter = AddressLimiter(
            self.settings.booking_per_hour / 60, self.settings.booking_burst
        )
        # Without a configured key, a fresh one: clients are then counted per instance.
        self.key = self.settings.client_key or secrets.token_bytes(32)

    # Helpers ------------------------------------------------------------------------------

    def href(self, path: str, lang: str, **params: str) -> str:
        """An address on these pages with its query (the language only when not Vietnamese)."""
        query = {name: value for name, value in params.items() if value}
        if lang != "vi":
            query["lang"] = lang
        suffix = f"?{urlencode(query)}" if query else ""
        return self.pages.url(path) + suffix

    def _switch(self, request: Request, lang: str) -> str:
        """The language switch of a page whose query says more than its language."""
        query = dict(request.query_params)
        query["lang"] = "en" if lang == "vi" else "vi"
        return f"?{urlencode(query)}"

    def render(
        self,
        request: Request,
        template: str,
        lang: str,
        site: str,
        title: str,
        refused: Refusal | None = None,
        status: int = 200,
        **values: Any,
    ) -> HTMLResponse:
        """A booking page (an error's title first, as a screen reader hears it)."""
        if refused is not None:
            title = f"{t('error_prefix', lang)}: {refused.title} — {title}"
            status = refused.status
        text = {key: t(key, lang) for key in _TEXTS}
        body = self.pages.render(
            template,
            lang,
            site,
            title=title,
            refusal=refused,
            text=text,
            switch_url=self._switch(request, lang),
            style_sheets=("book.css",),
            **values,
        )
        response = HTMLResponse(body, status_code=status)
        if refused is not None and refused.retry_after:
            response.headers["retry-after"] = str(refused.retry_after)
        return response

    def _missing(self, lang: str) -> HTMLResponse:
        return self.pages.message(lang, t("page_missing_title", lang), t("page_missing", lang), 404)

    def _booking_missing(self, lang: str) -> HTMLResponse:
        title, text = t("booking_missing_title", lang), t("booking_missing", lang)
        return self.pages.message(lang, title, text, 404)

    def _limited(self, lang: str, wait: int) -> HTMLResponse:
        response = self.pages.message(
            lang, t("limited_title", lang), t("limited", lang, seconds=wait), 429
        )
        response.headers["retry-after"] = str(wait)
        return response

    def _client(self, request: Request) -> str:
        return str(request.scope.get("state", {}).get("client", ""))

    def _cross_site(self, request: Request) -> bool:
        """Whether a form was posted from another site's page (refused: no one books for you)."""
        fetch_site = request.headers.get("sec-fetch-site")
        if fetch_site is not None:
            return fetch_site not in ("same-origin", "none")
        origin = request.headers.get("origin")
        if origin is None or origin == "null":  # no-referrer pages post `null`
            return False
        host = request.headers.get("host", "")
        allowed = {f"http://{host}", f"https://{host}"}
        if self.settings.public_url:
            public = urlsplit(self.settings.public_url)
            allowed.add(f"{public.scheme}://{public.netloc}")
        return origin not in allowed

    def _refuse_post(self, request: Request, lang: str) -> Response | None:
        if self._cross_site(request):
            title, text = t("forbidden_title", lang), t("forbidden", lang)
            return self.pages.message(lang, title, text, 403)
        return None

    def _bucket(self, request: Request, lang: str) -> Refusal | None:
        """Take a booking token for the citizen's network; a refusal when there is none."""
        wait = self.limiter.take(network_of(self._client(request)))
        return limited_refusal(wait, lang) if wait else None

    async def answer(
        self, request: Request, handler: Callable[[Request, str], Awaitable[Response]]
    ) -> Response:
        """Run a handler; the 'busy' page when the server did not answer."""
        lang = language(request.query_params.get("lang"))
        try:
            return await handler(request, lang)
        except Unavailable as exc:
            response = self.pages.message(lang, t("busy_title", lang), t("busy", lang), 503)
            response.headers["retry-after"] = str(exc.retry_after)
            return response

    def _name(self, site: str, offer: BookingServiceView, lang: str) -> str:
        if lang == "en" and offer.name_en:
            return offer.name_en
        return self.service_name(site, offer.service, lang, offer.name)

    async def _offer(
        self, site: str, service: str
    ) -> tuple[BookingOptionsResult, BookingServiceView] | None:
        """A service the site takes bookings for, with the site's options."""
        if not self.gateway.serves(site):
            return None
        options = await self.gateway.booking_options(site)
        if options is None:
            return None
        offer = next((s for s in options.services if s.service == service), None)
        if offer is None or not (offer.slots or offer.remote):
            return None
        return options, offer

    async def _timezone(self, site: str) -> str:
        options = await self.gateway.booking_options(site)
        return options.timezone if options is not None else self.settings.timezone

    async def _slots(self, site: str, service: str, horizon_days: int) -> SlotsResult | None:
        days = max(1, min(31, horizon_days + 1))
        command = ac.ListSlots(request_id=new_request_id(), service=service, days=days)
        reply = await self.gateway.ask(site, command)
        return reply.result_as(SlotsResult) if reply.ok else None

    # The home page's links ---------------------------------------------------------------

    async def home_links(self, lang: str) -> list[Item]:
        """A link to each served site that takes bookings (none when its server is silent)."""
        sites = sorted(self.gateway.hub.lines) if self.gateway.every_site else self.gateway.sites
        # Every site's server is asked at once: a silent one delays the page by one wait only.
        answers = await asyncio.gather(
            *(self.gateway.booking_options(site, quick=True) for site in sites),
            return_exceptions=True,
        )
        for answer in answers:
            if isinstance(answer, BaseException) and not isinstance(answer, Unavailable):
                raise answer  # a fault, not a silent server
        offering = [
            site
            for site, options in zip(sites, answers, strict=True)
            if isinstance(options, BookingOptionsResult) and options.services
        ]
        if len(offering) == 1:
            return [Item(t("book_link", lang), "", self.href(f"/book/{offering[0]}", lang))]
        names = self.settings.site_names
        return [
            Item(t("book_link_site", lang, site=names.get(s, s)), "", self.href(f"/book/{s}", lang))
            for s in offering
        ]

    # Choosing ------------------------------------------------------------------------------

    async def services(self, request: Request) -> Response:
        """The services a site takes bookings for."""
        return await self.answer(request, self._services)

    async def _services(self, request: Request, lang: str) -> Response:
        site = request.path_params["site"]
        if not self.gateway.serves(site):
            return self._missing(lang)
        options = await self.gateway.booking_options(site)
        offered = [s for s in options.services if s.slots or s.remote] if options else []
        if not offered:
            return self.pages.message(lang, t("book_title", lang), t("book_none", lang), 404)
        items = []
        for offer in offered:
            kinds = [t("offers_slots", lang)] if offer.slots else []
            kinds += [t("offers_remote", lang)] if offer.remote else []
            href = self.href(f"/book/{site}/{offer.service}", lang)
            items.append(Item(self._name(site, offer, lang), " · ".join(kinds), href))
        title = t("book_title", lang)
        return self.render(
            request,
            "book_services.html",
            lang,
            site,
            title,
            heading=title,
            intro=t("book_intro", lang),
            services=items,
        )

    async def service(self, request: Request) -> Response:
        """A service's days and times, and its remote number."""
        return await self.answer(request, self._service)

    async def _service(self, request: Request, lang: str) -> Response:
        site, service = request.path_params["site"], request.path_params["service"]
        found = await self._offer(site, service)
        if found is None:
            return self._missing(lang)
        _, offer = found
        base = f"/book/{site}/{service}"
        page = SlotsPage()
        if offer.slots:
            result = await self._slots(site, service, offer.horizon_days)
            if result is None:
                return self._missing(lang)
            page = slots_page(
                result,
                parse_day(request.query_params.get("day")),
                lang,
                lambda day: self.href(base, lang, day=day.isoformat()),
                lambda slot: self.href(f"{base}/phone", lang, slot=slot.start.isoformat()),
            )
        remote = None
        if offer.remote:
            href = self.href(f"{base}/phone", lang, remote="1") if offer.remote_available else ""
            remote = RemoteOffer(href, offer.remote_reason)
        name = self._name(site, offer, lang)
        return self.render(
            request,
            "book_slots.html",
            lang,
            site,
            f"{t('slots_title', lang)} — {name}",
            heading=t("slots_title", lang),
            service_name=name,
            intro="",
            page=page,
            slots_offered=offer.slots,
            times_heading=t("times_heading", lang, day=page.day_label),
            remote=remote,
            remote_text={
                key: t(key, lang)
                for key in ("remote_heading", "remote_explain", "remote_take", "remote_closed")
            },
        )

    def _choice(self, query: Mapping[str, str], offer: BookingServiceView) -> Choice | None:
        """The slot or remote number a step's address names (None: not one this service has)."""
        if query.get("remote") == "1":
            return Choice(None, True) if offer.remote else None
        slot = parse_instant(query.get("slot"))
        return Choice(slot, False) if slot is not None and offer.slots else None

    def _summary(
        self, site: str, offer: BookingServiceView, choice: Choice, timezone: str, lang: str
    ) -> list[Fact]:
        facts = [Fact(t("fact_service", lang), self._name(site, offer, lang))]
        if choice.slot is not None:
            facts.append(Fact(t("fact_when", lang), when_words(choice.slot, timezone, lang)))
        else:
            facts.append(Fact(t("fact_when", lang), t("remote_value", lang)))
        return facts

    # The phone number ----------------------------------------------------------------------

    async def phone(self, request: Request) -> Response:
        """The phone number step (GET shows it; POST asks the server to send the code)."""
        return await self.answer(request, self._phone)

    async def _phone(self, request: Request, lang: str) -> Response:
        site, service = request.path_params["site"], request.path_params["service"]
        found = await self._offer(site, service)
        if found is None:
            return self._missing(lang)
        options, offer = found
        base = f"/book/{site}/{service}"
        choice = self._choice(request.query_params, offer)
        if choice is None:
            return RedirectResponse(self.href(base, lang), 303)
        values: dict[str, Any] = {
            "heading": t("phone_title", lang),
            "facts": self._summary(site, offer, choice, options.timezone, lang),
            "action": self.href(f"{base}/phone", lang, **choice.params()),
            "phone_hint": t("phone_hint", lang, n=options.code_length),
            "phone_value": "",
            "invalid": "",
            "back_href": self.href(base, lang),
            **self._then(None, base, lang),
        }
        title = f"{t('phone_title', lang)} — {self._name(site, offer, lang)}"
        if request.method != "POST":
            return self.render(request, "book_phone.html", lang, site, title, **values)
        refused_post = self._refuse_post(request, lang)
        if refused_post is not None:
            return refused_post
        form = await read_form(request)
        refused = self._bucket(request, lang) or (
            input_refusal("err_invalid", lang) if form is None else None
        )
        form = form or {}
        values["phone_value"] = form.get("phone", "")[:40]
        phone = mobile_number(form.get("phone", ""))
        card = id_number(form.get("id_number", ""))
        if refused is None and phone is None:
            refused, values["invalid"] = input_refusal("bad_phone", lang), "phone"
        if refused is None and card is None:
            refused, values["invalid"] = input_refusal("bad_id", lang), "id_number"
        if refused is None and phone is not None:
            command = ac.RequestBooking(
                request_id=new_request_id(),
                service=service,
                slot=choice.slot,
                remote=choice.remote,
                phone=SecretStr(phone),
                id_number=SecretStr(card) if card else None,
                client=client_id(self.key, self._client(request)),
            )
            reply = await self.gateway.ask(site, command)
            if reply.ok:
                asked = reply.result_as(BookingRequestResult)
                code_page = self.href(
                    f"{base}/code/{asked.request}",
                    lang,
                    phone=asked.phone_masked,
                    n=str(asked.code_length),
                    until=asked.expires_at.isoformat(),
                    **choice.params(),
                )
                return RedirectResponse(code_page, 303)
            refused = self._refusal(reply, Step.REQUEST, lang)
        values.update(self._then(refused, base, lang))
        return self.render(request, "book_phone.html", lang, site, title, refused, **values)

    def _refusal(self, reply: Reply, step: Step, lang: str) -> Refusal:
        assert reply.error is not None
        return refusal(reply.error, step, lang)

    def _then(self, refused: Refusal | None, base: str, lang: str) -> dict[str, Any]:
        """What a refused form page offers instead of the form (nothing: the form again)."""
        if refused is None or refused.then is Then.FORM:
            return {"show_form": True, "then_href": "", "then_label": ""}
        if refused.then is Then.SLOTS:
            href, label = self.href(base, lang), t("choose_other", lang)
        else:
            href, label = self.href(base, lang), t("start_again", lang)
        return {"show_form": False, "then_href": href, "then_label": label}

    # The one-time code ---------------------------------------------------------------------

    async def code(self, request: Request) -> Response:
        """The one-time code step (GET shows it; POST confirms the booking)."""
        return await self.answer(request, self._code)

    async def _code(self, request: Request, lang: str) -> Response:
        site, service = request.path_params["site"], request.path_params["service"]
        reference = request.path_params["request"]
        found = await self._offer(site, service) if _REQUEST.match(reference) else None
        if found is None:
            return self._missing(lang)
        options, offer = found
        base = f"/book/{site}/{service}"
        query = request.query_params
        length = int(query["n"]) if query.get("n", "").isdigit() else options.code_length
        length = length if 4 <= length <= 8 else options.code_length
        masked = query.get("phone", "")
        choice = self._choice(query, offer)
        until = parse_instant(query.get("until"))
        lines = []
        if _MASKED_PHONE.match(masked):
            lines.append(t("code_sent", lang, n=length, phone=masked))
        if until is not None:
            lines.append(t("code_until", lang, time=f"{local(until, options.timezone):%H:%M}"))
        values: dict[str, Any] = {
            "heading": t("code_title", lang),
            "facts": self._summary(site, offer, choice, options.timezone, lang) if choice else [],
            "lines": lines,
            "length": length,
            "code_label": t("code_label", lang, n=length),
            "action": self.pages.url(request.url.path)
            + (f"?{request.url.query}" if request.url.query else ""),
            "again_href": self.href(base, lang),
            **self._then(None, base, lang),
        }
        title = t("code_title", lang)
        if request.method != "POST":
            return self.render(request, "book_code.html", lang, site, title, **values)
        refused_post = self._refuse_post(request, lang)
        if refused_post is not None:
            return refused_post
        form = await read_form(request)
        refused = self._bucket(request, lang) or (
            input_refusal("err_invalid", lang) if form is None else None
        )
        otp = re.sub(r"\s", "", (form or {}).get("otp", ""))
        if refused is None and not re.fullmatch(f"[0-9]{{{length}}}", otp):
            refused = input_refusal("bad_code", lang, n=length)
        if refused is None:
            command = ac.ConfirmBooking(
                request_id=new_request_id(),
                request=reference,
                otp=SecretStr(otp),
                client=client_id(self.key, self._client(request)),
            )
            reply = await self.gateway.ask(site, command)
            if reply.ok:
                booked = reply.result_as(BookingResult).booking
                self.gateway.booking_site(booked.code, site)
                page = self.href(booking_url("", booked.code, booked.token), lang, done="booked")
                return RedirectResponse(page, 303)
            refused = self._refusal(reply, Step.CONFIRM, lang)
        values.update(self._then(refused, base, lang))
        return self.render(request, "book_code.html", lang, site, title, refused, **values)

    # The booking's page --------------------------------------------------------------------

    async def _proved(
        self, request: Request, lang: str
    ) -> tuple[BookingLink, str, BookingView] | Response:
        """The booking a link names (asked of the server), or the page to answer instead."""
        client = self._client(request)
        wait = self.misses.waiting(client)
        if wait:
            return self._limited(lang, wait)
        code, token = request.path_params["code"], request.path_params["token"]
        link = parse_link(booking_url("http://web", code, token))
        found = None
        if isinstance(link, BookingLink):
            found = await self.gateway.booking_status(link.code, link.token)
        if found is None or not isinstance(link, BookingLink):
            self.misses.take(client)
            return self._booking_missing(lang)
        return link, found[0], found[1]

    async def _words(self, site: str, view: BookingView, lang: str) -> BookingPage:
        name = self.service_name(site, view.service, lang, view.service_name)
        options = await self.gateway.booking_options(site)
        offer = (
            next((s for s in options.services if s.service == view.service), None)
            if (options)
            else None
        )
        if offer is not None:
            name = self._name(site, offer, lang)
        return booking_page(view, name, await self._timezone(site), lang)

    async def booking(self, request: Request) -> Response:
        """A booking's page: what, when, its QR and code for the kiosk, cancel and change."""
        return await self.answer(request, self._booking)

    async def _booking(self, request: Request, lang: str) -> Response:
        proved = await self._proved(request, lang)
        if isinstance(proved, Response):
            return proved
        link, site, view = proved
        page = await self._words(site, view, lang)
        path = booking_url("", link.code, link.token)
        qr = qr_svg(view.qr, page.qr_label) if page.show_qr else ""
        return self.render(
            request,
            "booking.html",
            lang,
            site,
            page.title,
            page=page,
            qr=qr,
            notice=self._notice(request.query_params.get("done", ""), view, lang),
            change_href=self.href(f"{path}/change", lang),
            cancel_href=self.href(f"{path}/cancel", lang),
            ticket_href=self.href(page.ticket_path, lang) if page.ticket_path else "",
            again_href=self.href(f"/book/{site}/{view.service}", lang),
        )

    def _notice(self, done: str, view: BookingView, lang: str) -> str:
        """What the step just done says on the booking's page (only while it still holds)."""
        state = view.state
        if done == "booked" and state is BookingState.BOOKED:
            return t("done_booked" if view.slot else "done_booked_remote", lang)
        if done == "changed" and state is BookingState.BOOKED:
            return t("done_changed", lang)
        if done == "cancelled" and state is BookingState.CANCELLED:
            return t("done_cancelled", lang)
        return ""

    # Cancel --------------------------------------------------------------------------------

    async def cancel(self, request: Request) -> Response:
        """Cancel a booking: GET asks 'are you sure?', POST cancels."""
        return await self.answer(request, self._cancel)

    async def _cancel(self, request: Request, lang: str) -> Response:
        proved = await self._proved(request, lang)
        if isinstance(proved, Response):
            return proved
        link, site, view = proved
        path = booking_url("", link.code, link.token)
        page = await self._words(site, view, lang)
        if not page.can_cancel:
            return RedirectResponse(self.href(path, lang), 303)
        if request.method == "POST":
            refused_post = self._refuse_post(request, lang)
            if refused_post is not None:
                return refused_post
            command = ac.CancelBooking(
                request_id=new_request_id(), code=link.code, token=link.token
            )
            reply = await self.gateway.ask(site, command)
            if reply.ok:
                return RedirectResponse(self.href(path, lang, done="cancelled"), 303)
            return self._refused(request, site, self._refusal(reply, Step.CANCEL, lang), path)
        if page.remote:
            question = t("cancel_question_remote", lang, number=page.number or view.code)
        else:
            timezone = await self._timezone(site)
            when = when_words(view.slot, timezone, lang) if view.slot else ""
            question = t("cancel_question", lang, when=when)
        return self.render(
            request,
            "booking_confirm.html",
            lang,
            site,
            t("cancel_title", lang),
            heading=t("cancel_title", lang),
            question=question,
            action=self.href(f"{path}/cancel", lang),
            slot="",
            yes=t("cancel_yes", lang),
            yes_tone="danger",
            no=t("cancel_no", lang),
            no_href=self.href(path, lang),
        )

    def _refused(self, request: Request, site: str, refused: Refusal, path: str) -> Response:
        """A refused cancel or change: what happened, and where to go (times, or the booking)."""
        lang = language(request.query_params.get("lang"))
        if refused.then is Then.SLOTS:
            href, label = self.href(f"{path}/change", lang), t("choose_other", lang)
        else:
            href, label = self.href(path, lang), t("back_to_booking", lang)
        return self.render(
            request,
            "book_refused.html",
            lang,
            site,
            refused.title,
            refused,
            then_href=href,
            then_label=label,
        )

    # Change --------------------------------------------------------------------------------

    async def change(self, request: Request) -> Response:
        """Move a booking: GET lists the times (then asks 'sure?'), POST moves it."""
        return await self.answer(request, self._change)

    async def _change(self, request: Request, lang: str) -> Response:
        proved = await self._proved(request, lang)
        if isinstance(proved, Response):
            return proved
        link, site, view = proved
        path = booking_url("", link.code, link.token)
        page = await self._words(site, view, lang)
        if not page.can_change or view.slot is None:
            return RedirectResponse(self.href(path, lang), 303)
        timezone = await self._timezone(site)
        if request.method == "POST":
            return await self._move(request, lang, site, link, path)
        wanted = parse_instant(request.query_params.get("slot"))
        if wanted is not None:
            return self.render(
                request,
                "booking_confirm.html",
                lang,
                site,
                t("change_title", lang),
                heading=t("change_title", lang),
                question=t("change_question", lang, when=when_words(wanted, timezone, lang)),
                current=t("change_current", lang, when=when_words(view.slot, timezone, lang)),
                action=self.href(f"{path}/change", lang),
                slot=wanted.isoformat(),
                yes=t("change_yes", lang),
                yes_tone="",
                no=t("change_no", lang),
                no_href=self.href(path, lang),
            )
        options = await self.gateway.booking_options(site)
        offer = (
            next((s for s in options.services if s.service == view.service), None)
            if (options)
            else None
        )
        result = await self._slots(site, view.service, offer.horizon_days if offer else 14)
        if result is None:
            return RedirectResponse(self.href(path, lang), 303)
        slots = slots_page(
            result,
            parse_day(request.query_params.get("day")) or view.service_day,
            lang,
            lambda day: self.href(f"{path}/change", lang, day=day.isoformat()),
            lambda slot: self.href(f"{path}/change", lang, slot=slot.start.isoformat()),
            current=view.slot,
        )
        name = page.facts[0].value
        return self.render(
            request,
            "book_slots.html",
            lang,
            site,
            f"{t('change_title', lang)} — {name}",
            heading=t("change_title", lang),
            service_name=name,
            intro=t("change_current", lang, when=when_words(view.slot, timezone, lang)),
            page=slots,
            slots_offered=True,
            times_heading=t("times_heading", lang, day=slots.day_label),
            remote=None,
            remote_text={},
            back_href=self.href(path, lang),
            back_label=t("change_no", lang),
        )

    async def _move(
        self, request: Request, lang: str, site: str, link: BookingLink, path: str
    ) -> Response:
        refused_post = self._refuse_post(request, lang)
        if refused_post is not None:
            return refused_post
        form = await read_form(request)
        slot = parse_instant((form or {}).get("slot"))
        refused = self._bucket(request, lang)
        if refused is None and slot is None:
            refused = input_refusal("err_invalid", lang)
        if refused is None and slot is not None:
            command = ac.ChangeBooking(
                request_id=new_request_id(), code=link.code, token=link.token, slot=slot
            )
            reply = await self.gateway.ask(site, command)
            if reply.ok:
                return RedirectResponse(self.href(path, lang, done="changed"), 303)
            refused = self._refusal(reply, Step.CHANGE, lang)
        assert refused is not None
        return self._refused(request, site, refused, path)
