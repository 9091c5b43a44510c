"""The spreadsheet: one sheet per table, headings in bold, numbers as numbers."""

from __future__ import annotations

from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from reports.figures import Report
from reports.table_model import Kind, Table
from reports.tables import all_tables

_FORMATS = {Kind.COUNT: "#,##0", Kind.MINUTES: "0.0", Kind.PERCENT: "0.0", Kind.TEXT: "General"}
# A cell starting with one of these is read as a formula by Excel, LibreOffice and Sheets
# (names come from the catalogue, the site file and officer accounts: not trusted text).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_HEADER_FILL = PatternFill("solid", fgColor="DCE6F1")
_BOLD = Font(bold=True)


def period_text(report: Report) -> str:
    """Return the period as 'từ dd/mm/yyyy đến dd/mm/yyyy'."""
    return f"từ {report.first_day:%d/%m/%Y} đến {report.last_day:%d/%m/%Y}"


def safe_cell_text(text: str) -> str:
    """Return text for a CSV cell: an apostrophe before anything a spreadsheet runs as formula."""
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def _as_text(sheet: Worksheet) -> None:
    """Make every formula-looking string of the sheet plain, quoted text (never a live formula)."""
    for row in sheet.iter_rows():
        for cell in row:
            if isinstance(cell.value, str) and cell.value.startswith(FORMULA_STARTS):
                cell.data_type = "s"
                cell.quotePrefix = True  # the text stays text even if someone edits the cell


def _write_table(sheet: Worksheet, report: Report, table: Table) -> None:
    scope = report.site_name
    if report.department_name:
        scope += f" — {report.department_name}"
    sheet.append([table.title])
    sheet["A1"].font = Font(bold=True, size=13)
    sheet.append([f"{scope}, {period_text(report)}"])
    sheet.append([])
    sheet.append([column.title for column in table.columns])
    header_row = sheet.max_row
    for cell in sheet[header_row]:
        cell.font = _BOLD
        cell.fill = _HEADER_FILL
        cell.alignment = Alignment(wrap_text=True, vertical="center")
    rows = list(table.rows)
    if table.total is not None:
        rows.append(table.total)
    for values in rows:
        sheet.append(list(values))
        for cell, column in zip(sheet[sheet.max_row], table.columns, strict=True):
            if isinstance(cell.value, int | float):
                fmt = _FORMATS[column.kind]
                cell.number_format = "0.0" if isinstance(cell.value, float) else fmt
    if table.total is not None:
        for cell in sheet[sheet.max_row]:
            cell.font = _BOLD
    if not table.rows:
        sheet.append(["Không có số liệu trong kỳ."])
    if table.note:
        sheet.append([])
        sheet.append([f"Ghi chú: {table.note}"])
    sheet.freeze_panes = sheet.cell(row=header_row + 1, column=2)
    for index, column in enumerate(table.columns, start=1):
        longest = max(
            [len(column.title) // 2 + 2, *(len(str(r[index - 1] or "")) for r in rows)], default=8
        )
        width = min(48, max(9, longest + 2)) if column.kind is Kind.TEXT else 13
        sheet.column_dimensions[get_column_letter(index)].width = width


def write_xlsx(report: Report, path: Path) -> Path:
    """Write the workbook to `path` and return it."""
    book = Workbook()
    first = book.active
    assert first is not None
    book.remove(first)
    for table in all_tables(report):
        sheet = book.create_sheet(table.sheet[:31])
        _write_table(sheet, report, table)
        _as_text(sheet)
    book.properties.title = f"Báo cáo thống kê {period_text(report)}"
    book.properties.creator = "Motcua"
    book.save(path)
    return path
