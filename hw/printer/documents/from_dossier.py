"""Fill the printed forms from a dossier as staff see it, given as plain values.

The caller fills `DossierData` from what the server returns (the counter console from its
reply, `motcua dossier form` from the database). Each form carries the form set in force when
the dossier was received (or the one its rule version names), so a dossier received under
TT 01/2018/TT-VPCP reprints with that numbering.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from hw.printer.documents.control import ControlSheetData, Handover
from hw.printer.documents.forms import (
    ApologyData,
    MissingDocument,
    RefusalData,
    SupplementRequestData,
)
from hw.printer.documents.register import RegisterData, RegisterRow
from hw.printer.documents.slip import AppointmentSlipData, SubmittedDocument
from hw.printer.documents.stop import StopNoticeData
from shared.domain.dossiers import Apology, Citizen, Dossier, DossierStatus, StepKind
from shared.domain.form_sets import form_set_for_dossier, form_set_in_force
from shared.domain.ticket_links import dossier_url


@dataclass(frozen=True)
class StepData:
    """One row of a dossier's log as the forms print it."""

    kind: StepKind
    at: datetime
    status: DossierStatus
    unit: str = ""
    note: str = ""
    actor: str = ""
    receiver: str = ""
    from_unit: str = ""
    timing: str = ""  # Trước hạn / Đúng hạn / Quá hạn (the control sheet)


@dataclass(frozen=True)
class DossierData:
    """What the forms print of a dossier: its code, citizen, papers, dates and log."""

    code: str
    token: str
    procedure_code: str
    procedure_name: str
    status: DossierStatus
    citizen: Citizen
    documents: tuple[SubmittedDocument, ...]
    sets: int
    legal_days: int
    received_at: datetime
    legal_due: date
    due_at: datetime
    rule_version: str
    return_place: str
    fee: str
    steps: tuple[StepData, ...]
    apology: Apology | None = None


@dataclass(frozen=True)
class FormContext:
    """What forms print beyond the dossier: the centre, the place, who signs."""

    agency_name: str
    place: str
    officer_name: str
    register_book: str = "01"
    head_title: str = "Giám đốc"
    head_name: str = ""
    due_time: time = time(16, 30)
    contact: str = ""
    timezone: str = "Asia/Ho_Chi_Minh"
    parent_body: str = ""
    public_url: str = ""  # [web] public_url: slips carry a link to the dossier's page

    def local(self, moment: datetime) -> datetime:
        """Return an instant in the site's local time."""
        return moment.astimezone(ZoneInfo(self.timezone))

    def at_return_hour(self, day: date) -> datetime:
        """Return a date at the site's return hour, local."""
        return datetime.combine(day, self.due_time, ZoneInfo(self.timezone))


def form_set_of(dossier: DossierData, context: FormContext) -> str:
    """Return the id of the form set a dossier keeps: by rule version, else by receipt date."""
    received_on = context.local(dossier.received_at).date()
    return form_set_for_dossier(received_on, dossier.rule_version).id


def _register_entry(code: str) -> str:
    """The entry number in the register: the code's daily sequence, or the code itself."""
    tail = code.rsplit("-", 1)[-1]
    return tail if tail.isdigit() else code


def appointment_slip(
    dossier: DossierData, context: FormContext, at: datetime
) -> AppointmentSlipData:
    """Mẫu 01 for a dossier just received (two copies)."""
    citizen = dossier.citizen
    return AppointmentSlipData(
        form_set=form_set_of(dossier, context),
        parent_body=context.parent_body,
        agency_name=context.agency_name,
        place=context.place,
        issued_at=context.local(at),
        dossier_code=dossier.code,
        lookup_token=dossier.token,
        citizen_name=citizen.name,
        citizen_address=citizen.address,
        citizen_phone=citizen.phone,
        citizen_email=citizen.email,
        procedure_name=dossier.procedure_name,
        procedure_code=dossier.procedure_code,
        documents=dossier.documents,
        sets=dossier.sets,
        legal_days=dossier.legal_days,
        received_at=context.local(dossier.received_at),
        due_at=context.at_return_hour(dossier.legal_due),
        return_place=dossier.return_place,
        fee=dossier.fee or "Không thu phí",
        register_book=context.register_book,
        register_entry=_register_entry(dossier.code),
        receiver_name=context.officer_name,
        number=_register_entry(dossier.code),
        link=dossier_url(context.public_url, dossier.code, dossier.token)
        if context.public_url
        else "",
    )


def supplement_request(
    dossier: DossierData,
    context: FormContext,
    at: datetime,
    reason: str,
    missing: tuple[MissingDocument, ...],
) -> SupplementRequestData:
    """Mẫu 02: what the citizen must add and why."""
    return SupplementRequestData(
        form_set=form_set_of(dossier, context),
        parent_body=context.parent_body,
        agency_name=context.agency_name,
        place=context.place,
        issued_at=context.local(at),
        citizen_name=dossier.citizen.name,
        procedure_name=dossier.procedure_name,
        dossier_code=dossier.code,
        missing=missing,
        reason=reason,
        contact=context.contact,
        officer_name=context.officer_name,
    )


def refusal(dossier: DossierData, context: FormContext, at: datetime, reason: str) -> RefusalData:
    """Mẫu 03: the dossier is refused, with the reason."""
    return RefusalData(
        form_set=form_set_of(dossier, context),
        parent_body=context.parent_body,
        agency_name=context.agency_name,
        place=context.place,
        issued_at=context.local(at),
        citizen_name=dossier.citizen.name,
        procedure_name=dossier.procedure_name,
        reason=reason,
        officer_name=context.officer_name,
    )


def apology(dossier: DossierData, context: FormContext) -> ApologyData:
    """Mẫu 04: the apology and the new date; the dossier must carry an apology."""
    if dossier.apology is None:
        raise ValueError(f"dossier {dossier.code} has no apology")
    return ApologyData(
        form_set=form_set_of(dossier, context),
        parent_body=context.parent_body,
        agency_name=context.agency_name,
        place=context.place,
        issued_at=context.local(dossier.apology.at),
        citizen_name=dossier.citizen.name,
        procedure_name=dossier.procedure_name,
        dossier_code=dossier.code,
        received_at=context.local(dossier.received_at),
        original_due_at=context.at_return_hour(dossier.legal_due),
        reason=dossier.apology.reason,
        new_due_at=context.at_return_hour(dossier.apology.new_due),
        head_title=context.head_title,
        head_name=context.head_name,
    )


def control_sheet(dossier: DossierData, context: FormContext, at: datetime) -> ControlSheetData:
    """The control sheet (Mẫu 06; Mẫu 05 under TT 01/2018): one row per hand-over."""
    handovers = tuple(
        Handover(
            giver_unit=step.from_unit,
            receiver_unit=step.unit,
            at=context.local(step.at),
            giver=step.actor,
            receiver=step.receiver,
            outcome=step.timing or "Đúng hạn",
            note=step.note,
        )
        for step in dossier.steps
        if step.kind == StepKind.HANDOVER
    )
    return ControlSheetData(
        form_set=form_set_of(dossier, context),
        parent_body=context.parent_body,
        agency_name=context.agency_name,
        place=context.place,
        issued_at=context.local(at),
        dossier_code=dossier.code,
        citizen_name=dossier.citizen.name,
        procedure_name=dossier.procedure_name,
        received_at=context.local(dossier.received_at),
        due_at=context.local(dossier.due_at),
        handovers=handovers,
        receipt_number=_register_entry(dossier.code),
    )


def stop_notice(dossier: DossierData, context: FormContext) -> StopNoticeData:
    """Mẫu 05 (TT 03/2025): processing stopped (status 8), with the reason logged for it."""
    if dossier.status != DossierStatus.STOPPED:
        raise ValueError(f"dossier {dossier.code} is not stopped (status {dossier.status})")
    step = next(s for s in reversed(dossier.steps) if s.status == DossierStatus.STOPPED)
    return StopNoticeData(
        form_set=form_set_of(dossier, context),
        parent_body=context.parent_body,
        agency_name=context.agency_name,
        place=context.place,
        issued_at=context.local(step.at),
        citizen_name=dossier.citizen.name,
        procedure_name=dossier.procedure_name,
        dossier_code=dossier.code,
        received_at=context.local(dossier.received_at),
        stopped_at=context.local(step.at),
        reason=step.note,
        head_title=context.head_title,
        head_name=context.head_name,
    )


def register_rows(
    dossiers: list[Dossier], departments: dict[str, str], context: FormContext
) -> tuple[RegisterRow, ...]:
    """The register's rows (Mẫu 07) of dossiers, oldest receipt first."""
    rows = []
    for dossier in sorted(dossiers, key=lambda d: (d.received_at, d.code)):
        citizen = dossier.citizen
        handover = next((s for s in dossier.steps if s.kind is StepKind.HANDOVER), None)
        note = ""
        if dossier.status in (DossierStatus.STOPPED, DossierStatus.NOT_RECEIVED):
            note = "Dừng giải quyết" if dossier.status is DossierStatus.STOPPED else "Từ chối"
        elif dossier.status is DossierStatus.WITHDRAWN:
            note = "Công dân rút hồ sơ"
        elif dossier.apology is not None:
            note = f"Hẹn lại ngày {dossier.apology.new_due:%d/%m/%Y}"
        rows.append(
            RegisterRow(
                code=dossier.code,
                procedure_name=dossier.procedure_name,
                sets=dossier.sets,
                citizen_name=citizen.name,
                citizen_contact=", ".join(p for p in (citizen.address, citizen.phone) if p),
                handling_body=departments.get(dossier.department, dossier.department),
                received_at=context.local(dossier.received_at),
                due_at=context.at_return_hour(dossier.due),
                transferred_at=context.local(handover.at) if handover else None,
                finished_at=context.local(dossier.finished_at) if dossier.finished_at else None,
                returned_at=context.local(dossier.returned_at) if dossier.returned_at else None,
                note=note,
            )
        )
    return tuple(rows)


def register(
    rows: tuple[RegisterRow, ...], context: FormContext, first: date, last: date, at: datetime
) -> RegisterData:
    """The register of a period, under the set in force on its last day."""
    return RegisterData(
        form_set=form_set_in_force(last).id,
        parent_body=context.parent_body,
        agency_name=context.agency_name,
        place=context.place,
        issued_at=context.local(at),
        period_from=first,
        period_to=last,
        rows=rows,
        book=context.register_book,
    )
