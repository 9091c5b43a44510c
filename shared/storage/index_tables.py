"""Tables of the provincial dossier index: a branch's outbox, and the central index itself.

A branch keeps one outbox row per dossier holding the newest index entry (public view and keyed
hashes) and the newest version central acknowledged; a row is pending while they differ. The
central index keeps one row per dossier code of the province and one per branch.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from shared.storage.tables import Base, UtcDateTime


class DossierOutboxRow(Base):
    """A branch's newest index entry of one dossier, and what central acknowledged of it."""

    __tablename__ = "dossier_outbox"
    __table_args__ = (
        UniqueConstraint("site_id", "code", name="uq_outbox_code"),
        Index("ix_outbox_pending", "site_id", "pending", "updated_at"),
    )

    dossier_id: Mapped[int] = mapped_column(
        Integer, ForeignKey("dossiers.id", ondelete="CASCADE"), primary_key=True
    )
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
    """A result another branch transferred here: its arrival and return, and their notices.

    The row is also the outbox of the two notices the receiving branch owes (arrived, version 1;
    returned, version 2): pending until central acknowledges the newest one.
    """

    __tablename__ = "held_results"
    __table_args__ = (
        UniqueConstraint("site_id", "code", name="uq_held_result_code"),
        Index("ix_held_results_pending", "site_id", "pending", "updated_at"),
    )

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
    version: Mapped[int] = mapped_column(Integer)
    acked_version: Mapped[int] = mapped_column(Integer, default=0)
    pending: Mapped[bool] = mapped_column(Boolean, default=True)
    notice: Mapped[str] = mapped_column(Text)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime)


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
