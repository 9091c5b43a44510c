"""Legal deadlines of dossiers, counted in working days on Vietnam's calendar plus the site's."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import holidays

from shared.domain.errors import InvalidInput

LOCAL_TIMEZONE = "Asia/Ho_Chi_Minh"
RULE_VERSION = "2025-07"
DEFAULT_CUTOFF = time(15, 0)
PAUSED_REASON = "tạm dừng chờ bổ sung hồ sơ"
_WEEKEND = {5: "thứ Bảy", 6: "Chủ nhật"}
# Guards against a calendar whose every day is off (a typo in a long days_off list).
_MAX_SCAN_DAYS = 3660


@dataclass(frozen=True)
class CalendarDay:
    """A dated entry of the site calendar: an extra day off or an extra working day."""

    day: date
    name: str


@dataclass(frozen=True)
class WorkingCalendar:
    """Mon–Fri minus Vietnam's public holidays, with the site's extra days off and working days.

    Extra working days win over everything (a make-up Saturday, or a national holiday the
    centre does not observe); then extra days off, national holidays and weekends.
    """

    days_off: tuple[CalendarDay, ...] = ()
    working_days: tuple[CalendarDay, ...] = ()
    _national: Any = field(default=None, init=False, repr=False, compare=False)
    _off: Mapping[date, str] = field(default_factory=dict, init=False, repr=False, compare=False)
    _work: frozenset[date] = field(default=frozenset(), init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        off = {d.day: d.name for d in self.days_off}
        work = frozenset(d.day for d in self.working_days)
        both = sorted(set(off) & work)
        if both:
            raise InvalidInput(f"Ngày {both[0].isoformat()} vừa là ngày nghỉ vừa là ngày làm việc.")
        object.__setattr__(self, "_off", off)
        object.__setattr__(self, "_work", work)
        object.__setattr__(self, "_national", holidays.country_holidays("VN", language="vi"))

    @property
    def version(self) -> str:
        """Name the national holiday source, so a kept snapshot says which data was used."""
        return f"holidays {getattr(holidays, '__version__', '?')}"

    def day_off_reason(self, day: date) -> str | None:
        """Say why a day is not a working day (e.g. 'Tết Nguyên Đán', 'thứ Bảy'), or None."""
        if day in self._work:
            return None
        if day in self._off:
            return self._off[day]
        national: str | None = self._national.get(day)
        if national:
            return national
        return _WEEKEND.get(day.weekday())

    def holiday(self, day: date) -> str | None:
        """Name a public holiday or a site day off on this day (weekends aside), or None."""
        if day in self._work:
            return None
        if day in self._off:
            return self._off[day]
        national: str | None = self._national.get(day)
        return national or None

    def is_working_day(self, day: date) -> bool:
        """Tell whether the centre works on this day."""
        return self.day_off_reason(day) is None

    def next_working_day(self, day: date) -> date:
        """Return the first working day strictly after `day`."""
        current = day
        for _ in range(_MAX_SCAN_DAYS):
            current += timedelta(days=1)
            if self.is_working_day(current):
                return current
        raise InvalidInput("Lịch không có ngày làm việc nào trong mười năm tới.")

    def working_day_on_or_after(self, day: date) -> date:
        """Return `day` if it is a working day, else the next working day."""
        return day if self.is_working_day(day) else self.next_working_day(day)

    def add_working_days(self, day: date, count: int) -> date:
        """Return the `count`-th working day after `day` (`day` itself is not counted)."""
        if count < 0:
            raise InvalidInput("Số ngày làm việc không được âm.")
        current = day
        for _ in range(count):
            current = self.next_working_day(current)
        return current


@dataclass(frozen=True)
class DeadlineRule:
    """How receipt times turn into deadlines: the daily cutoff, the time zone, the rule version."""

    cutoff: time = DEFAULT_CUTOFF
    version: str = RULE_VERSION
    timezone: str = LOCAL_TIMEZONE

    def local(self, at: datetime) -> datetime:
        """Return a receipt instant in local time; a naive datetime is taken as already local."""
        if at.tzinfo is None:
            return at
        return at.astimezone(ZoneInfo(self.timezone)).replace(tzinfo=None)

    def effective_day(self, at: datetime, calendar: WorkingCalendar) -> date:
        """Return the working day a receipt counts on: after the cutoff or on a day off → next."""
        local = self.local(at)
        day = local.date()
        if not calendar.is_working_day(day):
            return calendar.next_working_day(day)
        if local.time() > self.cutoff:
            return calendar.next_working_day(day)
        return day


@dataclass(frozen=True)
class Pause:
    """The clock stopped while waiting for the citizen's supplement, from `start` to `end`."""

    start: datetime
    end: datetime


@dataclass(frozen=True)
class RuleSnapshot:
    """The calendar and rule in force at receipt, kept with the dossier."""

    rule_version: str
    calendar_version: str
    cutoff: str
    timezone: str
    days_off: tuple[CalendarDay, ...]
    working_days: tuple[CalendarDay, ...]

    def to_dict(self) -> dict[str, Any]:
        """Serialise to plain JSON-friendly values."""
        return {
            "rule_version": self.rule_version,
            "calendar_version": self.calendar_version,
            "cutoff": self.cutoff,
            "timezone": self.timezone,
            "days_off": [{"date": d.day.isoformat(), "name": d.name} for d in self.days_off],
            "working_days": [
                {"date": d.day.isoformat(), "name": d.name} for d in self.working_days
            ],
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> RuleSnapshot:
        """Rebuild a snapshot kept with a dossier."""
        try:
            return cls(
                rule_version=str(data["rule_version"]),
                calendar_version=str(data["calendar_version"]),
                cutoff=str(data["cutoff"]),
                timezone=str(data["timezone"]),
                days_off=_days(data["days_off"]),
                working_days=_days(data["working_days"]),
            )
        except (KeyError, TypeError, ValueError) as exc:
            raise InvalidInput(f"Bản lưu quy tắc thời hạn không hợp lệ: {exc}") from None

    def calendar(self) -> WorkingCalendar:
        """Rebuild the site calendar the snapshot describes."""
        return WorkingCalendar(days_off=self.days_off, working_days=self.working_days)

    def rule(self) -> DeadlineRule:
        """Rebuild the deadline rule the snapshot describes."""
        hours, _, minutes = self.cutoff.partition(":")
        return DeadlineRule(time(int(hours), int(minutes)), self.rule_version, self.timezone)


def _days(items: Iterable[Mapping[str, Any]]) -> tuple[CalendarDay, ...]:
    return tuple(CalendarDay(date.fromisoformat(str(i["date"])), str(i["name"])) for i in items)


def snapshot(calendar: WorkingCalendar, rule: DeadlineRule) -> RuleSnapshot:
    """Capture the calendar and rule in force now, to keep with a dossier received now."""
    return RuleSnapshot(
        rule_version=rule.version,
        calendar_version=calendar.version,
        cutoff=f"{rule.cutoff:%H:%M}",
        timezone=rule.timezone,
        days_off=calendar.days_off,
        working_days=calendar.working_days,
    )


@dataclass(frozen=True)
class SkippedDay:
    """A day between receipt and due date that was not counted, and why."""

    day: date
    reason: str

    def line(self) -> str:
        """Render as '2026-02-16: Tết Nguyên Đán'."""
        return f"{self.day.isoformat()}: {self.reason}"


@dataclass(frozen=True)
class Deadline:
    """A computed due date with how it was reached."""

    received: datetime
    effective_receipt: date
    working_days: int
    due: date
    skipped: tuple[SkippedDay, ...]
    snapshot: RuleSnapshot

    def explanation(self) -> list[str]:
        """Explain the due date in Vietnamese, one line per fact, skipped days last."""
        lines = [f"Tiếp nhận: {self.received:%Y-%m-%d %H:%M}"]
        if self.effective_receipt != self.received.date():
            on_day_off = any(s.day == self.received.date() for s in self.skipped)
            why = "nhận vào ngày nghỉ" if on_day_off else f"nhận sau {self.snapshot.cutoff}"
            lines.append(f"Tính như tiếp nhận ngày {self.effective_receipt.isoformat()} ({why})")
        if self.working_days == 0:
            lines.append("Thủ tục giải quyết trong ngày")
        else:
            lines.append(f"Thời hạn: {self.working_days} ngày làm việc, không tính ngày tiếp nhận")
        lines.extend(s.line() for s in self.skipped)
        return lines


def compute_deadline(
    received: datetime,
    working_days: int,
    calendar: WorkingCalendar | None = None,
    rule: DeadlineRule | None = None,
    pauses: Sequence[Pause] = (),
) -> Deadline:
    """Compute the due date of a dossier received at `received` with `working_days` to process.

    * The day of receipt is not counted: the due date is the N-th working day after the
      effective receipt day, which is the receipt day itself, or the next working day when the
      dossier came after the cutoff (strictly later than e.g. 15:00) or on a day off.
    * N = 0 is a same-day procedure: due on the effective receipt day.
    * Supplement pauses: time waiting for the citizen is not counted, and the deadline is
      counted in whole working days, so a working day on which the clock was stopped at any
      moment is not counted. A pause covers the local days from the day the supplement was
      requested to the day it arrived, that day found like a receipt (after the cutoff or on a
      day off → the next working day); overlapping pauses count a day once. For a same-day
      procedure the dossier is due on the day the last supplement (effectively) arrived.
    """
    calendar = calendar or WorkingCalendar()
    rule = rule or DeadlineRule()
    if working_days < 0:
        raise InvalidInput("Số ngày làm việc không được âm.")
    local = rule.local(received)
    effective = rule.effective_day(received, calendar)
    paused = _paused_days(pauses, local, calendar, rule)
    if working_days == 0:
        due = max([effective, *paused]) if paused else effective
    else:
        due, remaining = effective, working_days
        while remaining:
            due = calendar.next_working_day(due)
            if due not in paused:
                remaining -= 1
    skipped = []
    day = local.date()
    while day <= due:
        reason = calendar.day_off_reason(day)
        if reason is None and day in paused and day > effective:
            reason = PAUSED_REASON
        if reason is not None:
            skipped.append(SkippedDay(day, reason))
        day += timedelta(days=1)
    return Deadline(local, effective, working_days, due, tuple(skipped), snapshot(calendar, rule))


def _paused_days(
    pauses: Sequence[Pause], received: datetime, calendar: WorkingCalendar, rule: DeadlineRule
) -> set[date]:
    days: set[date] = set()
    for pause in pauses:
        start, end = rule.local(pause.start), rule.local(pause.end)
        if end < start:
            raise InvalidInput("Thời gian tạm dừng kết thúc trước khi bắt đầu.")
        if start < received:
            raise InvalidInput("Thời gian tạm dừng bắt đầu trước khi tiếp nhận hồ sơ.")
        last = rule.effective_day(end, calendar)
        day = start.date()
        while day <= last:
            if calendar.is_working_day(day):
                days.add(day)
            day += timedelta(days=1)
    return days
