"""Dossiers in the database: rows ↔ domain objects; steps and pauses are only appended."""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import replace
from datetime import date, datetime
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from shared.domain.deadlines import RuleSnapshot
from shared.domain.dossiers import (
    Apology,
    Channel,
    Citizen,
    ClockPause,
    Dossier,
    DossierStatus,
    ReceivedDocument,
    Step,
    StepKind,
)
from shared.storage.dossier_tables import (
    DossierPauseRow,
    DossierRow,
    DossierStepRow,
    TicketDossierRow,
)
from shared.storage.repository import ConcurrentUpdate

OPEN_STATUSES = (
    DossierStatus.NEW,
    DossierStatus.RECEIVED,
    DossierStatus.PROCESSING,
    DossierStatus.SUPPLEMENT_REQUESTED,
    DossierStatus.PAYMENT_REQUESTED,
)


def _documents_json(documents: Iterable[ReceivedDocument]) -> str:
    return json.dumps(
        [{"name": d.name, "form": d.form, "quantity": d.quantity} for d in documents],
        ensure_ascii=False,
    )


def _documents(text: str) -> tuple[ReceivedDocument, ...]:
    return tuple(ReceivedDocument(**item) for item in json.loads(text or "[]"))


def _step_row(dossier_id: int, position: int, step: Step) -> DossierStepRow:
    return DossierStepRow(
        dossier_id=dossier_id,
        position=position,
        kind=step.kind.value,
        at=step.at,
        status=int(step.status),
        actor=step.actor,
        from_unit=step.from_unit,
        to_unit=step.to_unit,
        receiver=step.receiver,
        note=step.note,
    )


def _pause_row(dossier_id: int, position: int, pause: ClockPause) -> DossierPauseRow:
    return DossierPauseRow(
        dossier_id=dossier_id,
        position=position,
        kind=pause.kind.value,
        started_at=pause.start,
        ended_at=pause.end,
    )


def _columns(dossier: Dossier) -> dict[str, Any]:
    """Return the row columns that change over a dossier's life."""
    apology = dossier.apology
    return {
        "status": int(dossier.status),
        "legal_due": dossier.legal_due,
        "due": dossier.due,
        "apology_at": apology.at if apology else None,
        "apology_reason": apology.reason if apology else "",
        "apology_by": apology.officer if apology else "",
        "finished_at": dossier.finished_at,
        "returned_at": dossier.returned_at,
        "late_notice_at": dossier.late_notice_at,
        "result_site_id": dossier.result_site_id,
        "result_site_name": dossier.result_site_name,
        "result_arrived_at": dossier.result_arrived_at,
    }


class DossierRepository:
    """Reads and writes dossiers; lookups search every site sharing the database."""

    def __init__(self, session: Session, site_id: str) -> None:
        self.session = session
        self.site_id = site_id

    def add(self, dossier: Dossier, at: datetime, source: str = "") -> Dossier:
        """Store a new dossier with its first steps; return it with its id and version."""
        citizen = dossier.citizen
        row = DossierRow(
            site_id=dossier.site_id,
            code=dossier.code,
            token=dossier.token,
            procedure_code=dossier.procedure_code,
            procedure_name=dossier.procedure_name,
            department=dossier.department,
            channel=int(dossier.channel),
            citizen_name=citizen.name,
            citizen_id_number=citizen.id_number,
            citizen_address=citizen.address,
            citizen_phone=citizen.phone,
            citizen_email=citizen.email,
            documents=_documents_json(dossier.documents),
            sets=dossier.sets,
            legal_days=dossier.legal_days,
            received_at=dossier.received_at,
            received_by=dossier.received_by,
            rules=json.dumps(dossier.rules.to_dict(), ensure_ascii=False),
            return_place=dossier.return_place,
            fee=dossier.fee,
            counter_id=dossier.counter_id,
            ticket_number=dossier.ticket_number,
            source=source,
            version=1,
            updated_at=at,
            **_columns(dossier),
        )
        self.session.add(row)
        self.session.flush()
        for position, step in enumerate(dossier.steps):
            self.session.add(_step_row(row.id, position, step))
        for position, pause in enumerate(dossier.pauses):
            self.session.add(_pause_row(row.id, position, pause))
        self.session.flush()
        return self._dossier(row)

    def save(self, before: Dossier, after: Dossier, at: datetime) -> Dossier:
        """Persist a transition; raise ConcurrentUpdate when the dossier changed meanwhile."""
        if before.id is None:
            raise ValueError("dossier was never stored")
        result = self.session.execute(
            update(DossierRow)
            .where(DossierRow.id == before.id, DossierRow.version == before.version)
            .values(version=before.version + 1, updated_at=at, **_columns(after))
            .execution_options(synchronize_session=False)
        )
        if result.rowcount != 1:  # type: ignore[attr-defined]
            raise ConcurrentUpdate(f"dossier {before.code} changed concurrently")
        for position in range(len(before.steps), len(after.steps)):
            self.session.add(_step_row(before.id, position, after.steps[position]))
        for position, pause in enumerate(after.pauses):
            if position >= len(before.pauses):
                self.session.add(_pause_row(before.id, position, pause))
            elif before.pauses[position].end != pause.end:
                self.session.execute(
                    update(DossierPauseRow)
                    .where(
                        DossierPauseRow.dossier_id == before.id,
                        DossierPauseRow.position == position,
                    )
                    .values(ended_at=pause.end)
                    .execution_options(synchronize_session=False)
                )
        self.session.flush()
        return replace(after, id=before.id, version=before.version + 1)

    def by_code(self, code: str) -> Dossier | None:
        """Find a dossier of any site by its code."""
        row = self.session.scalars(select(DossierRow).where(DossierRow.code == code)).first()
        return None if row is None else self._dossier(row)

    def by_id(self, dossier_id: int) -> Dossier | None:
        """Find a dossier by its row id."""
        row = self.session.get(DossierRow, dossier_id)
        return None if row is None else self._dossier(row)

    def by_token(self, token: str) -> Dossier | None:
        """Find a dossier of any site by its lookup token."""
        row = self.session.scalars(select(DossierRow).where(DossierRow.token == token)).first()
        return None if row is None else self._dossier(row)

    def from_source(self, source: str) -> list[Dossier]:
        """Return this site's dossiers imported or made by a source, oldest first."""
        rows = self.session.scalars(
            select(DossierRow)
            .where(DossierRow.site_id == self.site_id, DossierRow.source == source)
            .order_by(DossierRow.id)
        )
        return [self._dossier(row) for row in rows]

    def token_taken(self, token: str) -> bool:
        """Tell whether a lookup token is already used."""
        found = self.session.scalar(select(DossierRow.id).where(DossierRow.token == token))
        return found is not None

    def open_due_by(self, last_day: date, department: str | None = None) -> list[Dossier]:
        """Return this site's open dossiers legally due on or before `last_day`."""
        query = select(DossierRow).where(
            DossierRow.site_id == self.site_id,
            DossierRow.status.in_([int(s) for s in OPEN_STATUSES]),
            DossierRow.legal_due <= last_day,
        )
        if department is not None:
            query = query.where(DossierRow.department == department)
        rows = self.session.scalars(query.order_by(DossierRow.legal_due, DossierRow.code))
        return [self._dossier(row) for row in rows]

    def link_ticket(self, ticket_id: int, dossier_id: int, purpose: str) -> None:
        """Link a ticket to a dossier handled while it was served (once per pair)."""
        exists = self.session.get(TicketDossierRow, (ticket_id, dossier_id))
        if exists is None:
            self.session.add(
                TicketDossierRow(ticket_id=ticket_id, dossier_id=dossier_id, purpose=purpose)
            )
            self.session.flush()

    def dossiers_of_ticket(self, ticket_id: int) -> list[str]:
        """Return the codes of the dossiers linked to a ticket."""
        rows = self.session.execute(
            select(DossierRow.code)
            .join(TicketDossierRow, TicketDossierRow.dossier_id == DossierRow.id)
            .where(TicketDossierRow.ticket_id == ticket_id)
            .order_by(DossierRow.code)
        )
        return [code for (code,) in rows]

    def _dossier(self, row: DossierRow) -> Dossier:
        steps = self.session.scalars(
            select(DossierStepRow)
            .where(DossierStepRow.dossier_id == row.id)
            .order_by(DossierStepRow.position)
        )
        pauses = self.session.scalars(
            select(DossierPauseRow)
            .where(DossierPauseRow.dossier_id == row.id)
            .order_by(DossierPauseRow.position)
        )
        apology = (
            Apology(row.apology_at, row.apology_reason, row.due, row.apology_by)
            if row.apology_at is not None
            else None
        )
        return Dossier(
            code=row.code,
            token=row.token,
            site_id=row.site_id,
            procedure_code=row.procedure_code,
            procedure_name=row.procedure_name,
            department=row.department,
            channel=Channel(row.channel),
            citizen=Citizen(
                row.citizen_name,
                row.citizen_id_number,
                row.citizen_address,
                row.citizen_phone,
                row.citizen_email,
            ),
            documents=_documents(row.documents),
            sets=row.sets,
            legal_days=row.legal_days,
            received_at=row.received_at,
            received_by=row.received_by,
            rules=RuleSnapshot.from_dict(json.loads(row.rules)),
            legal_due=row.legal_due,
            status=DossierStatus(row.status),
            steps=tuple(
                Step(
                    StepKind(s.kind),
                    s.at,
                    DossierStatus(s.status),
                    s.actor,
                    s.from_unit,
                    s.to_unit,
                    s.receiver,
                    s.note,
                )
                for s in steps
            ),
            pauses=tuple(ClockPause(StepKind(p.kind), p.started_at, p.ended_at) for p in pauses),
            apology=apology,
            finished_at=row.finished_at,
            returned_at=row.returned_at,
            return_place=row.return_place,
            fee=row.fee,
            counter_id=row.counter_id,
            ticket_number=row.ticket_number,
            late_notice_at=row.late_notice_at,
            result_site_id=row.result_site_id,
            result_site_name=row.result_site_name,
            result_arrived_at=row.result_arrived_at,
            id=row.id,
            version=row.version,
        )
