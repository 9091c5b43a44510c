"""The `[appointments]` section: time slots and same-day remote tickets booked from a phone."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field


class AppointmentsConfig(BaseModel):
    """Booking rules of the site (off unless enabled)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    enabled: bool = Field(False, description="Offer appointments and remote tickets.")
