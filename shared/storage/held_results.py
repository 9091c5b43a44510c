"""Results another branch transferred here: kept, returned, and the notices owed about them.

A row is written when the result arrives (an officer confirms it) and updated when it is
handed to the citizen. Each writes, in the same transaction, the notice the dossier's own
branch is owed into the outbox (`handover`): version 1 says "arrived", version 2 "returned".
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from shared.storage import outbox
from shared.storage.index_tables import HeldResultRow
from shared.storage.outbox import OutboxEntry


@dataclass(frozen=True)
class HeldResult:
    """A transferred result as this branch keeps it."""

    code: str
    owner_site_id: str
    owner_site_name: str
    view: str
    arrived_at: datetime
    arrived_by: str
    returned_at: datetime | None
    returned_by: str
    return_ticket: str

    @property
    def returned(self) -> bool:
        """Whether it was handed to the citizen."""
        return self.returned_at is not None


def _held(row: HeldResultRow) -> HeldResult:
    return HeldResult(
        row.code,
        row.owner_site_id,
        row.owner_site_name,
        row.view,
        row.arrived_at,
        row.arrived_by,
        row.returned_at,
        row.returned_by,
        row.return_ticket,
    )


def get(session: Session, site_id: str, code: str) -> HeldResult | None:
    """The result of this dossier held at the site, if any."""
    row = _row(session, site_id, code)
    return None if row is None else _held(row)


def _row(session: Session, site_id: str, code: str, lock: bool = False) -> HeldResultRow | None:
    query = select(HeldResultRow).where(
        HeldResultRow.site_id == site_id, HeldResultRow.code == code
    )
    if lock:
        query = query.with_for_update()
    return session.scalars(query).first()


def arrive(
    session: Session,
    site_id: str,
    code: str,
    owner: tuple[str, str],
    view: str,
    officer: str,
    notice: str,
    at: datetime,
) -> tuple[HeldResult, OutboxEntry | None]:
    """Record that the result arrived; the same arrival again changes nothing (no notice)."""
    row = _row(session, site_id, code, lock=True)
    if row is not None:
        return _held(row), None
    row = HeldResultRow(
        site_id=site_id,
        code=code,
        owner_site_id=owner[0],
        owner_site_name=owner[1],
        view=view,
        arrived_at=at,
        arrived_by=officer,
        returned_at=None,
        returned_by="",
        return_counter="",
        return_ticket="",
    )
    session.add(row)
    session.flush()
    return _held(row), outbox.put(session, site_id, code, 1, notice, at, kind=outbox.HANDOVER)


def hand_back(
    session: Session,
    site_id: str,
    code: str,
    officer: str,
    counter: str,
    notice: str,
    at: datetime,
) -> tuple[HeldResult, OutboxEntry | None]:
    """Record that the held result was handed to the citizen; again changes nothing.

    Raises LookupError when the result is not held here.
    """
    row = _row(session, site_id, code, lock=True)
    if row is None:
        raise LookupError(code)
    if row.returned_at is not None:
        return _held(row), None
    row.returned_at, row.returned_by, row.return_counter = at, officer, counter
    session.flush()
    return _held(row), outbox.put(session, site_id, code, 2, notice, at, kind=outbox.HANDOVER)


def note_ticket(session: Session, site_id: str, code: str, number: str) -> None:
    """Remember the return ticket a citizen took for the held result (its latest)."""
    session.execute(
        update(HeldResultRow)
        .where(HeldResultRow.site_id == site_id, HeldResultRow.code == code)
        .values(return_ticket=number)
        .execution_options(synchronize_session=False)
    )
