"""Checking a citizen in at a kiosk, and the timer that releases appointments nobody claimed.

A checked-in appointment becomes a waiting ticket that remembers its slot (the call policy
takes it at its time, ahead of walk-ins); checked in after the grace period it becomes an
ordinary ticket (a walk-in). Failed check-ins are counted per kiosk, like failed dossier
lookups: a kiosk that keeps guessing codes must wait.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Any

from server.booking_messages import BookingNotice, queue_reminder
from server.day_repository import note_phone
from server.outcome import Outcome
from shared.domain import appointments as booking
from shared.domain.appointments import BookingKind, BookingState
from shared.domain.codes import CodeKind, classify
from shared.domain.errors import InvalidInput, InvalidTransition, NotFound
from shared.domain.personal_data import id_number_hash
from shared.domain.second_factor import LookupGuard
from shared.domain.site import Site
from shared.domain.tickets import PeriodKind, Ticket, TicketState
from shared.messaging import appointment_commands as ac
from shared.storage.appointments import BookingRepository, BookingRow
from shared.storage.repository import QueueRepository

if TYPE_CHECKING:
    from server.appointment_service import AppointmentSettings, TicketDesk

    View = Callable[[QueueRepository, BookingRow, datetime, TicketDesk, bool], dict[str, Any]]

NOT_A_BOOKING = "Mã lịch hẹn gồm 8 chữ và số (không có I, O, 0, 1). Vui lòng kiểm tra lại."
NO_BOOKING = "Không tìm thấy lịch hẹn với mã này. Vui lòng kiểm tra lại hoặc hỏi bàn hướng dẫn."
NO_CARD_BOOKING = "Không có lịch hẹn hôm nay đặt bằng thẻ căn cước này."
ARRIVED = (BookingState.CHECKED_IN, BookingState.CALLED)
# A card's bookings of the day, in the order one is checked in: booked, released, arrived.
CARD_ORDER = ((BookingState.BOOKED,), (BookingState.NO_SHOW,), ARRIVED)


class CheckInDesk:
    """Check-ins at kiosks and the appointments' timer."""

    def __init__(self, site: Site, settings: AppointmentSettings, view: View) -> None:
        self.site = site
        self.settings = settings
        self.rules = settings.rules
        self.view = view
        self.guard = LookupGuard(settings.lookups)
        self._ticked: datetime | None = None
        self._purged: date | None = None

    # Check-in ------------------------------------------------------------------------------

    def check_in(
        self,
        repo: QueueRepository,
        bookings: BookingRepository,
        device_id: str,
        command: ac.CheckIn,
        at: datetime,
        desk: TicketDesk,
    ) -> Outcome:
        """Turn a booking of today into a ticket (or show the ticket it already became)."""
        now = at.timestamp()
        self.guard.check(device_id, now)
        today = desk.today(at)
        row = self._find(bookings, device_id, command, today, now)
        self._check_day(row, today)
        outcome = Outcome()
        state = BookingState(row.state)
        if row.kind == BookingKind.REMOTE.value or state in ARRIVED:
            ticket = self._existing(repo, row)
            if state is BookingState.BOOKED:
                row.state, row.checked_in_at = BookingState.CHECKED_IN.value, at
        else:
            late = booking.past_grace(row.slot_at, self.rules, at)
            appointment = None if late else row.slot_at
            ticket = desk.new_ticket(
                repo, row.service_code, device_id, at, outcome, appointment_at=appointment
            )
            row.state, row.checked_in_at = BookingState.CHECKED_IN.value, at
            row.ticket_number = ticket.number
            if row.phone:
                note_phone(repo, ticket)
        repo.session.flush()
        walk_in = row.kind == BookingKind.SLOT.value and ticket.appointment_at is None
        outcome.result = {
            "booking": self.view(repo, row, at, desk, False),
            "ticket": desk.ticket_view(repo, ticket, at),
            "walk_in": walk_in,
        }
        return outcome

    def _find(
        self,
        bookings: BookingRepository,
        device_id: str,
        command: ac.CheckIn,
        today: date,
        now: float,
    ) -> BookingRow:
        """The booking a check-in names; failures count against the kiosk."""
        if command.id_number is not None:
            digest = id_number_hash(command.id_number.get_secret_value(), self.settings.key)
            rows = bookings.by_id_hash(digest, today)
            found = _first_open(rows)
            if found is None:
                self.guard.failed(device_id, now)
                raise NotFound(NO_CARD_BOOKING)
            return found
        code, token = self._code(command.code or "")
        row = bookings.by_code(code)
        key = self.settings.key
        wrong_token = token is not None and not booking.booking_token_ok(
            key, self.site.id, code, token
        )
        if row is None or row.state == BookingState.PENDING_OTP.value or wrong_token:
            self.guard.failed(device_id, now)
            raise NotFound(NO_BOOKING)
        return row

    def _code(self, text: str) -> tuple[str, str | None]:
        """The booking code (and token, from a QR) in a scanned or typed text."""
        scanned = classify(text)
        if scanned.kind is CodeKind.BOOKING:
            return scanned.booking_code, scanned.booking_token
        code = booking.normalise_booking_code(text)
        if code is None:
            raise InvalidInput(NOT_A_BOOKING)
        return code, None

    def _check_day(self, row: BookingRow, today: date) -> None:
        if row.state == BookingState.CANCELLED.value:
            raise InvalidTransition(f"Lịch hẹn {row.code} đã hủy.")
        if row.service_day < today:
            raise InvalidTransition(
                f"Lịch hẹn {row.code} là của ngày {row.service_day:%d/%m/%Y}, đã qua. Mời lấy số "
                "mới tại ki-ốt."
            )
        if row.service_day > today:
            raise InvalidTransition(
                f"Lịch hẹn {row.code} vào ngày {row.service_day:%d/%m/%Y}, chưa đến ngày. Mời "
                "ông/bà quay lại đúng ngày hẹn."
            )

    def _existing(self, repo: QueueRepository, row: BookingRow) -> Ticket:
        """The ticket a remote booking or an earlier check-in already made (still waiting)."""
        ticket = repo.find_ticket(row.service_day, row.ticket_number or "")
        if ticket is None or ticket.state is not TicketState.WAITING:
            number = row.ticket_number or ""
            raise InvalidTransition(
                f"Số {number} của lịch hẹn này đã được gọi hoặc đã hết hiệu lực. Vui lòng hỏi "
                "bàn hướng dẫn."
            )
        return ticket

    # The timer ---------------------------------------------------------------------------

    def tick(
        self, repo: QueueRepository, bookings: BookingRepository, at: datetime, desk: TicketDesk
    ) -> Outcome:
        """Release late appointments, note calls, send reminders, purge once a day."""
        today = desk.today(at)
        for row in bookings.open_bookings(today):
            self._follow(repo, row, at)
        if self.rules.reminder_minutes:
            self._remind(bookings, at)
        if self._purged != today:
            self._purged = today
            keep = timedelta(days=self.settings.contact_days)
            bookings.purge(today - keep, at - timedelta(days=1))
        repo.session.flush()
        outcome = Outcome(queues=self._came_due(repo, today, at))
        self._ticked = at
        return outcome

    def _follow(self, repo: QueueRepository, row: BookingRow, at: datetime) -> None:
        """Move a booking on with time and its ticket: no-show, called, cancelled."""
        state = BookingState(row.state)
        if row.ticket_number is None:
            if row.kind == BookingKind.SLOT.value and booking.past_grace(
                row.slot_at, self.rules, at
            ):
                row.state, row.ended_at = BookingState.NO_SHOW.value, at
            return
        ticket = repo.find_ticket(row.service_day, row.ticket_number)
        if ticket is None or (ticket.state is TicketState.WAITING and len(ticket.periods) == 1):
            return
        if ticket.state is TicketState.VOIDED:
            row.state = BookingState.CANCELLED.value
        elif any(p.kind is PeriodKind.CALLED for p in ticket.periods):
            row.state = BookingState.CALLED.value
        elif state is not BookingState.CALLED:
            row.state = BookingState.NO_SHOW.value  # the day ended before it was called
        row.ended_at = row.ended_at or at

    def _remind(self, bookings: BookingRepository, at: datetime) -> None:
        lead = timedelta(minutes=self.rules.reminder_minutes)
        for row in bookings.to_remind(at + lead):
            row.reminded_at = at
            if row.slot_at <= at or not row.phone:
                continue
            service = self.site.service(row.service_code)
            notice = BookingNotice(
                self.site.id,
                row.code,
                row.phone,
                service.name,
                row.slot_at,
                self.site.rules.timezone,
                at,
            )
            queue_reminder(bookings.session, self.settings.notify, notice)

    def _came_due(self, repo: QueueRepository, today: date, at: datetime) -> bool:
        """Whether an appointment waiting reached its time since the last tick (places move)."""
        margin = self.site.rules.appointment_margin
        since = self._ticked or at - timedelta(days=1)
        return any(
            e.appointment_at is not None and since < e.appointment_at - margin <= at
            for e in repo.waiting_entries(today)
        )


def _first_open(rows: list[BookingRow]) -> BookingRow | None:
    """The booking to check in among a card's bookings of the day: the earliest not arrived."""
    for states in CARD_ORDER:
        for row in rows:
            if BookingState(row.state) in states:
                return row
    return None
