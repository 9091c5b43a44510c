"""The `[appointments]` section: time slots and same-day remote tickets booked from a phone."""

from __future__ import annotations

import datetime as dt
import re
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from shared.domain.appointments import WEEKDAYS, BookingRules, SlotPlan
from shared.domain.site import ID_PATTERN as _ID
from shared.domain.site import TimeWindow

_HHMM = re.compile(r"^([01]\d|2[0-3]):([0-5]\d)$")


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


def _time(text: str) -> dt.time:
    match = _HHMM.match(text.strip())
    if not match:
        raise ValueError(f"cần dạng HH:MM, nhận được {text!r}")
    return dt.time(int(match.group(1)), int(match.group(2)))


def _window(text: str) -> TimeWindow:
    start, sep, end = text.partition("-")
    if not sep:
        raise ValueError(f"khung giờ {text!r} cần dạng 'HH:MM-HH:MM'")
    window = TimeWindow(_time(start), _time(end))
    if window.start >= window.end:
        raise ValueError(f"khung giờ {text!r}: giờ đầu phải trước giờ cuối")
    return window


class BlackoutDay(_Model):
    """A day the centre takes no appointments (besides holidays and the calendar's days off)."""

    date: dt.date = Field(description="The day, e.g. 2026-12-31.")
    name: str = Field("", description="Why, shown to citizens, e.g. 'Kiểm kê cuối năm'.")


class ServiceAppointments(_Model):
    """How one service takes appointments and remote tickets."""

    service: Annotated[str, Field(pattern=_ID, description="Code of the service ([[services]]).")]
    slots: bool = Field(True, description="Offer time slots for this service.")
    slot_minutes: int = Field(15, ge=5, le=240, description="Length of one slot, in minutes.")
    capacity: int = Field(1, ge=1, le=100, description="Citizens booked into one slot at most.")
    days: list[str] = Field(
        default_factory=lambda: ["mon", "tue", "wed", "thu", "fri"],
        description="Weekdays with slots: mon tue wed thu fri sat sun. Public holidays, the "
        "calendar's days off and the blackout days never have slots; the calendar's make-up "
        "working days always do.",
    )
    hours: list[str] = Field(
        default_factory=lambda: ["08:00-11:00", "13:30-16:00"],
        description="Local hours with slots, e.g. ['08:00-11:00', '13:30-16:00']; slots start "
        "at each window's start and end no later than its end.",
    )
    horizon_days: int = Field(
        14, ge=0, le=90, description="How many days ahead a slot may be booked (0 = today only)."
    )
    remote_tickets: bool = Field(
        False,
        description="Offer same-day remote tickets: a number taken from a phone during the "
        "service's ticket-taking windows, counted in its daily cap like a kiosk's.",
    )
    remote_share_percent: int = Field(
        30,
        ge=0,
        le=100,
        description="Share of the service's daily cap that remote tickets may take (the kiosk "
        "keeps the rest); a service without a daily cap has no such limit.",
    )

    @field_validator("days")
    @classmethod
    def _check_days(cls, value: list[str]) -> list[str]:
        unknown = [d for d in value if d not in WEEKDAYS]
        if unknown:
            raise ValueError(f"ngày không hợp lệ {unknown}; dùng {', '.join(WEEKDAYS)}")
        return value

    @field_validator("hours")
    @classmethod
    def _check_hours(cls, value: list[str]) -> list[str]:
        for window in value:
            _window(window)
        return value

    @model_validator(mode="after")
    def _slots_fit(self) -> ServiceAppointments:
        if self.slots and self.hours and not self.plan().slot_times():
            raise ValueError(f"không khung giờ nào đủ dài cho một lượt {self.slot_minutes} phút")
        return self

    def plan(self) -> SlotPlan:
        """The domain's view of this service's slots."""
        return SlotPlan(
            service=self.service,
            minutes=self.slot_minutes,
            capacity=self.capacity,
            weekdays=frozenset(WEEKDAYS.index(d) for d in self.days),
            windows=tuple(_window(w) for w in self.hours) if self.slots else (),
            horizon_days=self.horizon_days,
            remote=self.remote_tickets,
            remote_share_percent=self.remote_share_percent,
        )


class AppointmentsConfig(_Model):
    """Booking rules of the site (off unless enabled)."""

    enabled: bool = Field(False, description="Offer appointments and remote tickets.")
    services: list[ServiceAppointments] = Field(
        default_factory=list, description="The services that take bookings, one table each."
    )
    blackout_days: list[BlackoutDay] = Field(
        default_factory=list,
        description="Extra days without appointments (the calendar's holidays and days off "
        "never have any).",
    )
    lead_minutes: int = Field(
        30, ge=0, le=1440, description="A slot can be booked up to this many minutes before it."
    )
    call_margin_minutes: int = Field(
        5,
        ge=0,
        le=60,
        description="A checked-in appointment goes ahead of walk-ins from this many minutes "
        "before its slot (never earlier).",
    )
    grace_minutes: int = Field(
        15,
        ge=0,
        le=240,
        description="An appointment not checked in this long after its slot starts is released "
        "as a no-show; checked in later, it joins the queue as a walk-in.",
    )
    reminder_minutes: int = Field(
        60, ge=0, le=2880, description="Remind the citizen this long before the slot (0 = never)."
    )
    code_length: int = Field(6, ge=4, le=8, description="Digits of the one-time code.")
    code_minutes: int = Field(5, ge=1, le=30, description="Minutes the one-time code is valid.")
    code_attempts: int = Field(
        5, ge=1, le=10, description="Wrong one-time codes before the request must start again."
    )
    bookings_per_phone: int = Field(
        2, ge=1, le=20, description="Bookings one phone number may hold for one day."
    )
    requests_per_phone: int = Field(
        5, ge=1, le=100, description="One-time codes one phone number may ask for in a day."
    )
    requests_per_client: int = Field(
        20,
        ge=1,
        le=1000,
        description="Bookings one device or web client may ask for in an hour (flood guard).",
    )
    changes_per_booking: int = Field(
        2, ge=0, le=20, description="Times a booking may be moved to another slot."
    )
    contact_days: int = Field(
        30,
        ge=0,
        le=3650,
        description="Days after a booking's day that its phone number and ID-number hash are "
        "kept (0 = only until the next day); unconfirmed requests go a day after their code "
        "expired. Like the periods of [privacy].",
    )

    @model_validator(mode="after")
    def _one_table_per_service(self) -> AppointmentsConfig:
        seen: set[str] = set()
        for item in self.services:
            if item.service in seen:
                raise ValueError(f"dịch vụ '{item.service}' có hai bảng [[appointments.services]]")
            seen.add(item.service)
        return self

    def rules(self) -> BookingRules:
        """The domain's booking rules."""
        return BookingRules(
            plans={s.service: s.plan() for s in self.services},
            blackouts={b.date: b.name for b in self.blackout_days},
            lead_minutes=self.lead_minutes,
            grace_minutes=self.grace_minutes,
            reminder_minutes=self.reminder_minutes,
            code_length=self.code_length,
            code_minutes=self.code_minutes,
            code_attempts=self.code_attempts,
            bookings_per_phone=self.bookings_per_phone,
            requests_per_phone=self.requests_per_phone,
            requests_per_client=self.requests_per_client,
            changes_per_booking=self.changes_per_booking,
        )
