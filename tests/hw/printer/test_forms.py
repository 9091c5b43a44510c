"""The official forms: numbering by form set, codes kept whole, tables, A4/A5 sheets, register."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from datetime import datetime
from pathlib import Path

import pytest
import zxingcpp
from openpyxl import load_workbook
from PIL import Image

from admin.cli import main
from hw.printer.canvas import record_lines
from hw.printer.demo import demo_document
from hw.printer.documents import (
    ApologyData,
    AppointmentSlipData,
    ControlSheetData,
    RegisterData,
    StopNoticeData,
    render_sheets,
)
from hw.printer.documents.register import write_register_xlsx
from hw.printer.fonts import find_fonts
from hw.printer.raster import decode
from hw.printer.service import ReceiptPrinter
from shared.config.printer import PrinterConfig

LONG_CODE = "000.00.17.H12.X99.Y01-20261123-000123456"


@pytest.fixture
def printer_58mm() -> Iterator[ReceiptPrinter]:
    printer = ReceiptPrinter(
        PrinterConfig(id="sim-58", profile="58mm", timeout_s=0.5, print_timeout_s=5)
    )
    yield printer
    printer.close()


def _printed_lines(printer: ReceiptPrinter, document: object) -> tuple[list[str], bytes]:
    with record_lines() as lines:
        data = printer.encode(document)  # type: ignore[arg-type]
    return lines, data


def test_a_long_dossier_code_stays_on_one_line_at_58mm(printer_58mm: ReceiptPrinter) -> None:
    slip = demo_document("slip")
    assert isinstance(slip, AppointmentSlipData)
    slip = replace(slip, dossier_code=LONG_CODE)
    lines, data = _printed_lines(printer_58mm, slip)
    assert sum(LONG_CODE in line for line in lines) == 2  # one line in each copy
    for line in lines:
        if LONG_CODE not in line:
            assert LONG_CODE[:12] not in line and LONG_CODE[-9:] not in line, line  # no piece
    job = decode(data, printer_58mm.profile.width_dots, printer_58mm.profile.line_dots)
    assert job.width == 384  # a 58 mm profile without a cutter: both copies on one strip
    found = zxingcpp.read_barcode(
        job.pages[0].convert("L"), formats=zxingcpp.BarcodeFormats(zxingcpp.BarcodeFormat.QRCode)
    )
    assert found is not None and found.text == slip.qr_text


def test_the_control_sheet_is_mau_06_now_and_mau_05_for_an_old_dossier(
    sim_printer: ReceiptPrinter,
) -> None:
    control = demo_document("control")
    assert isinstance(control, ControlSheetData)
    lines, _ = _printed_lines(sim_printer, control)
    assert "Mẫu số 06" in lines
    assert "Kèm theo Giấy tiếp nhận hồ sơ và hẹn trả kết quả số: 0002" in " ".join(lines)
    old, _ = _printed_lines(sim_printer, replace(control, form_set="tt01-2018"))
    assert "Mẫu số 05" in old and "Mẫu số 06" not in old


def test_the_control_sheet_on_a4_is_a_ruled_table_with_a_row_per_handover() -> None:
    control = demo_document("control")
    assert isinstance(control, ControlSheetData)
    with record_lines() as lines:
        (page,) = render_sheets(control, "a4", find_fonts())
    assert page.size == (1240, 1754)  # A4 at 150 dpi
    assert "TÊN CƠ QUAN" in lines and "GHI CHÚ" in lines
    assert lines.count("Người giao") == len(control.handovers)
    assert lines.count("Người nhận") == len(control.handovers)
    assert {"Trước hạn", "Quá hạn"} <= set(lines)


def test_the_stop_notice_gives_the_reason_and_is_mau_05(sim_printer: ReceiptPrinter) -> None:
    notice = demo_document("stop")
    assert isinstance(notice, StopNoticeData)
    lines, _ = _printed_lines(sim_printer, notice)
    text = " ".join(lines)
    assert "Mẫu số 05" in lines and "THÔNG BÁO DỪNG GIẢI QUYẾT HỒ SƠ" in text
    assert "Cơ sở dữ liệu quốc gia về dân cư" in text
    assert notice.dossier_code in text


def test_the_apology_shows_the_old_and_the_new_date(sim_printer: ReceiptPrinter) -> None:
    apology = demo_document("apology")
    assert isinstance(apology, ApologyData)
    lines, _ = _printed_lines(sim_printer, apology)
    text = " ".join(lines)
    assert f"{apology.new_due_at:%d/%m/%Y}" in text
    assert f"{apology.original_due_at:%d/%m/%Y}" in text
    assert apology.new_due_at != apology.original_due_at
    assert "ĐỀ NGHỊ" in text  # TT 03/2025: a request for more time


def _register_with(rows: int) -> RegisterData:
    book = demo_document("register")
    assert isinstance(book, RegisterData)
    many = tuple(replace(book.rows[i % len(book.rows)]) for i in range(rows))
    return replace(book, rows=many)


def test_a_long_register_repeats_its_column_heads_on_every_a4_sheet() -> None:
    book = _register_with(40)
    with record_lines() as lines:
        pages = render_sheets(book, "a4", find_fonts())
    assert len(pages) >= 3
    assert all(page.size == (1754, 1240) for page in pages)  # A4 landscape
    assert lines.count("Mã hồ sơ") == len(pages)


def test_the_register_xlsx_keeps_formula_like_text_as_text(tmp_path: Path) -> None:
    book = demo_document("register")
    assert isinstance(book, RegisterData)
    evil = replace(book.rows[0], citizen_name='=HYPERLINK("http://x")', note="@SUM(1)")
    path = write_register_xlsx(replace(book, rows=(evil, *book.rows[1:])), tmp_path / "so.xlsx")
    sheet = load_workbook(path).active
    assert sheet is not None
    values = [[c.value for c in row] for row in sheet.iter_rows()]
    header = values[4]
    assert header[1] == "Mã hồ sơ" and len(header) == 14
    first = values[6]
    assert first[1] == book.rows[0].code
    assert not str(first[4]).startswith("=") and "HYPERLINK" in str(first[4])
    assert not str(first[13]).startswith("@")
    assert all(cell.data_type != "f" for row in sheet.iter_rows() for cell in row)


@pytest.mark.parametrize("name", [f"form-0{i}" for i in range(1, 8)])
def test_render_every_form_of_the_current_set_as_a5_pdf(tmp_path: Path, name: str) -> None:
    out = tmp_path / f"{name}.pdf"
    assert main(["hw", "render", name, "--paper", "a5", "--out", str(out)]) == 0
    assert out.read_bytes().startswith(b"%PDF")


def test_render_old_names_and_a4_png_of_the_first_page(tmp_path: Path) -> None:
    png = tmp_path / "control.png"
    assert main(["hw", "render", "control", "--paper", "a4", "--out", str(png)]) == 0
    assert Image.open(png).size == (1240, 1754)
    slip = tmp_path / "slip.png"
    assert main(["hw", "render", "form-01", "--paper", "58mm", "--out", str(slip)]) == 0
    assert Image.open(slip).width == 384
    assert main(["hw", "render", "form-08", "--out", str(slip)]) == 2


def test_render_numbers_forms_by_the_set_asked_for(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with record_lines() as lines:
        assert (
            main(["hw", "render", "05", "--set", "tt01-2018", "--out", str(tmp_path / "a.png")])
            == 0
        )
    assert "PHIẾU KIỂM SOÁT QUÁ TRÌNH GIẢI QUYẾT HỒ SƠ" in " ".join(lines)
    assert main(["hw", "render", "07", "--set", "tt01-2018"]) == 2
    assert "không có mẫu số 07" in capsys.readouterr().err


def test_a_sheet_form_keeps_its_issue_date_line() -> None:
    notice = demo_document("stop")
    assert isinstance(notice, StopNoticeData)
    issued: datetime = notice.issued_at
    with record_lines() as lines:
        render_sheets(notice, "a5", find_fonts())
    assert f"Khánh Hòa, ngày {issued.day:02d} tháng {issued.month} năm {issued.year}" in lines
