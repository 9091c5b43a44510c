"""Raster encoding: what python-escpos sends decodes back to exactly the rendered page."""

from __future__ import annotations

from dataclasses import replace

import numpy
import pytest
from PIL import Image, ImageChops, ImageDraw

from hw.printer.demo import DEMOS, demo_document
from hw.printer.profiles import PROFILES
from hw.printer.raster import DecodeError, decode, plan_bands
from hw.printer.service import ReceiptPrinter, encode
from shared.config.printer import PrinterConfig


def _same(a: Image.Image, b: Image.Image) -> bool:
    return ImageChops.difference(a.convert("L"), b.convert("L")).getbbox() is None


@pytest.mark.parametrize("profile", ["80mm", "58mm", "tm-t88"])
@pytest.mark.parametrize("kind", sorted(DEMOS))
def test_raster_round_trip_is_lossless(profile: str, kind: str) -> None:
    printer = ReceiptPrinter(PrinterConfig(id="p", profile=profile))
    try:
        pages = printer.render(demo_document(kind))
    finally:
        printer.close()
    assert all(page.width == PROFILES[profile].width_dots for page in pages)
    with_cutter = replace(printer.profile, cutter=True)  # a cut splits the decoded pages
    job = decode(encode(pages, with_cutter), printer.profile.width_dots)
    assert len(job.pages) == len(pages)
    for decoded, page in zip(job.pages, pages, strict=True):
        assert _same(decoded, page)


def test_big_number_and_qr_go_at_half_resolution(sim_printer: ReceiptPrinter) -> None:
    page = sim_printer.render(demo_document("ticket"))[0]
    half = [band for band in plan_bands(page) if band.half]
    assert len(half) == 2  # the number and the QR code


def test_ticket_bytes_stay_within_the_budget(sim_printer: ReceiptPrinter) -> None:
    assert len(sim_printer.encode(demo_document("ticket"))) <= 25_000


def test_page_is_pure_black_and_white_without_speckles(sim_printer: ReceiptPrinter) -> None:
    page = sim_printer.render(demo_document("ticket"))[0]
    assert page.mode == "1"
    # No isolated single black dots: anti-aliasing was thresholded, not dithered.
    black = numpy.asarray(page.convert("L")) == 0
    inner = black[1:-1, 1:-1]
    neighbours = black[:-2, 1:-1] | black[2:, 1:-1] | black[1:-1, :-2] | black[1:-1, 2:]
    assert int((inner & ~neighbours).sum()) < 10


def test_cut_separates_pages_and_narrow_bands_are_left_aligned() -> None:
    page = Image.new("1", (64, 40), 1)
    ImageDraw.Draw(page).rectangle((0, 10, 7, 12), fill=0)
    profile = PROFILES["80mm"]
    data = encode([page, page], profile)
    job = decode(data, 64)
    assert len(job.pages) == 2
    assert all(_same(p, page) for p in job.pages)


def test_decoder_rejects_bytes_it_does_not_understand() -> None:
    with pytest.raises(DecodeError):
        decode(b"\x1b@Hello", 576)


def test_decoder_rejects_a_truncated_raster() -> None:
    with pytest.raises(DecodeError):
        decode(b"\x1dv0\x00\x02\x00\x02\x00\xff", 576)
