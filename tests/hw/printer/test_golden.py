"""Golden tests: each document → ESC/POS bytes → decoded raster → compared with a stored image.

Set MOTCUA_UPDATE_GOLDEN=1 to rewrite the stored images after a deliberate layout change
(then look at them before committing).
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
import zxingcpp
from PIL import Image, ImageChops

from hw.printer.demo import DEMOS, demo_document
from hw.printer.documents import AppointmentSlipData, TicketData
from hw.printer.raster import decode
from hw.printer.service import ReceiptPrinter

GOLDEN = Path(__file__).resolve().parents[2] / "resources" / "printer"
# Other FreeType/DejaVu builds may move a few anti-aliasing pixels; a layout change moves many.
MAX_DIFFERENT = 0.003


def _decoded(printer: ReceiptPrinter, kind: str) -> Image.Image:
    data = printer.encode(demo_document(kind))
    return decode(data, printer.profile.width_dots, printer.profile.line_dots).preview()


@pytest.mark.parametrize("kind", sorted(DEMOS))
def test_document_prints_as_the_golden_image(sim_printer: ReceiptPrinter, kind: str) -> None:
    image = _decoded(sim_printer, kind)
    golden = GOLDEN / f"{kind}.png"
    if os.environ.get("MOTCUA_UPDATE_GOLDEN") or not golden.exists():
        image.save(golden, optimize=True)
        pytest.skip(f"golden image written: {golden.name}")
    expected = Image.open(golden).convert("1")
    assert image.size == expected.size, f"{kind}: page size changed (layout or font changed?)"
    diff = ImageChops.difference(image.convert("L"), expected.convert("L"))
    changed = sum(diff.histogram()[1:])
    assert changed / (image.width * image.height) <= MAX_DIFFERENT, f"{kind}: {changed} px differ"


def test_decoded_ticket_qr_reads_back_as_the_ticket_code(sim_printer: ReceiptPrinter) -> None:
    ticket = demo_document("ticket")
    assert isinstance(ticket, TicketData)
    page = _decoded(sim_printer, "ticket").convert("L")
    found = zxingcpp.read_barcode(
        page, formats=zxingcpp.BarcodeFormats(zxingcpp.BarcodeFormat.QRCode)
    )
    assert found is not None and found.text == ticket.qr_text


def test_decoded_slip_has_two_copies_and_a_readable_dossier_qr(
    sim_printer: ReceiptPrinter,
) -> None:
    slip = demo_document("slip")
    assert isinstance(slip, AppointmentSlipData)
    data = sim_printer.encode(slip)
    job = decode(data, sim_printer.profile.width_dots, sim_printer.profile.line_dots)
    assert len(job.pages) == 2
    found = zxingcpp.read_barcode(
        job.pages[0].convert("L"), formats=zxingcpp.BarcodeFormats(zxingcpp.BarcodeFormat.QRCode)
    )
    assert found is not None and found.text == slip.qr_text
