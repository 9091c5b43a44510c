"""The `[notify]` section: messages to citizens (Zalo ZNS, SMS, e-mail) and their templates.

Secrets (the Zalo access token, the SMS key, the SMTP password) are read from files, never
written in the site file: a key such as `password = "…"` is refused as unknown.
"""

from __future__ import annotations

import re
from datetime import time
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from shared.domain.notifications import (
    PLACEHOLDERS,
    ChannelKind,
    MessageKind,
    QuietHours,
    template_problems,
)

ZNS_URL = "https://business.openapi.zalo.me/message/template"
_HHMM = re.compile(r"^([01]\d|2[0-3]):([0-5]\d)$")


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class MessageTemplate(_Model):
    """What one kind of message says by SMS and e-mail (ZNS uses its approved template)."""

    text: str = Field(description="SMS text and e-mail body, with {placeholders}.")
    subject: str = Field("", description="E-mail subject, with {placeholders}.")

    @field_validator("text", "subject")
    @classmethod
    def _placeholders(cls, value: str) -> str:
        problems = template_problems(value)
        if problems:
            raise ValueError("; ".join(problems))
        return value


DEFAULT_TEMPLATES = {
    MessageKind.AHEAD: MessageTemplate(
        text="{site}: còn {ahead} người trước số {number} ({service}). "
        "Mời ông/bà có mặt gần khu vực chờ.",
        subject="Sắp đến lượt số {number}",
    ),
    MessageKind.TURN: MessageTemplate(
        text="{site}: mời số {number} đến quầy {counter}.",
        subject="Mời số {number} đến quầy {counter}",
    ),
    MessageKind.READY: MessageTemplate(
        text="Hồ sơ {code} ({procedure}) đã có kết quả, mời ông/bà đến {place} để nhận. {site}",
        subject="Hồ sơ {code} đã có kết quả",
    ),
    MessageKind.APOLOGY: MessageTemplate(
        text="{site} xin lỗi ông/bà: hồ sơ {code} ({procedure}) chưa giải quyết xong đúng hẹn. "
        "Ngày hẹn trả kết quả mới: {new_due}.",
        subject="Hồ sơ {code}: xin lỗi và hẹn lại ngày trả kết quả",
    ),
    MessageKind.BOOKING: MessageTemplate(
        text="{site} xác nhận lịch hẹn {service} lúc {time} ngày {date}. Mã lịch hẹn: {code}.",
        subject="Xác nhận lịch hẹn ngày {date}",
    ),
    MessageKind.REMINDER: MessageTemplate(
        text="{site} nhắc lịch hẹn {service} lúc {time} ngày {date}. Mã lịch hẹn: {code}.",
        subject="Nhắc lịch hẹn ngày {date}",
    ),
    MessageKind.OTP: MessageTemplate(
        text="Mã xác nhận đặt lịch {service} tại {site}: {code}. Mã có hiệu lực {minutes} phút; "
        "không đưa mã cho người khác.",
        subject="Mã xác nhận đặt lịch",
    ),
}
_EVERY_CHANNEL = [ChannelKind.ZNS, ChannelKind.SMS, ChannelKind.EMAIL]
DEFAULT_CHANNELS = {
    **{kind: _EVERY_CHANNEL for kind in MessageKind},
    MessageKind.AHEAD: [ChannelKind.ZNS, ChannelKind.SMS],
    MessageKind.TURN: [ChannelKind.ZNS, ChannelKind.SMS],
    MessageKind.OTP: [ChannelKind.SMS, ChannelKind.ZNS],
}
# A call is worth nothing an hour later: these kinds are dropped when they could not go in time.
DEFAULT_MAX_AGE = {MessageKind.AHEAD: 30, MessageKind.TURN: 15, MessageKind.OTP: 10}


class RetryConfig(_Model):
    """How often a message is tried again after a gateway failed (timeouts, 5xx, no network)."""

    max_attempts: int = Field(
        8, ge=1, le=100, description="Sends tried before the message goes to the dead letters."
    )
    backoff_base_seconds: float = Field(
        30.0, gt=0, description="Wait after the first failure; doubled after each next one."
    )
    backoff_cap_seconds: float = Field(3600.0, gt=0, description="Longest wait between tries.")
    jitter: float = Field(
        0.3, ge=0, le=1, description="Up to this fraction is taken off each wait, at random."
    )


class ZnsConfig(_Model):
    """Zalo Notification Service: the Official Account's template messages (ZNS API)."""

    url: str = Field(ZNS_URL, description="The ZNS template-message endpoint.")
    access_token_file: str = Field(
        description="File holding the Official Account's access token (read before each send, "
        "so a refresh job may replace it)."
    )
    templates: dict[MessageKind, str] = Field(
        default_factory=dict,
        description="Approved ZNS template id per message kind; a kind without one skips ZNS.",
    )
    param_names: dict[str, str] = Field(
        default_factory=dict,
        description="Names the approved templates give our values, when they differ "
        '(e.g. {code = "ma_ho_so"}).',
    )
    max_param_chars: int = Field(
        100, ge=10, le=400, description="Longer values are cut (Zalo limits each parameter)."
    )
    retry_codes: list[int] = Field(
        default_factory=lambda: [-100, -115, -124],
        description="Zalo error codes tried again later (unknown error, out of quota, access "
        "token); any other error passes the message to the next channel.",
    )
    development: bool = Field(
        False, description='Send with mode "development" (to the OA\'s admins only, no charge).'
    )
    timeout_seconds: float = Field(10.0, gt=0, description="Seconds to wait for an answer.")
    idempotent: bool = Field(
        False,
        description="True only if Zalo confirms a repeated tracking_id is never delivered "
        "twice: then a send whose answer was lost is tried again, else a person checks it.",
    )

    @field_validator("param_names")
    @classmethod
    def _names(cls, value: dict[str, str]) -> dict[str, str]:
        unknown = sorted(set(value) - PLACEHOLDERS)
        if unknown:
            raise ValueError(f"không có giá trị tên {unknown} (dùng được: {sorted(PLACEHOLDERS)})")
        return value


class SmsFields(_Model):
    """The gateway's own names for the fields of the JSON body Motcua posts."""

    phone: str = Field("phone", description="Recipient's number.")
    text: str = Field("text", description="Message text.")
    sender: str = Field("sender", description="Brand name (sender name); empty = not sent.")
    request_id: str = Field("request_id", description="Motcua's id of the message.")
    api_key: str = Field("api_key", description="The key, when `auth` is 'body'.")
    api_secret: str = Field("api_secret", description="The secret, when there is one.")


class SmsConfig(_Model):
    """An SMS brand-name gateway reached by one JSON POST per message."""

    url: str = Field(description="The gateway's send endpoint (https://…).")
    api_key_file: str = Field("", description="File holding the API key.")
    api_secret_file: str = Field("", description="File holding a second secret, if required.")
    sender: str = Field("", description="Registered brand name shown as the sender.")
    auth: Literal["bearer", "header", "body", "none"] = Field(
        "bearer",
        description="How the key travels: 'Authorization: Bearer', a header (`key_header`), "
        "or body fields.",
    )
    key_header: str = Field("X-API-Key", description="Header holding the key when auth = header.")
    fields: SmsFields = Field(default_factory=lambda: SmsFields())
    extra: dict[str, str | int | bool] = Field(
        default_factory=dict, description='Fixed body fields, e.g. {SmsType = "2"}.'
    )
    phone_format: Literal["84", "0"] = Field(
        "84", description="Numbers as 84912345678 or 0912345678."
    )
    unicode: bool = Field(
        True, description="Send Vietnamese marks; false sends text without them (cheaper)."
    )
    result_field: str = Field(
        "", description="Answer field holding the gateway's result code; empty = HTTP status only."
    )
    ok_values: list[str] = Field(default_factory=list, description="Result codes of a sent SMS.")
    duplicate_values: list[str] = Field(
        default_factory=list,
        description="Result codes meaning 'this request id was already taken' (counted as sent).",
    )
    retry_values: list[str] = Field(
        default_factory=list, description="Result codes tried again later (e.g. low balance)."
    )
    message_id_field: str = Field("message_id", description="Answer field with the SMS id.")
    timeout_seconds: float = Field(10.0, gt=0, description="Seconds to wait for an answer.")
    idempotent: bool = Field(
        False,
        description="True if the gateway drops a repeated request id: then a send whose answer "
        "was lost is tried again, else a person checks it.",
    )


class SmtpConfig(_Model):
    """The mail server messages go out through."""

    host: str = Field(description="SMTP server.")
    port: int = Field(587, ge=1, le=65535, description="Port (587 STARTTLS, 465 SSL).")
    security: Literal["starttls", "ssl", "none"] = Field(
        "starttls", description="Encryption: STARTTLS, SSL from the start, or none (local relay)."
    )
    user: str = Field("", description="Login name; empty = no login.")
    password_file: str = Field("", description="File holding the password.")
    from_address: str = Field(description='Sender, e.g. "Trung tâm PVHCC <khongtraloi@…>".')
    timeout_seconds: float = Field(20.0, gt=0, description="Seconds to wait for the server.")


class NotifyConfig(_Model):
    """How the site reaches citizens (off unless enabled)."""

    enabled: bool = Field(False, description="Send messages to citizens.")
    channels: dict[MessageKind, list[ChannelKind]] = Field(
        default_factory=dict,
        description="Channels of each message kind, best first (a kind left out: Zalo, SMS, "
        "e-mail); the next is tried when one cannot reach the citizen.",
    )
    templates: dict[MessageKind, MessageTemplate] = Field(
        default_factory=dict,
        description="The site's own wording per message kind (a kind left out: the default).",
    )
    quiet_hours: str = Field(
        "21:00-07:00", description="Local hours without messages, 'HH:MM-HH:MM'; empty = none."
    )
    quiet_exempt: list[MessageKind] = Field(
        default_factory=lambda: [MessageKind.AHEAD, MessageKind.TURN, MessageKind.OTP],
        description="Kinds sent even in quiet hours (a citizen in the hall, or waiting for a "
        "one-time code).",
    )
    max_age_minutes: dict[MessageKind, int] = Field(
        default_factory=dict,
        description="Minutes after which an unsent message is dropped (0 = never; default "
        "15 for 'turn', 30 for 'ahead', 10 for 'otp').",
    )
    ahead_people: int = Field(
        3,
        ge=0,
        le=50,
        description="A ticket taken from a phone (a remote ticket, a checked-in appointment) "
        "gets the 'ahead' message once this many people or fewer are ahead of it.",
    )
    retry: RetryConfig = Field(default_factory=lambda: RetryConfig())
    zns: ZnsConfig | None = Field(None, description="Zalo ZNS; unset = not used.")
    sms: SmsConfig | None = Field(None, description="SMS gateway; unset = not used.")
    smtp: SmtpConfig | None = Field(None, description="E-mail; unset = not used.")
    poll_seconds: float = Field(
        5.0, gt=0, le=600, description="How often `motcua notify` looks for due messages."
    )
    in_flight_seconds: float = Field(
        300.0,
        gt=0,
        description="A message marked as being sent for longer than this was cut off by a "
        "crash: tried again on an idempotent gateway, else listed for a person to check.",
    )
    dead_letters_shown: int = Field(
        50, ge=1, le=500, description="Dead letters listed on the supervisor's screen."
    )

    @field_validator("channels")
    @classmethod
    def _channels(
        cls, value: dict[MessageKind, list[ChannelKind]]
    ) -> dict[MessageKind, list[ChannelKind]]:
        for kind, channels in value.items():
            if not channels or len(set(channels)) != len(channels):
                raise ValueError(f"{kind}: cần ít nhất một kênh, không lặp lại")
        return value

    @field_validator("quiet_hours")
    @classmethod
    def _quiet(cls, value: str) -> str:
        if value:
            start, sep, end = value.partition("-")
            if not sep or not _HHMM.match(start.strip()) or not _HHMM.match(end.strip()):
                raise ValueError(f"cần dạng 'HH:MM-HH:MM', nhận được {value!r}")
            if start.strip() == end.strip():
                raise ValueError("giờ bắt đầu và kết thúc trùng nhau")
        return value

    @model_validator(mode="after")
    def _a_gateway(self) -> NotifyConfig:
        if self.enabled and self.zns is None and self.sms is None and self.smtp is None:
            raise ValueError(
                "[notify] enabled = true cần ít nhất một kênh: [notify.zns], [notify.sms] "
                "hoặc [notify.smtp]"
            )
        return self

    def channels_for(self, kind: MessageKind) -> list[ChannelKind]:
        """The channels of a kind, best first."""
        return list(self.channels.get(kind) or DEFAULT_CHANNELS[kind])

    def usable_channels(self, kind: MessageKind) -> list[ChannelKind]:
        """The channels of a kind whose gateway is set up, best first (none: nothing to send)."""
        ready = {
            ChannelKind.ZNS: self.zns is not None and kind in self.zns.templates,
            ChannelKind.SMS: self.sms is not None,
            ChannelKind.EMAIL: self.smtp is not None,
        }
        return [c for c in self.channels_for(kind) if ready[c]]

    def template(self, kind: MessageKind) -> MessageTemplate:
        """The wording of a kind: the site's, else the default."""
        return self.templates.get(kind) or DEFAULT_TEMPLATES[kind]

    def max_age(self, kind: MessageKind) -> int:
        """Minutes after which an unsent message of this kind is dropped (0 = never)."""
        return self.max_age_minutes.get(kind, DEFAULT_MAX_AGE.get(kind, 0))

    def quiet(self) -> QuietHours | None:
        """The quiet hours, or None."""
        if not self.quiet_hours:
            return None
        start, _, end = self.quiet_hours.partition("-")
        return QuietHours(_hhmm(start), _hhmm(end))


def _hhmm(text: str) -> time:
    hours, minutes = text.strip().split(":")
    return time(int(hours), int(minutes))
