"""What printed codes carry: the ticket QR and the appointment-slip QR, built and parsed here only.

Formats (plain ASCII so every reader and every QR version handles them):
* ticket QR: ``MCT1:{site}:{yyyymmdd}:{number}``, e.g. ``MCT1:hcc-demo:20261123:A012``
* slip QR: ``MCD1:{dossier code}:{lookup token}``,
  e.g. ``MCD1:000.00.17.H12-250701-0001:K7M2Q9XD``
A bare dossier code or a bare lookup token (typed, or a Code128 slip of another system) is
accepted too.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum

from shared.domain.dossier_codes import TOKEN_ALPHABET, TOKEN_LENGTH, DossierCodePattern

TICKET_TAG = "MCT1"
DOSSIER_TAG = "MCD1"
MAX_SCAN_LENGTH = 200
# Codes of the default pattern with any agency code; a site with its own `code_pattern`
# passes `DossierCodePattern(pattern).regex()` instead.
DEFAULT_DOSSIER_PATTERN = DossierCodePattern().regex()
TOKEN_PATTERN = f"[{TOKEN_ALPHABET}]{{{TOKEN_LENGTH}}}"
_SITE = r"[a-z0-9][a-z0-9-]{0,39}"
_NUMBER = r"[A-Z]{1,3}\d{1,6}"


class CodeKind(StrEnum):
    """What a scanned or typed code refers to."""

    TICKET = "ticket"
    DOSSIER = "dossier"
    LOOKUP_TOKEN = "lookup_token"
    UNKNOWN = "unknown"


@dataclass(frozen=True)
class ScannedCode:
    """A recognised code: its kind and the fields it carries."""

    kind: CodeKind
    text: str
    site: str = ""
    service_day: date | None = None
    number: str = ""
    dossier_code: str = ""
    lookup_token: str = ""


def ticket_qr(site_id: str, day: date, number: str) -> str:
    """Return the text of a ticket's QR code."""
    return f"{TICKET_TAG}:{site_id}:{day:%Y%m%d}:{number}"


def dossier_qr(dossier_code: str, lookup_token: str) -> str:
    """Return the text of an appointment slip's QR code."""
    return f"{DOSSIER_TAG}:{dossier_code}:{lookup_token}"


def clean_scan(text: str) -> str:
    """Strip control characters and surrounding space, and cut to a safe length."""
    kept = "".join(ch for ch in text if ch.isprintable())
    return kept.strip()[:MAX_SCAN_LENGTH]


def classify(text: str, dossier_pattern: str = DEFAULT_DOSSIER_PATTERN) -> ScannedCode:
    """Recognise a scanned or typed string; anything else is CodeKind.UNKNOWN, never an error."""
    cleaned = clean_scan(text)
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
    if re.fullmatch(dossier_pattern, upper):
        return ScannedCode(CodeKind.DOSSIER, cleaned, dossier_code=upper)
    if re.fullmatch(TOKEN_PATTERN, upper):
        return ScannedCode(CodeKind.LOOKUP_TOKEN, cleaned, lookup_token=upper)
    return ScannedCode(CodeKind.UNKNOWN, cleaned)
