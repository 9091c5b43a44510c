"""The `[counter_console]` section: rating scale, idle lock, alerts, keypad keys, printers."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field


class CounterConsoleConfig(BaseModel):
    """Settings shared by every counter console of the site."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    rating_scale: Literal[3, 5] = Field(3, description="Faces on the rating pad: 3 or 5.")
    rating_timeout_seconds: int = Field(
        30, ge=5, le=600, description="An unanswered rating is dropped after this long."
    )
    idle_lock_minutes: int = Field(
        15, ge=1, le=240, description="The console locks after this long without a key press."
    )
    long_wait_minutes: int = Field(
        30, ge=1, le=600, description="Supervisor alert when the oldest citizen waited this long."
    )
    idle_counter_minutes: int = Field(
        15, ge=1, le=600, description="Supervisor alert when an open counter called nobody."
    )
    command_timeout_seconds: float = Field(
        2.0, gt=0, le=30, description="Seconds to wait for each attempt of a command's reply."
    )
    keys: dict[str, str] = Field(
        default_factory=dict,
        description="Key name → action, replacing the default table (docs/counter.md), "
        "e.g. {'F1' = 'call_next'}; used by the keyboard, USB and serial keypads.",
    )
    printers: dict[str, str] = Field(
        default_factory=dict,
        description="Counter id → id of the [[printers]] entry that prints its slips.",
    )
