"""Appointments and remote tickets: slots, bookings from a phone, their check-in at a kiosk.

Commands arrive from the citizens' web pages (book, confirm with the one-time code, follow,
move, cancel) and from kiosks (check in); the timer releases appointments nobody checked in
(`tick`). Everything runs inside the writer's transaction; tickets are made by the queue's own
rules (`TicketDesk`, the QueueService). The merge rule is in shared.domain.policy and
docs/appointments.md.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any, Protocol

from server.booking_messages import (
    BookingNotice,
    CodeSender,
    OneTimeCode,
    code_sender,
    queue_confirmation,
)
from server.booking_rules import BookingCheck
from server.booking_views import booking_view
from server.check_in import CheckInDesk
from server.day_repository import note_phone
from server.outcome import Outcome
from shared.config.notify import NotifyConfig
from shared.config.site import SiteConfig
from shared.domain import appointments as booking
from shared.domain.appointments import BookingKind, BookingRules, BookingState
from shared.domain.deadlines import WorkingCalendar
from shared.domain.errors import InvalidTransition, NotFound, ServiceUnavailable
from shared.domain.personal_data import id_number_hash
from shared.domain.second_factor import LookupPolicy
from shared.domain.site import Site
from shared.domain.tickets import Ticket
from shared.messaging import appointment_commands as ac
from shared.messaging.commands import Command
from shared.messaging.registry import WEB_USER
from shared.storage.appointments import BookingRepository, BookingRow
from shared.storage.repository import QueueRepository

NOT_OFFERED = "Điểm phục vụ này chưa nhận đặt lịch hẹn."
NO_REQUEST = "Không tìm thấy yêu cầu đặt lịch này. Vui lòng đặt lại."
NO_BOOKING = "Không tìm thấy lịch hẹn này. Vui lòng kiểm tra mã lịch hẹn."


class TicketDesk(Protocol):
    """What bookings need of the queue: the service day, new and withdrawn tickets, views."""

    def today(self, at: datetime | None = None) -> date:
        """The service day of an instant."""
        ...

    def new_ticket(
        self,
        repo: QueueRepository,
        service_code: str,
        device_id: str,
        at: datetime,
        outcome: Outcome,
        priority: str | None = None,
        appointment_at: datetime | None = None,
    ) -> Ticket:
        """Number and store a waiting ticket."""
        ...

    def withdraw(
        self, repo: QueueRepository, ticket: Ticket, at: datetime, reason: str, outcome: Outcome
    ) -> Ticket:
        """Void a ticket never called."""
        ...

    def ticket_view(self, repo: QueueRepository, ticket: Ticket, at: datetime) -> dict[str, Any]:
        """A ticket as replies show it."""
        ...


@dataclass(frozen=True, repr=False)
class AppointmentSettings:
    """The site's booking rules, calendar and keys (`[appointments]`, `[calendar]`)."""

    enabled: bool = False
    rules: BookingRules = field(default_factory=BookingRules)
    calendar: WorkingCalendar = field(default_factory=WorkingCalendar)
    key: bytes = b""
    public_url: str = ""
    names_en: Mapping[str, str] = field(default_factory=dict)
    contact_days: int = 30
    lookups: LookupPolicy = field(default_factory=LookupPolicy)
    # Messages to citizens ([notify]): None when the site sends none (no booking from phones).
    notify: NotifyConfig | None = None

    def __repr__(self) -> str:
        """Never show the key."""
        return f"AppointmentSettings(enabled={self.enabled})"

    @classmethod
    def from_config(cls, config: SiteConfig, key: bytes) -> AppointmentSettings:
        """Build the settings from a site file and the site's hashing key."""
        section = config.appointments
        return cls(
            enabled=section.enabled,
            rules=section.rules(),
            calendar=config.calendar.to_calendar(),
            key=key,
            public_url=config.web.public_url,
            names_en={s.code: s.name_en for s in config.services if s.name_en},
            contact_days=section.contact_days,
            lookups=LookupPolicy(
                failures=config.limits.lookup_failures,
                window_seconds=config.limits.lookup_window_seconds,
            ),
            notify=config.notify if config.notify.enabled else None,
        )


class AppointmentService:
    """Applies booking and check-in commands inside the server's transaction."""

    def __init__(
        self, site: Site, settings: AppointmentSettings, sender: CodeSender | None = None
    ) -> None:
        self.site = site
        self.settings = settings
        self.rules = settings.rules
        # Sends one-time codes (the notification outbox; a test's own sender keeps them).
        self.sender: CodeSender = sender or code_sender(settings.notify)
        self.check = BookingCheck(site, settings.rules, settings.calendar)
        self.desk = CheckInDesk(site, settings, self.view)
        # Wrong one-time codes per booking, counted here: a refused command changes nothing
        # in the database; the timer writes the counts (`tick`).
        self.attempts: dict[int, int] = {}

    def handles(self, command: Command) -> bool:
        """Tell whether the command is about appointments."""
        return isinstance(command, ac.APPOINTMENT_COMMANDS)

    def execute(
        self,
        repo: QueueRepository,
        device_id: str,
        command: Command,
        at: datetime,
        desk: TicketDesk,
    ) -> Outcome:
        """Apply a booking command; raise DomainError when it is refused."""
        if isinstance(command, ac.BookingOptions):
            return Outcome(result=self._options(repo, at, desk))
        if not self.settings.enabled or not self.rules.plans:
            raise ServiceUnavailable(NOT_OFFERED)
        bookings = BookingRepository(repo.session, self.site.id)
        if isinstance(command, ac.ListSlots):
            return Outcome(result=self.check.slots(bookings, command, at, desk.today(at)))
        if isinstance(command, ac.RequestBooking):
            return self._request(repo, bookings, device_id, command, at, desk)
        if isinstance(command, ac.ConfirmBooking):
            return self._confirm(repo, bookings, command, at, desk)
        if isinstance(command, ac.CheckIn):
            return self.desk.check_in(repo, bookings, device_id, command, at, desk)
        assert isinstance(command, ac.BookingStatus | ac.CancelBooking | ac.ChangeBooking)
        row = self._proved(bookings, command.code, command.token)
        if isinstance(command, ac.CancelBooking):
            return self._cancel(repo, row, at, desk)
        if isinstance(command, ac.ChangeBooking):
            return self._change(repo, bookings, row, command.slot, at, desk)
        return Outcome(result={"booking": self.view(repo, row, at, desk, token=True)})

    def view(
        self, repo: QueueRepository, row: BookingRow, at: datetime, desk: TicketDesk, token: bool
    ) -> dict[str, Any]:
        """A booking as a reply shows it (the token only to whoever proved it)."""
        return booking_view(self.site, self.settings, repo, row, at, desk, token)

    # Options -----------------------------------------------------------------------------

    def _options(self, repo: QueueRepository, at: datetime, desk: TicketDesk) -> dict[str, Any]:
        services = []
        enabled = self.settings.enabled
        bookings = BookingRepository(repo.session, self.site.id) if enabled else None
        for code, plan in self.rules.plans.items() if enabled else ():
            service = self.site.service(code)
            reason = None
            if plan.remote and bookings is not None:
                reason = self.check.remote_refusal(repo, bookings, service, at, desk.today(at))
            services.append(
                {
                    "service": code,
                    "name": service.name,
                    "name_en": self.settings.names_en.get(code, ""),
                    "slots": plan.slots,
                    "slot_minutes": plan.minutes,
                    "horizon_days": plan.horizon_days,
                    "remote": plan.remote,
                    "remote_available": plan.remote and reason is None,
                    "remote_reason": reason or "",
                }
            )
        return {
            "services": services,
            "code_length": self.rules.code_length,
            "code_minutes": self.rules.code_minutes,
            "grace_minutes": self.rules.grace_minutes,
            "timezone": self.site.rules.timezone,
        }

    # Request and confirm -----------------------------------------------------------------

    def _request(
        self,
        repo: QueueRepository,
        bookings: BookingRepository,
        device_id: str,
        command: ac.RequestBooking,
        at: datetime,
        desk: TicketDesk,
    ) -> Outcome:
        service = self.site.service(command.service)
        plan = self.rules.plan(service.code)
        phone = booking.normalise_phone(command.phone.get_secret_value())
        client = command.client or ("" if device_id == WEB_USER else device_id)
        self.check.request_limits(bookings, phone, client, at)
        today = desk.today(at)
        if command.remote:
            if not plan.remote:
                raise ServiceUnavailable(f"{service.name}: không nhận lấy số từ xa.")
            refusal = self.check.remote_refusal(repo, bookings, service, at, today)
            if refusal is not None:
                raise ServiceUnavailable(f"{service.name}: {refusal}")
            slot, day, kind = at, today, BookingKind.REMOTE
        else:
            assert command.slot is not None
            slot = self.check.open_slot(bookings, plan, command.slot, at, today)
            day, kind = self.check.local_day(slot), BookingKind.SLOT
        self.check.phone_quota(bookings, phone, day)
        request = booking.new_request_ref()
        otp = booking.new_one_time_code(self.rules.code_length)
        expires = at + timedelta(minutes=self.rules.code_minutes)
        id_hash = ""
        if command.id_number is not None:
            id_hash = id_number_hash(command.id_number.get_secret_value(), self.settings.key)
        row = bookings.add(
            BookingRow(
                code=self._new_code(bookings),
                request=request,
                kind=kind.value,
                service_code=service.code,
                service_day=day,
                slot_at=slot,
                state=BookingState.PENDING_OTP.value,
                phone=phone,
                id_hash=id_hash,
                client=client,
                device_id=device_id,
                otp_hash=booking.one_time_code_hash(self.settings.key, request, otp),
                otp_expires_at=expires,
                otp_attempts=0,
                changes=0,
                created_at=at,
            )
        )
        code = OneTimeCode(
            self.site.id, request, phone, otp, self.rules.code_minutes, service.name, at, expires
        )
        self.sender(repo.session, code)
        result = {
            "request": row.request,
            "expires_at": expires.isoformat(),
            "code_length": self.rules.code_length,
            "phone_masked": booking.mask_phone(phone),
            "service": service.code,
            "kind": kind.value,
            "slot": slot.isoformat() if kind is BookingKind.SLOT else None,
        }
        return Outcome(result=result)

    def _new_code(self, bookings: BookingRepository) -> str:
        for _ in range(20):
            code = booking.new_booking_code()
            if bookings.by_code(code) is None:
                return code
        raise ServiceUnavailable("Hệ thống đang bận, vui lòng thử lại.")  # pragma: no cover

    def _confirm(
        self,
        repo: QueueRepository,
        bookings: BookingRepository,
        command: ac.ConfirmBooking,
        at: datetime,
        desk: TicketDesk,
    ) -> Outcome:
        row = bookings.by_request(command.request)
        if row is None:
            raise NotFound(NO_REQUEST)
        self._check_code(row, command.otp.get_secret_value(), at)
        outcome = Outcome()
        plan = self.rules.plan(row.service_code)
        if row.kind == BookingKind.SLOT.value:
            self.check.still_free(bookings, plan, row, at)
        self.check.phone_quota(bookings, row.phone, row.service_day)
        row.state = BookingState.BOOKED.value
        row.confirmed_at = at
        row.otp_hash = ""
        if row.kind == BookingKind.REMOTE.value:
            service = self.site.service(row.service_code)
            refusal = self.check.remote_refusal(repo, bookings, service, at, desk.today(at))
            if refusal is not None:
                raise ServiceUnavailable(f"{service.name}: {refusal}")
            ticket = desk.new_ticket(repo, row.service_code, WEB_USER, at, outcome)
            row.ticket_number = ticket.number
            note_phone(repo, ticket)
        else:
            notice = self._notice(row, at)
            queue_confirmation(repo.session, self.settings.notify, notice, row.changes)
        self.attempts.pop(row.id, None)
        repo.session.flush()
        outcome.result = {"booking": self.view(repo, row, at, desk, token=True)}
        return outcome

    def _check_code(self, row: BookingRow, otp: str, at: datetime) -> None:
        """Refuse a used, expired or wrong one-time code; count the wrong ones."""
        if row.state != BookingState.PENDING_OTP.value or at >= row.otp_expires_at:
            raise booking.CodeExpired(
                "Mã xác nhận đã hết hạn hoặc đã được dùng. Vui lòng đặt lịch lại để nhận mã mới."
            )
        tries = max(row.otp_attempts, self.attempts.get(row.id, 0))
        limit = self.rules.code_attempts
        if tries >= limit:
            raise booking.CodeExpired("Đã nhập sai mã quá số lần cho phép. Vui lòng đặt lịch lại.")
        if booking.one_time_code_ok(self.settings.key, row.request, otp.strip(), row.otp_hash):
            return
        self.attempts[row.id] = tries + 1
        left = limit - tries - 1
        if left <= 0:
            raise booking.CodeExpired("Đã nhập sai mã quá số lần cho phép. Vui lòng đặt lịch lại.")
        raise booking.WrongCode(f"Mã xác nhận không đúng. Còn {left} lần thử.")

    def _notice(self, row: BookingRow, at: datetime) -> BookingNotice:
        service = self.site.service(row.service_code)
        timezone = self.site.rules.timezone
        return BookingNotice(
            self.site.id, row.code, row.phone, service.name, row.slot_at, timezone, at
        )

    # Follow, cancel, change --------------------------------------------------------------

    def _proved(self, bookings: BookingRepository, code: str, token: str) -> BookingRow:
        """The confirmed booking whose code and token these are (else NotFound, the same)."""
        row = bookings.by_code(code)
        key = self.settings.key
        if (
            row is None
            or row.state == BookingState.PENDING_OTP.value
            or not booking.booking_token_ok(key, self.site.id, code, token)
        ):
            raise NotFound(NO_BOOKING)
        return row

    def _cancel(
        self, repo: QueueRepository, row: BookingRow, at: datetime, desk: TicketDesk
    ) -> Outcome:
        outcome = Outcome()
        state = BookingState(row.state)
        if state in (BookingState.CALLED, BookingState.NO_SHOW):
            raise InvalidTransition(f"Lịch hẹn {row.code} đã kết thúc, không hủy được nữa.")
        if state is not BookingState.CANCELLED:
            if row.ticket_number is not None:
                self._withdraw_ticket(repo, row, at, desk, outcome)
            row.state = BookingState.CANCELLED.value
            row.ended_at = at
            repo.session.flush()
        outcome.result = {"booking": self.view(repo, row, at, desk, token=True)}
        return outcome

    def _withdraw_ticket(
        self, repo: QueueRepository, row: BookingRow, at: datetime, desk: TicketDesk, out: Outcome
    ) -> None:
        ticket = repo.find_ticket(row.service_day, row.ticket_number or "")
        if ticket is None:
            return
        if len(ticket.periods) != 1 or ticket.state.value != "waiting":
            raise InvalidTransition(f"Số {ticket.number} đã được gọi, không hủy được nữa.")
        desk.withdraw(repo, ticket, at, "hủy từ điện thoại", out)

    def _change(
        self,
        repo: QueueRepository,
        bookings: BookingRepository,
        row: BookingRow,
        slot: datetime,
        at: datetime,
        desk: TicketDesk,
    ) -> Outcome:
        if row.kind != BookingKind.SLOT.value or row.state != BookingState.BOOKED.value:
            raise InvalidTransition(f"Lịch hẹn {row.code} không đổi giờ được nữa.")
        if row.changes >= self.rules.changes_per_booking:
            raise InvalidTransition(
                f"Lịch hẹn {row.code} đã đổi {row.changes} lần, không đổi thêm được. "
                "Có thể hủy và đặt lịch mới."
            )
        plan = self.rules.plan(row.service_code)
        new_slot = self.check.open_slot(bookings, plan, slot, at, desk.today(at), ignore=row.id)
        row.slot_at = new_slot
        row.service_day = self.check.local_day(new_slot)
        row.changes += 1
        row.reminded_at = None
        repo.session.flush()
        notice = self._notice(row, at)
        queue_confirmation(repo.session, self.settings.notify, notice, row.changes)
        return Outcome(result={"booking": self.view(repo, row, at, desk, token=True)})

    # The timer -----------------------------------------------------------------------------

    def tick(self, repo: QueueRepository, at: datetime, desk: TicketDesk) -> Outcome:
        """Release appointments past their grace, note calls, remind, write counts, purge."""
        if not self.settings.enabled:
            return Outcome()
        bookings = BookingRepository(repo.session, self.site.id)
        if self.attempts:
            bookings.save_attempts(self.attempts)
            self.attempts.clear()
        return self.desk.tick(repo, bookings, at, desk)
