"""A branch's outbox to the provincial index: one row per code, pending until acknowledged.

A row holds the newest message about one code: the index entry of one of the branch's own
dossiers (`dossier`), or the notice about a result another branch transferred here
(`handover`, shared.storage.held_results). Written in the same transaction as the change it
describes, so what central gets is exactly what the branch committed. A row holds only the
newest message: while central is out of reach, several changes become one message, and an
older version can never be sent after a newer one.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, or_, select, update
from sqlalchemy.orm import Session

from shared.storage.dossier_tables import DossierRow
from shared.storage.index_tables import DossierOutboxRow

DOSSIER = "dossier"  # the index topic kinds, as in shared.messaging.index
HANDOVER = "handover"


@dataclass(frozen=True)
class OutboxEntry:
    """One pending message: the code, its version, its JSON and its kind (the index topic)."""

    code: str
    version: int
    entry: str
    kind: str = DOSSIER


def put(
    session: Session,
    site_id: str,
    code: str,
    version: int,
    entry: str,
    at: datetime,
    dossier_id: int | None = None,
    kind: str = DOSSIER,
) -> OutboxEntry:
    """Keep the newest message about a code, pending (an older version changes nothing)."""
    row = session.scalars(
        select(DossierOutboxRow).where(
            DossierOutboxRow.site_id == site_id, DossierOutboxRow.code == code
        )
    ).first()
    if row is None:
        session.add(
            DossierOutboxRow(
                dossier_id=dossier_id,
                kind=kind,
                site_id=site_id,
                code=code,
                version=version,
                acked_version=0,
                pending=True,
                entry=entry,
                updated_at=at,
            )
        )
    elif version > row.version:
        row.version, row.entry, row.pending, row.updated_at = version, entry, True, at
    session.flush()
    return OutboxEntry(code, version, entry, kind)


def acknowledge(session: Session, site_id: str, code: str, version: int) -> bool:
    """Record that central holds this version (or a newer one); tell whether it was news."""
    done = session.execute(
        update(DossierOutboxRow)
        .where(
            DossierOutboxRow.site_id == site_id,
            DossierOutboxRow.code == code,
            DossierOutboxRow.acked_version < version,
        )
        .values(acked_version=version, pending=DossierOutboxRow.version > version)
        .execution_options(synchronize_session=False)
    )
    return bool(getattr(done, "rowcount", 0))


def pending(
    session: Session, site_id: str, limit: int, skip: Collection[str] = ()
) -> list[OutboxEntry]:
    """The oldest pending entries of the site, at most `limit`, leaving out the codes in `skip`."""
    query = select(
        DossierOutboxRow.code,
        DossierOutboxRow.version,
        DossierOutboxRow.entry,
        DossierOutboxRow.kind,
    ).where(DossierOutboxRow.site_id == site_id, DossierOutboxRow.pending.is_(True))
    if skip:
        query = query.where(DossierOutboxRow.code.not_in(list(skip)))
    rows = session.execute(
        query.order_by(DossierOutboxRow.updated_at, DossierOutboxRow.id).limit(limit)
    )
    return [OutboxEntry(*row) for row in rows]


def count_pending(session: Session, site_id: str) -> int:
    """How many codes of the site central has not acknowledged in their newest version."""
    query = select(func.count()).where(
        DossierOutboxRow.site_id == site_id, DossierOutboxRow.pending.is_(True)
    )
    return int(session.scalar(query) or 0)


def behind(session: Session, site_id: str, limit: int = 500) -> list[int]:
    """Ids of the site's dossiers whose newest version has no outbox entry (at most `limit`).

    Dossiers received before the index was turned on, and changes written outside the queue
    server (an import of new due dates, a retention purge), are found here.
    """
    query = (
        select(DossierRow.id)
        .outerjoin(DossierOutboxRow, DossierOutboxRow.dossier_id == DossierRow.id)
        .where(
            DossierRow.site_id == site_id,
            or_(
                DossierOutboxRow.dossier_id.is_(None),
                DossierOutboxRow.version < DossierRow.version,
            ),
        )
        .order_by(DossierRow.id)
        .limit(limit)
    )
    return list(session.scalars(query))
