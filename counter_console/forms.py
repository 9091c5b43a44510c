"""The printed forms' view of a dossier, taken from the server's staff view (DossierFull)."""

from __future__ import annotations

from hw.printer.documents.from_dossier import DossierData, StepData
from hw.printer.documents.slip import SubmittedDocument
from shared.domain.dossiers import Apology, Citizen, DossierStatus, StepKind
from shared.messaging.dossier_views import DossierFull


def dossier_data(view: DossierFull) -> DossierData:
    """Copy what the forms print of a dossier out of the server's reply."""
    citizen = view.citizen
    apology = view.apology
    return DossierData(
        code=view.code,
        token=view.token,
        procedure_code=view.procedure_code,
        procedure_name=view.procedure_name,
        status=DossierStatus(view.status),
        citizen=Citizen(
            name=citizen.name,
            id_number=citizen.id_number,
            address=citizen.address,
            phone=citizen.phone,
            email=citizen.email,
        ),
        documents=tuple(SubmittedDocument(d.name, d.form, d.quantity) for d in view.documents),
        sets=view.sets,
        legal_days=view.legal_days,
        received_at=view.received_at,
        legal_due=view.legal_due,
        due_at=view.due_at,
        rule_version=view.rule_version,
        return_place=view.return_place,
        fee=view.fee,
        steps=tuple(
            StepData(
                kind=StepKind(step.kind),
                at=step.at,
                status=DossierStatus(step.status),
                unit=step.unit,
                note=step.note,
                actor=step.actor,
                receiver=step.receiver,
                from_unit=step.from_unit,
                timing=step.timing,
            )
            for step in view.steps
        ),
        apology=(
            None
            if apology is None
            else Apology(apology.at, apology.reason, apology.new_due, apology.officer)
        ),
    )
