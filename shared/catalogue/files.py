"""Reading the rows of a catalogue file: CSV (UTF-8, ',' ';' or tab) or XLSX (first sheet)."""

from __future__ import annotations

import csv
import io
import zipfile
from pathlib import Path

from openpyxl import load_workbook
from openpyxl.utils.exceptions import InvalidFileException

from shared.catalogue.columns import recognised
from shared.catalogue.errors import CatalogueError

Row = tuple[int, list[object]]
"""A row of the file: its number as a spreadsheet shows it (1 = first row) and its cells."""

DELIMITERS = (",", ";", "\t")


def read_rows(path: Path) -> list[Row]:
    """Return every row of a .csv or .xlsx file, raising CatalogueError when it cannot be read."""
    suffix = path.suffix.lower()
    if suffix == ".csv":
        return _csv_rows(path)
    if suffix in (".xlsx", ".xlsm"):
        return _xlsx_rows(path)
    if suffix == ".xls":
        raise CatalogueError(
            str(path), ["tệp .xls (Excel 97–2003) không được hỗ trợ; hãy lưu lại thành .xlsx."]
        )
    raise CatalogueError(str(path), ["chỉ nhận tệp .csv hoặc .xlsx."])


def _read_bytes(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except FileNotFoundError:
        raise CatalogueError(str(path), ["không tìm thấy tệp."]) from None
    except OSError as exc:
        raise CatalogueError(str(path), [f"không đọc được tệp: {exc.strerror}."]) from None


def _csv_rows(path: Path) -> list[Row]:
    raw = _read_bytes(path)
    try:
        content = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise CatalogueError(
            str(path),
            [
                f"tệp không phải UTF-8 (byte thứ {exc.start + 1}); "
                "trong Excel hãy chọn Lưu thành «CSV UTF-8 (Comma delimited)»."
            ],
        ) from None
    reader = csv.reader(io.StringIO(content, newline=""), delimiter=_delimiter(content))
    try:
        return [(number, list(cells)) for number, cells in enumerate(reader, start=1)]
    except csv.Error as exc:
        raise CatalogueError(str(path), [f"dòng {reader.line_num}: lỗi CSV: {exc}."]) from None


def _delimiter(content: str) -> str:
    """Pick the delimiter that makes the most of the first line's headers known columns."""
    first = content.split("\n", 1)[0]
    scores = [(recognised(next(csv.reader([first], delimiter=d), [])), d) for d in DELIMITERS]
    best = max(score for score, _ in scores)
    return next(d for score, d in scores if score == best)


def _xlsx_rows(path: Path) -> list[Row]:
    try:
        workbook = load_workbook(path, data_only=True)
    except FileNotFoundError:
        raise CatalogueError(str(path), ["không tìm thấy tệp."]) from None
    except (zipfile.BadZipFile, InvalidFileException, KeyError, ValueError, OSError) as exc:
        raise CatalogueError(str(path), [f"không mở được tệp Excel: {exc}."]) from None
    try:
        sheet = workbook.worksheets[0]
        rows = sheet.iter_rows(min_row=1, values_only=True)
        return [(number, list(cells)) for number, cells in enumerate(rows, start=1)]
    finally:
        workbook.close()
