"""Links a citizen opens on a phone: a ticket's live page, a slip's dossier page, a booking.

A ticket's link carries a keyed token (HMAC-SHA256 with the site's web key): only the queue
server, which holds the key, makes and checks it, so ticket pages cannot be found by counting.
A slip's link carries the dossier's own lookup token, as its QR always did. A booking's link
carries its code and its keyed token (shared.domain.appointments); the kiosk's reader checks
the citizen in with it.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
from dataclasses import dataclass
from datetime import date, datetime

from shared.domain.appointments import BOOKING_CODE_PATTERN, BOOKING_TOKEN_PATTERN
from shared.domain.dossier_codes import TOKEN_ALPHABET, TOKEN_LENGTH
from shared.domain.site import ID as _SITE

TICKET_TOKEN_LENGTH = 20  # base32: 100 bits
TICKET_TOKEN_PATTERN = f"[a-z2-7]{{{TICKET_TOKEN_LENGTH}}}"
_NUMBER = r"[A-Z]{1,3}\d{1,6}"
_DOSSIER_TOKEN = f"[{TOKEN_ALPHABET}]{{{TOKEN_LENGTH}}}"
_TICKET_PATH = re.compile(
    rf"/t/(?P<site>{_SITE})/(?P<day>\d{{8}})/(?P<number>{_NUMBER})/(?P<token>{TICKET_TOKEN_PATTERN})"
)
_DOSSIER_PATH = re.compile(r"/d/(?P<code>[A-Za-z0-9.\-]{1,60})/(?P<token>" + _DOSSIER_TOKEN + ")")
_BOOKING_PATH = re.compile(
    rf"/b/(?P<code>{BOOKING_CODE_PATTERN})/(?P<token>{BOOKING_TOKEN_PATTERN})"
)
_ORIGIN = re.compile(r"^https?://[A-Za-z0-9.\-]+(:\d{1,5})?(/[A-Za-z0-9._~\-/]*)?$")


def ticket_token(key: bytes, site_id: str, service_day: date, number: str) -> str:
    """The unguessable token of a ticket's page (lower-case base32, 100 bits)."""
    message = f"ticket:{site_id}:{service_day:%Y%m%d}:{number}".encode()
    digest = hmac.new(key, message, hashlib.sha256).digest()
    return base64.b32encode(digest).decode().lower()[:TICKET_TOKEN_LENGTH]


def ticket_token_ok(key: bytes, site_id: str, service_day: date, number: str, token: str) -> bool:
    """Whether `token` is that ticket's (compared in constant time)."""
    return hmac.compare_digest(ticket_token(key, site_id, service_day, number), token)


def valid_public_url(url: str) -> bool:
    """Whether a `[web] public_url` is an http(s) origin with an optional path, no query."""
    return bool(_ORIGIN.match(url))


def ticket_url(public_url: str, site_id: str, service_day: date, number: str, token: str) -> str:
    """The address of a ticket's live page."""
    base = public_url.rstrip("/")
    return f"{base}/t/{site_id}/{service_day:%Y%m%d}/{number}/{token}"


def dossier_url(public_url: str, dossier_code: str, lookup_token: str) -> str:
    """The address of a dossier's progress page (the slip's QR)."""
    return f"{public_url.rstrip('/')}/d/{dossier_code}/{lookup_token}"


def booking_url(public_url: str, code: str, token: str) -> str:
    """The address of a booking's page (its QR, which the kiosk's reader also takes)."""
    return f"{public_url.rstrip('/')}/b/{code}/{token}"


@dataclass(frozen=True)
class TicketLink:
    """What a ticket's link names."""

    site_id: str
    service_day: date
    number: str
    token: str


@dataclass(frozen=True)
class DossierLink:
    """What a slip's link names."""

    dossier_code: str
    lookup_token: str


@dataclass(frozen=True)
class BookingLink:
    """What a booking's link names."""

    code: str
    token: str


def parse_link(text: str) -> TicketLink | DossierLink | BookingLink | None:
    """Read a ticket, slip or booking link (any host: the path decides), or None."""
    if not text.lower().startswith(("http://", "https://")):
        return None
    path = "/" + text.split("://", 1)[1].split("/", 1)[-1].split("?", 1)[0].split("#", 1)[0]
    ticket = next(_TICKET_PATH.finditer(path), None)
    if ticket is not None and path.endswith(ticket.group(0)):
        try:
            day = datetime.strptime(ticket["day"], "%Y%m%d").date()
        except ValueError:
            return None
        return TicketLink(ticket["site"], day, ticket["number"], ticket["token"])
    dossier = next(_DOSSIER_PATH.finditer(path), None)
    if dossier is not None and path.endswith(dossier.group(0)):
        return DossierLink(dossier["code"].upper(), dossier["token"])
    booking = next(_BOOKING_PATH.finditer(path), None)
    if booking is not None and path.endswith(booking.group(0)):
        return BookingLink(booking["code"], booking["token"])
    return None


@dataclass(frozen=True, repr=False)
class TicketLinks:
    """The site's public address and link key, as the queue server holds them."""

    public_url: str
    key: bytes

    def __repr__(self) -> str:
        """Never show the key."""
        return f"TicketLinks({self.public_url!r})"

    def ticket(self, site_id: str, service_day: date, number: str) -> str:
        """The address of a ticket's live page, token included."""
        token = ticket_token(self.key, site_id, service_day, number)
        return ticket_url(self.public_url, site_id, service_day, number, token)

    def token_ok(self, site_id: str, service_day: date, number: str, token: str) -> bool:
        """Whether a token is that ticket's."""
        return ticket_token_ok(self.key, site_id, service_day, number, token)
