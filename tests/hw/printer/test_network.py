"""The real python-escpos network driver against a fake 9100 printer on loopback."""

from __future__ import annotations

from PIL import ImageChops

from hw.printer.demo import demo_document
from hw.printer.fake_network import FakeNetworkPrinter
from hw.printer.raster import decode
from hw.printer.results import FailureReason, PrintOutcome
from hw.printer.service import ReceiptPrinter
from hw.printer.status import PaperLevel, PrinterState
from shared.config.printer import PrinterConfig


def test_status_over_the_network(
    network_printer: ReceiptPrinter, fake_printer: FakeNetworkPrinter
) -> None:
    assert network_printer.status().state is PrinterState.OK
    fake_printer.paper = PaperLevel.NEAR_END
    assert network_printer.status().state is PrinterState.PAPER_NEAR_END
    fake_printer.cover_open = True
    assert network_printer.status().state is PrinterState.COVER_OPEN


def test_bytes_received_decode_to_the_rendered_ticket(
    network_printer: ReceiptPrinter, fake_printer: FakeNetworkPrinter
) -> None:
    ticket = demo_document("ticket")
    result = network_printer.print_document(ticket)
    assert result.printed
    network_printer.close()  # waits for the worker; the connection is closed by then
    fake_printer.stop()
    (job,) = fake_printer.jobs
    assert len(job) == result.bytes_sent
    page = decode(job, 576).pages[0]
    expected = network_printer.render(ticket)[0]
    assert ImageChops.difference(page.convert("L"), expected.convert("L")).getbbox() is None


def test_paper_out_reaches_the_kiosk_api(
    network_printer: ReceiptPrinter, fake_printer: FakeNetworkPrinter
) -> None:
    fake_printer.paper = PaperLevel.OUT
    result = network_printer.print_document(demo_document("ticket"))
    assert (result.outcome, result.reason) == (PrintOutcome.FAILED, FailureReason.PAPER_OUT)
    assert result.status is not None and result.status.paper is PaperLevel.OUT
    assert "hết giấy" in result.message


def test_a_printer_that_never_answers_gives_an_offline_result(
    network_printer: ReceiptPrinter, fake_printer: FakeNetworkPrinter
) -> None:
    fake_printer.silent = True
    status = network_printer.status()
    assert status.state is PrinterState.OFFLINE
    result = network_printer.print_document(demo_document("ticket"))
    assert result.reason in (FailureReason.OFFLINE, FailureReason.TIMEOUT)
    assert fake_printer.status_requests >= 1


def test_caller_gets_a_timeout_when_the_whole_job_outlasts_print_timeout(
    fake_printer: FakeNetworkPrinter,
) -> None:
    fake_printer.silent = True
    config = PrinterConfig(
        id="net-slow",
        driver="network",
        host=fake_printer.host,
        port=fake_printer.port,
        timeout_s=10,  # each read may wait long…
        print_timeout_s=0.2,  # …but the caller does not
    )
    printer = ReceiptPrinter(config)
    result = printer.print_document(demo_document("ticket"))
    assert result.reason is FailureReason.TIMEOUT
    fake_printer.stop()  # drops the connection, which ends the worker's read
    printer.close()
    assert fake_printer.jobs == []


def test_nothing_listening_is_offline() -> None:
    with FakeNetworkPrinter() as fake:
        port = fake.port
    printer = ReceiptPrinter(
        PrinterConfig(id="gone", driver="network", host="127.0.0.1", port=port, timeout_s=0.3)
    )
    try:
        result = printer.print_document(demo_document("ticket"))
    finally:
        printer.close()
    assert result.reason is FailureReason.OFFLINE
