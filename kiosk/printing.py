"""The kiosk's ticket printer: turns a TicketInfo into a printed ticket and reports its health."""

from __future__ import annotations

import logging
from concurrent.futures import Future
from datetime import date
from zoneinfo import ZoneInfo

from hw.printer.documents import TicketData
from hw.printer.results import PrintResult
from hw.printer.service import ReceiptPrinter
from hw.printer.status import PrinterStatus
from shared.config.printer import PrinterConfig
from shared.config.site import SiteConfig
from shared.domain.ticket_links import parse_link
from shared.messaging.bus import Bus
from shared.messaging.codec import encode
from shared.messaging.replies import TicketInfo
from shared.messaging.topics import Topics
from shared.runtime import device_status

log = logging.getLogger(__name__)


def ticket_document(config: SiteConfig, ticket: TicketInfo) -> TicketData:
    """Build what is printed on the paper ticket from the server's ticket info."""
    service = next((s for s in config.services if s.code == ticket.service), None)
    department = ""
    if service is not None:
        department = next((d.name for d in config.departments if d.id == service.department), "")
    priority = next((p.name for p in config.priorities if p.id == ticket.priority), "")
    zone = ZoneInfo(config.site.timezone)
    issued = ticket.issued_at.astimezone(zone)
    slot = ticket.appointment_at
    return TicketData(
        site_id=config.site.id,
        centre_name=config.site.name,
        number=ticket.number,
        service_name=ticket.service_name,
        department_name=department,
        counters=tuple(ticket.counters),
        issued_at=issued,
        people_ahead=ticket.people_ahead,
        estimated_wait_minutes=ticket.estimated_wait_minutes,
        priority=priority,
        service_day=date.fromisoformat(ticket.service_day),
        link=ticket.qr if parse_link(ticket.qr) is not None else "",
        appointment=f"{slot.astimezone(zone):%H:%M}" if slot is not None else "",
    )


def choose_printer(config: SiteConfig, kiosk_id: str, wanted: str = "") -> PrinterConfig | None:
    """Pick the kiosk's printer: `wanted` (an id, or 'sim'), else '<kiosk>-printer', else none."""
    if wanted == "sim":
        output = config.data_path() / f"{kiosk_id}-printer"
        return PrinterConfig(id=f"{kiosk_id}-printer", driver="sim", sim_output_dir=str(output))
    name = wanted or f"{kiosk_id}-printer"
    found = next((p for p in config.printers if p.id == name), None)
    if found is None and wanted:
        raise ValueError(f"--printer: no [[printers]] entry with id {wanted!r}")
    return found


class TicketPrinter:
    """Prints tickets off the UI thread and publishes the printer's health after each job."""

    def __init__(self, config: SiteConfig, printer: ReceiptPrinter, bus: Bus | None = None) -> None:
        self.config = config
        self.printer = printer
        self._bus = bus
        self._topics = Topics(config.site.id)
        self._last_state = ""

    def print_ticket(self, ticket: TicketInfo) -> Future[PrintResult]:
        """Queue the ticket on the printer's worker; publish its status when the job ends."""
        future = self.printer.print_async(ticket_document(self.config, ticket))
        future.add_done_callback(self._after_job)
        return future

    def _after_job(self, future: Future[PrintResult]) -> None:
        result = future.result()
        if result.status is not None:
            self.publish(result.status)

    def publish(self, status: PrinterStatus) -> None:
        """Publish the printer's status (retained) when it changed since the last time."""
        if self._bus is None or status.state.value == self._last_state:
            return
        self._last_state = status.state.value
        log.info("printer %s: %s", status.printer_id, status.message)
        message = device_status(
            status.printer_id, "printer", status.reachable, status.to_payload(), status.checked_at
        )
        self._bus.publish(self._topics.status(status.printer_id), encode(message), retain=True)

    def close(self) -> None:
        """Stop the printer's worker."""
        self.printer.close()
