"""Reading the rows of a catalogue file: CSV (UTF-8, ',' ';' or tab) or XLSX (first sheet)."""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Iterable
from pathlib import Path

from openpyxl import load_workbook
from openpyxl.utils.exceptions import InvalidFileException

from shared.catalogue.columns import recognised
from shared.catalogue.errors import CatalogueError

Row = tuple[int, list[object]]
"""A row of the file: its number as a spreadsheet shows it (1 = first row) and its cells."""

DELIMITERS = (",", ";", "\t")
# A province lists about 1,500 procedures. These bounds leave room, and make a broken or hostile
# file (a stray cell at row 1,048,576, a zip that unpacks to gigabytes) quick to refuse.
MAX_ROWS = 20_000
"""The last row a catalogue may use (spreadsheet row or CSV line), the header included."""
MAX_COLUMNS = 30
"""The last column a catalogue may use (the known columns, plus notes such as STT)."""
MAX_FILE_BYTES = 20 * 1024 * 1024
"""The largest catalogue file read."""
MAX_UNPACKED_BYTES = 64 * 1024 * 1024
"""The most an XLSX file may unpack to, all its parts together."""


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


def _number(value: int) -> str:
    """Write a count the Vietnamese way: 20.000."""
    return f"{value:,}".replace(",", ".")


def _megabytes(size: int) -> str:
    return f"{size / 1024 / 1024:.0f} MB"


def _check_size(path: Path) -> None:
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        raise CatalogueError(str(path), ["không tìm thấy tệp."]) from None
    except OSError as exc:
        raise CatalogueError(str(path), [f"không đọc được tệp: {exc.strerror}."]) from None
    if size > MAX_FILE_BYTES:
        limit = _megabytes(MAX_FILE_BYTES)
        raise CatalogueError(str(path), [f"tệp quá lớn ({_megabytes(size)}, tối đa {limit})."])


def _too_many_rows(path: Path) -> CatalogueError:
    return CatalogueError(
        str(path),
        [
            f"quá nhiều dòng: danh mục dùng tối đa {_number(MAX_ROWS)} dòng, tệp có dữ liệu "
            "hoặc định dạng ở dòng sau đó; hãy xóa các dòng thừa ở cuối bảng."
        ],
    )


def _too_many_columns(path: Path, row: int | None) -> CatalogueError:
    where = f"dòng {row}: " if row is not None else ""
    return CatalogueError(
        str(path),
        [
            f"{where}quá nhiều cột: danh mục dùng tối đa {MAX_COLUMNS} cột, tệp có dữ liệu "
            "hoặc định dạng ở cột sau đó; hãy xóa các cột thừa bên phải."
        ],
    )


def _bounded(path: Path, rows: Iterable[tuple[object, ...] | list[str]]) -> list[Row]:
    """Number the rows, refusing a file that goes past MAX_ROWS rows or MAX_COLUMNS columns."""
    result: list[Row] = []
    for number, cells in enumerate(rows, start=1):
        if number > MAX_ROWS:
            raise _too_many_rows(path)
        values = list(cells)
        if any(value not in (None, "") for value in values[MAX_COLUMNS:]):
            raise _too_many_columns(path, number)
        result.append((number, values[:MAX_COLUMNS]))
    return result


def _read_bytes(path: Path) -> bytes:
    _check_size(path)
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
        return _bounded(path, reader)
    except csv.Error as exc:
        raise CatalogueError(str(path), [f"dòng {reader.line_num}: lỗi CSV: {exc}."]) from None


def _delimiter(content: str) -> str:
    """Pick the delimiter that makes the most of the first line's headers known columns."""
    first = content.split("\n", 1)[0]
    scores = [(recognised(next(csv.reader([first], delimiter=d), [])), d) for d in DELIMITERS]
    best = max(score for score, _ in scores)
    return next(d for score, d in scores if score == best)


def _check_unpacked(path: Path) -> None:
    """Refuse an XLSX whose parts would unpack past MAX_UNPACKED_BYTES (a zip bomb)."""
    try:
        with zipfile.ZipFile(path) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, OSError) as exc:
        raise CatalogueError(str(path), [f"không mở được tệp Excel: {exc}."]) from None
    if unpacked > MAX_UNPACKED_BYTES:
        raise CatalogueError(
            str(path),
            [
                f"tệp Excel giải nén ra {_megabytes(unpacked)}, quá giới hạn "
                f"{_megabytes(MAX_UNPACKED_BYTES)}; hãy lưu lại chỉ với bảng danh mục."
            ],
        )


def _xlsx_rows(path: Path) -> list[Row]:
    _check_size(path)
    _check_unpacked(path)
    try:
        # Read-only mode streams the sheet row by row instead of building every cell first.
        workbook = load_workbook(path, read_only=True, data_only=True)
    except FileNotFoundError:
        raise CatalogueError(str(path), ["không tìm thấy tệp."]) from None
    except (zipfile.BadZipFile, InvalidFileException, KeyError, ValueError, OSError) as exc:
        raise CatalogueError(str(path), [f"không mở được tệp Excel: {exc}."]) from None
    try:
        sheet = workbook.worksheets[0]
        # The size the sheet declares is used only to refuse early, never to stop reading.
        declared_rows = getattr(sheet, "max_row", None)
        if isinstance(declared_rows, int) and declared_rows > MAX_ROWS:
            raise _too_many_rows(path)
        declared_columns = getattr(sheet, "max_column", None)
        if isinstance(declared_columns, int) and declared_columns > MAX_COLUMNS:
            raise _too_many_columns(path, None)
        # It may be wrong or missing: forget it and count while streaming. One column past
        # the limit is read, to tell a row that uses it; cells further right are never built.
        reset = getattr(sheet, "reset_dimensions", None)
        if reset is not None:
            reset()
        rows = sheet.iter_rows(min_row=1, max_col=MAX_COLUMNS + 1, values_only=True)
        return _bounded(path, rows)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
        raise CatalogueError(str(path), [f"không đọc được tệp Excel: {exc}."]) from None
    finally:
        workbook.close()
