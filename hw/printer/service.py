"""The printing API the kiosk calls: print, reprint, status; bounded by timeouts, never raising."""

from __future__ import annotations

import logging
import threading
import uuid
from collections import OrderedDict
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TypeVar

from escpos.escpos import Escpos
from escpos.printer import Dummy
from PIL import Image

from hw.printer.canvas import PageStyle
from hw.printer.documents import Document, kind_of, render_pages
from hw.printer.drivers import DriverUnavailableError, escpos_profile, open_connection
from hw.printer.fonts import FontNotFoundError, find_fonts
from hw.printer.profiles import PrinterProfile, profile_for
from hw.printer.raster import INIT, write_page
from hw.printer.results import (
    PARTIAL_MESSAGE,
    PRINTED_LOW_PAPER_MESSAGE,
    PRINTED_MESSAGE,
    STATE_REASONS,
    FailureReason,
    PrintOutcome,
    PrintResult,
    failed,
)
from hw.printer.sim import SimulatedDevice
from hw.printer.status import (
    DLE_EOT_ERROR,
    DLE_EOT_OFFLINE,
    DLE_EOT_PAPER,
    DLE_EOT_PRINTER,
    PrinterState,
    PrinterStatus,
    offline_status,
    parse_status,
)
from shared.config.printer import PrinterConfig

log = logging.getLogger(__name__)
T = TypeVar("T")


def page_style(config: PrinterConfig, profile: PrinterProfile, reprint: bool = False) -> PageStyle:
    """Build the page style of a printer from its config and profile."""
    logo = Image.open(config.logo_path) if config.logo_path else None
    return PageStyle(
        width=profile.width_dots,
        dpi=profile.dpi,
        fonts=find_fonts(config.font_path, config.font_bold_path),
        threshold=config.threshold,
        logo=logo,
        logo_text=config.logo_text,
        header_lines=tuple(config.header_lines),
        footer_lines=tuple(config.footer_lines),
        reprint=reprint,
    )


def send_pages(printer: Escpos, pages: list[Image.Image], profile: PrinterProfile) -> None:
    """Send pages as one job: initialise, raster each page, cut (or feed to tear) after each."""
    printer._raw(INIT)
    for page in pages:
        write_page(printer, page, profile.fragment_rows)
        if profile.cutter:
            printer.cut(feed=False)  # GS V 66 0: feed to the cutter, then cut
        else:
            printer.print_and_feed(4)


def encode(pages: list[Image.Image], profile: PrinterProfile) -> bytes:
    """Return the ESC/POS bytes of a job without any device (python-escpos's Dummy printer)."""
    dummy = Dummy()
    dummy.profile = escpos_profile(profile)
    send_pages(dummy, pages, profile)
    return bytes(dummy.output)


def query_status(printer: Escpos, printer_id: str, now: datetime) -> PrinterStatus:
    """Ask DLE EOT 1 and 4 (and 2, 3 when offline); no reply in time means offline."""
    replies: dict[int, int] = {}
    for n, request in ((1, DLE_EOT_PRINTER), (4, DLE_EOT_PAPER)):
        answer = printer.query_status(request)
        if not answer:
            return offline_status(printer_id, f"no reply to DLE EOT {n}", now)
        replies[n] = answer[-1]
    if replies[1] & 0x08:
        for n, request in ((2, DLE_EOT_OFFLINE), (3, DLE_EOT_ERROR)):
            answer = printer.query_status(request)
            if answer:
                replies[n] = answer[-1]
    return parse_status(printer_id, replies, now)


@dataclass
class _Job:
    """A print request on its way to the worker thread."""

    job_id: str
    document: Document
    reprint: bool = False
    cancelled: threading.Event = field(default_factory=threading.Event)


class ReceiptPrinter:
    """One configured printer: renders documents and prints them on a worker thread."""

    def __init__(self, config: PrinterConfig, clock: Callable[[], datetime] = datetime.now) -> None:
        self.config = config
        self.profile = profile_for(config)
        self.clock = clock
        self.sim: SimulatedDevice | None = None
        if config.driver == "sim":
            self.sim = SimulatedDevice(
                self.profile.width_dots,
                self.profile.line_dots,
                tuple(config.sim_faults),
                config.sim_slow_s,
                Path(config.sim_output_dir) if config.sim_output_dir else "",
            )
        self._worker = ThreadPoolExecutor(1, thread_name_prefix=f"printer-{config.id}")
        self._history: OrderedDict[str, _Job] = OrderedDict()
        self._lock = threading.Lock()
        self._busy = 0
        self.last_status = PrinterStatus(config.id, PrinterState.UNKNOWN, detail="not checked yet")

    # -- rendering -----------------------------------------------------------------------------

    def render(self, document: Document, reprint: bool = False) -> list[Image.Image]:
        """Render a document as this printer would print it (1-bit pages at its width)."""
        return render_pages(document, page_style(self.config, self.profile, reprint))

    def encode(self, document: Document, reprint: bool = False) -> bytes:
        """Return the ESC/POS bytes this printer would receive for a document."""
        return encode(self.render(document, reprint), self.profile)

    # -- status --------------------------------------------------------------------------------

    def status_async(self) -> Future[PrinterStatus]:
        """Query the status on the worker thread; the future always resolves to a status."""
        return self._submit(self._status_job)

    def status(self) -> PrinterStatus:
        """Return the status within about timeout_s; while a job prints, the last known one."""
        with self._lock:
            if self._busy:
                return self.last_status
        future = self.status_async()
        limit = self.config.timeout_s * 3
        try:
            return future.result(timeout=limit)
        except FutureTimeout:
            status = offline_status(self.config.id, f"no answer within {limit:g} s", self.clock())
            self.last_status = status
            return status

    def _status_job(self) -> PrinterStatus:
        """Worker side of a status query."""
        if self.profile.status:
            status = self._query_status()
        else:
            status = PrinterStatus(
                self.config.id,
                PrinterState.UNKNOWN,
                detail="status not supported",
                checked_at=self.clock(),
            )
        self.last_status = status
        return status

    def _query_status(self) -> PrinterStatus:
        """Open a connection and ask DLE EOT; any driver failure means: not reachable."""
        connection: Escpos | None = None
        try:
            connection = open_connection(self.config, self.profile, self.sim)
            return query_status(connection, self.config.id, self.clock())
        except Exception as error:
            return offline_status(self.config.id, _describe(error), self.clock())
        finally:
            if connection is not None:
                _close(connection)

    # -- printing ------------------------------------------------------------------------------

    def print_async(self, document: Document) -> Future[PrintResult]:
        """Queue a document for printing; the future always resolves to a PrintResult."""
        job = _Job(uuid.uuid4().hex[:12], document)
        self._remember(job)
        return self._submit(lambda: self._print_job(job))

    def print_document(self, document: Document) -> PrintResult:
        """Print a document and wait at most print_timeout_s for the result."""
        job = _Job(uuid.uuid4().hex[:12], document)
        self._remember(job)
        return self._wait(job)

    def reprint(self, job_id: str) -> PrintResult:
        """Print a recent job again, marked 'BẢN IN LẠI'."""
        with self._lock:
            original = self._history.get(job_id)
        if original is None:
            return failed(self.config.id, job_id, FailureReason.UNKNOWN_JOB)
        return self._wait(_Job(job_id, original.document, reprint=True))

    def _wait(self, job: _Job) -> PrintResult:
        """Run a job on the worker and wait for it, giving up after print_timeout_s."""
        future = self._submit(lambda: self._print_job(job))
        try:
            return future.result(timeout=self.config.print_timeout_s)
        except FutureTimeout:
            job.cancelled.set()  # if it has not started sending, it never will: no late ticket
            return failed(self.config.id, job.job_id, FailureReason.TIMEOUT, self.last_status)

    def _print_job(self, job: _Job) -> PrintResult:
        """Worker side of a print: render, check status, send, check again."""
        printer_id = self.config.id
        try:
            pages = self.render(job.document, job.reprint)
        except Exception as error:
            log.exception("printer %s: cannot render %s", printer_id, type(job.document).__name__)
            return failed(
                printer_id, job.job_id, FailureReason.RENDER_FAILED, message=_vi_render(error)
            )
        try:
            connection = open_connection(self.config, self.profile, self.sim)
        except DriverUnavailableError as error:
            log.error("printer %s: %s", printer_id, error)
            return failed(printer_id, job.job_id, FailureReason.DRIVER_UNAVAILABLE)
        except Exception as error:
            self.last_status = offline_status(printer_id, _describe(error), self.clock())
            return failed(printer_id, job.job_id, FailureReason.OFFLINE, self.last_status)
        try:
            return self._send(job, connection, pages)
        except Exception as error:  # the connection broke or stalled while sending
            self.last_status = offline_status(printer_id, _describe(error), self.clock())
            return failed(printer_id, job.job_id, FailureReason.OFFLINE, self.last_status)
        finally:
            _close(connection)

    def _send(self, job: _Job, connection: Escpos, pages: list[Image.Image]) -> PrintResult:
        """Check, send and check again on an open connection."""
        printer_id = self.config.id
        status: PrinterStatus | None = None
        if self.profile.status:
            status = self.last_status = query_status(connection, printer_id, self.clock())
            if not status.can_print:
                return failed(printer_id, job.job_id, STATE_REASONS[status.state], status)
        if job.cancelled.is_set():
            return failed(printer_id, job.job_id, FailureReason.TIMEOUT, status)
        data = encode(pages, self.profile)
        connection._raw(data)
        if self.profile.status:
            status = self.last_status = query_status(connection, printer_id, self.clock())
            if status.state in (PrinterState.PAPER_OUT, PrinterState.COVER_OPEN):
                reason = STATE_REASONS[status.state]
                return failed(printer_id, job.job_id, reason, status, PARTIAL_MESSAGE)
        low = status is not None and status.state is PrinterState.PAPER_NEAR_END
        message = PRINTED_LOW_PAPER_MESSAGE if low else PRINTED_MESSAGE
        log.info("printer %s: printed %s %s", printer_id, kind_of(job.document), job.job_id)
        return PrintResult(
            printer_id, job.job_id, PrintOutcome.PRINTED, message, None, status, len(data)
        )

    # -- plumbing ------------------------------------------------------------------------------

    def _submit(self, work: Callable[[], T]) -> Future[T]:
        """Run work on the printer's single worker thread, counting jobs in flight."""
        with self._lock:
            self._busy += 1

        def run() -> T:
            try:
                return work()
            finally:
                with self._lock:
                    self._busy -= 1

        return self._worker.submit(run)

    def _remember(self, job: _Job) -> None:
        """Keep a job for reprinting, dropping the oldest beyond keep_jobs."""
        with self._lock:
            self._history[job.job_id] = job
            while len(self._history) > self.config.keep_jobs:
                self._history.popitem(last=False)

    def close(self) -> None:
        """Stop the worker thread (waiting for the job in hand) and wake a stalled simulator."""
        if self.sim is not None:
            self.sim.clear("slow")
        self._worker.shutdown(wait=True, cancel_futures=True)


def _describe(error: BaseException) -> str:
    """One line naming an exception, for status details and logs."""
    text = str(error).strip().replace("\n", " ")
    return f"{type(error).__name__}: {text}" if text else type(error).__name__


def _vi_render(error: BaseException) -> str:
    """The Vietnamese message of a rendering failure (missing fonts get their own)."""
    if isinstance(error, FontNotFoundError):
        return "Không tìm thấy phông chữ tiếng Việt để in phiếu."
    return "Không tạo được nội dung phiếu để in."


def _close(connection: Escpos) -> None:
    """Close a connection, ignoring errors (it may already be broken)."""
    try:
        connection.close()
    except Exception:
        log.debug("closing printer connection failed", exc_info=True)
