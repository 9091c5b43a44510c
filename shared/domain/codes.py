"""What printed codes carry: the ticket QR and the appointment-slip QR, built and parsed here only.

Formats (plain ASCII so every reader and every QR version handles them):
* ticket QR: ``MCT1:{site}:{yyyymmdd}:{number}``, e.g. ``MCT1:hcc-demo:20261123:A012``
* slip QR: ``MCD1:{dossier code}:{lookup token}``,
  e.g. ``MCD1:000.00.17.H12-250701-0001:K7M2Q9XD``
* booking QR: ``MCB1:{booking code}:{token}`` (or the booking's link where the site has pages),
  e.g. ``MCB1:H7KQ2MXA:abcdefghijklmnopqrst``
A bare dossier code or a bare lookup token (typed, or a Code128 slip of another system) is
accepted too. Also recognised: the QR of a citizen ID card (see shared.domain.citizen_id; the
raw payload is dropped once parsed) and dossier codes of the province's other systems (the
site's `foreign_code_patterns`).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum

from shared.domain.appointments import BOOKING_CODE_PATTERN, BOOKING_TOKEN_PATTERN
from shared.domain.citizen_id import (
    CitizenId,
    CitizenIdError,
    looks_like_citizen_qr,
    parse_citizen_qr,
)
from shared.domain.dossier_codes import TOKEN_ALPHABET, TOKEN_LENGTH, DossierCodePattern
from shared.domain.site import ID as _SITE
from shared.domain.ticket_links import BookingLink, DossierLink, TicketLink, parse_link

TICKET_TAG = "MCT1"
DOSSIER_TAG = "MCD1"
BOOKING_TAG = "MCB1"
MAX_SCAN_LENGTH = 200
# An ID card QR with a long address and the Căn cước card's extra fields runs to ~250
# characters: it is recognised from this much, then only its masked number travels on.
MAX_CARD_SCAN_LENGTH = 512
# Codes of the default pattern with any agency code; a site with its own `code_pattern`
# passes `DossierCodePattern(pattern).regex()` instead.
DEFAULT_DOSSIER_PATTERN = DossierCodePattern().regex()
TOKEN_PATTERN = f"[{TOKEN_ALPHABET}]{{{TOKEN_LENGTH}}}"
_NUMBER = r"[A-Z]{1,3}\d{1,6}"


class CodeKind(StrEnum):
    """What a scanned or typed code refers to."""

    TICKET = "ticket"
    DOSSIER = "dossier"
    LOOKUP_TOKEN = "lookup_token"
    CITIZEN_ID = "citizen_id"
    FOREIGN_DOSSIER = "foreign_dossier"
    BOOKING = "booking"
    UNKNOWN = "unknown"


@dataclass(frozen=True)
class ScannedCode:
    """A recognised code: its kind and the fields it carries.

    For a citizen ID card `text` is only the masked ID number ('********3456', or '' when the
    card could not be read), `citizen` the parsed fields and `problem` why it was unreadable:
    the raw payload is not kept.
    """

    kind: CodeKind
    text: str
    site: str = ""
    service_day: date | None = None
    number: str = ""
    dossier_code: str = ""
    lookup_token: str = ""
    citizen: CitizenId | None = None
    problem: str = ""
    booking_code: str = ""
    booking_token: str = ""

    @property
    def recognised(self) -> bool:
        """Return True for a code Motcua can act on (not unknown, not an unreadable ID card)."""
        if self.kind is CodeKind.CITIZEN_ID:
            return self.citizen is not None
        return self.kind is not CodeKind.UNKNOWN


def ticket_qr(site_id: str, day: date, number: str) -> str:
    """Return the text of a ticket's QR code."""
    return f"{TICKET_TAG}:{site_id}:{day:%Y%m%d}:{number}"


def dossier_qr(dossier_code: str, lookup_token: str) -> str:
    """Return the text of an appointment slip's QR code."""
    return f"{DOSSIER_TAG}:{dossier_code}:{lookup_token}"


def booking_qr(code: str, token: str) -> str:
    """Return the text of a booking's QR code where the site has no phone pages."""
    return f"{BOOKING_TAG}:{code}:{token}"


def clean_scan(text: str, limit: int = MAX_SCAN_LENGTH) -> str:
    """Strip control characters and surrounding space, and cut to a safe length."""
    kept = "".join(ch for ch in text if ch.isprintable())
    return kept.strip()[:limit]


def classify(
    text: str,
    dossier_pattern: str = DEFAULT_DOSSIER_PATTERN,
    foreign_patterns: Sequence[str] = (),
    today: date | None = None,
) -> ScannedCode:
    """Recognise a scanned or typed string; anything else is CodeKind.UNKNOWN, never an error.

    `foreign_patterns` are regular expressions of other systems' dossier codes; a bare code
    matching one is CodeKind.FOREIGN_DOSSIER even when it also has the shape of our own codes
    (the site config refuses patterns that match the site's own codes). `today` bounds the
    dates of an ID card (default: the computer's date).
    """
    card = clean_scan(text, MAX_CARD_SCAN_LENGTH)
    if looks_like_citizen_qr(card):
        try:
            citizen = parse_citizen_qr(card, today)
        except CitizenIdError as exc:
            return ScannedCode(CodeKind.CITIZEN_ID, "", problem=exc.message)
        return ScannedCode(CodeKind.CITIZEN_ID, citizen.masked_id(), citizen=citizen)
    cleaned = card[:MAX_SCAN_LENGTH]
    link = parse_link(cleaned)  # a phone link printed as the QR of a ticket or a slip
    if isinstance(link, TicketLink):
        return ScannedCode(
            CodeKind.TICKET,
            cleaned,
            site=link.site_id,
            service_day=link.service_day,
            number=link.number,
        )
    booking = _booking(cleaned, link)
    if booking is not None:
        return booking
    if isinstance(link, DossierLink) and re.fullmatch(dossier_pattern, link.dossier_code):
        return ScannedCode(
            CodeKind.DOSSIER,
            cleaned,
            dossier_code=link.dossier_code,
            lookup_token=link.lookup_token,
        )
    ticket = re.fullmatch(rf"{TICKET_TAG}:({_SITE}):(\d{{8}}):({_NUMBER})", cleaned)
    if ticket:
        try:
            day = datetime.strptime(ticket.group(2), "%Y%m%d").date()
        except ValueError:
            return ScannedCode(CodeKind.UNKNOWN, cleaned)
        return ScannedCode(
            CodeKind.TICKET, cleaned, site=ticket.group(1), service_day=day, number=ticket.group(3)
        )
    slip = re.fullmatch(rf"{DOSSIER_TAG}:({dossier_pattern}):({TOKEN_PATTERN})", cleaned)
    if slip:
        return ScannedCode(
            CodeKind.DOSSIER, cleaned, dossier_code=slip.group(1), lookup_token=slip.group(2)
        )
    upper = cleaned.upper()
    foreign = foreign_code(cleaned, foreign_patterns)
    if foreign:
        return ScannedCode(CodeKind.FOREIGN_DOSSIER, cleaned, dossier_code=foreign)
    if re.fullmatch(dossier_pattern, upper):
        return ScannedCode(CodeKind.DOSSIER, cleaned, dossier_code=upper)
    if re.fullmatch(TOKEN_PATTERN, upper):
        return ScannedCode(CodeKind.LOOKUP_TOKEN, cleaned, lookup_token=upper)
    return ScannedCode(CodeKind.UNKNOWN, cleaned)


def _booking(cleaned: str, link: object) -> ScannedCode | None:
    """A booking's QR: its link, or MCB1:{code}:{token} (None when it is not one)."""
    if isinstance(link, BookingLink):
        return ScannedCode(
            CodeKind.BOOKING, cleaned, booking_code=link.code, booking_token=link.token
        )
    found = re.fullmatch(
        rf"{BOOKING_TAG}:({BOOKING_CODE_PATTERN}):({BOOKING_TOKEN_PATTERN})", cleaned
    )
    if found is None:
        return None
    return ScannedCode(
        CodeKind.BOOKING, cleaned, booking_code=found.group(1), booking_token=found.group(2)
    )


def foreign_code(text: str, patterns: Sequence[str]) -> str:
    """Return text (upper-cased if only that matches) when a pattern matches all of it, else ''.

    A pattern that is not a valid regular expression matches nothing (the site config checks
    them when it is loaded).
    """
    if not text:
        return ""
    for pattern in patterns:
        for candidate in (text, text.upper()):
            try:
                if re.fullmatch(pattern, candidate):
                    return candidate
            except re.error:
                break
    return ""
