"""The checks a booking passes: the slot is offered and free, the phone and client within limits."""

from __future__ import annotations

import math
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from shared.domain import appointments as booking
from shared.domain.appointments import BookingRules, SlotFull, SlotPlan, TooManyBookings
from shared.domain.availability import unavailable_reason
from shared.domain.deadlines import WorkingCalendar
from shared.domain.errors import InvalidTransition
from shared.domain.site import Service, Site
from shared.messaging import appointment_commands as ac
from shared.storage.appointments import BookingRepository, BookingRow
from shared.storage.repository import QueueRepository

DAY = timedelta(days=1)
HOUR = timedelta(hours=1)


class BookingCheck:
    """Slots as the rules and the calendar offer them, and the limits on asking for them."""

    def __init__(self, site: Site, rules: BookingRules, calendar: WorkingCalendar) -> None:
        self.site = site
        self.rules = rules
        self.calendar = calendar
        self.zone = ZoneInfo(site.rules.timezone)

    def local_day(self, at: datetime) -> date:
        """The local date of an instant."""
        return at.astimezone(self.zone).date()

    def last_day(self, plan: SlotPlan, today: date) -> date:
        """The last day a slot may be booked for."""
        return today + timedelta(days=plan.horizon_days)

    # Slots ---------------------------------------------------------------------------------

    def slots(
        self, bookings: BookingRepository, command: ac.ListSlots, at: datetime, today: date
    ) -> dict[str, Any]:
        """The slots of a service, day by day, with the places each has left."""
        service = self.site.service(command.service)
        plan = self.rules.plan(service.code)
        last = self.last_day(plan, today)
        first = max(command.day or today, today)
        days: list[dict[str, Any]] = []
        day = first
        while day <= last and len(days) < command.days:
            days.append(self._day(bookings, plan, day, at))
            day += DAY
        return {
            "service": service.code,
            "service_name": service.name,
            "first_day": today.isoformat(),
            "last_day": last.isoformat(),
            "days": days,
        }

    def _day(
        self, bookings: BookingRepository, plan: SlotPlan, day: date, at: datetime
    ) -> dict[str, Any]:
        closed = booking.closed_reason(plan, day, self.calendar, self.rules.blackouts)
        if closed is not None or not plan.slots:
            reason = closed or "Dịch vụ không nhận lịch hẹn theo giờ"
            return {"day": day.isoformat(), "closed": reason, "slots": []}
        earliest = at + timedelta(minutes=self.rules.lead_minutes)
        starts = [
            s for s in booking.day_slots(plan, day, self.site.rules.timezone) if s >= earliest
        ]
        taken = bookings.taken(plan.service, starts, at)
        slots = [
            {
                "start": start.isoformat(),
                "time": f"{start.astimezone(self.zone):%H:%M}",
                "free": max(0, plan.capacity - taken.get(start, 0)),
            }
            for start in starts
        ]
        return {"day": day.isoformat(), "closed": "", "slots": slots}

    def open_slot(
        self,
        bookings: BookingRepository,
        plan: SlotPlan,
        slot: datetime,
        at: datetime,
        today: date,
        ignore: int | None = None,
    ) -> datetime:
        """The slot asked for, checked: offered (day, hours, horizon, lead) and not full."""
        if slot.tzinfo is None:
            raise SlotFull("Giờ hẹn cần có múi giờ (ví dụ …+07:00).")
        slot = slot.astimezone(ZoneInfo("UTC"))
        day = self.local_day(slot)
        offered = (
            plan.slots
            and booking.is_slot_start(plan, slot, self.site.rules.timezone)
            and today <= day <= self.last_day(plan, today)
            and slot >= at + timedelta(minutes=self.rules.lead_minutes)
        )
        closed = booking.closed_reason(plan, day, self.calendar, self.rules.blackouts)
        if not offered or closed is not None:
            why = f" ({closed})" if closed else ""
            raise SlotFull(f"Giờ hẹn này không còn nhận đặt lịch{why}. Vui lòng chọn giờ khác.")
        taken = bookings.taken(plan.service, [slot], at, ignore).get(slot, 0)
        if taken >= plan.capacity:
            raise SlotFull("Giờ hẹn này đã đủ người. Vui lòng chọn giờ khác.")
        return slot

    def still_free(
        self, bookings: BookingRepository, plan: SlotPlan, row: BookingRow, at: datetime
    ) -> None:
        """On confirmation: the slot still has a place for this request."""
        taken = bookings.taken(plan.service, [row.slot_at], at, ignore=row.id).get(row.slot_at, 0)
        if taken >= plan.capacity:
            raise SlotFull("Giờ hẹn này vừa đủ người. Vui lòng chọn giờ khác.")

    # Remote tickets ------------------------------------------------------------------------

    def remote_refusal(
        self,
        repo: QueueRepository,
        bookings: BookingRepository,
        service: Service,
        at: datetime,
        today: date,
    ) -> str | None:
        """Why a remote ticket cannot be taken now (window, daily cap, remote share), or None."""
        issued = repo.issued_count(today, service.code)
        reason = unavailable_reason(service, at, self.site.rules.timezone, issued)
        if reason is not None:
            return reason
        closed = self.calendar.holiday(today)
        if closed is not None:
            return f"Hôm nay nghỉ ({closed})."
        cap = self.rules.plan(service.code).remote_cap(service.daily_cap)
        if cap is not None and bookings.count_remote(service.code, today) >= cap:
            return f"Đã hết số lấy từ xa trong ngày ({cap} số); mời lấy số tại ki-ốt."
        return None

    # Limits --------------------------------------------------------------------------------

    def request_limits(
        self, bookings: BookingRepository, phone: str, client: str, at: datetime
    ) -> None:
        """Refuse a phone asking for too many codes a day, or a client too many an hour."""
        sent = bookings.request_times(at - DAY, phone=phone)
        if len(sent) >= self.rules.requests_per_phone:
            wait = _seconds_until(sent[-self.rules.requests_per_phone] + DAY, at)
            raise TooManyBookings(
                "Số điện thoại này đã yêu cầu quá nhiều mã xác nhận hôm nay. Vui lòng thử lại "
                "sau hoặc đến trực tiếp Trung tâm.",
                wait,
            )
        if client:
            asked = bookings.request_times(at - HOUR, client=client)
            if len(asked) >= self.rules.requests_per_client:
                wait = _seconds_until(asked[-self.rules.requests_per_client] + HOUR, at)
                raise TooManyBookings(
                    f"Quá nhiều yêu cầu đặt lịch từ thiết bị này: vui lòng chờ {wait} giây.", wait
                )

    def phone_quota(self, bookings: BookingRepository, phone: str, day: date) -> None:
        """Refuse a phone that already holds its day's bookings."""
        held = bookings.count_phone_bookings(phone, day)
        if held >= self.rules.bookings_per_phone:
            raise InvalidTransition(
                f"Số điện thoại này đã có {held} lịch hẹn ngày {day:%d/%m/%Y}. Có thể hủy một "
                "lịch đã đặt rồi đặt lại."
            )


def _seconds_until(moment: datetime, now: datetime) -> int:
    return max(1, math.ceil((moment - now).total_seconds()))
