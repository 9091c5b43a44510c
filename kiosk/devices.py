"""The kiosk's own hardware: its ticket printer (health published) and its code readers."""

from __future__ import annotations

import logging
from concurrent.futures import Future

from PySide6.QtCore import QTimer

from hw.printer.service import ReceiptPrinter
from hw.printer.status import PrinterStatus
from hw.scanner.base import ScannerBase
from hw.scanner.events import ScanEvent
from hw.scanner.factory import build_scanner
from kiosk.printing import TicketPrinter, choose_printer
from kiosk.viewmodel import KioskViewModel
from shared.config.scanner import ScannerConfig
from shared.config.site import SiteConfig
from shared.messaging.bus import Bus

log = logging.getLogger(__name__)
STATUS_EVERY_MS = 60_000


def choose_scanners(config: SiteConfig, kiosk_id: str, wanted: list[str]) -> list[ScannerConfig]:
    """The scanners named with --scanner, else every scanner whose id starts with the kiosk id."""
    if wanted:
        by_id = {s.id: s for s in config.scanners}
        missing = [name for name in wanted if name not in by_id]
        if missing:
            raise ValueError(f"--scanner: no [[scanners]] entry with id {', '.join(missing)}")
        return [by_id[name] for name in wanted]
    return [s for s in config.scanners if s.id.startswith(f"{kiosk_id}-")]


class KioskDevices:
    """Starts and stops the kiosk's printer and scanners; scans go to the view-model."""

    def __init__(self, printer: TicketPrinter | None, scanners: list[ScannerBase]) -> None:
        self.printer = printer
        self.scanners = scanners
        self._timer: QTimer | None = None

    @classmethod
    def build(
        cls, config: SiteConfig, kiosk_id: str, bus: Bus, printer: str, scanners: list[str]
    ) -> KioskDevices:
        """Build the devices the site file gives this kiosk; raise ValueError for a bad name."""
        printer_config = choose_printer(config, kiosk_id, printer)
        ticket_printer = None
        if printer_config is not None:
            ticket_printer = TicketPrinter(config, ReceiptPrinter(printer_config), bus)
        pattern = config.dossiers.code_regex()
        chosen = choose_scanners(config, kiosk_id, scanners)
        foreign = config.dossiers.foreign_code_patterns
        sources = [
            build_scanner(s, dossier_pattern=pattern, foreign_patterns=foreign) for s in chosen
        ]
        return cls(ticket_printer, sources)

    def start(self, model: KioskViewModel) -> None:
        """Start reading codes into the view-model and checking the printer now and then."""

        def forward(event: ScanEvent) -> None:
            model.event_arrived.emit(event)  # queued to the UI thread; an ID card is no lookup

        for scanner in self.scanners:
            scanner.add_scan_listener(forward)
            scanner.start()
            log.info("scanner %s started", scanner.id)
        if self.printer is not None:
            self.check_printer()
            self._timer = QTimer()
            self._timer.setInterval(STATUS_EVERY_MS)
            self._timer.timeout.connect(self.check_printer)
            self._timer.start()

    def check_printer(self) -> None:
        """Query the printer off the UI thread and publish its status when it changed."""
        if self.printer is None:
            return
        ticket_printer = self.printer

        def publish(future: Future[PrinterStatus]) -> None:
            ticket_printer.publish(future.result())

        ticket_printer.printer.status_async().add_done_callback(publish)

    def stop(self) -> None:
        """Stop the scanners and the printer's worker."""
        if self._timer is not None:
            self._timer.stop()
        for scanner in self.scanners:
            scanner.stop()
        if self.printer is not None:
            self.printer.close()
