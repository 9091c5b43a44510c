"""What a booking sends to the citizen's phone: the one-time code, the confirmation, reminders,
and, for the ticket it became, "few people ahead of you" and "your turn, counter X".

Messages go through the notification outbox (`shared.storage.notifications`), in the writer's
transaction: a message is queued with the booking change it announces, or not at all, and
`motcua notify` sends it along the site's channels for its kind (`[notify]`). Without `[notify]`
no code can reach a phone, so no booking is taken from one; a test hands the service a sender
of its own instead (`AppointmentService.sender`).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from shared.config.notify import NotifyConfig
from shared.domain.errors import ServiceUnavailable
from shared.domain.notifications import ChannelKind, MessageKind
from shared.storage.appointments import BookingRepository
from shared.storage.notifications import queue_notification
from shared.storage.personal_data import log_access

NO_MESSAGES = (
    "Trung tâm chưa gửi được mã xác nhận qua tin nhắn. Vui lòng đặt lịch tại Trung tâm hoặc "
    "lấy số tại ki-ốt."
)


@dataclass(frozen=True, repr=False)
class OneTimeCode:
    """A one-time code to send to a phone (never logged: the repr hides it)."""

    site_id: str
    request: str
    phone: str
    code: str
    minutes: int
    service_name: str
    at: datetime
    expires_at: datetime

    def __repr__(self) -> str:
        """Never show the code or the phone."""
        return f"OneTimeCode({self.request!r})"


# Sends one code inside the writer's transaction (a test's sender keeps it instead).
CodeSender = Callable[[Session, OneTimeCode], None]


def code_sender(notify: NotifyConfig | None) -> CodeSender:
    """The site's way of sending one-time codes: the outbox, or a refusal without `[notify]`."""

    def send(session: Session, message: OneTimeCode) -> None:
        if notify is None:
            raise ServiceUnavailable(NO_MESSAGES)
        params = {"code": message.code, "minutes": str(message.minutes)}
        _queue(
            session,
            notify,
            MessageKind.OTP,
            params | {"service": message.service_name},
            _Recipient(message.site_id, message.phone, message.request, message.at),
            dedupe_key=f"otp:{message.request}",
            expires_at=message.expires_at,
        )

    return send


@dataclass(frozen=True, repr=False)
class BookingNotice:
    """A booking's confirmation or reminder for the citizen's phone."""

    site_id: str
    code: str
    phone: str
    service_name: str
    slot: datetime
    timezone: str
    at: datetime

    def params(self) -> dict[str, str]:
        """The template's values: service, local time and date, booking code."""
        local = self.slot.astimezone(ZoneInfo(self.timezone))
        return {
            "service": self.service_name,
            "time": f"{local:%H:%M}",
            "date": f"{local:%d/%m/%Y}",
            "code": self.code,
        }


def queue_confirmation(
    session: Session, notify: NotifyConfig | None, notice: BookingNotice, version: int
) -> None:
    """Queue the message confirming a booking (again after each change: `version`)."""
    if notify is None:
        return
    _queue(
        session,
        notify,
        MessageKind.BOOKING,
        notice.params(),
        _Recipient(notice.site_id, notice.phone, notice.code, notice.at),
        dedupe_key=f"booking:{notice.code}:{version}",
        expires_at=notice.slot,
    )


def queue_reminder(session: Session, notify: NotifyConfig | None, notice: BookingNotice) -> None:
    """Queue the reminder of a slot coming soon."""
    if notify is None:
        return
    _queue(
        session,
        notify,
        MessageKind.REMINDER,
        notice.params(),
        _Recipient(notice.site_id, notice.phone, notice.code, notice.at),
        dedupe_key=f"reminder:{notice.code}:{notice.slot.isoformat()}",
        expires_at=notice.slot,
    )


@dataclass(frozen=True)
class TicketCall:
    """A ticket from a booking called (or recalled) to a counter: the "turn" message."""

    site_id: str
    service_day: date
    number: str
    counter_label: str
    calls: int  # the ticket's calls so far, this one included: one message per call
    at: datetime


def queue_turn(session: Session, notify: NotifyConfig, call: TicketCall) -> None:
    """Queue "your turn, counter X" to the phone the ticket was booked from (if it has one)."""
    channels = notify.usable_channels(MessageKind.TURN)
    if not channels:
        return
    bookings = BookingRepository(session, call.site_id)
    phone = bookings.ticket_phones(call.service_day, [call.number]).get(call.number)
    if not phone:
        return
    _queue(
        session,
        notify,
        MessageKind.TURN,
        {"number": call.number, "counter": call.counter_label},
        _Recipient(call.site_id, phone, call.number, call.at),
        dedupe_key=f"turn:{call.service_day.isoformat()}:{call.number}:{call.calls}",
        expires_at=None,
        channels=channels,
    )


@dataclass(frozen=True)
class TicketAhead:
    """A waiting ticket from a booking with few people ahead: the "ahead" message."""

    number: str
    ahead: int
    service_name: str


def queue_ahead(
    session: Session,
    notify: NotifyConfig,
    site_id: str,
    service_day: date,
    tickets: list[TicketAhead],
    at: datetime,
) -> None:
    """Queue "N people ahead of you" once per ticket (the dedupe key holds across restarts)."""
    channels = notify.usable_channels(MessageKind.AHEAD)
    if not channels or not tickets:
        return
    bookings = BookingRepository(session, site_id)
    phones = bookings.ticket_phones(service_day, [t.number for t in tickets])
    for ticket in tickets:
        phone = phones.get(ticket.number)
        if not phone:
            continue
        params = {
            "ahead": str(ticket.ahead),
            "number": ticket.number,
            "service": ticket.service_name,
        }
        _queue(
            session,
            notify,
            MessageKind.AHEAD,
            params,
            _Recipient(site_id, phone, ticket.number, at),
            dedupe_key=f"ahead:{service_day.isoformat()}:{ticket.number}",
            expires_at=None,
            channels=channels,
        )


@dataclass(frozen=True, repr=False)
class _Recipient:
    site_id: str
    phone: str
    reference: str
    at: datetime


def _queue(
    session: Session,
    notify: NotifyConfig,
    kind: MessageKind,
    params: Mapping[str, str],
    to: _Recipient,
    *,
    dedupe_key: str,
    expires_at: datetime | None,
    channels: list[ChannelKind] | None = None,
) -> None:
    queued = queue_notification(
        session,
        to.site_id,
        kind.value,
        params=params,
        dedupe_key=dedupe_key,
        at=to.at,
        recipient_phone=to.phone,
        channels=[c.value for c in (channels or notify.channels_for(kind))],
        reference=to.reference,
        expires_at=expires_at,
    )
    if queued is not None:  # the phone number goes to a gateway (Zalo, an SMS provider)
        log_access(
            session,
            site_id=to.site_id,
            at=to.at,
            actor="notify",
            purpose=f"notify_{kind.value}",
            fields=("phone",),
        )
