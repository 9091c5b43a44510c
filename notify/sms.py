"""An SMS brand-name gateway: one JSON POST per message, field names as the gateway wants.

With the defaults the body is
`{"request_id": "…", "phone": "84912345678", "text": "…", "sender": "UBND TINH"}` and the key
goes in `Authorization: Bearer …`; `[notify.sms] fields`, `extra` and `auth` reshape it for a
gateway such as eSMS (docs/notifications.md).
"""

from __future__ import annotations

from typing import Any

from notify.gateways import (
    Answer,
    Outgoing,
    Poster,
    Result,
    Verdict,
    post_json,
    read_secret,
    status_result,
)
from shared.config.notify import SmsConfig
from shared.domain.notifications import ChannelKind, international_phone, without_diacritics


class SmsGateway:
    """Sends text messages through an HTTP gateway."""

    def __init__(self, config: SmsConfig, post: Poster = post_json) -> None:
        self.config = config
        self._post = post

    @property
    def channel(self) -> ChannelKind:
        """SMS."""
        return ChannelKind.SMS

    @property
    def idempotent(self) -> bool:
        """As the site file says (true when the gateway drops a repeated request id)."""
        return self.config.idempotent

    def request(
        self, message: Outgoing, phone: str, key: str, secret: str
    ) -> tuple[dict[str, Any], dict[str, str]]:
        """The JSON body and headers of one send."""
        config, fields = self.config, self.config.fields
        text = message.text if config.unicode else without_diacritics(message.text)
        body: dict[str, Any] = {
            fields.request_id: message.request_id,
            fields.phone: phone if config.phone_format == "84" else "0" + phone[2:],
            fields.text: text,
        }
        if config.sender and fields.sender:
            body[fields.sender] = config.sender
        body.update(config.extra)
        headers: dict[str, str] = {}
        if config.auth == "bearer":
            headers["Authorization"] = f"Bearer {key}"
        elif config.auth == "header":
            headers[config.key_header] = key
        elif config.auth == "body":
            body[fields.api_key] = key
        if secret:
            body[fields.api_secret] = secret
        return body, headers

    def send(self, message: Outgoing) -> Result:
        """Send one text message."""
        phone = international_phone(message.phone)
        if phone is None:
            return Result(Verdict.REFUSED, "số điện thoại không hợp lệ")
        try:
            key = read_secret(self.config.api_key_file)
            secret = read_secret(self.config.api_secret_file)
        except OSError as exc:
            return Result(Verdict.RETRY, f"không đọc được khóa cổng SMS: {exc.strerror}")
        body, headers = self.request(message, phone, key, secret)
        answer = self._post(self.config.url, body, headers, self.config.timeout_seconds)
        return answer if isinstance(answer, Result) else self._verdict(answer)

    def _verdict(self, answer: Answer) -> Result:
        config = self.config
        if not 200 <= answer.status < 300:
            return status_result(answer.status)
        body = answer.body if isinstance(answer.body, dict) else None
        provider_id = str(body.get(config.message_id_field, "")) if body else ""
        if not config.result_field:
            return Result(Verdict.SENT, provider_id=provider_id)
        if body is None or config.result_field not in body:
            return Result(Verdict.UNKNOWN, f"cổng SMS trả lời không rõ (HTTP {answer.status})")
        code = str(body[config.result_field])
        if code in config.ok_values:
            return Result(Verdict.SENT, provider_id=provider_id)
        if code in config.duplicate_values:
            return Result(Verdict.SENT, "cổng SMS đã nhận tin này trước đó", provider_id)
        if code in config.retry_values:
            return Result(Verdict.RETRY, f"cổng SMS: mã {code}")
        return Result(Verdict.REFUSED, f"cổng SMS: mã {code}")
