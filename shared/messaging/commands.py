"""Command messages: what kiosks, consoles and external systems ask the queue server to do."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, PlainSerializer, SecretStr, SerializationInfo

PROTOCOL_VERSION = 1
# Serialisation context under which secret fields are written in clear: only the wire encoder
# (codec.encode) sets it. Everything else (audit rows, logs, repr, debug dumps) gets REDACTED.
REVEAL_SECRETS = "reveal_secrets"
REDACTED = "***"
RequestId = Annotated[str, Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9._:-]+$")]
Text = Annotated[str, Field(max_length=200)]
Number = Annotated[str, Field(min_length=2, max_length=9, pattern=r"^[A-Za-z]{1,3}\d{1,6}$")]
Code = Annotated[str, Field(min_length=1, max_length=40, pattern=r"^[a-z0-9][a-z0-9_-]*$")]


def _secret_text(value: SecretStr, info: SerializationInfo) -> str:
    context = info.context if isinstance(info.context, dict) else {}
    return value.get_secret_value() if context.get(REVEAL_SECRETS) else REDACTED


# A password or PIN: *** in repr, logs, audit rows and debug dumps; in clear only on the wire.
Secret = Annotated[
    SecretStr,
    Field(min_length=1, max_length=128, json_schema_extra={"secret": True}),
    PlainSerializer(_secret_text, return_type=str, when_used="always"),
]


class CitizenCard(BaseModel):
    """What a kiosk passes on from a scanned ID card, with the citizen's consent, for the counter.

    Only the receipt form's fields; the card's other fields stay at the kiosk. Shown as *** in
    repr, logs and the command log; in clear only on the wire.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    full_name: str = Field(min_length=1, max_length=100)
    id_number: str = Field(pattern=r"^(\d{9}|\d{12})$", description="The 12-digit personal ID.")
    address: str = Field("", max_length=300)

    def __repr__(self) -> str:
        """Never show the citizen's details in a repr."""
        return f"CitizenCard({REDACTED})"

    __str__ = __repr__


def _secret_card(value: CitizenCard, info: SerializationInfo) -> Any:
    context = info.context if isinstance(info.context, dict) else {}
    return value.model_dump(mode="json") if context.get(REVEAL_SECRETS) else REDACTED


# A citizen's card details: like Secret, *** everywhere but on the wire.
SecretCard = Annotated[
    CitizenCard,
    PlainSerializer(_secret_card, when_used="always"),
]


class Command(BaseModel):
    """Fields every command carries."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    v: Literal[1] = 1
    request_id: RequestId = Field(description="Client-chosen id; a retry with it is applied once.")


class IssueTicket(Command):
    """A kiosk asks for a number for a service."""

    type: Literal["issue_ticket"] = "issue_ticket"
    service: Code
    priority: Code | None = Field(None, description="Priority category id, if any.")
    dossier: str | None = Field(
        None,
        max_length=200,
        description="A scanned slip, dossier code or lookup token: a return ticket for it.",
    )
    citizen: SecretCard | None = Field(
        None,
        description="ID card details the citizen agreed to pass on to the counter that serves "
        "the ticket (kept until the ticket ends).",
        json_schema_extra={"secret": True},
    )


class VoidTicket(Command):
    """A kiosk withdraws a ticket it could neither print nor show."""

    type: Literal["void_ticket"] = "void_ticket"
    number: Number
    reason: Text = ""


class TicketStatus(Command):
    """Ask where a ticket of today stands (for the ticket's QR)."""

    type: Literal["ticket_status"] = "ticket_status"
    number: Number
    token: str | None = Field(
        None,
        pattern=r"^[a-z2-7]{20}$",
        description="The token of the ticket's link (its QR code); required from the web service.",
    )


class TicketCitizen(Command):
    """A counter asks for the ID card details the citizen it serves shared at the kiosk."""

    type: Literal["ticket_citizen"] = "ticket_citizen"
    number: Number


class OpenCounter(Command):
    """An officer opens their counter."""

    type: Literal["open_counter"] = "open_counter"
    officer_id: Code


class CloseCounter(Command):
    """The counter stops serving."""

    type: Literal["close_counter"] = "close_counter"


class PauseCounter(Command):
    """The counter pauses with a reason."""

    type: Literal["pause_counter"] = "pause_counter"
    reason: Annotated[str, Field(min_length=1, max_length=200)]


class UnpauseCounter(Command):
    """The counter resumes calling after a pause."""

    type: Literal["unpause_counter"] = "unpause_counter"


class CallNext(Command):
    """Finish the counter's current ticket, if any, and call the next one."""

    type: Literal["call_next"] = "call_next"


class CallNumber(Command):
    """Call a specific waiting number to the counter."""

    type: Literal["call_number"] = "call_number"
    number: Number


class Recall(Command):
    """Call the counter's current number again."""

    type: Literal["recall"] = "recall"


class StartServing(Command):
    """The called citizen arrived at the counter."""

    type: Literal["start_serving"] = "start_serving"


class Finish(Command):
    """The counter finished with its current ticket."""

    type: Literal["finish"] = "finish"


class NoShow(Command):
    """The called citizen did not come."""

    type: Literal["no_show"] = "no_show"


class Transfer(Command):
    """Send the current ticket to another service or counter."""

    type: Literal["transfer"] = "transfer"
    to_service: Code | None = Field(None, description="Service to wait for (default: same).")
    to_counter: Code | None = Field(None, description="Counter that must call it next.")
    front: bool = Field(False, description="Put it before everyone waiting.")
    note: Text = ""


class Hold(Command):
    """Put the current ticket aside with a reason."""

    type: Literal["hold"] = "hold"
    reason: Annotated[str, Field(min_length=1, max_length=200)]


class Resume(Command):
    """Take a held ticket of this counter back into service."""

    type: Literal["resume"] = "resume"
    number: Number


COMMAND_TYPES: dict[str, type[Command]] = {
    cls.model_fields["type"].default: cls
    for cls in (
        IssueTicket,
        VoidTicket,
        TicketStatus,
        TicketCitizen,
        OpenCounter,
        CloseCounter,
        PauseCounter,
        UnpauseCounter,
        CallNext,
        CallNumber,
        Recall,
        StartServing,
        Finish,
        NoShow,
        Transfer,
        Hold,
        Resume,
    )
}
