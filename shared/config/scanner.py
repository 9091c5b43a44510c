"""Typed configuration of a barcode/QR reader: one `[[scanners]]` table of the site config."""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

ScannerDriver = Literal["sim", "serial", "wedge", "evdev", "camera"]
FramingName = Literal["auto", "cr", "lf", "crlf", "tab", "stx_etx"]


class ScannerConfig(BaseModel):
    """One code reader of the site."""

    model_config = ConfigDict(extra="forbid")

    id: str = Field(description="Scanner id, unique in the site, e.g. 'kiosk-1-scanner'.")
    driver: ScannerDriver = Field(
        default="sim",
        description="Which source: sim (simulator), serial (serial/USB-CDC), wedge (USB "
        "keyboard-wedge in the Qt app), evdev (keyboard-wedge read from /dev/input), camera.",
    )
    repeat_window_s: float = Field(
        default=2.0,
        ge=0,
        description="The same code read again within this many seconds is reported once.",
    )
    aim_prefix: bool = Field(
        default=True,
        description="Parse and strip a leading AIM symbology identifier (]Q1, ]C0, ]E0 …).",
    )
    reconnect_min_s: float = Field(
        default=0.5, gt=0, description="First wait before reopening a lost device, in seconds."
    )
    reconnect_max_s: float = Field(
        default=5.0, gt=0, description="Longest wait between reopening attempts, in seconds."
    )
    # serial
    port: str = Field(
        default="",
        description="serial: device or pyserial URL, e.g. '/dev/serial/by-id/usb-…' or 'loop://'.",
    )
    baudrate: int = Field(default=9600, gt=0, description="serial: line speed in baud.")
    parity: Literal["N", "E", "O"] = Field(default="N", description="serial: parity N, E or O.")
    stopbits: Literal[1, 2] = Field(default=1, description="serial: stop bits, 1 or 2.")
    framing: FramingName = Field(
        default="auto",
        description="serial/sim: how a scan ends: auto (CR, LF, CRLF, TAB or ETX), cr, lf, "
        "crlf, tab, stx_etx (STX … ETX).",
    )
    # keyboard wedge (Qt) and evdev
    wedge_min_keys: int = Field(
        default=6, ge=1, description="wedge: fewest keys (before Enter) that make a scan burst."
    )
    wedge_max_gap_ms: float = Field(
        default=30.0,
        gt=0,
        description="wedge: keys closer than this (ms) belong to a burst; slower is human typing.",
    )
    device: str = Field(
        default="",
        description="evdev: input device, e.g. '/dev/input/by-id/usb-…-event-kbd'.",
    )
    grab: bool = Field(
        default=True,
        description="evdev: grab the device so its keystrokes do not also reach the desktop.",
    )
    # camera
    camera: int | str = Field(
        default=0, description="camera: index (0 = /dev/video0), device path or stream URL."
    )
    width: int = Field(default=1280, gt=0, description="camera: requested frame width.")
    height: int = Field(default=720, gt=0, description="camera: requested frame height.")
    decoder: Literal["zxing", "pyzbar"] = Field(
        default="zxing",
        description="camera: decoder library; zxing (zxing-cpp) is faster and more robust.",
    )
    formats: list[Literal["qr", "code128"]] = Field(
        default=["qr", "code128"],
        min_length=1,
        description="camera: symbologies to look for (fewer is faster).",
    )
    # simulator
    script: str = Field(
        default="",
        description="sim: file of scans, one per line (@sleep, @garbage, @duplicate, "
        "@disconnect directives); empty for none.",
    )
    interval_s: float = Field(
        default=1.0, ge=0, description="sim: pause between scripted scans, in seconds."
    )
    loop: bool = Field(default=False, description="sim: start the script again at its end.")
    listen_port: int | None = Field(
        default=None,
        ge=0,
        le=65535,
        description="sim: also accept scans as lines on this TCP port of 127.0.0.1 (0 = any).",
    )
    garbage_rate: float = Field(
        default=0.0, ge=0, le=1, description="sim: share of scans preceded by a garbage line."
    )
    duplicate_rate: float = Field(
        default=0.0, ge=0, le=1, description="sim: share of scans sent twice in a row."
    )
    disconnect_rate: float = Field(
        default=0.0, ge=0, le=1, description="sim: share of scans cut by a disconnect mid-line."
    )
    seed: int | None = Field(default=None, description="sim: random seed for the faults.")

    @model_validator(mode="after")
    def _check_driver_fields(self) -> ScannerConfig:
        if self.driver == "serial" and not self.port:
            raise ValueError("driver 'serial' needs 'port'")
        if self.driver == "evdev" and not self.device:
            raise ValueError("driver 'evdev' needs 'device'")
        if self.reconnect_max_s < self.reconnect_min_s:
            raise ValueError("'reconnect_max_s' must not be below 'reconnect_min_s'")
        return self


def load_scanner_configs(path: Path) -> list[ScannerConfig]:
    """Read the `[[scanners]]` tables of a TOML file (until the site config loader exists)."""
    with path.open("rb") as file:
        data = tomllib.load(file)
    tables = data.get("scanners", [])
    if not isinstance(tables, list):
        raise ValueError(f"{path}: 'scanners' must be an array of tables ([[scanners]])")
    return [ScannerConfig.model_validate(table) for table in tables]
