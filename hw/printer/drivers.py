"""Open the python-escpos connection of a configured printer: usb, serial, network, file, cups."""

from __future__ import annotations

import copy
from typing import Any

from escpos.capabilities import get_profile
from escpos.escpos import Escpos
from escpos.printer import LP, CupsPrinter, File, Network, Serial, Usb

from hw.printer.profiles import PrinterProfile
from hw.printer.sim import SimulatedDevice
from shared.config.printer import PrinterConfig


class DriverUnavailableError(RuntimeError):
    """The driver needs a library or system tool that is not installed."""


def escpos_profile(profile: PrinterProfile) -> Any:
    """Return a python-escpos capability profile with this printer's paper width and resolution."""
    base = get_profile(profile.escpos_profile)
    data = copy.deepcopy(base.profile_data)
    data["media"] = {"dpi": profile.dpi, "width": {"pixels": profile.width_dots, "mm": "Unknown"}}
    base.profile_data = data  # on the instance: the class's dict is shared by every printer
    return base


def open_connection(
    config: PrinterConfig, profile: PrinterProfile, sim: SimulatedDevice | None = None
) -> Escpos:
    """Open the connection named by config.driver; raises on failure (the caller maps errors)."""
    caps = escpos_profile(profile)
    printer: Escpos
    if config.driver == "sim":
        if sim is None:
            raise DriverUnavailableError("no simulated device given")
        printer = sim.connect()  # open from the start
        printer.profile = caps
        return printer
    printer = _unopened(config)
    printer.profile = caps
    printer.open()
    if config.driver == "serial":
        device: Any = printer.device
        device.write_timeout = config.print_timeout_s  # a stalled line must not block forever
    return printer


def _unopened(config: PrinterConfig) -> Escpos:
    """Build the python-escpos connection object of a real driver, not yet opened."""
    driver = config.driver
    if driver == "network":
        return Network(config.host, config.port, timeout=config.timeout_s)
    if driver == "serial":
        return Serial(config.serial_port, baudrate=config.baudrate, timeout=config.timeout_s)
    if driver == "usb":
        if not Usb.is_usable():
            raise DriverUnavailableError("USB driver needs pyusb (pip install python-escpos[usb])")
        return Usb(
            config.usb_vendor_id,
            config.usb_product_id,
            timeout=int(config.timeout_s * 1000),
            in_ep=config.usb_in_ep,
            out_ep=config.usb_out_ep,
        )
    if driver == "file":
        return File(config.device_path)
    if driver == "cups":
        if CupsPrinter.is_usable():
            return CupsPrinter(config.cups_name)
        if LP.is_usable():
            return LP(config.cups_name, auto_flush=False)
        raise DriverUnavailableError("CUPS driver needs pycups or the 'lp' command")
    raise DriverUnavailableError(f"unknown driver {driver!r}")
