"""The central index's notices of transferred results: checked, kept once, applied by the owner.

A notice (`ResultHandover`) comes from the branch the result was transferred to. It is kept only
when the dossier's stored entry names that branch as its return point, once per (code, version),
and stays unapplied until an entry of the dossier's own branch shows it: the arrival once the
view says `result_arrived` (or returned), the return once the dossier is returned.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from pydantic import ValidationError
from sqlalchemy import CursorResult, or_, select, update
from sqlalchemy.orm import Session

from central.store import insert_for
from shared.domain.dossiers import DossierStatus
from shared.messaging.dossier_views import DossierPublic
from shared.messaging.index import (
    HANDED,
    IndexEntry,
    IndexTopic,
    ResultHandover,
    index_topic,
)
from shared.storage.index_tables import CentralDossierRow, CentralHandoverRow, CentralSiteRow


def shown_version(view: DossierPublic) -> int:
    """The newest notice version a view of the owner shows applied: 0, 1 (arrived), 2 (returned)."""
    if view.status == DossierStatus.RETURNED:
        return 2
    return 1 if view.result_arrived else 0


@dataclass(frozen=True)
class Checked:
    """Whether a notice may be kept (`reason` empty) and what the owner's stored view shows."""

    reason: str = ""
    shown: int = 0


def check(session: Session, notice: ResultHandover, sender: str) -> Checked:
    """Refuse a notice from another branch than its holder, or of a result not sent there."""
    if notice.site_id != sender:
        return Checked(f"sent under the topics of {sender}")
    row = session.get(CentralDossierRow, notice.code)
    if row is None:
        return Checked("the index holds no such dossier")
    if row.site_id != notice.owner_site_id:
        return Checked(f"the dossier belongs to {row.site_id}, not {notice.owner_site_id}")
    try:
        view = IndexEntry.model_validate_json(row.entry).view
    except ValidationError:
        return Checked("the stored entry of the dossier cannot be read")
    if view.result_site_id != notice.site_id:
        return Checked(f"its result was transferred to {view.result_site_id or 'no branch'}")
    return Checked(shown=shown_version(view))


def keep(session: Session, notice: ResultHandover, now: datetime, applied: bool) -> bool:
    """Store a notice unless it is there already; tell whether it was new."""
    statement = (
        insert_for(session)(CentralHandoverRow)
        .values(
            code=notice.code,
            version=notice.version,
            site_id=notice.site_id,
            owner_site_id=notice.owner_site_id,
            notice=notice.model_dump_json(),
            stored_at=now,
            sent_at=None,
            applied_at=now if applied else None,
        )
        .on_conflict_do_nothing(
            index_elements=[CentralHandoverRow.code, CentralHandoverRow.version]
        )
        .returning(CentralHandoverRow.version)
    )
    return session.execute(statement).first() is not None  # nothing returned: it was there


def is_applied(session: Session, code: str, version: int) -> bool:
    """Whether the owner has applied this notice (an unknown one counts as not applied)."""
    applied = session.scalar(
        select(CentralHandoverRow.applied_at).where(
            CentralHandoverRow.code == code, CentralHandoverRow.version == version
        )
    )
    return applied is not None


def apply(session: Session, entry: IndexEntry, now: datetime) -> int:
    """Mark applied the notices of the entry's dossier its view shows; return how many."""
    shown = shown_version(entry.view)
    if not shown:
        return 0
    statement = (
        update(CentralHandoverRow)
        .where(
            CentralHandoverRow.code == entry.code,
            CentralHandoverRow.owner_site_id == entry.site_id,
            CentralHandoverRow.version <= shown,
            CentralHandoverRow.applied_at.is_(None),
        )
        .values(applied_at=now)
    )
    result: CursorResult[object] = session.execute(statement)  # type: ignore[assignment]
    return result.rowcount


@dataclass(frozen=True)
class Unapplied:
    """A notice its owner has not applied yet, as it is sent again."""

    code: str
    version: int
    owner_site_id: str
    notice: str


def unapplied(session: Session, sent_before: datetime | None, limit: int) -> list[Unapplied]:
    """Notices not applied yet, never sent or sent before `sent_before` (None: all of them)."""
    query = select(
        CentralHandoverRow.code,
        CentralHandoverRow.version,
        CentralHandoverRow.owner_site_id,
        CentralHandoverRow.notice,
    ).where(CentralHandoverRow.applied_at.is_(None))
    if sent_before is not None:
        query = query.where(
            or_(CentralHandoverRow.sent_at.is_(None), CentralHandoverRow.sent_at <= sent_before)
        )
    query = query.order_by(CentralHandoverRow.stored_at, CentralHandoverRow.code).limit(limit)
    return [Unapplied(*row) for row in session.execute(query)]


def mark_sent(session: Session, keys: Iterable[tuple[str, int]], now: datetime) -> None:
    """Record when these notices (code, version) were last sent to their owners."""
    for code, version in keys:
        session.execute(
            update(CentralHandoverRow)
            .where(CentralHandoverRow.code == code, CentralHandoverRow.version == version)
            .values(sent_at=now)
        )


def owner_topics(session: Session, owners: Iterable[str]) -> dict[str, str]:
    """Each owner branch's `index/handed` topic, under the prefix its entries came by."""
    wanted = set(owners)
    bases: dict[str, str] = {}
    if wanted:
        rows = session.execute(
            select(CentralSiteRow.site_id, CentralSiteRow.base).where(
                CentralSiteRow.site_id.in_(wanted)
            )
        )
        bases = {site: base for site, base in rows if base}
    return {site: handed_topic(site, bases.get(site, "")) for site in wanted}


def handed_topic(site_id: str, base: str) -> str:
    """motcua/v1/{site}/index/handed, or the same under a remapped prefix (`base`)."""
    if not base:
        return index_topic(site_id, HANDED)
    return IndexTopic(base, HANDED).sibling(HANDED)
