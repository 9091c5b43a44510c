"""Zalo Notification Service: one approved template message per send (ZNS template API).

POST {url} with the header `access_token` and the body
`{"phone": "84912345678", "template_id": "…", "template_data": {…}, "tracking_id": "…"}`;
Zalo answers HTTP 200 with `{"error": 0, "data": {"msg_id": …}}`, or a negative `error`.
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
from shared.config.notify import ZnsConfig
from shared.domain.notifications import KIND_LABELS, ChannelKind, international_phone


class ZnsGateway:
    """Sends template messages through a Zalo Official Account."""

    def __init__(self, config: ZnsConfig, post: Poster = post_json) -> None:
        self.config = config
        self._post = post

    @property
    def channel(self) -> ChannelKind:
        """Zalo ZNS."""
        return ChannelKind.ZNS

    @property
    def idempotent(self) -> bool:
        """As the site file says: Zalo documents tracking_id for reports, not as a guard."""
        return self.config.idempotent

    def body(self, message: Outgoing, phone: str, template: str) -> dict[str, Any]:
        """The JSON body of one send."""
        limit = self.config.max_param_chars
        names = self.config.param_names
        data = {
            names.get(key, key): value if len(value) <= limit else value[: limit - 1] + "…"
            for key, value in message.params.items()
        }
        body: dict[str, Any] = {
            "phone": phone,
            "template_id": template,
            "template_data": data,
            "tracking_id": message.request_id,
        }
        if self.config.development:
            body["mode"] = "development"
        return body

    def send(self, message: Outgoing) -> Result:
        """Send one template message."""
        template = self.config.templates.get(message.kind)
        if not template:
            return Result(Verdict.REFUSED, f"chưa có mẫu ZNS cho «{KIND_LABELS[message.kind]}»")
        phone = international_phone(message.phone)
        if phone is None:
            return Result(Verdict.REFUSED, "số điện thoại không hợp lệ")
        try:
            token = read_secret(self.config.access_token_file)
        except OSError as exc:
            return Result(Verdict.RETRY, f"không đọc được access token Zalo: {exc.strerror}")
        answer = self._post(
            self.config.url,
            self.body(message, phone, template),
            {"access_token": token},
            self.config.timeout_seconds,
        )
        return answer if isinstance(answer, Result) else self._verdict(answer)

    def _verdict(self, answer: Answer) -> Result:
        if not 200 <= answer.status < 300:
            return status_result(answer.status)
        body = answer.body if isinstance(answer.body, dict) else {}
        error = body.get("error")
        if not isinstance(error, int):
            return Result(Verdict.UNKNOWN, f"Zalo trả lời không rõ (HTTP {answer.status})")
        if error == 0:
            data = body.get("data")
            msg_id = data.get("msg_id", "") if isinstance(data, dict) else ""
            return Result(Verdict.SENT, provider_id=str(msg_id))
        detail = f"Zalo {error}: {str(body.get('message', ''))[:100]}"
        if error in self.config.retry_codes:
            return Result(Verdict.RETRY, detail)
        return Result(Verdict.REFUSED, detail)
