"""ID card details a citizen shared at the kiosk for the counter, kept until the ticket ends."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, Integer, String, delete, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from shared.domain.citizen_id import CardDetails
from shared.storage.tables import Base, UtcDateTime


class TicketCardRow(Base):
    """The receipt form's fields from a citizen's ID card, attached to one ticket of the day."""

    __tablename__ = "ticket_cards"

    ticket_id: Mapped[int] = mapped_column(
        Integer, ForeignKey("tickets.id", ondelete="CASCADE"), primary_key=True
    )
    site_id: Mapped[str] = mapped_column(String(40), index=True)
    service_day: Mapped[date] = mapped_column(Date)
    full_name: Mapped[str] = mapped_column(String(100))
    id_number: Mapped[str] = mapped_column(String(12))
    address: Mapped[str] = mapped_column(String(300), default="")
    attached_at: Mapped[datetime] = mapped_column(UtcDateTime)


def attach_card(
    session: Session, site_id: str, ticket_id: int, day: date, card: CardDetails, at: datetime
) -> None:
    """Keep a ticket's card details (the ticket row is written already)."""
    session.add(
        TicketCardRow(
            ticket_id=ticket_id,
            site_id=site_id,
            service_day=day,
            full_name=card.full_name,
            id_number=card.id_number,
            address=card.address,
            attached_at=at,
        )
    )


def ticket_card(session: Session, ticket_id: int) -> CardDetails | None:
    """The card details attached to a ticket, or None."""
    row = session.get(TicketCardRow, ticket_id)
    if row is None:
        return None
    return CardDetails(full_name=row.full_name, id_number=row.id_number, address=row.address)


def carded_tickets(session: Session, site_id: str, day: date) -> set[int]:
    """The ids of a day's tickets that carry card details."""
    rows = select(TicketCardRow.ticket_id).where(
        TicketCardRow.site_id == site_id, TicketCardRow.service_day == day
    )
    return set(session.scalars(rows))


def forget_cards(session: Session, ticket_ids: list[int]) -> None:
    """Delete the card details of tickets that ended."""
    if ticket_ids:
        session.execute(delete(TicketCardRow).where(TicketCardRow.ticket_id.in_(ticket_ids)))


def forget_cards_before(session: Session, site_id: str, day: date) -> int:
    """Delete card details left from earlier service days (their tickets ended with the day)."""
    done = session.execute(
        delete(TicketCardRow).where(
            TicketCardRow.site_id == site_id, TicketCardRow.service_day < day
        )
    )
    return int(getattr(done, "rowcount", 0) or 0)
