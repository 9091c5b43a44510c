"""Whether a service takes tickets now: ticket-taking windows and the daily cap."""

from __future__ import annotations

from datetime import datetime

from shared.domain.errors import ServiceUnavailable
from shared.domain.numbering import local_time
from shared.domain.site import Service


def unavailable_reason(
    service: Service, at: datetime, timezone: str, issued_today: int
) -> str | None:
    """Return why a ticket for the service cannot be issued at `at`, or None when it can."""
    if service.windows:
        moment = local_time(at, timezone).time()
        if not any(w.contains(moment) for w in service.windows):
            hours = ", ".join(w.label() for w in service.windows)
            return f"Ngoài giờ lấy số ({hours})."
    if service.daily_cap is not None and issued_today >= service.daily_cap:
        return f"Đã hết số trong ngày ({service.daily_cap} số)."
    return None


def check_can_issue(service: Service, at: datetime, timezone: str, issued_today: int) -> None:
    """Raise ServiceUnavailable with the reason when the service takes no ticket now."""
    reason = unavailable_reason(service, at, timezone, issued_today)
    if reason is not None:
        raise ServiceUnavailable(f"{service.name}: {reason}")
