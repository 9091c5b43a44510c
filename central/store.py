"""The central index's rows: idempotent, version-ordered upserts and the lookups' reads.

One atomic INSERT … ON CONFLICT DO UPDATE per entry, guarded by the version: the same entry
twice changes nothing, an older version never overwrites a newer one, and two index processes
on one database cannot interleave a read and a write.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from sqlalchemy import select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from shared.messaging.index import IndexEntry
from shared.storage.index_tables import CentralDossierRow, CentralSiteRow


class Stored(StrEnum):
    """What an upsert did with an entry."""

    NEW = "new"  # the first version of the dossier
    NEWER = "newer"  # replaced an older version
    KNOWN = "known"  # this version, or a newer one, was there already (acknowledged again)
    CONFLICT = "conflict"  # another branch holds this code (not acknowledged)

    @property
    def acknowledged(self) -> bool:
        """Whether the branch gets an acknowledgement for it."""
        return self is not Stored.CONFLICT


@dataclass(frozen=True)
class Found:
    """A stored dossier as lookups need it."""

    code: str
    site_id: str
    version: int
    key_id: str
    token_hash: str
    phone_hash: str | None
    entry: str


def insert_for(session: Session) -> type[postgresql.Insert] | type[sqlite.Insert]:
    """The INSERT … ON CONFLICT construct of the session's database (PostgreSQL or SQLite)."""
    dialect = session.get_bind().dialect.name
    return postgresql.Insert if dialect == "postgresql" else sqlite.Insert


def upsert(session: Session, entry: IndexEntry, now: datetime) -> Stored:
    """Store an entry unless the stored version is the same or newer (or another site's).

    The branch is recorded apart (`note_site`), once per batch.
    """
    insert = insert_for(session)(CentralDossierRow)
    values = {
        "code": entry.code,
        "site_id": entry.site_id,
        "version": entry.version,
        "key_id": entry.key_id,
        "token_hash": entry.token_hash,
        "phone_hash": entry.phone_hash,
        "entry": entry.model_dump_json(),
        "changed_at": entry.at,
        "stored_at": now,
    }
    before = session.execute(
        select(CentralDossierRow.site_id, CentralDossierRow.version).where(
            CentralDossierRow.code == entry.code
        )
    ).first()
    statement = insert.values(**values)
    statement = statement.on_conflict_do_update(
        index_elements=[CentralDossierRow.code],
        set_={k: statement.excluded[k] for k in values if k != "code"},
        where=(CentralDossierRow.version < statement.excluded.version)
        & (CentralDossierRow.site_id == statement.excluded.site_id),
    )
    session.execute(statement)
    if before is None:
        return Stored.NEW
    site_id, version = before
    if site_id != entry.site_id:
        return Stored.CONFLICT
    return Stored.NEWER if version < entry.version else Stored.KNOWN


def note_site(session: Session, entry: IndexEntry, base: str, now: datetime) -> None:
    """Record the branch an entry came from: its name, its key's fingerprint, when last heard.

    `base` is the branch's topic prefix on the central broker (motcua/v1/{site}, or a remapped
    one): what central sends the branch on its own goes there.
    """
    insert = insert_for(session)(CentralSiteRow)
    statement = insert.values(
        site_id=entry.site_id,
        name=entry.site_name,
        key_id=entry.key_id,
        base=base,
        first_seen_at=now,
        last_seen_at=now,
    )
    session.execute(
        statement.on_conflict_do_update(
            index_elements=[CentralSiteRow.site_id],
            set_={
                "name": statement.excluded.name,
                "key_id": statement.excluded.key_id,
                "base": statement.excluded.base,
                "last_seen_at": statement.excluded.last_seen_at,
            },
        )
    )


def _found(row: CentralDossierRow | None) -> Found | None:
    if row is None:
        return None
    return Found(
        row.code,
        row.site_id,
        row.version,
        row.key_id,
        row.token_hash,
        row.phone_hash,
        row.entry,
    )


def by_code(session: Session, code: str) -> Found | None:
    """The stored dossier with this code."""
    return _found(session.get(CentralDossierRow, code))


def by_token_hash(session: Session, token_hash: str, code: str | None = None) -> Found | None:
    """The stored dossier whose token hashes to this (and with this code, when given).

    Tokens are unique within a branch, not across the province: a token alone that two
    branches gave finds nothing rather than the wrong citizen's dossier.
    """
    query = select(CentralDossierRow).where(CentralDossierRow.token_hash == token_hash)
    if code is not None:
        query = query.where(CentralDossierRow.code == code)
    rows = session.scalars(query.limit(2)).all()
    return _found(rows[0]) if len(rows) == 1 else None


def version_of(session: Session, code: str) -> int | None:
    """The stored version of a dossier, or None."""
    return session.scalar(select(CentralDossierRow.version).where(CentralDossierRow.code == code))
