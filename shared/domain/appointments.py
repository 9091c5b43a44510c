"""Appointments and remote tickets: slots, booking codes, one-time codes, and when one is due.

A service may offer time slots (a few citizens per slot, on its days and hours, up to some
days ahead, never on a holiday, a day off of the centre's calendar or a blackout day) and
same-day remote tickets (a number taken from a phone, counted in the daily cap like a kiosk's).
A booking is confirmed with a one-time code sent to the phone; it then has a short booking code
(typed at the kiosk, or scanned from its QR with its token) that checks the citizen in. Pure:
no I/O here.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
import secrets
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

from shared.domain.deadlines import WorkingCalendar
from shared.domain.dossier_codes import TOKEN_ALPHABET, TOKEN_LENGTH
from shared.domain.errors import DomainError, InvalidInput
from shared.domain.site import TimeWindow

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
WEEKDAY_NAMES = ("thứ Hai", "thứ Ba", "thứ Tư", "thứ Năm", "thứ Sáu", "thứ Bảy", "Chủ nhật")
BOOKING_CODE_LENGTH = TOKEN_LENGTH  # 8 characters without look-alikes (no I, O, 0, 1)
BOOKING_CODE_PATTERN = f"[{TOKEN_ALPHABET}]{{{BOOKING_CODE_LENGTH}}}"
BOOKING_TOKEN_LENGTH = 20  # base32: 100 bits
BOOKING_TOKEN_PATTERN = f"[a-z2-7]{{{BOOKING_TOKEN_LENGTH}}}"
REQUEST_LENGTH = 24  # the reference of a booking waiting for its one-time code
_PHONE = re.compile(r"^0[1-9]\d{8}$")


class BookingKind(StrEnum):
    """A time slot, or a same-day remote ticket."""

    SLOT = "slot"
    REMOTE = "remote"


class BookingState(StrEnum):
    """Where a booking stands."""

    PENDING_OTP = "pending_otp"  # asked for; waits for the one-time code
    BOOKED = "booked"  # confirmed; waits for the citizen to check in
    CHECKED_IN = "checked_in"  # a ticket waits in the queue
    CALLED = "called"  # its ticket was called to a counter
    NO_SHOW = "no_show"  # not checked in by the slot plus the grace period
    CANCELLED = "cancelled"  # cancelled from the phone


STATE_LABELS = {
    BookingState.PENDING_OTP: "Chờ mã xác nhận",
    BookingState.BOOKED: "Đã đặt lịch",
    BookingState.CHECKED_IN: "Đã có mặt, đang chờ gọi",
    BookingState.CALLED: "Đã được gọi",
    BookingState.NO_SHOW: "Không đến (đã hủy giữ chỗ)",
    BookingState.CANCELLED: "Đã hủy",
}
# Bookings that hold their slot (a pending one only while its one-time code is valid).
HOLDING = frozenset(
    {
        BookingState.PENDING_OTP,
        BookingState.BOOKED,
        BookingState.CHECKED_IN,
        BookingState.CALLED,
        BookingState.NO_SHOW,
    }
)
CONFIRMED = HOLDING - {BookingState.PENDING_OTP}


class WrongCode(DomainError):
    """The one-time code does not match; a few more tries are left."""

    code = "wrong_code"


class CodeExpired(DomainError):
    """The one-time code expired or its tries were used up: ask for a new one."""

    code = "code_expired"


class SlotFull(DomainError):
    """The slot has no free place left (or is no longer offered)."""

    code = "slot_full"


class TooManyBookings(DomainError):
    """A phone or a client asked for too many bookings: wait `retry_after` seconds."""

    code = "rate_limited"


@dataclass(frozen=True)
class SlotPlan:
    """One service's slots: length, capacity, weekdays (0 = Monday), local hours, horizon."""

    service: str
    minutes: int = 15
    capacity: int = 1
    weekdays: frozenset[int] = frozenset(range(5))
    windows: tuple[TimeWindow, ...] = ()
    horizon_days: int = 14
    remote: bool = False
    remote_share_percent: int = 30

    @property
    def slots(self) -> bool:
        """Whether the service offers time slots at all."""
        return bool(self.windows)

    def slot_times(self) -> list[time]:
        """Local start times of a day's slots, in order."""
        starts: list[time] = []
        step = timedelta(minutes=self.minutes)
        for window in self.windows:
            moment = datetime.combine(date(2000, 1, 3), window.start)
            end = datetime.combine(date(2000, 1, 3), window.end)
            while moment + step <= end:
                starts.append(moment.time())
                moment += step
        return sorted(set(starts))

    def remote_cap(self, daily_cap: int | None) -> int | None:
        """Most remote tickets a day (None: no limit but the per-phone ones)."""
        if daily_cap is None:
            return None
        return daily_cap * self.remote_share_percent // 100


@dataclass(frozen=True)
class BookingRules:
    """The site's booking rules (`[appointments]`)."""

    plans: Mapping[str, SlotPlan] = field(default_factory=dict)
    blackouts: Mapping[date, str] = field(default_factory=dict)
    lead_minutes: int = 30
    grace_minutes: int = 15
    reminder_minutes: int = 60
    code_length: int = 6
    code_minutes: int = 5
    code_attempts: int = 5
    bookings_per_phone: int = 2
    requests_per_phone: int = 5
    requests_per_client: int = 20
    changes_per_booking: int = 2

    @property
    def grace(self) -> timedelta:
        """How long after its slot an appointment may still check in as one."""
        return timedelta(minutes=self.grace_minutes)

    def plan(self, service: str) -> SlotPlan:
        """The plan of a service that takes bookings, or raise InvalidInput."""
        found = self.plans.get(service)
        if found is None:
            raise InvalidInput(f"Dịch vụ {service!r} không nhận đặt lịch hẹn.")
        return found


def closed_reason(
    plan: SlotPlan, day: date, calendar: WorkingCalendar, blackouts: Mapping[date, str]
) -> str | None:
    """Say why a service has no slots on a day (holiday, day off, blackout, weekday), or None.

    The calendar's make-up working days have slots whatever the weekday; a weekday the plan
    lists has them unless it is a public holiday or one of the calendar's days off.
    """
    if day in blackouts:
        return blackouts[day] or "Ngày không nhận lịch hẹn"
    if calendar.is_working_day(day) and day.weekday() < 5:
        return None if day.weekday() in plan.weekdays else _weekday_closed(day)
    if calendar.is_working_day(day):  # a make-up working day at the weekend
        return None
    holiday = calendar.holiday(day)
    if holiday is not None:
        return holiday
    return None if day.weekday() in plan.weekdays else _weekday_closed(day)


def _weekday_closed(day: date) -> str:
    return f"Không nhận lịch hẹn vào {WEEKDAY_NAMES[day.weekday()]}"


def day_slots(plan: SlotPlan, day: date, timezone: str) -> list[datetime]:
    """The UTC start of each slot of a day (whether or not the day is open)."""
    zone = ZoneInfo(timezone)
    return [
        datetime.combine(day, start, tzinfo=zone).astimezone(ZoneInfo("UTC"))
        for start in plan.slot_times()
    ]


def is_slot_start(plan: SlotPlan, at: datetime, timezone: str) -> bool:
    """Whether an instant is the start of one of the plan's slots (on any day)."""
    local = at.astimezone(ZoneInfo(timezone))
    return local.second == 0 and local.microsecond == 0 and local.time() in plan.slot_times()


def past_grace(slot: datetime, rules: BookingRules, now: datetime) -> bool:
    """Whether an appointment not yet checked in is released (a no-show)."""
    return now >= slot + rules.grace


# Codes and tokens ------------------------------------------------------------------------------


def new_booking_code() -> str:
    """A fresh booking code: 8 characters a person can read and type (no I, O, 0, 1)."""
    return "".join(secrets.choice(TOKEN_ALPHABET) for _ in range(BOOKING_CODE_LENGTH))


def normalise_booking_code(text: str) -> str | None:
    """A typed booking code, upper-cased without spaces or dashes, or None when it is not one."""
    code = re.sub(r"[\s-]", "", text).upper()
    return code if re.fullmatch(BOOKING_CODE_PATTERN, code) else None


def new_request_ref() -> str:
    """The reference of a booking request, quoted with its one-time code (unguessable)."""
    return base64.b32encode(secrets.token_bytes(15)).decode().lower()[:REQUEST_LENGTH]


def booking_token(key: bytes, site_id: str, code: str) -> str:
    """The token of a booking's link (lower-case base32, 100 bits, keyed: never stored)."""
    digest = hmac.new(key, f"booking:{site_id}:{code}".encode(), hashlib.sha256).digest()
    return base64.b32encode(digest).decode().lower()[:BOOKING_TOKEN_LENGTH]


def booking_token_ok(key: bytes, site_id: str, code: str, token: str) -> bool:
    """Whether a token is that booking's (constant time)."""
    return hmac.compare_digest(booking_token(key, site_id, code), token)


def new_one_time_code(length: int) -> str:
    """A random one-time code of `length` digits."""
    return "".join(secrets.choice("0123456789") for _ in range(length))


def one_time_code_hash(key: bytes, request: str, code: str) -> str:
    """The keyed hash a one-time code is kept as (the code itself is never stored)."""
    return hmac.new(key, f"otp:{request}:{code}".encode(), hashlib.sha256).hexdigest()


def one_time_code_ok(key: bytes, request: str, code: str, stored: str) -> bool:
    """Whether a one-time code matches the stored hash (constant time)."""
    return bool(stored) and hmac.compare_digest(one_time_code_hash(key, request, code), stored)


def normalise_phone(text: str) -> str:
    """A Vietnamese mobile number as 10 local digits ('+84 912 345 678' → '0912345678')."""
    digits = "".join(ch for ch in text if ch.isdigit())
    if text.strip().startswith("+84") or (digits.startswith("84") and len(digits) == 11):
        digits = "0" + digits[2:]
    if not _PHONE.match(digits):
        raise InvalidInput("Số điện thoại cần đủ 10 chữ số, ví dụ 0912 345 678.")
    return digits


def mask_phone(phone: str) -> str:
    """A phone number as the citizen may see it on a shared screen ('09xx xxx 678')."""
    digits = "".join(ch for ch in phone if ch.isdigit())
    if len(digits) < 6:
        return "x" * len(digits)
    return f"{digits[:2]}xx xxx {digits[-3:]}"
