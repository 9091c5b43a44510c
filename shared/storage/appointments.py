"""Bookings: appointments in time slots and same-day remote tickets, booked from a phone.

A booking keeps the citizen's phone number (personal data: blanked `[privacy]
appointment_contact_days` after its day) and, when given, a keyed hash of their ID number (a
kiosk that scans the ID card finds the booking by it; the number itself is never kept). The
one-time code is kept only as a keyed hash, until it expires. Every function works inside the
caller's session (the queue server's transaction).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import ColumnElement, Date, Index, Integer, String, delete, func, select, update
from sqlalchemy.orm import Mapped, Session, mapped_column

from shared.domain.appointments import CONFIRMED, HOLDING, BookingKind, BookingState
from shared.storage.tables import Base, UtcDateTime


class BookingRow(Base):
    """One booking: a slot of a service, or a remote ticket, asked for from one phone."""

    __tablename__ = "bookings"
    __table_args__ = (
        Index("uq_booking_code", "site_id", "code", unique=True),
        Index("uq_booking_request", "request", unique=True),
        Index("ix_bookings_slot", "site_id", "service_code", "slot_at"),
        Index("ix_bookings_day", "site_id", "service_day", "state"),
        Index("ix_bookings_phone", "site_id", "phone", "created_at"),
        Index("ix_bookings_id_hash", "site_id", "id_hash"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    site_id: Mapped[str] = mapped_column(String(40))
    code: Mapped[str] = mapped_column(String(12))
    request: Mapped[str] = mapped_column(String(32))
    kind: Mapped[str] = mapped_column(String(8))
    service_code: Mapped[str] = mapped_column(String(40))
    service_day: Mapped[date] = mapped_column(Date)
    slot_at: Mapped[datetime] = mapped_column(UtcDateTime)
    state: Mapped[str] = mapped_column(String(16))
    phone: Mapped[str] = mapped_column(String(20), default="")
    id_hash: Mapped[str] = mapped_column(String(64), default="")
    client: Mapped[str] = mapped_column(String(64), default="")
    device_id: Mapped[str] = mapped_column(String(64), default="")
    otp_hash: Mapped[str] = mapped_column(String(64), default="")
    otp_expires_at: Mapped[datetime] = mapped_column(UtcDateTime)
    otp_attempts: Mapped[int] = mapped_column(Integer, default=0)
    changes: Mapped[int] = mapped_column(Integer, default=0)
    ticket_number: Mapped[str | None] = mapped_column(String(12))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    confirmed_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    checked_in_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    ended_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    reminded_at: Mapped[datetime | None] = mapped_column(UtcDateTime)


@dataclass(frozen=True)
class SlotCount:
    """How many bookings hold one slot of a service."""

    slot_at: datetime
    taken: int


class BookingRepository:
    """Reads and writes one site's bookings inside a caller-owned transaction."""

    def __init__(self, session: Session, site_id: str) -> None:
        self.session = session
        self.site_id = site_id

    def add(self, row: BookingRow) -> BookingRow:
        """Store a new booking."""
        row.site_id = self.site_id
        self.session.add(row)
        self.session.flush()
        return row

    def by_request(self, request: str) -> BookingRow | None:
        """The booking asked for under this request reference."""
        return self.session.scalars(
            select(BookingRow).where(
                BookingRow.site_id == self.site_id, BookingRow.request == request
            )
        ).one_or_none()

    def by_code(self, code: str) -> BookingRow | None:
        """The confirmed booking with this code."""
        return self.session.scalars(
            select(BookingRow).where(BookingRow.site_id == self.site_id, BookingRow.code == code)
        ).one_or_none()

    def ticket_phones(self, day: date, numbers: Iterable[str] | None = None) -> dict[str, str]:
        """A day's ticket numbers that came from a booking with a phone, and that phone.

        All of the day's (loading the queue), or only those of `numbers` (a message to send).
        """
        query = select(BookingRow.ticket_number, BookingRow.phone).where(
            BookingRow.site_id == self.site_id,
            BookingRow.service_day == day,
            BookingRow.ticket_number.is_not(None),
            BookingRow.phone != "",
        )
        if numbers is not None:
            query = query.where(BookingRow.ticket_number.in_(list(numbers)))
        return {str(number): str(phone) for number, phone in self.session.execute(query)}

    def by_id_hash(self, id_hash: str, day: date) -> list[BookingRow]:
        """A day's bookings made with this ID number's hash, earliest slot first."""
        return list(
            self.session.scalars(
                select(BookingRow)
                .where(
                    BookingRow.site_id == self.site_id,
                    BookingRow.id_hash == id_hash,
                    BookingRow.service_day == day,
                )
                .order_by(BookingRow.slot_at, BookingRow.id)
            )
        )

    def taken(
        self, service: str, slots: Iterable[datetime], now: datetime, ignore: int | None = None
    ) -> dict[datetime, int]:
        """Bookings holding each of these slots (a pending one while its code is valid)."""
        wanted = list(slots)
        if not wanted:
            return {}
        rows = self.session.execute(
            select(
                BookingRow.slot_at, BookingRow.state, BookingRow.otp_expires_at, BookingRow.id
            ).where(
                BookingRow.site_id == self.site_id,
                BookingRow.service_code == service,
                BookingRow.kind == BookingKind.SLOT.value,
                BookingRow.slot_at.in_(wanted),
                BookingRow.state.in_([s.value for s in HOLDING]),
            )
        ).all()
        counts: dict[datetime, int] = {}
        for slot_at, state, expires, row_id in rows:
            if row_id == ignore:
                continue
            if state == BookingState.PENDING_OTP.value and expires <= now:
                continue
            counts[slot_at] = counts.get(slot_at, 0) + 1
        return counts

    def count_phone_bookings(self, phone: str, day: date) -> int:
        """Confirmed bookings (not cancelled) a phone holds for one day."""
        return self._count(
            BookingRow.phone == phone,
            BookingRow.service_day == day,
            BookingRow.state.in_([s.value for s in CONFIRMED]),
        )

    def request_times(
        self, since: datetime, *, phone: str = "", client: str = ""
    ) -> list[datetime]:
        """When booking requests (one-time codes sent) were made since a moment, oldest first."""
        match = BookingRow.phone == phone if phone else BookingRow.client == client
        return list(
            self.session.scalars(
                select(BookingRow.created_at)
                .where(BookingRow.site_id == self.site_id, BookingRow.created_at >= since, match)
                .order_by(BookingRow.created_at)
            )
        )

    def count_remote(self, service: str, day: date) -> int:
        """Remote tickets issued for a service on a day."""
        return self._count(
            BookingRow.service_code == service,
            BookingRow.service_day == day,
            BookingRow.kind == BookingKind.REMOTE.value,
            BookingRow.ticket_number.is_not(None),
        )

    def _count(self, *where: ColumnElement[bool]) -> int:
        query = select(func.count(BookingRow.id)).where(BookingRow.site_id == self.site_id, *where)
        return int(self.session.execute(query).scalar_one())

    def day_bookings(self, day: date, states: Iterable[BookingState]) -> list[BookingRow]:
        """A day's bookings in some states, earliest slot first."""
        return list(
            self.session.scalars(
                select(BookingRow)
                .where(
                    BookingRow.site_id == self.site_id,
                    BookingRow.service_day == day,
                    BookingRow.state.in_([s.value for s in states]),
                )
                .order_by(BookingRow.slot_at, BookingRow.id)
            )
        )

    def open_bookings(self, day: date) -> list[BookingRow]:
        """Bookings of a day or before still booked or checked in (the timer follows them)."""
        return list(
            self.session.scalars(
                select(BookingRow)
                .where(
                    BookingRow.site_id == self.site_id,
                    BookingRow.service_day <= day,
                    BookingRow.state.in_(
                        [BookingState.BOOKED.value, BookingState.CHECKED_IN.value]
                    ),
                )
                .order_by(BookingRow.slot_at, BookingRow.id)
            )
        )

    def to_remind(self, until: datetime) -> list[BookingRow]:
        """Booked slots starting before `until` whose citizen was not reminded yet."""
        return list(
            self.session.scalars(
                select(BookingRow).where(
                    BookingRow.site_id == self.site_id,
                    BookingRow.state == BookingState.BOOKED.value,
                    BookingRow.kind == BookingKind.SLOT.value,
                    BookingRow.slot_at <= until,
                    BookingRow.reminded_at.is_(None),
                )
            )
        )

    def save_attempts(self, attempts: dict[int, int]) -> None:
        """Write the wrong one-time codes counted since the last write."""
        for row_id, count in attempts.items():
            self.session.execute(
                update(BookingRow)
                .where(BookingRow.id == row_id, BookingRow.otp_attempts < count)
                .values(otp_attempts=count)
            )

    def purge(self, before: date, unconfirmed_before: datetime) -> int:
        """Blank the phone and ID hash of bookings of days before `before`; drop stale requests.

        Requests never confirmed (their code expired before `unconfirmed_before`) are deleted:
        nothing was booked, so nothing of them is kept.
        """
        stale = delete(BookingRow).where(
            BookingRow.site_id == self.site_id,
            BookingRow.state == BookingState.PENDING_OTP.value,
            BookingRow.otp_expires_at < unconfirmed_before,
        )
        dropped = int(getattr(self.session.execute(stale), "rowcount", 0) or 0)
        blanked = self.session.execute(
            update(BookingRow)
            .where(
                BookingRow.site_id == self.site_id,
                BookingRow.service_day < before,
                (BookingRow.phone != "") | (BookingRow.id_hash != "") | (BookingRow.client != ""),
            )
            .values(phone="", id_hash="", client="", otp_hash="")
            .execution_options(synchronize_session=False)
        )
        return dropped + int(getattr(blanked, "rowcount", 0) or 0)
