"""Tables of the provincial dossier index: a branch's outbox, and the central index itself.

A branch keeps one outbox row per code holding the newest message about it (the index entry of
its own dossier, or the notice about a result another branch transferred to it) and the newest
version central acknowledged; a row is pending while they differ. The central index keeps one
row per dossier code of the province and one per branch.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from shared.storage.tables import Base, UtcDateTime


class DossierOutboxRow(Base):
    """A branch's newest index message about one code, and what central acknowledged of it.

    `kind` is the index topic it goes on: `dossier` (an entry of the branch's own dossier,
    `dossier_id` set) or `handover` (news of a result held here, shared.storage.held_results).
    """

    __tablename__ = "dossier_outbox"
    __table_args__ = (
        Index("uq_outbox_code", "site_id", "code", unique=True),
        Index("uq_outbox_dossier", "dossier_id", unique=True),
        Index("ix_outbox_pending", "site_id", "pending", "updated_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    dossier_id: Mapped[int | None] = mapped_column(
        Integer, ForeignKey("dossiers.id", ondelete="CASCADE")
    )
    kind: Mapped[str] = mapped_column(String(16), default="dossier")
    site_id: Mapped[str] = mapped_column(String(40))
    code: Mapped[str] = mapped_column(String(60))
    version: Mapped[int] = mapped_column(Integer)
    acked_version: Mapped[int] = mapped_column(Integer, default=0)
    pending: Mapped[bool] = mapped_column(Boolean, default=True)
    entry: Mapped[str] = mapped_column(Text)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime)


class CentralDossierRow(Base):
    """The central index's entry of one dossier: the newest version a branch sent."""

    __tablename__ = "central_dossiers"
    __table_args__ = (Index("ix_central_token", "token_hash"),)

    code: Mapped[str] = mapped_column(String(60), primary_key=True)
    site_id: Mapped[str] = mapped_column(String(40), index=True)
    version: Mapped[int] = mapped_column(Integer)
    key_id: Mapped[str] = mapped_column(String(12))
    token_hash: Mapped[str] = mapped_column(String(64))
    phone_hash: Mapped[str | None] = mapped_column(String(64))
    entry: Mapped[str] = mapped_column(Text)
    changed_at: Mapped[datetime] = mapped_column(UtcDateTime)
    stored_at: Mapped[datetime] = mapped_column(UtcDateTime)


class CentralSiteRow(Base):
    """A branch the central index has heard from: its name and when it last sent an entry."""

    __tablename__ = "central_sites"

    site_id: Mapped[str] = mapped_column(String(40), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    key_id: Mapped[str] = mapped_column(String(12))
    # The branch's topic prefix on the central broker (motcua/v1/{site} or a remapped one).
    base: Mapped[str] = mapped_column(String(200), default="")
    first_seen_at: Mapped[datetime] = mapped_column(UtcDateTime)
    last_seen_at: Mapped[datetime] = mapped_column(UtcDateTime)


class HeldResultRow(Base):
    """A result another branch transferred here: when it arrived and when it was returned.

    The notices owed to the dossier's own branch about it go through the outbox (`handover`).
    """

    __tablename__ = "held_results"
    __table_args__ = (UniqueConstraint("site_id", "code", name="uq_held_result_code"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    site_id: Mapped[str] = mapped_column(String(40))
    code: Mapped[str] = mapped_column(String(60))
    owner_site_id: Mapped[str] = mapped_column(String(40))
    owner_site_name: Mapped[str] = mapped_column(String(200), default="")
    view: Mapped[str] = mapped_column(Text)
    arrived_at: Mapped[datetime] = mapped_column(UtcDateTime)
    arrived_by: Mapped[str] = mapped_column(String(40))
    returned_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    returned_by: Mapped[str] = mapped_column(String(40), default="")
    return_counter: Mapped[str] = mapped_column(String(40), default="")
    return_ticket: Mapped[str] = mapped_column(String(12), default="")


class CentralHandoverRow(Base):
    """A notice from the branch holding a transferred result, kept until its owner applied it."""

    __tablename__ = "central_handovers"

    code: Mapped[str] = mapped_column(String(60), primary_key=True)
    version: Mapped[int] = mapped_column(Integer, primary_key=True)
    site_id: Mapped[str] = mapped_column(String(40))
    owner_site_id: Mapped[str] = mapped_column(String(40), index=True)
    notice: Mapped[str] = mapped_column(Text)
    stored_at: Mapped[datetime] = mapped_column(UtcDateTime)
    sent_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    applied_at: Mapped[datetime | None] = mapped_column(UtcDateTime, index=True)
