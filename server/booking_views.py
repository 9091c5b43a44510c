"""A booking as replies show it: code, slot, state, the ticket it became, a masked phone."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from shared.domain import appointments as booking
from shared.domain.appointments import STATE_LABELS, BookingKind, BookingState
from shared.domain.codes import booking_qr
from shared.domain.site import Site
from shared.domain.ticket_links import booking_url
from shared.storage.appointments import BookingRow
from shared.storage.repository import QueueRepository

if TYPE_CHECKING:
    from server.appointment_service import AppointmentSettings, TicketDesk


def booking_view(
    site: Site,
    settings: AppointmentSettings,
    repo: QueueRepository,
    row: BookingRow,
    at: datetime,
    desk: TicketDesk,
    token: bool,
) -> dict[str, Any]:
    """The `booking` object of a reply; `token`: the asker proved it (the phone, not a kiosk)."""
    service = site.service(row.service_code)
    slot = row.kind == BookingKind.SLOT.value
    secret = booking.booking_token(settings.key, site.id, row.code) if token else ""
    qr = ""
    if secret:
        public = settings.public_url
        qr = booking_url(public, row.code, secret) if public else booking_qr(row.code, secret)
    ticket = None
    if row.ticket_number is not None:
        found = repo.find_ticket(row.service_day, row.ticket_number)
        ticket = desk.ticket_view(repo, found, at) if found is not None else None
    zone = ZoneInfo(site.rules.timezone)
    state = BookingState(row.state)
    grace = settings.rules.grace
    return {
        "code": row.code,
        "token": secret,
        "qr": qr,
        "kind": row.kind,
        "service": service.code,
        "service_name": service.name,
        "service_day": row.service_day.isoformat(),
        "slot": row.slot_at.isoformat() if slot else None,
        "slot_time": f"{row.slot_at.astimezone(zone):%H:%M}" if slot else "",
        "check_in_until": (row.slot_at + grace).isoformat() if slot else None,
        "state": state.value,
        "state_label": STATE_LABELS[state],
        "phone_masked": booking.mask_phone(row.phone) if token and row.phone else "",
        "changes_left": max(0, settings.rules.changes_per_booking - row.changes) if slot else 0,
        "ticket": ticket,
    }
