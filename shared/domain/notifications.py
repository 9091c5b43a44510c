"""Messages to citizens: their kinds, channels, templates, masks, retry delays and quiet hours.

Pure rules for the notification outbox (`shared/storage/notifications.py`) and its sender
(`motcua notify`): what a message says is a site's Vietnamese template filled with a few named
values; a phone number or e-mail shown to staff is masked; a failed send waits longer each time.
"""

from __future__ import annotations

import string
import unicodedata
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from enum import StrEnum


class MessageKind(StrEnum):
    """Why a citizen gets a message."""

    AHEAD = "ahead"  # "N people ahead of you"
    TURN = "turn"  # "your turn, counter X"
    READY = "ready"  # the dossier's result is ready
    APOLOGY = "apology"  # the late dossier's apology with its new date
    BOOKING = "booking"  # an appointment is booked
    REMINDER = "reminder"  # an appointment is near
    OTP = "otp"  # the one-time code that confirms a booking made from a phone


KIND_LABELS = {
    MessageKind.AHEAD: "Sắp đến lượt",
    MessageKind.TURN: "Đến lượt",
    MessageKind.READY: "Hồ sơ có kết quả",
    MessageKind.APOLOGY: "Xin lỗi, hẹn lại ngày trả",
    MessageKind.BOOKING: "Xác nhận lịch hẹn",
    MessageKind.REMINDER: "Nhắc lịch hẹn",
    MessageKind.OTP: "Mã xác nhận đặt lịch",
}
# Kinds whose values are secret (a one-time code): blanked once the message is over, never
# sent again by hand.
SECRET_KINDS = frozenset({MessageKind.OTP})


class ChannelKind(StrEnum):
    """A way to reach a citizen: Zalo ZNS and SMS need a phone number, e-mail an address."""

    ZNS = "zns"
    SMS = "sms"
    EMAIL = "email"


CHANNEL_LABELS = {ChannelKind.ZNS: "Zalo", ChannelKind.SMS: "SMS", ChannelKind.EMAIL: "Thư điện tử"}
PHONE_CHANNELS = frozenset({ChannelKind.ZNS, ChannelKind.SMS})

# The names a template may use, each in braces: "Hồ sơ {code} đã có kết quả".
PLACEHOLDERS = frozenset(
    {
        "code",  # dossier code
        "procedure",  # procedure name
        "place",  # where the result is collected
        "due",  # due date (dd/mm/yyyy)
        "new_due",  # the apology's new date
        "number",  # ticket number
        "counter",  # counter label ("7")
        "ahead",  # people ahead
        "service",  # service name
        "date",  # appointment day (dd/mm/yyyy)
        "time",  # appointment time (HH:MM)
        "minutes",  # how long a one-time code is valid
        "site",  # the centre's name (added by the sender)
    }
)


def template_problems(text: str) -> list[str]:
    """Say what is wrong with a template: unknown names, formats, unbalanced braces."""
    try:
        parts = list(string.Formatter().parse(text))
    except ValueError as exc:
        return [f"dấu ngoặc nhọn không cân đối ({exc})"]
    problems = []
    for _, name, spec, conversion in parts:
        if name is None:
            continue
        if name not in PLACEHOLDERS:
            allowed = ", ".join(f"{{{p}}}" for p in sorted(PLACEHOLDERS))
            problems.append(f"không có tên {{{name}}} (dùng được: {allowed})")
        elif spec or conversion:
            problems.append(f"{{{name}}} không nhận định dạng riêng")
    return problems


class _Values(dict[str, str]):
    def __missing__(self, key: str) -> str:
        return ""


def render(template: str, params: Mapping[str, str]) -> str:
    """Fill a template with its values (a missing one stays empty); return NFC text."""
    filled = template.format_map(_Values({k: str(v) for k, v in params.items()}))
    return unicodedata.normalize("NFC", filled)


def without_diacritics(text: str) -> str:
    """Return Vietnamese text without its marks ("Hồ sơ đã xong" → "Ho so da xong")."""
    text = text.replace("đ", "d").replace("Đ", "D")
    decomposed = unicodedata.normalize("NFD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def phone_digits(phone: str) -> str:
    """Return a phone number as its local digits ('+84 912 345 678' → '0912345678')."""
    digits = "".join(ch for ch in phone if ch.isdigit())
    if phone.strip().startswith("+84") or (digits.startswith("84") and len(digits) == 11):
        digits = "0" + digits[2:]
    return digits


def international_phone(phone: str) -> str | None:
    """Return a Vietnamese number as 84xxxxxxxxx (what gateways take), or None when invalid."""
    digits = phone_digits(phone)
    if len(digits) != 10 or not digits.startswith("0") or digits[1] == "0":
        return None
    return "84" + digits[1:]


def mask_phone(phone: str) -> str:
    """Hide most of a phone number for staff screens ('0912345678' → '09xx xxx 678')."""
    digits = phone_digits(phone)
    if len(digits) < 6:
        return "x" * len(digits)
    if len(digits) == 10:
        return f"{digits[:2]}xx xxx {digits[-3:]}"
    return digits[:2] + "x" * (len(digits) - 5) + digits[-3:]


def mask_email(email: str) -> str:
    """Hide most of an e-mail address ('an.nguyen@example.vn' → 'a***@example.vn')."""
    local, at, domain = email.strip().partition("@")
    if not at:
        return "***"
    return f"{local[:1]}***@{domain}"


def mask_recipient(phone: str, email: str) -> str:
    """The recipient as staff may see it: the masked phone, else the masked e-mail."""
    if phone:
        return mask_phone(phone)
    return mask_email(email) if email else ""


def retry_delay(
    attempt: int, base: float, cap: float, jitter: float, random: Callable[[], float]
) -> float:
    """Seconds to wait after the `attempt`-th failure: doubling from `base` up to `cap`, jittered.

    The jitter takes up to `jitter` (a fraction) off the wait, so senders that failed together
    do not all come back at the same instant.
    """
    exponent = max(0, attempt - 1)
    wait = cap if exponent >= 32 else min(cap, base * (2**exponent))
    return wait * (1.0 - jitter * random())


@dataclass(frozen=True)
class QuietHours:
    """Local hours when no message goes out (start to end, may cross midnight)."""

    start: time
    end: time

    def quiet(self, local: datetime) -> bool:
        """Tell whether a local moment falls in the quiet hours."""
        now = local.time()
        if self.start <= self.end:
            return self.start <= now < self.end
        return now >= self.start or now < self.end

    def over_at(self, local: datetime) -> datetime:
        """The local moment the quiet hours around `local` end (`local` itself if not quiet)."""
        if not self.quiet(local):
            return local
        end = datetime.combine(local.date(), self.end, tzinfo=local.tzinfo)
        return end if end > local else end + timedelta(days=1)


class DeliveryState(StrEnum):
    """Where a queued message stands."""

    PENDING = "pending"  # waiting for its next try
    CLAIMED = "claimed"  # taken by a sender, nothing sent yet
    SENDING = "sending"  # a request is out to a gateway (in flight)
    SENT = "sent"  # a gateway took it
    DEAD = "dead"  # given up: a person looks at it (and may send it again)
    EXPIRED = "expired"  # too late to be useful (a call, "N ahead")


FINAL_STATES = frozenset({DeliveryState.SENT, DeliveryState.DEAD, DeliveryState.EXPIRED})
IN_FLIGHT_STATES = frozenset({DeliveryState.CLAIMED, DeliveryState.SENDING})
