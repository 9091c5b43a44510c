"""How procedures and dossiers appear in replies: a public view for kiosks, a full one for staff."""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel, ConfigDict, Field

from shared.domain.dossiers import Channel, DossierStatus, StepKind, Timeliness
from shared.messaging.dossier_commands import CitizenData, DocumentData


class _View(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class ProcedureView(_View):
    """A procedure of the catalogue as the kiosk and the counter console show it."""

    code: str
    name: str
    field: str
    department: str
    department_name: str
    legal_days: int = Field(description="Working days; 0 = settled the same day.")
    processing_time: str
    fee: str
    documents: list[DocumentData]
    return_place: str
    service: str | None = Field(None, description="Queue service to take a ticket for.")


class StepView(_View):
    """One step of a dossier's progress; staff see who, the public sees where."""

    kind: StepKind
    label: str
    at: dt.datetime
    status: DossierStatus
    status_label: str
    unit: str = ""
    note: str = ""
    actor: str = ""
    receiver: str = ""
    from_unit: str = ""
    timing: str = Field("", description="Trước hạn / Đúng hạn / Quá hạn (control sheet).")


class ApologyView(_View):
    """The apology given when the dossier ran late (Mẫu 04)."""

    at: dt.datetime
    reason: str
    new_due: dt.date
    officer: str = ""


class DossierPublic(_View):
    """What a citizen at a public kiosk may see: the name masked, no phone, no address."""

    site_id: str
    code: str
    procedure_code: str
    procedure_name: str
    citizen_masked: str
    status: DossierStatus
    status_label: str
    channel: Channel
    received_at: dt.datetime
    legal_due: dt.date
    due: dt.date = Field(description="The date last promised (the apology's, if any).")
    due_at: dt.datetime
    timeliness: Timeliness
    timeliness_label: str
    apology: ApologyView | None = None
    return_place: str
    steps: list[StepView]
    ready: bool = Field(description="The result waits to be collected.")
    return_service: str | None = Field(None, description="Service to take a return ticket for.")
    site_name: str = Field(
        "", description="Name of the branch that received the dossier: its result waits there."
    )
    result_site_id: str | None = Field(
        None, description="The branch the result was transferred to: it is returned there."
    )
    result_site_name: str = Field("", description="That branch's name, said to citizens.")
    result_arrived: bool = Field(False, description="That branch holds the result now.")


class DossierFull(DossierPublic):
    """Everything staff need, incl. the citizen's details and the slip's fields."""

    token: str
    qr: str
    citizen: CitizenData
    documents: list[DocumentData]
    sets: int
    legal_days: int
    fee: str
    department: str
    received_by: str
    counter_id: str | None = None
    ticket_number: str | None = None
    rule_version: str
    finished_at: dt.datetime | None = None
    returned_at: dt.datetime | None = None


class LateDossier(_View):
    """A dossier due within one working day or overdue (no personal data)."""

    code: str
    procedure_name: str
    department: str
    status: DossierStatus
    status_label: str
    legal_due: dt.date
    due: dt.date
    timeliness: Timeliness
    apologised: bool
