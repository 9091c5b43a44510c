"""Commands about procedures, dossiers, officers and ratings (the queue's are in `commands`)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

from shared.domain.site import ID_PATTERN
from shared.messaging.commands import Code, Command, Number, Secret

DossierCode = Annotated[str, Field(min_length=3, max_length=60, pattern=r"^[A-Za-z0-9._-]+$")]
Name = Annotated[str, Field(min_length=1, max_length=200)]
Reason = Annotated[str, Field(min_length=1, max_length=400)]
Note = Annotated[str, Field(max_length=400)]
# The most procedures one list_procedures reply carries (and its default page size): with at
# most 40 documents shown per procedure, a reply stays well under a megabyte.
MAX_PROCEDURE_PAGE = 100


class _Part(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class CitizenData(_Part):
    """The person submitting a dossier (stored; never sent to public screens)."""

    name: Name
    id_number: Annotated[str, Field(max_length=20, pattern=r"^[0-9A-Za-z]*$")] = ""
    address: Annotated[str, Field(max_length=400)] = ""
    phone: Annotated[str, Field(max_length=20, pattern=r"^[0-9 +().-]*$")] = ""
    email: Annotated[str, Field(max_length=200)] = ""


class DocumentData(_Part):
    """One paper received with the dossier."""

    name: Name
    form: Annotated[str, Field(max_length=60)] = "Bản chính"
    quantity: int = Field(1, ge=1, le=99)


class MissingDocumentData(_Part):
    """One paper the citizen must add (Mẫu 02)."""

    name: Name
    originals: int = Field(0, ge=0, le=99)
    certified_copies: int = Field(0, ge=0, le=99)
    copies: int = Field(0, ge=0, le=99)


class ListProcedures(Command):
    """Ask for the procedure catalogue, optionally searched (diacritics ignored) or filtered."""

    type: Literal["list_procedures"] = "list_procedures"
    query: Annotated[str, Field(max_length=100)] = ""
    department: Code | None = None
    page: int = Field(1, ge=1, le=10_000, description="Page wanted, from 1.")
    limit: int = Field(
        MAX_PROCEDURE_PAGE,
        ge=1,
        le=MAX_PROCEDURE_PAGE,
        description="Procedures per page; the reply says `more` when later pages exist.",
    )


class ReceiveDossier(Command):
    """A counter registers a dossier for its current officer; the reply carries the slip data."""

    type: Literal["receive_dossier"] = "receive_dossier"
    procedure: Annotated[str, Field(min_length=1, max_length=60)]
    citizen: CitizenData
    documents: list[DocumentData] = Field(default_factory=list, max_length=40)
    sets: int = Field(1, ge=1, le=99)
    channel: int = Field(1, ge=1, le=3, description="1 in person, 2 online, 3 public post.")
    link_current_ticket: bool = Field(True, description="Link the counter's current ticket.")
    refuse_reason: Annotated[str, Field(max_length=400)] | None = Field(
        None, description="Refuse on the spot (Mẫu 03): the dossier is recorded as not received."
    )


class DossierAction(Command):
    """Fields of every command acting on one dossier."""

    code: DossierCode


class HandOver(DossierAction):
    """Record a hand-over of the dossier to another unit (a row of the control sheet)."""

    type: Literal["hand_over"] = "hand_over"
    to_unit: Name
    receiver: Annotated[str, Field(max_length=100)] = ""
    from_unit: Annotated[str, Field(max_length=200)] = ""
    note: Note = ""


class RequestSupplement(DossierAction):
    """Ask the citizen for missing papers (Mẫu 02); the clock stops."""

    type: Literal["request_supplement"] = "request_supplement"
    reason: Reason
    missing: list[MissingDocumentData] = Field(default_factory=list, max_length=40)
    contact: Annotated[str, Field(max_length=200)] = ""


class SupplementReceived(DossierAction):
    """The citizen brought what was asked; the clock runs again and the due date moves."""

    type: Literal["supplement_received"] = "supplement_received"
    note: Note = ""


class RefuseDossier(DossierAction):
    """Refuse the dossier with a reason (Mẫu 03)."""

    type: Literal["refuse_dossier"] = "refuse_dossier"
    reason: Reason


class MarkDone(DossierAction):
    """The result is ready to collect."""

    type: Literal["mark_done"] = "mark_done"
    note: Note = ""


class MarkReturned(DossierAction):
    """The result was handed to the citizen (linked to the counter's current ticket)."""

    type: Literal["mark_returned"] = "mark_returned"
    note: Note = ""


class TransferResult(DossierAction):
    """Send a ready result to another branch, where the citizen collects it (audited)."""

    type: Literal["transfer_result"] = "transfer_result"
    to_site: Annotated[str, Field(pattern=ID_PATTERN)]
    note: Note = ""


class AcceptResult(DossierAction):
    """At the branch a result was transferred to: the result arrived and is kept here."""

    type: Literal["accept_result"] = "accept_result"


class ReturnHeldResult(DossierAction):
    """At the branch a result was transferred to: it was handed to the citizen."""

    type: Literal["return_held_result"] = "return_held_result"
    note: Note = ""


class Reschedule(DossierAction):
    """Apologise and set the one new return date (Mẫu 04)."""

    type: Literal["reschedule"] = "reschedule"
    reason: Reason
    new_due: dt.date


class LookUpDossier(Command):
    """Look a dossier up by a scanned slip, its code or its lookup token (public view only)."""

    type: Literal["look_up_dossier"] = "look_up_dossier"
    text: Annotated[str, Field(min_length=1, max_length=200)]
    phone_digits: Annotated[str, Field(pattern=r"^\d{4}$")] | None = Field(
        None,
        description="The last 4 digits of the phone number given at receipt: with a bare "
        "dossier code, a kiosk must send them (a QR or a token needs none).",
    )


class DossierDetail(DossierAction):
    """Everything about a dossier, for officers and supervisors."""

    type: Literal["dossier_detail"] = "dossier_detail"


class LateDossiers(Command):
    """List the dossiers due within one working day or overdue (no personal data)."""

    type: Literal["late_dossiers"] = "late_dossiers"
    department: Code | None = None


class SyncDossier(Command):
    """An external one-stop system pushes a dossier or its new status (idempotent by code)."""

    type: Literal["sync_dossier"] = "sync_dossier"
    code: DossierCode
    status: int = Field(ge=1, le=10)
    at: dt.datetime = Field(description="When the status changed (with a UTC offset).")
    procedure: Annotated[str, Field(max_length=60)] = ""
    citizen: CitizenData | None = None
    channel: int = Field(2, ge=1, le=3)
    received_at: dt.datetime | None = None
    note: Note = ""


class OfficerLogin(Command):
    """An officer starts a shift at this counter: checks the password and opens the counter."""

    type: Literal["officer_login"] = "officer_login"
    officer_id: Code
    password: Secret = Field(description="The officer's password or PIN (never logged).")


class OfficerLogout(Command):
    """The officer ends the shift (or the console locked): the counter closes."""

    type: Literal["officer_logout"] = "officer_logout"
    reason: Annotated[str, Field(max_length=40)] = "logout"


class RateService(Command):
    """The citizen's rating of the ticket just served at this counter."""

    type: Literal["rate_service"] = "rate_service"
    number: Number
    score: int = Field(ge=1, le=5)
    scale: Literal[3, 5] = 3


class CounterSummary(Command):
    """Today's figures of this counter: served count, average service time, waiting."""

    type: Literal["counter_summary"] = "counter_summary"


DOSSIER_COMMANDS: tuple[type[Command], ...] = (
    ListProcedures,
    ReceiveDossier,
    HandOver,
    RequestSupplement,
    SupplementReceived,
    RefuseDossier,
    MarkDone,
    MarkReturned,
    TransferResult,
    AcceptResult,
    ReturnHeldResult,
    Reschedule,
    LookUpDossier,
    DossierDetail,
    LateDossiers,
    SyncDossier,
)
OFFICER_COMMANDS: tuple[type[Command], ...] = (
    OfficerLogin,
    OfficerLogout,
    RateService,
    CounterSummary,
)
