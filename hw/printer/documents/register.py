"""Sổ theo dõi hồ sơ (Mẫu 07; Mẫu 06 under TT 01/2018): one row per dossier of a period.

Printed on A4 landscape (a PDF, its header repeated on every sheet) and written as XLSX.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, Side
from PIL import Image

from hw.printer.canvas import Canvas, Cell, Draw, PageStyle
from hw.printer.documents.common import Letterhead, form_spec, start_form
from reports.xlsx import safe_cell_text
from shared.domain.form_sets import FormKind, FormSpec


@dataclass(frozen=True)
class RegisterRow:
    """One dossier as the register records it."""

    code: str
    procedure_name: str
    sets: int
    citizen_name: str
    citizen_contact: str
    handling_body: str
    received_at: datetime
    due_at: datetime
    transferred_at: datetime | None = None
    finished_at: datetime | None = None
    returned_at: datetime | None = None
    note: str = ""


@dataclass(frozen=True)
class RegisterData(Letterhead):
    """The register of a period: who keeps it and its rows, oldest first."""

    agency_name: str
    place: str
    issued_at: datetime
    period_from: date
    period_to: date
    rows: tuple[RegisterRow, ...]
    book: str = "01"


def _when(moment: datetime | None) -> str:
    return f"{moment:%H:%M %d/%m/%Y}" if moment is not None else ""


def row_cells(index: int, row: RegisterRow) -> list[str]:
    """Return the register's cells of one row, in the form's column order."""
    return [
        str(index),
        row.code,
        row.procedure_name,
        str(row.sets),
        row.citizen_name,
        row.citizen_contact,
        row.handling_body,
        _when(row.received_at),
        _when(row.due_at),
        _when(row.transferred_at),
        _when(row.finished_at),
        _when(row.returned_at),
        "",
        row.note,
    ]


SHARES = (0.5, 2.4, 2.2, 0.8, 1.5, 2.0, 1.5, 1.2, 1.2, 1.2, 1.2, 1.2, 1.0, 1.3)


def _one_line(text: str, size: float) -> Draw:
    """A cell drawn on one line, shrunk to fit."""

    def draw(sub: Canvas) -> None:
        sub.fitted(text, size, bold=False, align="left")

    return draw


def _period(data: RegisterData) -> str:
    first, last = data.period_from, data.period_to
    return f"Quyển số {data.book} — từ ngày {first:%d/%m/%Y} đến ngày {last:%d/%m/%Y}"


def _sheet(style: PageStyle, data: RegisterData, spec: FormSpec, first: bool) -> Canvas:
    """Start one sheet: the full heading on the first, a short one after, then the column heads."""
    if first:
        canvas = start_form(style, data, spec)
    else:
        canvas = Canvas(style)
        canvas.space(4)
        canvas.text(f"{spec.title.upper()} — {data.agency_name}", 20, bold=True, align="center")
    canvas.text(_period(data), 20, align="center")
    canvas.space(6)
    return canvas


def render_register(data: RegisterData, style: PageStyle) -> list[Image.Image]:
    """Lay out the register; on sheets, one image per sheet with the column heads repeated."""
    spec = form_spec(data, FormKind.REGISTER)
    columns = spec.columns if len(spec.columns) == len(SHARES) else spec.columns[: len(SHARES)]
    canvas = _sheet(style, data, spec, first=True)
    if not style.sheet:
        for i, row in enumerate(data.rows, start=1):
            canvas.rule(thickness=1, gap=5)
            for label, value in zip(columns, row_cells(i, row), strict=False):
                if value:
                    canvas.field(label, value, 19)
        return [canvas.finish()]
    size = 15
    widths = canvas.table_widths(SHARES)
    numbers = [f"({i})" for i in range(1, len(columns) + 1)]
    limit = style.page_height or style.width * 210 // 297
    pages: list[Image.Image] = []

    def start_table(c: Canvas) -> None:
        c.table_top()
        for head in (list(columns), numbers):
            c.paste_row(widths, c.table_row(widths, head, size, header=True))

    start_table(canvas)
    bottom = style.pt(16)
    for i, row in enumerate(data.rows, start=1):
        texts: list[Cell] = list(row_cells(i, row))
        texts[1] = _one_line(row.code, size)  # a dossier code is never cut
        cells = canvas.table_row(widths, texts, size)
        if canvas.y + canvas.row_height(cells) + bottom > limit and i > 1:
            pages.append(canvas.finish())
            canvas = _sheet(style, data, spec, first=False)
            start_table(canvas)
        canvas.paste_row(widths, cells)
    if not data.rows:
        canvas.space(10)
        canvas.text("Không có hồ sơ nào trong khoảng thời gian này.", 20, align="center")
    pages.append(canvas.finish())
    return pages


def write_register_xlsx(data: RegisterData, path: Path) -> Path:
    """Write the register as an XLSX sheet; text that looks like a formula stays text."""
    spec = form_spec(data, FormKind.REGISTER)
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = f"Mẫu {spec.number}"
    thin = Side(style="thin")
    box = Border(left=thin, right=thin, top=thin, bottom=thin)
    wrap = Alignment(wrap_text=True, vertical="top")
    sheet.append([safe_cell_text(data.agency_name.upper())])
    sheet.append([safe_cell_text(spec.title.upper())])
    sheet.append([safe_cell_text(_period(data))])
    sheet.append([])
    sheet.append([safe_cell_text(c) for c in spec.columns])
    sheet.append([f"({i})" for i in range(1, len(spec.columns) + 1)])
    head_row = sheet.max_row - 1
    for i, row in enumerate(data.rows, start=1):
        sheet.append([safe_cell_text(cell) for cell in row_cells(i, row)][: len(spec.columns)])
    for cell in sheet[2]:
        cell.font = Font(bold=True, size=14)
    for line in sheet.iter_rows(min_row=head_row, max_row=sheet.max_row):
        for cell in line:
            cell.border = box
            cell.alignment = wrap
            if cell.row <= head_row + 1:
                cell.font = Font(bold=True)
    for index, share in enumerate(SHARES[: len(spec.columns)], start=1):
        letter = sheet.cell(row=head_row, column=index).column_letter
        sheet.column_dimensions[letter].width = max(6.0, share * 12)
    sheet.freeze_panes = sheet.cell(row=head_row + 2, column=1)
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    path.parent.mkdir(parents=True, exist_ok=True)
    book.save(path)
    return path
