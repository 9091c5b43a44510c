"""The per-ticket facts table the reports read, written when a ticket reaches a terminal state."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, Float, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from shared.storage.tables import Base, UtcDateTime


class TicketFactRow(Base):
    """One finished (done, no-show, expired or voided) ticket, as the reports count it."""

    __tablename__ = "ticket_facts"
    __table_args__ = (Index("ix_ticket_facts_day", "site_id", "service_day"),)

    ticket_id: Mapped[int] = mapped_column(
        ForeignKey("tickets.id", ondelete="CASCADE"), primary_key=True, autoincrement=False
    )
    site_id: Mapped[str] = mapped_column(String(40))
    service_day: Mapped[date] = mapped_column(Date)
    original_service: Mapped[str] = mapped_column(String(40))
    priority: Mapped[str | None] = mapped_column(String(40))
    outcome: Mapped[str] = mapped_column(String(16))
    transfers: Mapped[int] = mapped_column(Integer)
    issued_at: Mapped[datetime] = mapped_column(UtcDateTime)
    wait_seconds: Mapped[float | None] = mapped_column(Float)
    wait_counter: Mapped[str | None] = mapped_column(String(40))
    wait_officer: Mapped[str | None] = mapped_column(String(40))
    service_started_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    service_seconds: Mapped[float | None] = mapped_column(Float)
    service_code: Mapped[str | None] = mapped_column(String(40))
    service_counter: Mapped[str | None] = mapped_column(String(40))
    service_officer: Mapped[str | None] = mapped_column(String(40))
