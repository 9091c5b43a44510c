"""How slots and bookings appear in replies (no personal data but a masked phone number)."""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel, ConfigDict, Field

from shared.domain.appointments import BookingKind, BookingState
from shared.messaging.replies import TicketInfo


class _View(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class BookingServiceView(_View):
    """A service that takes bookings, and what it offers now."""

    service: str
    name: str
    name_en: str = Field(description="Name in English; empty = `name`.")
    slots: bool = Field(description="It offers time slots.")
    slot_minutes: int
    horizon_days: int = Field(description="Slots may be booked this many days ahead.")
    remote: bool = Field(description="It offers same-day remote tickets.")
    remote_available: bool = Field(description="A remote ticket can be taken now.")
    remote_reason: str = Field(description="Why not, when it cannot (window, daily cap).")


class BookingOptionsResult(_View):
    """Result of booking_options: the services that take bookings and the rules citizens see."""

    services: list[BookingServiceView] = Field(description="Empty when the site takes no bookings.")
    code_length: int = Field(description="Digits of the one-time code.")
    code_minutes: int = Field(description="Minutes the one-time code is valid.")
    grace_minutes: int = Field(description="An appointment not checked in this late is released.")
    timezone: str = Field(description="The centre's time zone (slots' local times).")


class SlotView(_View):
    """One slot: its start, its local time, and how many places it has left."""

    start: dt.datetime = Field(description="Start of the slot (UTC); book it with this value.")
    time: str = Field(description="Local start time, HH:MM.")
    free: int = Field(description="Places left (0 = full).")


class SlotDayView(_View):
    """One day of a service's slots."""

    day: dt.date
    closed: str = Field(description="Why the day has no slots (holiday, …); empty when open.")
    slots: list[SlotView] = Field(description="Slots still bookable (starting after the lead).")


class SlotsResult(_View):
    """Result of list_slots."""

    service: str
    service_name: str
    first_day: dt.date = Field(description="The first day that may be booked (today).")
    last_day: dt.date = Field(description="The last day that may be booked (the horizon).")
    days: list[SlotDayView]


class BookingRequestResult(_View):
    """Result of request_booking: the one-time code was sent to the phone."""

    request: str = Field(description="Quote it with the one-time code in confirm_booking.")
    expires_at: dt.datetime = Field(description="When the one-time code stops working.")
    code_length: int
    phone_masked: str = Field(description="The phone the code went to, masked: 09xx xxx 678.")
    service: str
    kind: BookingKind
    slot: dt.datetime | None


class BookingView(_View):
    """A booking as the citizen's phone or the kiosk shows it."""

    code: str = Field(description="The booking code (typed at the kiosk).")
    token: str = Field(description="The token of its link; empty when the asker did not give it.")
    qr: str = Field(
        description="Text of the booking's QR code for the kiosk's reader (its link where the "
        "site has [web] public_url, else MCB1:{code}:{token}); empty without the token."
    )
    kind: BookingKind
    service: str
    service_name: str
    service_day: dt.date
    slot: dt.datetime | None = Field(description="Start of the slot (UTC); null for remote.")
    slot_time: str = Field(description="Local start, HH:MM; empty for a remote ticket.")
    check_in_until: dt.datetime | None = Field(
        description="Check in before this to be called at the slot's time (slot + grace)."
    )
    state: BookingState
    state_label: str
    phone_masked: str = Field(description="Empty at a kiosk.")
    changes_left: int
    ticket: TicketInfo | None = Field(description="The ticket it became, once checked in.")


class BookingResult(_View):
    """Result of confirm_booking, booking_status, cancel_booking and change_booking."""

    booking: BookingView


class CheckInResult(_View):
    """Result of check_in: the booking and the ticket it became."""

    booking: BookingView
    ticket: TicketInfo
    walk_in: bool = Field(
        description="Checked in after the grace period: the ticket waits as a walk-in."
    )
