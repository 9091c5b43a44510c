"""A branch's outbox to the provincial index: one row per dossier, pending until acknowledged.

Written in the same transaction as the dossier change it describes, so what central gets is
exactly what the branch committed. A row holds only the newest entry: while central is out of
reach, several changes of one dossier become one message, and an older version can never be
sent after a newer one.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, or_, select, update
from sqlalchemy.orm import Session

from shared.storage.dossier_tables import DossierRow
from shared.storage.index_tables import DossierOutboxRow, HeldResultRow


@dataclass(frozen=True)
class OutboxEntry:
    """One pending entry: the dossier row's id, its version, the entry's JSON and its kind.

    The kind is the index topic it goes on: `dossier` for the branch's own dossiers,
    `handover` for news of a result another branch transferred here (shared.storage.held_results).
    """

    dossier_id: int
    code: str
    version: int
    entry: str
    kind: str = "dossier"


def put(
    session: Session,
    dossier_id: int,
    site_id: str,
    code: str,
    version: int,
    entry: str,
    at: datetime,
) -> OutboxEntry:
    """Keep the newest entry of a dossier, pending (an older version changes nothing)."""
    row = session.get(DossierOutboxRow, dossier_id)
    if row is None:
        session.add(
            DossierOutboxRow(
                dossier_id=dossier_id,
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
    return OutboxEntry(dossier_id, code, version, entry)


# The tables whose rows wait for central's acknowledgement: a branch's own dossiers, and the
# notices about results other branches transferred to it (shared.storage.held_results).
Outbox = type[DossierOutboxRow] | type[HeldResultRow]


def acknowledge(session: Session, site_id: str, code: str, version: int) -> bool:
    """Record that central holds this version (or a newer one); tell whether it was news."""
    return acknowledge_in(DossierOutboxRow, session, site_id, code, version)


def acknowledge_in(table: Outbox, session: Session, site_id: str, code: str, version: int) -> bool:
    """Mark a row of `table` acknowledged up to `version`; pending while a newer one waits."""
    done = session.execute(
        update(table)
        .where(table.site_id == site_id, table.code == code, table.acked_version < version)
        .values(acked_version=version, pending=table.version > version)
        .execution_options(synchronize_session=False)
    )
    return bool(getattr(done, "rowcount", 0))


def pending(
    session: Session, site_id: str, limit: int, skip: Collection[str] = ()
) -> list[OutboxEntry]:
    """The oldest pending entries of the site, at most `limit`, leaving out the codes in `skip`."""
    query = select(
        DossierOutboxRow.dossier_id,
        DossierOutboxRow.code,
        DossierOutboxRow.version,
        DossierOutboxRow.entry,
    ).where(DossierOutboxRow.site_id == site_id, DossierOutboxRow.pending.is_(True))
    if skip:
        query = query.where(DossierOutboxRow.code.not_in(list(skip)))
    rows = session.execute(
        query.order_by(DossierOutboxRow.updated_at, DossierOutboxRow.dossier_id).limit(limit)
    )
    return [OutboxEntry(*row) for row in rows]


def count_pending(session: Session, site_id: str, table: Outbox = DossierOutboxRow) -> int:
    """How many rows of the site central has not acknowledged in their newest version."""
    query = select(func.count()).where(table.site_id == site_id, table.pending.is_(True))
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
