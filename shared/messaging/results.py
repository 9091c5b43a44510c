"""The `result` of an ok reply, one model per command verb (`RESULT_TYPES`).

Clients read a reply with `reply.result_as(Model)` (or `parse_result(verb, reply)`) instead of
by key; the models describe exactly what the server sends, and a test drives every verb
through a real server to keep them so. Keys a model leaves out when they are null (`finished`)
are absent from the server's result when nothing was finished.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, ClassVar

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    SerializerFunctionWrapHandler,
    model_serializer,
)

from shared.domain.counters import CounterStatus
from shared.domain.dossiers import DossierStatus
from shared.messaging.appointment_views import (
    BookingOptionsResult,
    BookingRequestResult,
    BookingResult,
    CheckInResult,
    SlotsResult,
)
from shared.messaging.commands import CitizenCard
from shared.messaging.dossier_views import DossierFull, DossierPublic, LateDossier, ProcedureView
from shared.messaging.replies import Reply, TicketInfo


class _Result(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    # Keys the server leaves out, rather than sends as null, when they have no value.
    _absent_when_none: ClassVar[frozenset[str]] = frozenset()

    @model_serializer(mode="wrap")
    def _drop_absent(self, handler: SerializerFunctionWrapHandler) -> dict[str, Any]:
        data: dict[str, Any] = handler(self)
        for key in self._absent_when_none:
            if data.get(key, "") is None:
                del data[key]
        return data


class TicketResult(_Result):
    """Result of issue_ticket, void_ticket and ticket_status: the ticket as it stands now."""

    ticket: TicketInfo


class TicketCitizenResult(_Result):
    """Result of ticket_citizen: the card details shared at the kiosk for the ticket served."""

    number: str
    citizen: CitizenCard


class CounterRef(_Result):
    """The counter a command acted on, and its status after it."""

    id: str
    status: CounterStatus


class CounterResult(_Result):
    """Result of open_counter, close_counter, pause_counter, unpause_counter, officer_logout."""

    counter: CounterRef


class CounterTicketResult(_Result):
    """Result of recall, start_serving, finish, no_show, transfer, hold and resume."""

    counter: CounterRef
    ticket: TicketInfo = Field(
        description="The ticket acted on, as it stands now (e.g. no_show after the last recall)."
    )


class CallResult(_Result):
    """Result of call_next and call_number: the ticket called, and the one finished first."""

    _absent_when_none = frozenset({"finished"})

    counter: CounterRef
    ticket: TicketInfo | None = Field(
        description="The ticket called; null when call_next finished one and nobody waits."
    )
    finished: str | None = Field(
        None, description="Number of the ticket finished before calling; absent when none."
    )


class OfficerInfo(_Result):
    """The officer logged in, as a console shows them."""

    id: str
    name: str
    title: str
    role: str = Field(description="officer, supervisor or admin.")


class LoginResult(_Result):
    """Result of officer_login: who is logged in, and the counter (open for them)."""

    officer: OfficerInfo
    counter: CounterRef


class RatingResult(_Result):
    """Result of rate_service."""

    rated: str = Field(description="Number of the ticket rated.")
    duplicate: bool = Field(description="The ticket was rated before; this rating is ignored.")


class WaitingLine(_Result):
    """Waiting figures of one of the counter's services, in its calling order."""

    service: str
    waiting: int
    priority_waiting: int
    oldest_issued_at: datetime | None = Field(description="Issue time of the oldest waiting.")


class CounterSummaryFigures(_Result):
    """Today's figures of a counter."""

    served: int
    average_service_seconds: float
    waiting: list[WaitingLine]


class SummaryResult(_Result):
    """Result of counter_summary."""

    summary: CounterSummaryFigures


class ProceduresResult(_Result):
    """Result of list_procedures: one page of the catalogue."""

    procedures: list[ProcedureView]
    page: int
    limit: int
    total: int = Field(description="Procedures matching, on every page.")
    more: bool = Field(description="Later pages exist: ask page + 1.")


class DossierResult(_Result):
    """Result of the staff dossier commands: everything about the dossier after the command."""

    dossier: DossierFull


class PublicDossierResult(_Result):
    """Result of look_up_dossier: what a public kiosk may show."""

    dossier: DossierPublic


class LateDossiersResult(_Result):
    """Result of late_dossiers: open dossiers due within one working day or overdue."""

    dossiers: list[LateDossier]


class SyncResult(_Result):
    """Result of sync_dossier."""

    code: str
    status: DossierStatus = Field(description="The dossier's status after the sync.")
    created: bool = Field(description="The dossier was new here.")


_BY_MODEL: dict[type[BaseModel], tuple[str, ...]] = {
    TicketResult: ("issue_ticket", "void_ticket", "ticket_status"),
    CounterResult: (
        "open_counter",
        "close_counter",
        "pause_counter",
        "unpause_counter",
        "officer_logout",
    ),
    CallResult: ("call_next", "call_number"),
    CounterTicketResult: (
        "recall",
        "start_serving",
        "finish",
        "no_show",
        "transfer",
        "hold",
        "resume",
    ),
    TicketCitizenResult: ("ticket_citizen",),
    ProceduresResult: ("list_procedures",),
    DossierResult: (
        "receive_dossier",
        "hand_over",
        "request_supplement",
        "supplement_received",
        "refuse_dossier",
        "mark_done",
        "mark_returned",
        "transfer_result",
        "reschedule",
        "dossier_detail",
    ),
    PublicDossierResult: ("look_up_dossier", "accept_result", "return_held_result"),
    LateDossiersResult: ("late_dossiers",),
    SyncResult: ("sync_dossier",),
    LoginResult: ("officer_login",),
    RatingResult: ("rate_service",),
    SummaryResult: ("counter_summary",),
    BookingOptionsResult: ("booking_options",),
    SlotsResult: ("list_slots",),
    BookingRequestResult: ("request_booking",),
    BookingResult: ("confirm_booking", "booking_status", "cancel_booking", "change_booking"),
    CheckInResult: ("check_in",),
}
# verb → the model of its ok reply's result; a test checks it names every command verb.
RESULT_TYPES: dict[str, type[BaseModel]] = {
    verb: model for model, verbs in _BY_MODEL.items() for verb in verbs
}


def parse_result(verb: str, reply: Reply) -> BaseModel:
    """Read an ok reply to a command of `verb` as that verb's result model.

    Raises KeyError for an unknown verb, ValueError for an error reply or a result that does
    not match.
    """
    return reply.result_as(RESULT_TYPES[verb])
