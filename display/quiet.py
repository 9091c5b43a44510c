"""Quiet hours: times of day when calls are shown but not read aloud."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, time
from zoneinfo import ZoneInfo

_SPEC = re.compile(r"^(\d{1,2}):(\d{2})-(\d{1,2}):(\d{2})$")


@dataclass(frozen=True)
class QuietPeriod:
    """A daily period [start, end); one that ends before it starts runs past midnight."""

    start: time
    end: time

    @classmethod
    def parse(cls, spec: str) -> QuietPeriod:
        """Parse "HH:MM-HH:MM", e.g. "11:30-13:00" or "22:00-06:00"; ValueError if malformed."""
        match = _SPEC.match(spec.strip())
        if match is None:
            raise ValueError(f"quiet hours {spec!r}: expected HH:MM-HH:MM")
        h1, m1, h2, m2 = (int(g) for g in match.groups())
        try:
            period = cls(time(h1, m1), time(h2, m2))
        except ValueError as exc:
            raise ValueError(f"quiet hours {spec!r}: {exc}") from None
        if period.start == period.end:
            raise ValueError(f"quiet hours {spec!r}: start and end are the same")
        return period

    def contains(self, moment: time) -> bool:
        """Whether a local time of day falls in this period."""
        if self.start < self.end:
            return self.start <= moment < self.end
        return moment >= self.start or moment < self.end

    def __str__(self) -> str:
        return f"{self.start:%H:%M}-{self.end:%H:%M}"


def _utc_now() -> datetime:
    return datetime.now(UTC)


class QuietHours:
    """Answers "is it quiet now?" for a set of periods in the site's time zone."""

    def __init__(
        self,
        periods: Sequence[QuietPeriod],
        timezone: str = "Asia/Ho_Chi_Minh",
        now: Callable[[], datetime] = _utc_now,
    ) -> None:
        self.periods = list(periods)
        self._tz = ZoneInfo(timezone)
        self._now = now

    def active(self) -> bool:
        """Whether the current local time is inside a quiet period."""
        if not self.periods:
            return False
        local = self._now().astimezone(self._tz).time().replace(tzinfo=None)
        return any(p.contains(local) for p in self.periods)
