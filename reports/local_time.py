"""Local-time SQL expressions: hours, dates and durations computed inside SQLite or PostgreSQL.

Instants are stored as naive UTC. A report buckets them by the site's local clock with a fixed
offset taken from the site's time zone (Asia/Ho_Chi_Minh is UTC+7 all year, without daylight
saving time), so the same SQL runs on both databases and never depends on the server's zone.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import Date, Float, Integer, Interval, cast, extract, func, literal_column
from sqlalchemy.sql.elements import ColumnElement


def fixed_offset_minutes(timezone: str, on: date) -> int:
    """Return the zone's offset from UTC in minutes on a day (420 for Asia/Ho_Chi_Minh)."""
    moment = datetime.combine(on, time(12), ZoneInfo(timezone))
    offset = moment.utcoffset() or timedelta(0)
    return int(offset.total_seconds() // 60)


@dataclass(frozen=True)
class ReportPeriod:
    """The local days reported on, inclusive, and the UTC instants that bound them."""

    first_day: date
    last_day: date
    offset_minutes: int

    @property
    def start_utc(self) -> datetime:
        """Return the first instant of the first local day, in UTC."""
        local = datetime.combine(self.first_day, time(0), UTC)
        return local - timedelta(minutes=self.offset_minutes)

    @property
    def end_utc(self) -> datetime:
        """Return the first instant after the last local day, in UTC (exclusive bound)."""
        local = datetime.combine(self.last_day + timedelta(days=1), time(0), UTC)
        return local - timedelta(minutes=self.offset_minutes)

    @property
    def days(self) -> int:
        """Return the number of days in the period."""
        return (self.last_day - self.first_day).days + 1


class LocalClock:
    """Builds SQL for local hours, local dates, weekdays and durations on one database dialect."""

    def __init__(self, dialect: str, offset_minutes: int) -> None:
        self.sqlite = dialect == "sqlite"
        self.offset_minutes = offset_minutes
        self._modifier = f"{offset_minutes:+d} minutes"

    def _shifted(self, column: ColumnElement[datetime]) -> ColumnElement[datetime]:
        interval = literal_column(f"interval '{self.offset_minutes} minutes'", Interval())
        return column + interval

    def hour(self, column: ColumnElement[datetime]) -> ColumnElement[int]:
        """Return the local hour (0–23) of a stored UTC instant."""
        if self.sqlite:
            return cast(func.strftime("%H", column, self._modifier), Integer)
        return cast(extract("hour", self._shifted(column)), Integer)

    def day(self, column: ColumnElement[datetime]) -> ColumnElement[date]:
        """Return the local date of a stored UTC instant, comparable with a Date column."""
        if self.sqlite:
            return func.date(column, self._modifier, type_=Date)
        return cast(self._shifted(column), Date)

    def weekday(self, column: ColumnElement[date]) -> ColumnElement[int]:
        """Return the day of the week of a Date column: 0 = Sunday … 6 = Saturday."""
        if self.sqlite:
            return cast(func.strftime("%w", column), Integer)
        return cast(extract("dow", column), Integer)

    def seconds(
        self, end: ColumnElement[datetime], start: ColumnElement[datetime]
    ) -> ColumnElement[float]:
        """Return the seconds from `start` to `end` (SQLite rounded to the millisecond)."""
        if self.sqlite:
            days = func.julianday(end) - func.julianday(start)
            return func.round(days * 86400.0, 3, type_=Float)
        return cast(extract("epoch", end - start), Float)
