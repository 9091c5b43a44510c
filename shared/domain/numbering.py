"""Ticket numbers and service days: prefix + daily sequence, reset at a configured time of day."""

from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from shared.domain.errors import InvalidInput

NUMBER_PATTERN = re.compile(r"^[A-Z]{1,3}\d{1,6}$")


def format_number(prefix: str, sequence: int, width: int = 3) -> str:
    """Build a ticket number such as A001 from a prefix and the day's sequence."""
    if sequence < 1:
        raise InvalidInput("Số thứ tự phải lớn hơn 0.")
    return f"{prefix}{sequence:0{width}d}"


def parse_number(text: str) -> str:
    """Normalise a typed ticket number (" a12 " → "A12") or raise InvalidInput."""
    number = text.strip().upper()
    if not NUMBER_PATTERN.match(number):
        raise InvalidInput(f"Số thứ tự {text!r} không hợp lệ.")
    return number


def local_time(at: datetime, timezone: str) -> datetime:
    """Convert an aware instant to the site's local time."""
    if at.tzinfo is None:
        raise InvalidInput("Thời điểm phải có múi giờ.")
    return at.astimezone(ZoneInfo(timezone))


def service_day(at: datetime, timezone: str, reset: time = time(0, 0)) -> date:
    """Return the service day an instant belongs to; a day starts at `reset` local time."""
    local = local_time(at, timezone)
    shifted = local - timedelta(hours=reset.hour, minutes=reset.minute)
    return shifted.date()
