"""A site's procedure catalogue in the database: idempotent import, listing and search."""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from shared.domain.errors import InvalidInput
from shared.domain.procedures import Procedure, RequiredDocument, fold, search_text
from shared.storage.dossier_tables import ProcedureRow


@dataclass(frozen=True)
class ImportCounts:
    """What an import changed: procedures added, updated, deactivated and left as they were."""

    added: int = 0
    updated: int = 0
    deactivated: int = 0
    unchanged: int = 0

    def summary(self) -> str:
        """Say the counts in Vietnamese."""
        return (
            f"{self.added} thêm mới, {self.updated} cập nhật, "
            f"{self.deactivated} ngừng áp dụng, {self.unchanged} không đổi"
        )


class CatalogueRepository:
    """The procedures of one site; the caller owns the session's transaction."""

    def __init__(self, session: Session, site_id: str) -> None:
        self.session = session
        self.site_id = site_id

    def replace_all(self, procedures: Sequence[Procedure], at: datetime) -> ImportCounts:
        """Make the active catalogue exactly `procedures`: upsert by code, deactivate the rest."""
        codes = [p.code for p in procedures]
        if len(set(codes)) != len(codes):
            raise InvalidInput("Danh mục có mã thủ tục trùng nhau.")
        stored = {row.code: row for row in self._rows()}
        added = updated = unchanged = deactivated = 0
        for procedure in procedures:
            values = _values(procedure)
            row = stored.pop(procedure.code, None)
            if row is None:
                self.session.add(
                    ProcedureRow(site_id=self.site_id, code=procedure.code, updated_at=at, **values)
                )
                added += 1
            elif all(getattr(row, key) == value for key, value in values.items()):
                unchanged += 1
            else:
                for key, value in values.items():
                    setattr(row, key, value)
                row.updated_at = at
                updated += 1
        for row in stored.values():
            if row.active:
                row.active = False
                row.updated_at = at
                deactivated += 1
        self.session.flush()
        return ImportCounts(added, updated, deactivated, unchanged)

    def active(self) -> list[Procedure]:
        """Return the active procedures, by department, field and name."""
        return _sorted(self._rows(active=True))

    def get(self, code: str, include_inactive: bool = False) -> Procedure | None:
        """Return the procedure with this code (active ones only unless asked), or None."""
        query = select(ProcedureRow).where(
            ProcedureRow.site_id == self.site_id, ProcedureRow.code == code
        )
        if not include_inactive:
            query = query.where(ProcedureRow.active.is_(True))
        row = self.session.scalars(query).one_or_none()
        return None if row is None else _procedure(row)

    def search(self, query: str, department: str | None = None) -> list[Procedure]:
        """Return active procedures whose code, name or field hold every word of the query."""
        statement = select(ProcedureRow).where(
            ProcedureRow.site_id == self.site_id, ProcedureRow.active.is_(True)
        )
        if department is not None:
            statement = statement.where(ProcedureRow.department == department)
        for word in fold(query).split():
            statement = statement.where(ProcedureRow.search.like(f"%{_escape(word)}%", escape="\\"))
        return _sorted(self.session.scalars(statement))

    def _rows(self, active: bool | None = None) -> list[ProcedureRow]:
        query = select(ProcedureRow).where(ProcedureRow.site_id == self.site_id)
        if active is not None:
            query = query.where(ProcedureRow.active.is_(active))
        return list(self.session.scalars(query))


def _escape(word: str) -> str:
    """Escape LIKE's wildcards so '_' and '%' in a query match themselves."""
    return word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _values(procedure: Procedure) -> dict[str, Any]:
    """Return the stored columns of a procedure (everything but site, code and time)."""
    documents = [
        {"name": d.name, "form": d.form, "quantity": d.quantity} for d in procedure.documents
    ]
    return {
        "name": procedure.name,
        "field": procedure.field,
        "department": procedure.department,
        "legal_days": procedure.legal_days,
        "fee": procedure.fee,
        "return_place": procedure.return_place,
        "service_code": procedure.service,
        "documents": json.dumps(documents, ensure_ascii=False),
        "search": search_text(procedure),
        "active": True,
    }


def _procedure(row: ProcedureRow) -> Procedure:
    return Procedure(
        code=row.code,
        name=row.name,
        field=row.field,
        department=row.department,
        legal_days=row.legal_days,
        fee=row.fee,
        documents=tuple(
            RequiredDocument(d["name"], d["form"], int(d["quantity"]))
            for d in json.loads(row.documents)
        ),
        return_place=row.return_place,
        service=row.service_code,
    )


def _sorted(rows: Iterable[ProcedureRow]) -> list[Procedure]:
    procedures = [_procedure(row) for row in rows]
    return sorted(procedures, key=lambda p: (p.department, fold(p.field), fold(p.name), p.code))
