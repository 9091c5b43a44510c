"""A hall that takes bookings, and a phone that receives the one-time codes (a test-only seam)."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session, sessionmaker

from server.appointment_service import AppointmentService, AppointmentSettings
from server.booking_messages import OneTimeCode
from shared.config.site import SiteConfig
from shared.domain.site import Site
from shared.messaging import appointment_commands as ac
from shared.messaging.replies import Reply
from tests.helpers.clock import FakeClock
from tests.helpers.memory_server import Hall
from tests.helpers.sites import demo_config

KEY = b"k" * 32


class Phones:
    """Every one-time code the server sent, by request (what the citizen's phone receives)."""

    def __init__(self) -> None:
        self.sent: list[OneTimeCode] = []

    def __call__(self, session: Session, message: OneTimeCode) -> None:
        self.sent.append(message)

    def code(self, request: str) -> str:
        """The code sent for a request."""
        return next(m.code for m in reversed(self.sent) if m.request == request)


def with_appointments(
    hall: Hall, config: SiteConfig | None = None, **rules: Any
) -> tuple[AppointmentService, Phones]:
    """Turn bookings on in a hall (the demo site's `[appointments]`, some rules changed)."""
    config = config or demo_config()
    settings = AppointmentSettings.from_config(config, KEY)
    if rules:
        settings = replace(settings, rules=replace(settings.rules, **rules))
    phones = Phones()
    service = AppointmentService(hall.server.site, settings, sender=phones)
    hall.server.service.appointments = service
    return service, phones


def booking_hall(
    site: Site, sessions: sessionmaker[Session], clock: FakeClock, **rules: Any
) -> tuple[Hall, Phones]:
    """A hall on the in-memory bus that takes the demo site's bookings."""
    hall = Hall(site, sessions, clock)
    _, phones = with_appointments(hall, **rules)
    return hall, phones


def tick(hall: Hall) -> None:
    """Run the server's appointment timer once (releases, reminders, counts)."""
    hall.server.appointments_tick()


def book(
    hall: Hall,
    phones: Phones,
    service: str,
    slot: datetime | None,
    phone: str = "0912345678",
    **fields: Any,
) -> Reply:
    """Request a slot (or a remote ticket when `slot` is None) and confirm it with the code."""
    asked = hall.do(
        "web",
        ac.RequestBooking,
        service=service,
        slot=slot,
        remote=slot is None,
        phone=phone,
        **fields,
    )
    if not asked.ok:
        return asked
    request = str(asked.result["request"])
    return hall.do("web", ac.ConfirmBooking, request=request, otp=phones.code(request))
