"""SQLAlchemy 2.0 tables of the queue server; periods only grow, a ticket row mirrors its last."""

from __future__ import annotations

from datetime import UTC, date, datetime

from sqlalchemy import (
    Boolean,
    Date,
    DateTime,
    Dialect,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
from sqlalchemy.types import TypeDecorator


class UtcDateTime(TypeDecorator[datetime]):
    """Aware datetimes stored as naive UTC, read back as aware UTC on every database."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        """Convert to naive UTC before storing."""
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        """Attach UTC when reading."""
        return None if value is None else value.replace(tzinfo=UTC)


class Base(DeclarativeBase):
    """Base of every table."""


class TicketRow(Base):
    """A ticket; `state`, `service_code` and `counter_id` mirror its last period for querying."""

    __tablename__ = "tickets"
    __table_args__ = (
        UniqueConstraint("site_id", "service_day", "number", name="uq_ticket_number"),
        Index("ix_tickets_queue", "site_id", "service_day", "state", "service_code"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    site_id: Mapped[str] = mapped_column(String(40))
    service_day: Mapped[date] = mapped_column(Date)
    number: Mapped[str] = mapped_column(String(12))
    prefix: Mapped[str] = mapped_column(String(3))
    sequence: Mapped[int] = mapped_column(Integer)
    original_service: Mapped[str] = mapped_column(String(40))
    service_code: Mapped[str] = mapped_column(String(40))
    priority: Mapped[str | None] = mapped_column(String(40))
    state: Mapped[str] = mapped_column(String(16))
    counter_id: Mapped[str | None] = mapped_column(String(40))
    target_counter: Mapped[str | None] = mapped_column(String(40))
    front: Mapped[bool] = mapped_column(Boolean, default=False)
    recall_count: Mapped[int] = mapped_column(Integer, default=0)
    issued_at: Mapped[datetime] = mapped_column(UtcDateTime)
    issued_by: Mapped[str] = mapped_column(String(64), default="")
    version: Mapped[int] = mapped_column(Integer, default=1)
    # An appointment checked in in time: the start of its slot (it goes ahead of walk-ins).
    appointment_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)


class PeriodRow(Base):
    """One period of a ticket's history."""

    __tablename__ = "ticket_periods"
    __table_args__ = (
        UniqueConstraint("ticket_id", "position", name="uq_period_position"),
        Index("ix_periods_kind_time", "kind", "started_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(16))
    started_at: Mapped[datetime] = mapped_column(UtcDateTime)
    ended_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    service_code: Mapped[str] = mapped_column(String(40))
    counter_id: Mapped[str | None] = mapped_column(String(40))
    officer_id: Mapped[str | None] = mapped_column(String(40))
    note: Mapped[str] = mapped_column(String(200), default="")


class NumberSequenceRow(Base):
    """The last number handed out per site, service day and prefix."""

    __tablename__ = "number_sequences"

    site_id: Mapped[str] = mapped_column(String(40), primary_key=True)
    service_day: Mapped[date] = mapped_column(Date, primary_key=True)
    prefix: Mapped[str] = mapped_column(String(3), primary_key=True)
    value: Mapped[int] = mapped_column(Integer)


class CounterStateRow(Base):
    """A counter's state."""

    __tablename__ = "counter_states"

    site_id: Mapped[str] = mapped_column(String(40), primary_key=True)
    counter_id: Mapped[str] = mapped_column(String(40), primary_key=True)
    status: Mapped[str] = mapped_column(String(16))
    officer_id: Mapped[str | None] = mapped_column(String(40))
    current_ticket_id: Mapped[int | None] = mapped_column(Integer)
    priority_streak: Mapped[int] = mapped_column(Integer, default=0)
    pause_reason: Mapped[str] = mapped_column(String(200), default="")
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime)


class CommandLogRow(Base):
    """Audit log of every command, and the stored reply that makes retries idempotent."""

    __tablename__ = "command_log"
    __table_args__ = (
        UniqueConstraint("site_id", "device_id", "verb", "request_id", name="uq_command_request"),
        Index("ix_command_log_time", "site_id", "received_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    site_id: Mapped[str] = mapped_column(String(40))
    device_id: Mapped[str] = mapped_column(String(64))
    verb: Mapped[str] = mapped_column(String(40))
    request_id: Mapped[str] = mapped_column(String(64))
    officer_id: Mapped[str | None] = mapped_column(String(40))
    received_at: Mapped[datetime] = mapped_column(UtcDateTime)
    payload: Mapped[str] = mapped_column(Text)
    ok: Mapped[bool] = mapped_column(Boolean)
    error_code: Mapped[str | None] = mapped_column(String(40))
    reply: Mapped[str] = mapped_column(Text)


class SiteStateRow(Base):
    """Per-site bookkeeping: the service day the server last rolled over to."""

    __tablename__ = "site_state"

    site_id: Mapped[str] = mapped_column(String(40), primary_key=True)
    service_day: Mapped[date] = mapped_column(Date)
