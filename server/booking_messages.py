"""What a booking sends to the citizen's phone: the one-time code, the confirmation, reminders.

Messages go through the notification outbox (`shared.storage.notifications`), in the writer's
transaction: a message is queued with the booking change it announces, or not at all, and
`motcua notify` sends it along the site's channels for its kind (`[notify]`). Without `[notify]`
no code can reach a phone, so no booking is taken from one; a test hands the service a sender
of its own instead (`AppointmentService.sender`).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from shared.config.notify import NotifyConfig
from shared.domain.errors import ServiceUnavailable
from shared.domain.notifications import MessageKind
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
    expires_at: datetime,
) -> None:
    queued = queue_notification(
        session,
        to.site_id,
        kind.value,
        params=params,
        dedupe_key=dedupe_key,
        at=to.at,
        recipient_phone=to.phone,
        channels=[c.value for c in notify.channels_for(kind)],
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
