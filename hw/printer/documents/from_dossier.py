"""Fill the printed forms (Mẫu 01–05) from a dossier as the server returns it to staff."""

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
from hw.printer.documents.slip import AppointmentSlipData, SubmittedDocument
from shared.messaging.dossier_views import DossierFull


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

    def local(self, moment: datetime) -> datetime:
        """Return an instant in the site's local time."""
        return moment.astimezone(ZoneInfo(self.timezone))

    def at_return_hour(self, day: date) -> datetime:
        """Return a date at the site's return hour, local."""
        return datetime.combine(day, self.due_time, ZoneInfo(self.timezone))


def _register_entry(code: str) -> str:
    """The entry number in the register: the code's daily sequence, or the code itself."""
    tail = code.rsplit("-", 1)[-1]
    return tail if tail.isdigit() else code


def appointment_slip(
    dossier: DossierFull, context: FormContext, at: datetime
) -> AppointmentSlipData:
    """Mẫu 01 for a dossier just received (two copies)."""
    citizen = dossier.citizen
    return AppointmentSlipData(
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
        documents=tuple(SubmittedDocument(d.name, d.form, d.quantity) for d in dossier.documents),
        sets=dossier.sets,
        legal_days=dossier.legal_days,
        received_at=context.local(dossier.received_at),
        due_at=context.at_return_hour(dossier.legal_due),
        return_place=dossier.return_place,
        fee=dossier.fee or "Không thu phí",
        register_book=context.register_book,
        register_entry=_register_entry(dossier.code),
        receiver_name=context.officer_name,
    )


def supplement_request(
    dossier: DossierFull,
    context: FormContext,
    at: datetime,
    reason: str,
    missing: tuple[MissingDocument, ...],
) -> SupplementRequestData:
    """Mẫu 02: what the citizen must add and why."""
    return SupplementRequestData(
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


def refusal(dossier: DossierFull, context: FormContext, at: datetime, reason: str) -> RefusalData:
    """Mẫu 03: the dossier is refused, with the reason."""
    return RefusalData(
        agency_name=context.agency_name,
        place=context.place,
        issued_at=context.local(at),
        citizen_name=dossier.citizen.name,
        procedure_name=dossier.procedure_name,
        reason=reason,
        officer_name=context.officer_name,
    )


def apology(dossier: DossierFull, context: FormContext) -> ApologyData:
    """Mẫu 04: the apology and the new date; the dossier must carry an apology."""
    if dossier.apology is None:
        raise ValueError(f"dossier {dossier.code} has no apology")
    return ApologyData(
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


def control_sheet(dossier: DossierFull, context: FormContext, at: datetime) -> ControlSheetData:
    """Mẫu 05: one block per hand-over of the dossier's log."""
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
        if step.kind == "handover"
    )
    return ControlSheetData(
        agency_name=context.agency_name,
        place=context.place,
        issued_at=context.local(at),
        dossier_code=dossier.code,
        citizen_name=dossier.citizen.name,
        procedure_name=dossier.procedure_name,
        received_at=context.local(dossier.received_at),
        due_at=context.local(dossier.due_at),
        handovers=handovers,
    )
