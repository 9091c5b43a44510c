"""The site calendar: extra days off, make-up working days and the deadline rule's settings."""

from __future__ import annotations

import datetime as dt
import re

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from shared.domain.deadlines import (
    LOCAL_TIMEZONE,
    RULE_VERSION,
    CalendarDay,
    DeadlineRule,
    WorkingCalendar,
)

_HHMM = re.compile(r"^([01]\d|2[0-3]):([0-5]\d)$")


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class CalendarDayConfig(_Model):
    """A dated calendar entry."""

    date: dt.date = Field(description="The day, e.g. 2026-08-22 (a TOML date or 'YYYY-MM-DD').")
    name: str = Field(min_length=1, description="Why, shown in explanations, e.g. 'Làm bù'.")


class CalendarConfig(_Model):
    """Working days for legal deadlines, on top of Vietnam's public holidays."""

    days_off: list[CalendarDayConfig] = Field(
        default_factory=list, description="Extra days off, e.g. the day given for a swap."
    )
    working_days: list[CalendarDayConfig] = Field(
        default_factory=list,
        description="Extra working days (make-up Saturdays); they also override a holiday.",
    )
    cutoff: str = Field(
        "15:00", description="Local time (HH:MM) after which a dossier counts from the next day."
    )
    rule_version: str = Field(
        RULE_VERSION, min_length=1, description="Version of the deadline rules kept with dossiers."
    )

    @field_validator("cutoff")
    @classmethod
    def _check_cutoff(cls, value: str) -> str:
        if not _HHMM.match(value):
            raise ValueError(f"expected HH:MM, got {value!r}")
        return value

    @model_validator(mode="after")
    def _check_days(self) -> CalendarConfig:
        off = {d.date for d in self.days_off}
        for i, day in enumerate(self.working_days):
            if day.date in off:
                raise ValueError(f"working_days.{i}: {day.date} is also in days_off")
        return self

    def to_calendar(self) -> WorkingCalendar:
        """Build the domain's working calendar."""
        return WorkingCalendar(
            days_off=tuple(CalendarDay(d.date, d.name) for d in self.days_off),
            working_days=tuple(CalendarDay(d.date, d.name) for d in self.working_days),
        )

    def to_rule(self, timezone: str = LOCAL_TIMEZONE) -> DeadlineRule:
        """Build the domain's deadline rule for a site in `timezone`."""
        hours, _, minutes = self.cutoff.partition(":")
        return DeadlineRule(dt.time(int(hours), int(minutes)), self.rule_version, timezone)
