"""Printer profiles as data: paper width in dots, resolution, cutter and status support."""

from __future__ import annotations

from dataclasses import dataclass, replace

from shared.config.printer import PrinterConfig


class UnknownProfileError(ValueError):
    """The configured profile name is not one we know."""


@dataclass(frozen=True)
class PrinterProfile:
    """What the layout and the driver need to know about a printer model."""

    name: str
    width_dots: int
    dpi: int
    cutter: bool = True
    status: bool = True
    escpos_profile: str = "default"
    fragment_rows: int = 256

    @property
    def line_dots(self) -> int:
        """Dots fed by one default text line (1/6 inch), used by ESC d."""
        return round(self.dpi / 6)

    def mm(self, millimetres: float) -> int:
        """Convert millimetres to dots at this profile's resolution."""
        return round(millimetres * self.dpi / 25.4)


PROFILES: dict[str, PrinterProfile] = {
    "80mm": PrinterProfile("80mm", 576, 203, escpos_profile="TM-T20II"),
    "58mm": PrinterProfile("58mm", 384, 203, cutter=False, escpos_profile="ZJ-5870"),
    "tm-t20": PrinterProfile("tm-t20", 576, 203, escpos_profile="TM-T20II"),
    "tm-t82": PrinterProfile("tm-t82", 576, 203, escpos_profile="TM-T20II"),
    "tm-t88": PrinterProfile("tm-t88", 512, 180, escpos_profile="TM-T88V"),
    "xprinter-80": PrinterProfile("xprinter-80", 576, 203),
    "xprinter-58": PrinterProfile("xprinter-58", 384, 203, cutter=False),
}


def profile_for(config: PrinterConfig) -> PrinterProfile:
    """Return the profile named in the config, with its per-printer overrides applied."""
    try:
        profile = PROFILES[config.profile]
    except KeyError:
        names = ", ".join(PROFILES)
        raise UnknownProfileError(
            f"printer {config.id!r}: unknown profile {config.profile!r} (known: {names})"
        ) from None
    if config.width_dots is not None:
        profile = replace(profile, width_dots=config.width_dots - config.width_dots % 8)
    if config.cutter is not None:
        profile = replace(profile, cutter=config.cutter)
    if config.status is not None:
        profile = replace(profile, status=config.status)
    if config.driver in ("file", "cups"):
        # These connections cannot read a reply, so DLE EOT would only wait for a timeout.
        profile = replace(profile, status=False)
    return profile
