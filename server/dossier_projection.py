"""Domain dossiers and procedures turned into the views replies carry."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time

from shared.domain import dossiers as rules
from shared.domain.codes import dossier_qr
from shared.domain.dossiers import Dossier, DossierStatus, Step, StepKind
from shared.domain.procedures import Procedure
from shared.domain.site import Site
from shared.messaging.dossier_commands import CitizenData, DocumentData
from shared.messaging.dossier_views import (
    ApologyView,
    DossierFull,
    DossierPublic,
    LateDossier,
    ProcedureView,
    StepView,
)

# Steps a citizen sees on the kiosk; internal notes (e.g. status syncs) stay for staff.
_PUBLIC_NOTES = frozenset(
    {
        StepKind.SUPPLEMENT_REQUESTED,
        StepKind.REFUSED,
        StepKind.RESCHEDULED,
        StepKind.PAYMENT_REQUESTED,
    }
)


@dataclass(frozen=True)
class ViewContext:
    """What views need beyond the dossier: department names, return hour, return service."""

    site: Site
    due_time: time
    return_service: str | None
    # Officers' reasons the public may read; any other note or reason stays for staff.
    public_reasons: frozenset[str] = frozenset()

    def public_text(self, text: str) -> str:
        """The text itself when it was written for the citizen, else nothing."""
        return text if text.strip() in self.public_reasons else ""

    def department_name(self, department_id: str) -> str:
        """Return a department's name, or its id when the site does not know it."""
        for department in self.site.departments:
            if department.id == department_id:
                return department.name
        return department_id


# Papers listed per procedure in a view (as many as a received dossier may carry): keeps a page
# of list_procedures bounded.
MAX_VIEW_DOCUMENTS = 40


def procedure_view(procedure: Procedure, context: ViewContext) -> ProcedureView:
    """Show a procedure of the catalogue."""
    return ProcedureView(
        code=procedure.code,
        name=procedure.name,
        field=procedure.field,
        department=procedure.department,
        department_name=context.department_name(procedure.department),
        legal_days=procedure.legal_days,
        processing_time=procedure.processing_time(),
        fee=procedure.fee,
        documents=[
            DocumentData(name=d.name, form=d.form, quantity=d.quantity)
            for d in procedure.documents[:MAX_VIEW_DOCUMENTS]
        ],
        return_place=procedure.return_place,
        service=procedure.service,
    )


def _step(dossier: Dossier, step: Step, context: ViewContext, staff: bool) -> StepView:
    unit = context.department_name(step.to_unit) if step.to_unit else ""
    public_note = context.public_text(step.note) if step.kind in _PUBLIC_NOTES else ""
    return StepView(
        kind=step.kind.value,
        label=rules.STEP_LABELS[step.kind],
        at=step.at,
        status=int(step.status),
        status_label=rules.STATUS_LABELS[step.status],
        unit=unit,
        note=step.note if staff else public_note,
        actor=step.actor if staff else "",
        receiver=step.receiver if staff else "",
        from_unit=step.from_unit if staff else "",
        timing=rules.step_timing(dossier, step) if staff and step.kind is StepKind.HANDOVER else "",
    )


def _public_fields(
    dossier: Dossier, context: ViewContext, now: datetime, staff: bool
) -> dict[str, object]:
    timeliness = rules.timeliness(dossier, now)
    apology = dossier.apology
    ready = dossier.status is DossierStatus.DONE
    return {
        "site_id": dossier.site_id,
        "code": dossier.code,
        "procedure_code": dossier.procedure_code,
        "procedure_name": dossier.procedure_name,
        "citizen_masked": rules.mask_name(dossier.citizen.name),
        "status": int(dossier.status),
        "status_label": rules.STATUS_LABELS[dossier.status],
        "channel": int(dossier.channel),
        "received_at": dossier.received_at,
        "legal_due": dossier.legal_due,
        "due": dossier.due,
        "due_at": dossier.due_moment(context.due_time),
        "timeliness": timeliness.value,
        "timeliness_label": rules.TIMELINESS_LABELS[timeliness],
        "apology": ApologyView(
            at=apology.at,
            reason=apology.reason if staff else context.public_text(apology.reason),
            new_due=apology.new_due,
            officer=apology.officer if staff else "",
        )
        if apology
        else None,
        "return_place": dossier.return_place,
        "steps": [_step(dossier, s, context, staff) for s in dossier.steps],
        "ready": ready,
        # A result transferred to another branch is returned there, not here.
        "return_service": context.return_service
        if ready and dossier.result_site_id is None
        else None,
        # Another branch's dossier (a shared database) names its branch by id only.
        "site_name": context.site.name if dossier.site_id == context.site.id else "",
        "result_site_id": dossier.result_site_id,
        "result_site_name": dossier.result_site_name,
        "result_arrived": dossier.result_arrived_at is not None,
    }


def public_view(dossier: Dossier, context: ViewContext, now: datetime) -> DossierPublic:
    """What a public kiosk may show: masked name, no phone, no address, no officer names."""
    return DossierPublic.model_validate(_public_fields(dossier, context, now, staff=False))


def full_view(dossier: Dossier, context: ViewContext, now: datetime) -> DossierFull:
    """Everything staff need, including what the slip prints."""
    citizen = dossier.citizen
    return DossierFull.model_validate(
        {
            **_public_fields(dossier, context, now, staff=True),
            "token": dossier.token,
            "qr": dossier_qr(dossier.code, dossier.token),
            "citizen": CitizenData(
                name=citizen.name,
                id_number=citizen.id_number,
                address=citizen.address,
                phone=citizen.phone,
                email=citizen.email,
            ),
            "documents": [
                DocumentData(name=d.name, form=d.form, quantity=d.quantity)
                for d in dossier.documents
            ],
            "sets": dossier.sets,
            "legal_days": dossier.legal_days,
            "fee": dossier.fee,
            "department": dossier.department,
            "received_by": dossier.received_by,
            "counter_id": dossier.counter_id,
            "ticket_number": dossier.ticket_number,
            "rule_version": dossier.rules.rule_version,
            "finished_at": dossier.finished_at,
            "returned_at": dossier.returned_at,
        }
    )


def late_view(dossier: Dossier, context: ViewContext, now: datetime) -> LateDossier:
    """A dossier near or past its due date, without personal data."""
    timeliness = rules.timeliness(dossier, now)
    return LateDossier(
        code=dossier.code,
        procedure_name=dossier.procedure_name,
        department=dossier.department,
        status=int(dossier.status),
        status_label=rules.STATUS_LABELS[dossier.status],
        legal_due=dossier.legal_due,
        due=dossier.due,
        timeliness=timeliness.value,
        apologised=dossier.apology is not None,
    )
