"""Results another branch transferred here: kept, returned, and the notices owed about them.

A row is written when the result arrives (an officer confirms it) and updated when it is
handed to the citizen. It is also the outbox of the notices to the dossier's own branch
(through the provincial index): version 1 says "arrived", version 2 "returned"; the row is
pending until central acknowledges its newest version.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from shared.storage import outbox
from shared.storage.index_tables import HeldResultRow
from shared.storage.outbox import OutboxEntry

HANDOVER = "handover"  # the index topic kind, as shared.messaging.index.HANDOVER


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
        version=1,
        acked_version=0,
        pending=True,
        notice=notice,
        updated_at=at,
    )
    session.add(row)
    session.flush()
    return _held(row), OutboxEntry(0, code, 1, notice, HANDOVER)


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
    row.version, row.notice, row.pending, row.updated_at = 2, notice, True, at
    session.flush()
    return _held(row), OutboxEntry(0, code, 2, notice, HANDOVER)


def note_ticket(session: Session, site_id: str, code: str, number: str) -> None:
    """Remember the return ticket a citizen took for the held result (its latest)."""
    session.execute(
        update(HeldResultRow)
        .where(HeldResultRow.site_id == site_id, HeldResultRow.code == code)
        .values(return_ticket=number)
        .execution_options(synchronize_session=False)
    )


def acknowledge(session: Session, site_id: str, code: str, version: int) -> bool:
    """Record that central holds this notice (or a newer one); tell whether it was news."""
    return outbox.acknowledge_in(HeldResultRow, session, site_id, code, version)


def pending(
    session: Session, site_id: str, limit: int, skip: Collection[str] = ()
) -> list[OutboxEntry]:
    """The oldest notices central has not acknowledged, at most `limit`, except `skip`."""
    query = select(HeldResultRow.code, HeldResultRow.version, HeldResultRow.notice).where(
        HeldResultRow.site_id == site_id, HeldResultRow.pending.is_(True)
    )
    if skip:
        query = query.where(HeldResultRow.code.not_in(list(skip)))
    rows = session.execute(query.order_by(HeldResultRow.updated_at, HeldResultRow.id).limit(limit))
    return [OutboxEntry(0, code, version, notice, HANDOVER) for code, version, notice in rows]


def count_pending(session: Session, site_id: str) -> int:
    """How many notices central has not acknowledged in their newest version."""
    return outbox.count_pending(session, site_id, HeldResultRow)
