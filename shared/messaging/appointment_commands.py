"""Commands about appointments and remote tickets: slots, booking from a phone, check-in.

The citizens' web pages (`web`) list slots, book with a one-time code sent to the phone, and
follow, move or cancel a booking with its code and token; a kiosk checks a citizen in by the
booking code (typed, or the QR scanned) or by the ID card the booking was made with.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from pydantic import Field, model_validator

from shared.domain.appointments import (
    BOOKING_CODE_PATTERN,
    BOOKING_TOKEN_PATTERN,
    REQUEST_LENGTH,
)
from shared.messaging.commands import Code, Command, Secret

BookingCode = Annotated[
    str,
    Field(
        pattern=f"^{BOOKING_CODE_PATTERN}$",
        description="The booking's 8-character code (no I, O, 0 or 1), upper case.",
    ),
]
BookingToken = Annotated[
    str,
    Field(
        pattern=f"^{BOOKING_TOKEN_PATTERN}$",
        description="The token of the booking's link, given with its code on confirmation.",
    ),
]
Client = Annotated[
    str,
    Field(
        min_length=1,
        max_length=64,
        pattern=r"^[A-Za-z0-9._:-]+$",
        description="An opaque id of the citizen's browser or network as the web pages see it "
        "(e.g. a keyed hash of the address): bookings are limited per client.",
    ),
]


class BookingOptions(Command):
    """Ask which services take appointments or remote tickets, and the booking rules."""

    type: Literal["booking_options"] = "booking_options"


class ListSlots(Command):
    """Ask for a service's slots and how many places each has left, day by day."""

    type: Literal["list_slots"] = "list_slots"
    service: Code
    day: dt.date | None = Field(None, description="First day wanted (default: today).")
    days: int = Field(7, ge=1, le=31, description="How many days from `day`.")


class RequestBooking(Command):
    """Ask for a slot, or a remote ticket now, for a phone: a one-time code is sent to it."""

    type: Literal["request_booking"] = "request_booking"
    service: Code
    slot: dt.datetime | None = Field(
        None, description="The start of the slot wanted (from list_slots); null with `remote`."
    )
    remote: bool = Field(False, description="A same-day remote ticket instead of a slot.")
    phone: Secret = Field(description="The citizen's mobile number; the code is sent to it.")
    id_number: Secret | None = Field(
        None,
        description="The citizen's ID number, so that a kiosk scanning their ID card checks "
        "them in (only a keyed hash is kept).",
        json_schema_extra={"secret": True},
    )
    client: Client | None = None

    @model_validator(mode="after")
    def _slot_or_remote(self) -> RequestBooking:
        if (self.slot is None) != self.remote:
            raise ValueError("give either `slot` or `remote: true`")
        return self


class ConfirmBooking(Command):
    """Confirm a booking request with the one-time code the phone received."""

    type: Literal["confirm_booking"] = "confirm_booking"
    request: Annotated[str, Field(pattern=f"^[a-z2-7]{{{REQUEST_LENGTH}}}$")] = Field(
        description="The request reference request_booking answered."
    )
    otp: Secret = Field(description="The one-time code sent to the phone (digits).")
    client: Client | None = None


class BookingStatus(Command):
    """Ask where a booking stands (its page on the phone)."""

    type: Literal["booking_status"] = "booking_status"
    code: BookingCode
    token: BookingToken


class CancelBooking(Command):
    """Cancel a booking from the phone (a remote ticket not called yet is withdrawn)."""

    type: Literal["cancel_booking"] = "cancel_booking"
    code: BookingCode
    token: BookingToken


class ChangeBooking(Command):
    """Move a booking to another slot of the same service."""

    type: Literal["change_booking"] = "change_booking"
    code: BookingCode
    token: BookingToken
    slot: dt.datetime = Field(description="The start of the new slot (from list_slots).")


class CheckIn(Command):
    """A kiosk checks a citizen in: the booking becomes a ticket in the queue."""

    type: Literal["check_in"] = "check_in"
    code: Annotated[str, Field(min_length=1, max_length=200)] | None = Field(
        None,
        description="The booking code as typed, or the text of its QR code (the booking's "
        "link, or MCB1:{code}:{token}).",
    )
    id_number: Secret | None = Field(
        None,
        description="The ID number read from the citizen's ID card: checks in today's booking "
        "made with it.",
        json_schema_extra={"secret": True},
    )

    @model_validator(mode="after")
    def _code_or_card(self) -> CheckIn:
        if (self.code is None) == (self.id_number is None):
            raise ValueError("give either `code` or `id_number`")
        return self


APPOINTMENT_COMMANDS: tuple[type[Command], ...] = (
    BookingOptions,
    ListSlots,
    RequestBooking,
    ConfirmBooking,
    BookingStatus,
    CancelBooking,
    ChangeBooking,
    CheckIn,
)
