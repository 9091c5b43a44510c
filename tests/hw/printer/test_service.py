"""The kiosk-facing API on the simulator: clear results for every fault, never an exception."""

from __future__ import annotations

import threading
from datetime import datetime

from hw.printer.demo import demo_document
from hw.printer.documents import TicketData
from hw.printer.results import FailureReason, PrintOutcome
from hw.printer.service import ReceiptPrinter
from hw.printer.status import PrinterState
from shared.config.printer import PrinterConfig


def _sim(printer: ReceiptPrinter):  # type: ignore[no-untyped-def]
    assert printer.sim is not None
    return printer.sim


def test_printed_ticket_is_stored_with_bytes_and_decoded_image(sim_printer: ReceiptPrinter) -> None:
    result = sim_printer.print_document(demo_document("ticket"))
    assert result.outcome is PrintOutcome.PRINTED
    assert result.message == "Đã in phiếu."
    job = _sim(sim_printer).jobs[-1]
    assert job.printed and job.data.startswith(b"\x1b@")
    assert job.png.startswith(b"\x89PNG") and job.decoded is not None
    assert result.bytes_sent == len(job.data)


def test_paper_out_fails_before_sending_anything(sim_printer: ReceiptPrinter) -> None:
    _sim(sim_printer).inject("paper_out")
    result = sim_printer.print_document(demo_document("ticket"))
    assert (result.outcome, result.reason) == (PrintOutcome.FAILED, FailureReason.PAPER_OUT)
    assert result.message == "Máy in hết giấy, chưa in được phiếu."
    assert _sim(sim_printer).jobs == []
    assert sim_printer.status().state is PrinterState.PAPER_OUT


def test_cover_open_and_offline_have_their_own_reasons(sim_printer: ReceiptPrinter) -> None:
    sim = _sim(sim_printer)
    sim.inject("cover_open")
    assert sim_printer.print_document(demo_document("ticket")).reason is FailureReason.COVER_OPEN
    sim.clear()
    sim.inject("offline")
    result = sim_printer.print_document(demo_document("ticket"))
    assert result.reason is FailureReason.OFFLINE
    assert sim_printer.status().state is PrinterState.OFFLINE


def test_paper_near_end_still_prints_and_says_so(sim_printer: ReceiptPrinter) -> None:
    _sim(sim_printer).inject("paper_near_end")
    result = sim_printer.print_document(demo_document("ticket"))
    assert result.printed
    assert result.status is not None and result.status.state is PrinterState.PAPER_NEAR_END
    assert result.message == "Đã in phiếu. Máy in sắp hết giấy."


def test_slow_printer_times_out_and_the_late_job_is_never_printed() -> None:
    printer = ReceiptPrinter(
        PrinterConfig(id="slow", timeout_s=0.2, print_timeout_s=0.2, sim_faults=["slow"])
    )
    sim = _sim(printer)
    try:
        result = printer.print_document(demo_document("ticket"))
        assert (result.outcome, result.reason) == (PrintOutcome.FAILED, FailureReason.TIMEOUT)
        sim.clear("slow")
    finally:
        printer.close()
    assert sim.jobs == []  # the worker saw the cancellation before sending: no ghost ticket


def test_reprint_sends_the_same_document_marked_as_reprint(sim_printer: ReceiptPrinter) -> None:
    first = sim_printer.print_document(demo_document("ticket"))
    again = sim_printer.reprint(first.job_id)
    assert again.printed and again.job_id == first.job_id
    jobs = _sim(sim_printer).jobs
    assert len(jobs) == 2 and jobs[1].data != jobs[0].data  # the 'BẢN IN LẠI' band was added


def test_reprint_of_an_unknown_job_fails_clearly(sim_printer: ReceiptPrinter) -> None:
    result = sim_printer.reprint("nope")
    assert result.reason is FailureReason.UNKNOWN_JOB


def test_bad_document_is_a_render_failure_not_an_exception(sim_printer: ReceiptPrinter) -> None:
    result = sim_printer.print_document("not a document")  # type: ignore[arg-type]
    assert result.reason is FailureReason.RENDER_FAILED


def test_print_async_resolves_off_the_calling_thread(sim_printer: ReceiptPrinter) -> None:
    caller = threading.get_ident()
    seen: list[int] = []
    original = sim_printer._print_job

    def spy(job):  # type: ignore[no-untyped-def]
        seen.append(threading.get_ident())
        return original(job)

    sim_printer._print_job = spy  # type: ignore[method-assign]
    result = sim_printer.print_async(demo_document("ticket")).result(timeout=10)
    assert result.printed and seen and seen[0] != caller


def test_result_payload_is_plain_json(sim_printer: ReceiptPrinter) -> None:
    import json

    payload = sim_printer.print_document(demo_document("ticket")).to_payload()
    assert json.loads(json.dumps(payload)) == payload
    assert payload["outcome"] == "printed"


def test_priority_free_ticket_without_estimate_renders(sim_printer: ReceiptPrinter) -> None:
    ticket = TicketData(
        site_id="hcc",
        centre_name="UBND phường Bến Nghé",
        number="B001",
        service_name="Đăng ký khai sinh",
        department_name="Tư pháp – Hộ tịch",
        counters=(),
        issued_at=datetime(2025, 7, 1, 8, 0),
        people_ahead=0,
    )
    assert sim_printer.print_document(ticket).printed
