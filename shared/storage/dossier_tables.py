"""Tables of the procedure catalogue, dossiers and their logs, officers, sessions and ratings.

Dossier rows mirror the domain's `Dossier` with the figures statistics group by (status,
channel, department, procedure, dates) in plain columns, so reports run as SQL aggregates.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    Boolean,
    Date,
    ForeignKey,
    Index,
    Integer,
    SmallInteger,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from shared.storage.tables import Base, UtcDateTime


class ProcedureRow(Base):
    """A procedure of a site's catalogue; `documents` is a JSON list, `search` folded text."""

    __tablename__ = "procedures"
    __table_args__ = (UniqueConstraint("site_id", "code", name="uq_procedure_code"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    site_id: Mapped[str] = mapped_column(String(40))
    code: Mapped[str] = mapped_column(String(60))
    name: Mapped[str] = mapped_column(String(400))
    field: Mapped[str] = mapped_column(String(200), default="")
    department: Mapped[str] = mapped_column(String(40))
    legal_days: Mapped[int] = mapped_column(Integer)
    fee: Mapped[str] = mapped_column(String(400), default="")
    return_place: Mapped[str] = mapped_column(String(200), default="")
    service_code: Mapped[str | None] = mapped_column(String(40))
    documents: Mapped[str] = mapped_column(Text, default="[]")
    search: Mapped[str] = mapped_column(Text, default="")
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime)


class DossierRow(Base):
    """A dossier; `status`, dates and `legal_due` mirror the domain object for querying."""

    __tablename__ = "dossiers"
    __table_args__ = (
        UniqueConstraint("code", name="uq_dossier_code"),
        UniqueConstraint("token", name="uq_dossier_token"),
        Index("ix_dossiers_open", "site_id", "status", "legal_due"),
        Index("ix_dossiers_received", "site_id", "received_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    site_id: Mapped[str] = mapped_column(String(40))
    code: Mapped[str] = mapped_column(String(60))
    token: Mapped[str] = mapped_column(String(16))
    procedure_code: Mapped[str] = mapped_column(String(60))
    procedure_name: Mapped[str] = mapped_column(String(400))
    department: Mapped[str] = mapped_column(String(40))
    channel: Mapped[int] = mapped_column(SmallInteger)
    status: Mapped[int] = mapped_column(SmallInteger)
    citizen_name: Mapped[str] = mapped_column(String(200))
    citizen_id_number: Mapped[str] = mapped_column(String(20), default="")
    citizen_address: Mapped[str] = mapped_column(String(400), default="")
    citizen_phone: Mapped[str] = mapped_column(String(20), default="")
    citizen_email: Mapped[str] = mapped_column(String(200), default="")
    documents: Mapped[str] = mapped_column(Text, default="[]")
    sets: Mapped[int] = mapped_column(Integer, default=1)
    legal_days: Mapped[int] = mapped_column(Integer)
    received_at: Mapped[datetime] = mapped_column(UtcDateTime)
    received_by: Mapped[str] = mapped_column(String(40), default="")
    rules: Mapped[str] = mapped_column(Text)
    legal_due: Mapped[date] = mapped_column(Date)
    due: Mapped[date] = mapped_column(Date)
    apology_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    apology_reason: Mapped[str] = mapped_column(String(400), default="")
    apology_by: Mapped[str] = mapped_column(String(40), default="")
    finished_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    returned_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    return_place: Mapped[str] = mapped_column(String(200), default="")
    fee: Mapped[str] = mapped_column(String(400), default="")
    counter_id: Mapped[str | None] = mapped_column(String(40))
    ticket_number: Mapped[str | None] = mapped_column(String(12))
    late_notice_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    result_site_id: Mapped[str | None] = mapped_column(String(40))
    result_site_name: Mapped[str] = mapped_column(String(200), default="")
    result_arrived_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    source: Mapped[str] = mapped_column(String(40), default="")
    version: Mapped[int] = mapped_column(Integer, default=1)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime)


class DossierStepRow(Base):
    """One row of a dossier's log (the control sheet): only ever appended."""

    __tablename__ = "dossier_steps"
    __table_args__ = (
        UniqueConstraint("dossier_id", "position", name="uq_dossier_step"),
        Index("ix_dossier_steps_kind", "kind", "at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    dossier_id: Mapped[int] = mapped_column(ForeignKey("dossiers.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(32))
    at: Mapped[datetime] = mapped_column(UtcDateTime)
    status: Mapped[int] = mapped_column(SmallInteger)
    actor: Mapped[str] = mapped_column(String(100), default="")
    from_unit: Mapped[str] = mapped_column(String(200), default="")
    to_unit: Mapped[str] = mapped_column(String(200), default="")
    receiver: Mapped[str] = mapped_column(String(100), default="")
    note: Mapped[str] = mapped_column(String(400), default="")


class DossierPauseRow(Base):
    """A time the clock stopped while waiting for the citizen; `ended_at` null while waiting."""

    __tablename__ = "dossier_pauses"
    __table_args__ = (UniqueConstraint("dossier_id", "position", name="uq_dossier_pause"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    dossier_id: Mapped[int] = mapped_column(ForeignKey("dossiers.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(32))
    started_at: Mapped[datetime] = mapped_column(UtcDateTime)
    ended_at: Mapped[datetime | None] = mapped_column(UtcDateTime)


class OfficerRow(Base):
    """An officer account; `password_hash` is an Argon2id hash, `counters` a JSON list of ids."""

    __tablename__ = "officers"
    __table_args__ = (UniqueConstraint("site_id", "officer_id", name="uq_officer"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    site_id: Mapped[str] = mapped_column(String(40))
    officer_id: Mapped[str] = mapped_column(String(40))
    name: Mapped[str] = mapped_column(String(200))
    title: Mapped[str] = mapped_column(String(200), default="")
    role: Mapped[str] = mapped_column(String(16), default="officer")
    counters: Mapped[str] = mapped_column(Text, default="[]")
    password_hash: Mapped[str] = mapped_column(String(200))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    failed_logins: Mapped[int] = mapped_column(Integer, default=0)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime)


class LoginFailureRow(Base):
    """Wrong logins in a row for one officer id (known or not) or at one device, and the wait."""

    __tablename__ = "login_failures"

    site_id: Mapped[str] = mapped_column(String(40), primary_key=True)
    scope: Mapped[str] = mapped_column(String(16), primary_key=True)
    subject: Mapped[str] = mapped_column(String(64), primary_key=True)
    failures: Mapped[int] = mapped_column(Integer, default=0)
    last_failed_at: Mapped[datetime] = mapped_column(UtcDateTime)
    locked_until: Mapped[datetime | None] = mapped_column(UtcDateTime)


class OfficerSessionRow(Base):
    """An officer's shift at a counter, from login to logout (or the lock that ended it)."""

    __tablename__ = "officer_sessions"
    __table_args__ = (Index("ix_officer_sessions", "site_id", "officer_id", "started_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    site_id: Mapped[str] = mapped_column(String(40))
    officer_id: Mapped[str] = mapped_column(String(40))
    counter_id: Mapped[str] = mapped_column(String(40))
    started_at: Mapped[datetime] = mapped_column(UtcDateTime)
    ended_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    end_reason: Mapped[str] = mapped_column(String(40), default="")


class RatingRow(Base):
    """A citizen's rating of a service at a counter (1 … `scale`)."""

    __tablename__ = "ratings"
    __table_args__ = (
        UniqueConstraint("ticket_id", name="uq_rating_ticket"),
        Index("ix_ratings_time", "site_id", "rated_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    site_id: Mapped[str] = mapped_column(String(40))
    ticket_id: Mapped[int | None] = mapped_column(ForeignKey("tickets.id", ondelete="SET NULL"))
    service_day: Mapped[date] = mapped_column(Date)
    service_code: Mapped[str] = mapped_column(String(40))
    counter_id: Mapped[str] = mapped_column(String(40))
    officer_id: Mapped[str | None] = mapped_column(String(40))
    dossier_code: Mapped[str | None] = mapped_column(String(60))
    score: Mapped[int] = mapped_column(SmallInteger)
    scale: Mapped[int] = mapped_column(SmallInteger)
    rated_at: Mapped[datetime] = mapped_column(UtcDateTime)


class TicketDossierRow(Base):
    """Links a ticket to each dossier handled while it was served (or a return ticket's dossier)."""

    __tablename__ = "ticket_dossiers"

    ticket_id: Mapped[int] = mapped_column(
        ForeignKey("tickets.id", ondelete="CASCADE"), primary_key=True
    )
    dossier_id: Mapped[int] = mapped_column(
        ForeignKey("dossiers.id", ondelete="CASCADE"), primary_key=True
    )
    purpose: Mapped[str] = mapped_column(String(16), default="receive")
