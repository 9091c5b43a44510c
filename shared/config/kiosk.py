"""The `[kiosk]` section: idle reset, text size, rate limit and the technician's exit."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field


class KioskConfig(BaseModel):
    """Settings shared by every kiosk of the site."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    idle_seconds: int = Field(
        60, ge=10, le=3600, description="Back to the start screen after this long untouched."
    )
    tickets_per_minute: int = Field(
        6, ge=1, le=120, description="Most tickets one kiosk issues in a minute (button mashing)."
    )
    admin_pin_hash: str = Field(
        "",
        description="Argon2 hash of the technician's exit PIN (`motcua kiosk --hash-pin`); "
        "empty = no exit but SIGTERM.",
    )
    languages: list[str] = Field(
        default_factory=lambda: ["vi", "en"],
        description="Languages offered; the first is the default (vi, en).",
    )
    logo: str = Field(
        "",
        description="Image file (PNG, SVG) of the centre's logo in the kiosk's top bar, relative "
        "to the working directory; empty = a gold star on a red disc.",
    )
    base_font_pt: int = Field(22, ge=12, le=60, description="Body text size before +A / −A.")
    admin_corner: Literal["top-left", "top-right", "bottom-left", "bottom-right"] = Field(
        "top-left", description="Screen corner a technician taps to ask for the exit PIN."
    )
    admin_taps: int = Field(
        7,
        ge=3,
        le=20,
        description="Taps on the admin corner, each within 1 s, to open the PIN pad.",
    )
    admin_corner_mm: float = Field(
        20.0, ge=10, le=60, description="Size of the admin corner's invisible square, in mm."
    )
