"""Replies to commands: ok with a result, or a typed error with a message for people."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field


class ErrorCode(StrEnum):
    """Every error code a reply can carry."""

    MALFORMED = "malformed"
    INVALID_MESSAGE = "invalid_message"
    UNKNOWN_TYPE = "unknown_type"
    UNSUPPORTED_VERSION = "unsupported_version"
    PAYLOAD_TOO_LARGE = "payload_too_large"
    WRONG_TOPIC = "wrong_topic"
    NOT_FOUND = "not_found"
    INVALID_STATE = "invalid_state"
    SERVICE_UNAVAILABLE = "service_unavailable"
    WRONG_COUNTER = "wrong_counter"
    QUEUE_EMPTY = "queue_empty"
    INVALID_INPUT = "invalid_input"
    CONFLICT = "conflict"
    REQUEST_ID_CONFLICT = "request_id_conflict"
    FORBIDDEN = "forbidden"
    LOCKED_OUT = "locked_out"
    RATE_LIMITED = "rate_limited"
    INTERNAL = "internal_error"
    TIMEOUT = "timeout"


class ErrorInfo(BaseModel):
    """What went wrong: a stable code and a Vietnamese message to show."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    code: ErrorCode
    message: str
    retry_after: int | None = Field(
        None, description="Seconds to wait before trying again (locked_out, rate_limited)."
    )


class TicketInfo(BaseModel):
    """A ticket as replies and counter states show it (no personal data)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    number: str
    service: str
    service_name: str
    priority: str | None = None
    state: str
    counter: str | None = None
    counter_label: str | None = None
    issued_at: datetime
    service_day: str = Field(description="YYYY-MM-DD")
    people_ahead: int = 0
    estimated_wait_minutes: int = 0
    counters: list[str] = Field(default_factory=list, description="Labels of counters serving it.")
    qr: str = Field("", description="Text of the ticket's QR code.")
    recall_count: int = 0


class Reply(BaseModel):
    """The server's answer to one command."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    type: Literal["reply"] = "reply"
    v: Literal[1] = 1
    request_id: str = ""
    ok: bool
    error: ErrorInfo | None = None
    result: dict[str, Any] = Field(default_factory=dict)

    @classmethod
    def success(cls, request_id: str, result: dict[str, Any] | None = None) -> Reply:
        """Build an ok reply."""
        return cls(request_id=request_id, ok=True, result=result or {})

    @classmethod
    def failure(
        cls, request_id: str, code: ErrorCode, message: str, retry_after: int | None = None
    ) -> Reply:
        """Build an error reply."""
        error = ErrorInfo(code=code, message=message, retry_after=retry_after)
        return cls(request_id=request_id, ok=False, error=error)
