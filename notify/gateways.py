"""One small interface for every gateway, and the JSON-over-HTTP call two of them share."""

from __future__ import annotations

import http.client
import json
import ssl
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Any, Protocol
from urllib.parse import urlsplit

from shared.domain.notifications import ChannelKind, MessageKind

MAX_ANSWER_BYTES = 64 * 1024


class Verdict(StrEnum):
    """What became of one send."""

    SENT = "sent"  # the gateway took it
    RETRY = "retry"  # not delivered, safe to try again later (no connection, 5xx, busy)
    UNKNOWN = "unknown"  # the request went out and no answer came: it may have been delivered
    REFUSED = "refused"  # this channel cannot deliver this message (4xx, bad number…)


@dataclass(frozen=True)
class Result:
    """A send's verdict, a short reason for the log and the dead letters, the provider's id."""

    verdict: Verdict
    detail: str = ""
    provider_id: str = ""


@dataclass(frozen=True)
class Outgoing:
    """One message, rendered, as a gateway receives it."""

    request_id: str  # the same on every try: a gateway that keeps it drops repeats
    kind: MessageKind
    phone: str
    email: str
    params: Mapping[str, str]
    text: str
    subject: str


class Gateway(Protocol):
    """Sends one message through one channel."""

    @property
    def channel(self) -> ChannelKind:
        """The channel this gateway serves."""
        ...

    @property
    def idempotent(self) -> bool:
        """Whether a repeated request id is never delivered twice by the gateway."""
        ...

    def send(self, message: Outgoing) -> Result:
        """Send a message; never raise for network or gateway failures."""
        ...


def read_secret(path: str) -> str:
    """Read a secret file (stripped); raise OSError when it cannot be read."""
    if not path:
        return ""
    return Path(path).read_text(encoding="utf-8").strip()


@dataclass(frozen=True)
class Answer:
    """A gateway's HTTP answer: status and parsed JSON (None when it was not JSON)."""

    status: int
    body: Any


Poster = Callable[[str, Mapping[str, Any], Mapping[str, str], float], "Answer | Result"]


def _reason(exc: BaseException) -> str:
    text = str(exc) or type(exc).__name__
    return text[:120]


def post_json(
    url: str, body: Mapping[str, Any], headers: Mapping[str, str], timeout: float
) -> Answer | Result:
    """POST a JSON body; a failure before the request left is RETRY, after it UNKNOWN."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return Result(Verdict.REFUSED, f"địa chỉ cổng không hợp lệ: {url!r}")
    connection: http.client.HTTPConnection
    if parts.scheme == "https":
        context = ssl.create_default_context()
        connection = http.client.HTTPSConnection(
            parts.hostname, parts.port, timeout=timeout, context=context
        )
    else:
        connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=timeout)
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    data = json.dumps(body, ensure_ascii=False).encode("utf-8")
    sent = {"Content-Type": "application/json; charset=utf-8", **headers}
    try:
        try:
            connection.connect()
        except OSError as exc:
            return Result(Verdict.RETRY, f"không kết nối được: {_reason(exc)}")
        try:
            connection.request("POST", path, body=data, headers=sent)
            response = connection.getresponse()
            raw = response.read(MAX_ANSWER_BYTES)
        except (OSError, http.client.HTTPException) as exc:
            return Result(Verdict.UNKNOWN, f"không nhận được trả lời: {_reason(exc)}")
    finally:
        connection.close()
    try:
        parsed = json.loads(raw.decode("utf-8")) if raw else None
    except ValueError:
        parsed = None
    return Answer(response.status, parsed)


def status_result(status: int) -> Result:
    """The verdict of an HTTP status that is not 2xx: busy or failing is RETRY, else REFUSED."""
    if status in (408, 425, 429) or status >= 500:
        return Result(Verdict.RETRY, f"HTTP {status}")
    return Result(Verdict.REFUSED, f"HTTP {status}")
