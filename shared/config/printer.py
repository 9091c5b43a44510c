"""Typed configuration of a thermal receipt printer (one `[[printers]]` entry of the site file)."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

Driver = Literal["sim", "usb", "serial", "network", "file", "cups"]
SimFault = Literal["paper_near_end", "paper_out", "offline", "slow", "cover_open"]


class PrinterConfig(BaseModel):
    """One thermal printer of the site."""

    model_config = ConfigDict(extra="forbid")

    id: str = Field(
        pattern=r"^[a-z0-9][a-z0-9_-]{0,39}$",
        description="Printer id, unique in the site, e.g. 'kiosk-1-printer'.",
    )
    name: str = Field("", description="Label shown to technicians, e.g. 'Máy in ki-ốt 1'.")
    driver: Driver = Field(
        "sim", description="How it is reached: sim, usb, serial, network, file or cups."
    )
    profile: str = Field(
        "80mm",
        description="Profile: 80mm, 58mm, tm-t20, tm-t82, tm-t88, xprinter-80 or xprinter-58.",
    )
    width_dots: int | None = Field(
        None, ge=128, le=832, description="Printable width in dots; overrides the profile's."
    )
    cutter: bool | None = Field(None, description="Whether it has an auto-cutter; overrides.")
    status: bool | None = Field(
        None, description="Whether to query paper/cover status (DLE EOT); overrides the profile."
    )
    usb_vendor_id: int | None = Field(None, description="USB vendor id, e.g. 0x04b8 (Epson).")
    usb_product_id: int | None = Field(None, description="USB product id, e.g. 0x0e28.")
    usb_in_ep: int = Field(0x82, description="USB bulk IN endpoint (status replies).")
    usb_out_ep: int = Field(0x01, description="USB bulk OUT endpoint (print data).")
    serial_port: str = Field("", description="Serial device, e.g. '/dev/ttyUSB0' or 'COM3'.")
    baudrate: int = Field(9600, gt=0, description="Serial speed; Epson TM often use 38400.")
    host: str = Field("", description="Network printer host name or IP address.")
    port: int = Field(9100, ge=1, le=65535, description="Network printer TCP port (raw 9100).")
    device_path: str = Field(
        "", description="Device node or file for the 'file' driver, e.g. '/dev/usb/lp0'."
    )
    cups_name: str = Field("", description="CUPS queue name for the 'cups' driver (raw queue).")
    timeout_s: float = Field(
        2.0, gt=0, le=30, description="Seconds to connect or to wait for a status reply."
    )
    print_timeout_s: float = Field(
        8.0, gt=0, le=120, description="Seconds a caller waits for a whole print job at most."
    )
    threshold: int = Field(
        150, ge=1, le=254, description="Grey level (0–255) below which a pixel prints black."
    )
    font_path: str = Field("", description="TrueType font file (regular); empty = find one.")
    font_bold_path: str = Field("", description="TrueType font file (bold); empty = find one.")
    logo_path: str = Field("", description="Image file (PNG) printed at the top of documents.")
    logo_text: str = Field("", description="Short bold text printed at the top, e.g. 'HCC'.")
    header_lines: list[str] = Field(
        default_factory=list, description="Lines printed under the logo on every document."
    )
    footer_lines: list[str] = Field(
        default_factory=list, description="Lines printed at the bottom of every document."
    )
    keep_jobs: int = Field(20, ge=1, le=500, description="Recent jobs kept for reprinting.")
    sim_faults: list[SimFault] = Field(
        default_factory=list, description="Simulator only: faults active from the start."
    )
    sim_slow_s: float = Field(
        3.0, ge=0, le=60, description="Simulator only: delay of each write with the 'slow' fault."
    )
    sim_output_dir: str = Field(
        "", description="Simulator only: folder where each job's .bin and .png are written."
    )

    @model_validator(mode="after")
    def _check_connection(self) -> PrinterConfig:
        needed = {
            "usb": ("usb_vendor_id", "usb_product_id"),
            "serial": ("serial_port",),
            "network": ("host",),
            "file": ("device_path",),
            "cups": ("cups_name",),
        }.get(self.driver, ())
        missing = [key for key in needed if getattr(self, key) in (None, "")]
        if missing:
            raise ValueError(f"driver {self.driver!r} needs {', '.join(missing)}")
        return self

    def label(self) -> str:
        """Return the name people see, falling back to the id."""
        return self.name or self.id
