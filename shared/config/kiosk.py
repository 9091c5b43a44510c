"""The `[kiosk]` section: idle reset, text size, rate limit and the technician's exit."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator


class KioskConfig(BaseModel):
    """Settings shared by every kiosk of the site."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    idle_seconds: int = Field(
        60, ge=10, le=3600, description="Back to the start screen after this long untouched."
    )
    tickets_per_minute: int = Field(
        6, ge=1, le=120, description="Most tickets one kiosk issues in a minute (button mashing)."
    )
    share_card: bool = Field(
        True,
        description="After a citizen scans their ID card, ask whether to pass its name, ID "
        "number and address on to the counter that serves the ticket (kept until the ticket "
        "ends); false = the card only offers the priority group.",
    )
    admin_pin_file: str = Field(
        "",
        description="File with the Argon2 hash of this kiosk's exit PIN, the device's own "
        "credential (`motcua kiosk --hash-pin --pin-file F`, mode 0600); empty = the systemd "
        "credential `kiosk-admin-pin` when there is one, else no exit but SIGTERM.",
    )

    @model_validator(mode="before")
    @classmethod
    def _no_shared_pin_hash(cls, data: object) -> object:
        # Every device reads the site file: a PIN hash there can be guessed offline.
        if isinstance(data, dict) and "admin_pin_hash" in data:
            raise ValueError(
                "admin_pin_hash không còn để trong tệp cấu hình chung: mỗi ki-ốt giữ hash mã PIN "
                "trong tệp riêng (motcua kiosk --hash-pin --pin-file F; [kiosk] admin_pin_file)"
            )
        return data

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
