"""Typed configuration of the LED counter boards of one display."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

Address = Annotated[int, Field(ge=0, le=99)]


class LedBoardConfig(BaseModel):
    """The LED number boards of one zone, all on one serial (RS-485) line."""

    model_config = ConfigDict(extra="forbid")

    driver: Literal["sim", "serial"] = Field(
        default="sim", description="sim (simulator, records frames) or serial (pyserial)."
    )
    port: str = Field(
        default="",
        description="Serial device or pyserial URL, e.g. /dev/ttyUSB0, rfc2217://host:port, "
        "loop://. Required for driver serial.",
    )
    baudrate: int = Field(default=9600, gt=0, description="Line speed in baud (8N1).")
    width: int = Field(
        default=4, ge=1, le=16, description="Characters per board; numbers are right-aligned."
    )
    addresses: dict[str, Address] = Field(
        default_factory=dict,
        description="Counter id → board address 0–99. Counters not listed use their label "
        "when it is a number 0–99 (label '5' → address 05).",
    )
    write_timeout_s: float = Field(
        default=0.5, gt=0, description="A write blocked longer than this counts as a fault."
    )

    @model_validator(mode="after")
    def _port_for_serial(self) -> LedBoardConfig:
        if self.driver == "serial" and not self.port:
            raise ValueError("port is required when driver is 'serial'")
        return self
