"""Replies to commands: ok with a result, or a typed error with a message for people."""

from __future__ import annotations

import builtins
from datetime import datetime
from enum import StrEnum
from typing import Any, Literal, TypeVar

from pydantic import BaseModel, ConfigDict, Field

from shared.domain.tickets import TicketState

ResultModel = TypeVar("ResultModel", bound=BaseModel)


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
    STORAGE_UNAVAILABLE = "storage_unavailable"
    SECOND_FACTOR_REQUIRED = "second_factor_required"
    INDEX_UNAVAILABLE = "index_unavailable"
    WRONG_CODE = "wrong_code"
    CODE_EXPIRED = "code_expired"
    SLOT_FULL = "slot_full"
    TIMEOUT = "timeout"


# What each code means, for integrators (docs/protocol.md and docs/asyncapi.json show it).
ERROR_MEANINGS: dict[ErrorCode, str] = {
    ErrorCode.MALFORMED: (
        "not JSON, not UTF-8, not a JSON object, or arrays/objects nested deeper than 16"
    ),
    ErrorCode.INVALID_MESSAGE: "a field is missing, of the wrong type, out of range, or unknown",
    ErrorCode.UNKNOWN_TYPE: "`type` names no command",
    ErrorCode.UNSUPPORTED_VERSION: "`v` is not 1",
    ErrorCode.PAYLOAD_TOO_LARGE: "payload over 16 KiB",
    ErrorCode.WRONG_TOPIC: "the payload's `type` differs from the topic's `{verb}`",
    ErrorCode.NOT_FOUND: "no such service, priority category, counter or ticket number today",
    ErrorCode.INVALID_STATE: (
        "not allowed now (counter closed or paused, ticket already called, …)"
    ),
    ErrorCode.SERVICE_UNAVAILABLE: (
        "outside the service's ticket-taking window, or its daily cap is reached"
    ),
    ErrorCode.WRONG_COUNTER: (
        "the device is not a counter, or the ticket belongs to another counter"
    ),
    ErrorCode.QUEUE_EMPTY: "nobody waits for the counter's services",
    ErrorCode.INVALID_INPUT: (
        "a value is well-formed but unusable (e.g. transfer to a service nobody serves)"
    ),
    ErrorCode.CONFLICT: "another server changed the same ticket; retry",
    ErrorCode.REQUEST_ID_CONFLICT: (
        "this device already sent this command with this `request_id` and another payload: "
        "use a new id"
    ),
    ErrorCode.FORBIDDEN: (
        "not allowed for this device or officer: wrong password, officer not assigned to the "
        "counter, nobody logged in, another branch's dossier, a device that may not sync dossiers"
    ),
    ErrorCode.LOCKED_OUT: (
        "too many wrong logins for this officer id or at this counter, or too many failed "
        "dossier lookups or check-ins at this device: wait `retry_after` seconds (see "
        '"Logins", "Lookups", "Appointments")'
    ),
    ErrorCode.RATE_LIMITED: (
        'this device sent more commands than its limit (see "Limits"), a login of the same '
        "officer or counter is still being checked, or a phone or web client asked for too "
        'many bookings (see "Appointments"): wait `retry_after` seconds'
    ),
    ErrorCode.INTERNAL: "the server failed; retry",
    ErrorCode.STORAGE_UNAVAILABLE: (
        "the server's database does not answer: nothing was done; wait `retry_after` seconds "
        "and retry with the same `request_id`"
    ),
    ErrorCode.SECOND_FACTOR_REQUIRED: (
        "a dossier code alone does not open a dossier at a public device: send the slip's QR "
        'or token, or the code with `phone_digits` (see "Lookups")'
    ),
    ErrorCode.INDEX_UNAVAILABLE: (
        "the dossier is not held here and the provincial index did not answer in time: nothing "
        "was done; wait `retry_after` seconds and retry"
    ),
    ErrorCode.WRONG_CODE: (
        "the one-time code sent to the phone does not match (the message says how many tries "
        'are left; see "Appointments")'
    ),
    ErrorCode.CODE_EXPIRED: (
        "the one-time code expired or its tries are used up: request the booking again"
    ),
    ErrorCode.SLOT_FULL: "the slot has no place left or is no longer offered: choose another",
    ErrorCode.TIMEOUT: "(client side) no reply after the retries",
}


class ErrorInfo(BaseModel):
    """What went wrong: a stable code and a Vietnamese message to show."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    code: ErrorCode
    message: str
    retry_after: int | None = Field(
        None,
        description="Seconds to wait before trying again (locked_out, rate_limited, "
        "storage_unavailable, index_unavailable).",
    )


class TicketInfo(BaseModel):
    """A ticket as replies and counter states show it (no personal data)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    number: str
    service: str
    service_name: str
    priority: str | None = None
    state: TicketState
    counter: str | None = None
    counter_label: str | None = None
    issued_at: datetime
    service_day: str = Field(description="YYYY-MM-DD")
    people_ahead: int = 0
    estimated_wait_minutes: int = 0
    counters: list[str] = Field(default_factory=list, description="Labels of counters serving it.")
    qr: str = Field("", description="Text of the ticket's QR code.")
    recall_count: int = 0
    appointment_at: datetime | None = Field(
        None,
        description="Start of the slot of an appointment checked in in time: it is called at "
        "its time, ahead of walk-ins. Null for a walk-in (and a late appointment).",
    )


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

    # `type` is a field here: `builtins.type` is the class of classes.
    def result_as(self, model: builtins.type[ResultModel]) -> ResultModel:
        """Read an ok reply's result as its model (shared.messaging.results).

        Raises ValueError for an error reply, and pydantic's ValidationError (a ValueError)
        when the result does not match the model.
        """
        if not self.ok:
            code = self.error.code.value if self.error else "?"
            raise ValueError(f"reply {self.request_id!r} is an error ({code}), not a result")
        return model.model_validate(self.result)
